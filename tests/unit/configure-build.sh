#!/usr/bin/env bash
# configure_build_arg (recipe host-flags): a configure for a host of another
# CPU gets --build, so it never decides by running a test program whether it
# cross-compiles. Without it, a build with qemu-user registered in binfmt_misc
# ran configure's run tests under emulation and one without did not, and two
# builds of one release differed (the native stage's cc1: MPFR's thread-local
# storage). The real check configures a minimal autoconf project for
# aarch64 whose test program runs here: without --build it says "not cross
# compiling" (the control: the flip is real), with the recipe's argument it
# says it is.
# ok never fails, so `cond && ok || not_ok` is safe.
# shellcheck disable=SC2015,SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
trap 'rm -rf "$SCRATCH"' EXIT

arg() {
  bash -c 'set -euo pipefail; TOP=$1 CACHE=$2; shift 2; . "$TOP/scripts/lib.sh"; use_recipes test host-flags
    configure_build_arg "$@"' _ "$TOP" "$SCRATCH" "$@"
}
build=$(gcc -dumpmachine)
[ "$(arg --prefix=/usr --host=aarch64-linux-musl CC=x)" = "--build=$build" ] &&
  ok "a host of another CPU gets --build=$build" || not_ok "aarch64 host: '$(arg --host=aarch64-linux-musl)'"
[ -z "$(arg --host="$(uname -m)-linux-musl")" ] && ok "a host of this CPU gets none (its tests still run natively)" ||
  not_ok "own-CPU host: '$(arg --host="$(uname -m)-linux-musl")'"
[ -z "$(arg --build=x --host=aarch64-linux-musl)" ] && ok "a --build already given is kept alone" ||
  not_ok "explicit --build: '$(arg --build=x --host=aarch64-linux-musl)'"
[ -z "$(arg --prefix=/usr)" ] && ok "no --host: nothing" || not_ok "no host: '$(arg --prefix=/usr)'"

# The real thing: autoconf's decision when the host's test program can run.
# Emulation registered in binfmt_misc makes an aarch64 program run here; a
# compiler for this machine named as the "aarch64" one does the same without
# root or qemu, so the flip shows on any build machine.
if ! command -v autoconf >/dev/null; then
  skip "configure's decision" "needs autoconf (apt-get install autoconf)"
  finish
fi
P="$SCRATCH/proj"
mkdir -p "$P"
printf 'AC_INIT([t], [1])\nAC_PROG_CC\nAC_OUTPUT\n' >"$P/configure.ac"
(cd "$P" && autoconf) || { not_ok "autoconf failed"; finish; }
# cross FLAGS...: what configure says of cross-compiling, given FLAGS.
cross() {
  (cd "$P" && ./configure "$@" CC=gcc 2>&1 | sed -n 's/^checking whether we are cross compiling\.\.\. //p')
}
got=$(cross --host=aarch64-linux-gnu)
[ "$got" = no ] && ok "control: --host alone, a test program that runs: configure says '$got' (not cross-compiling)" ||
  not_ok "control: --host alone with a runnable test program said '$got' (expected no: the flip this guards against)"
got=$(cross "$(arg --host=aarch64-linux-gnu)" --host=aarch64-linux-gnu)
[ "$got" = yes ] && ok "with configure_build_arg: configure says it cross-compiles ('$got') though the program runs" ||
  not_ok "with --build: '$got'"
finish
