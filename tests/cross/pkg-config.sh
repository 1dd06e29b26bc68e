#!/usr/bin/env bash
# tests/cross/pkg-config.sh [TARBALL]: the toolchain's pkg-config wrappers
# (bin/aarch64-linux-musl-pkg-config, bin/aarch64-linux-gnu-pkg-config) in
# the cross-compiler tarball (default: the cross-package stage's), extracted
# and moved: flags relative to the musl sysroot or
# to a (fake) glibc sysroot, found as ccwrap finds it; the build host's .pc
# files never read, whatever PKG_CONFIG_PATH or PKG_CONFIG_LIBDIR say; the
# names through symlinks; one clear line when the host has no pkg-config or
# the glibc sysroot is missing; and CMake and Meson projects that find a
# (fake) zlib in the musl sysroot through it, link it and run, and stop
# saying so when its zlib.pc is missing and the host's is on PKG_CONFIG_PATH.
# A sysroot path with a space is refused in one line: pkg-config's flags
# cannot carry one, so the toolchain is used here from a path without.
# The same projects against the real glibc sysroot: tests/full/glibc-pkg-config.sh.
# bash -c scripts are single-quoted on purpose; .pc lines are literal.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=tests/helpers/zlib-project.sh
. "$TOP/tests/helpers/zlib-project.sh"
scratch

T=aarch64-linux-musl G=aarch64-linux-gnu
TARBALL=${1:-$TOP/out/aarch64/cross-package/cross-compiler-aarch64.tar.xz}
noenv() { env -i PATH=/usr/bin:/bin "$@"; }

[ -s "$TARBALL" ] || { not_ok "tarball $TARBALL is not built (./build.sh aarch64 cross-package)"; finish; }
if ! command -v pkg-config >/dev/null; then
  skip "pkg-config wrappers" "the host has no pkg-config for them to run (apt-get install pkgconf)"; finish
fi
PLAIN=$(mktemp -d "${TMPDIR:-/tmp}/crossboot-pkg-config.XXXXXX")
trap 'rm -rf "$SCRATCH" "$PLAIN"' EXIT
mkdir -p "$PLAIN/first" "$PLAIN/moved"
tar -xf "$TARBALL" -C "$PLAIN/first"
mv "$PLAIN/first/cross-compiler-aarch64" "$PLAIN/moved/"
TC="$PLAIN/moved/cross-compiler-aarch64"
MPC="$TC/$T/lib/pkgconfig" SYS="$TC/sysroot/$G"

check "bin/$T-pkg-config is an executable POSIX sh script" \
  bash -c 'test -x "$1" && head -n1 "$1" | grep -qx "#!/bin/sh"' _ "$TC/bin/$T-pkg-config"
check "bin/$G-pkg-config is a link to it" test "$(readlink "$TC/bin/$G-pkg-config")" = "$T-pkg-config"
check "the glibc CMake and Meson files name the glibc compiler and pkg-config" bash -c '
  grep -q "bin/$2-gcc" "$1/$2.cmake" && grep -q "bin/$2-pkg-config" "$1/$2.cmake" &&
  grep -q "^c = .$2-gcc.$" "$1/$2.meson" && grep -q "^pkgconfig = .$2-pkg-config.$" "$1/$2.meson"' _ "$TC" "$G"

# pc FILE VERSION [PREFIX]: a zlib-like .pc (Debian's layout by default).
pc() {
  mkdir -p "${1%/*}"
  printf '%s\n' "prefix=${3:-/usr}" "libdir=\${prefix}/${4:-lib/$G}" 'includedir=${prefix}/include' \
    "Name: ${1##*/}" 'Description: test' "Version: $2" 'Libs: -L${libdir} -lz' 'Cflags: -I${includedir}' >"$1"
}
# A fake glibc sysroot where ccwrap looks by default, and the build host's
# .pc files: a zlib of another version and one only the host has.
pc "$SYS/usr/lib/$G/pkgconfig/zlib.pc" 1.2.11-sysroot
pc "$SYS/usr/share/pkgconfig/datadep.pc" 1.0-share
HOSTPC="$SCRATCH/host pc"
host_zlib_pc "$HOSTPC"
pc "$HOSTPC/hostonly.pc" 1.0-host
# pkgconf ends its flags with a space; the checks compare without it.
trimmed() { "$@" | sed 's/ *$//'; }
gnu_pc() { trimmed noenv "$TC/bin/$G-pkg-config" "$@"; }

check "glibc: the sysroot-prefixed flags" \
  test "$(gnu_pc --cflags --libs zlib)" = "-I$SYS/usr/include -L$SYS/usr/lib/$G -lz"
check "glibc: usr/share/pkgconfig is read too" test "$(gnu_pc --modversion datadep)" = 1.0-share
expect_fail "glibc: a host .pc on PKG_CONFIG_PATH is not found" "hostonly" \
  env PKG_CONFIG_PATH="$HOSTPC" "$TC/bin/$G-pkg-config" --modversion hostonly
check "glibc: with the host's zlib.pc on PKG_CONFIG_PATH, zlib is the sysroot's" \
  test "$(env PKG_CONFIG_PATH="$HOSTPC" "$TC/bin/$G-pkg-config" --modversion zlib)" = 1.2.11-sysroot
check "glibc: PKG_CONFIG_LIBDIR and PKG_CONFIG_SYSROOT_DIR from the environment are overridden" \
  test "$(trimmed env PKG_CONFIG_LIBDIR="$HOSTPC" PKG_CONFIG_SYSROOT_DIR=/elsewhere "$TC/bin/$G-pkg-config" --libs zlib)" = "-L$SYS/usr/lib/$G -lz"
check "control: the host's pkg-config itself finds those host .pc files" \
  env PKG_CONFIG_PATH="$HOSTPC" pkg-config --exists hostonly
OTHER="$PLAIN/other-sysroot"
pc "$OTHER/usr/lib/$G/pkgconfig/zlib.pc" 1.2.13-other
check "glibc: CCWRAP_SYSROOT names another sysroot, as for ccwrap" \
  test "$(trimmed env CCWRAP_SYSROOT="$OTHER" "$TC/bin/$G-pkg-config" --libs zlib)" = "-L$OTHER/usr/lib/$G -lz"
SPACED="$SCRATCH/other sysroot"
pc "$SPACED/usr/lib/$G/pkgconfig/zlib.pc" 1.2.13-spaced
expect_fail "glibc: a sysroot path with a space is one line saying why" \
  "^$G-pkg-config: the sysroot path has a space, which pkg-config's flags cannot carry \($SPACED\): move" \
  env CCWRAP_SYSROOT="$SPACED" "$TC/bin/$G-pkg-config" --libs zlib
expect_fail "glibc: a missing sysroot is one line naming where it looked" \
  "^$G-pkg-config: glibc sysroot not found \(looked in /nonexistent/sysroot;.*CCWRAP_SYSROOT\)$" \
  env CCWRAP_SYSROOT=/nonexistent/sysroot "$TC/bin/$G-pkg-config" --libs zlib

# The musl flavour: .pc files in the toolchain's own sysroot, prefix / as
# an install with DESTDIR=TOOLCHAIN/aarch64-linux-musl gives.
pc "$MPC/zlib.pc" 0.0-musl / lib
mkdir -p "$TC/$T/share/pkgconfig"
cp "$SYS/usr/share/pkgconfig/datadep.pc" "$TC/$T/share/pkgconfig/musldata.pc"
check "musl: flags in the toolchain's sysroot" \
  test "$(trimmed noenv "$TC/bin/$T-pkg-config" --cflags --libs zlib)" = "-I$TC/$T/include -L$TC/$T/lib -lz"
check "musl: share/pkgconfig is read too" test "$(noenv "$TC/bin/$T-pkg-config" --modversion musldata)" = 1.0-share
expect_fail "musl: the glibc sysroot's .pc files are not read" "datadep" noenv "$TC/bin/$T-pkg-config" --modversion datadep
expect_fail "musl: a host .pc on PKG_CONFIG_PATH is not found" "hostonly" \
  env PKG_CONFIG_PATH="$HOSTPC" "$TC/bin/$T-pkg-config" --modversion hostonly
EXTRA="$SCRATCH/extra pc"
pc "$EXTRA/extra.pc" 2.0-extra / lib
check "CROSSBOOT_PKG_CONFIG_PATH adds target .pc directories, searched first" bash -c '
  [ "$(env CROSSBOOT_PKG_CONFIG_PATH="$2" "$1" --modversion extra)" = 2.0-extra ]' _ "$TC/bin/$T-pkg-config" "$EXTRA"

# Through symlinks, as ccwrap: an unprefixed name is glibc when the chain
# passes a glibc name or CCWRAP_SYSROOT is set; a masquerade pkgconf or
# pkg-config first in PATH does not make the wrapper run itself.
FARM="$SCRATCH/farm dir"
mkdir -p "$FARM/gnu" "$FARM/musl"
ln -s "$TC/bin/$G-pkg-config" "$FARM/gnu/pkg-config"
ln -s "$TC/bin/$T-pkg-config" "$FARM/musl/pkg-config"
ln -s "$TC/bin/$T-pkg-config" "$FARM/musl/pkgconf"
check "an unprefixed link to the glibc name is glibc" \
  test "$(noenv "$FARM/gnu/pkg-config" --modversion zlib)" = 1.2.11-sysroot
check "an unprefixed link to the musl name is musl" \
  test "$(noenv "$FARM/musl/pkg-config" --modversion zlib)" = 0.0-musl
check "an unprefixed name with CCWRAP_SYSROOT set is glibc" \
  test "$(env -i PATH=/usr/bin:/bin CCWRAP_SYSROOT="$OTHER" "$FARM/musl/pkg-config" --modversion zlib)" = 1.2.13-other
check "links to the wrapper named pkgconf and pkg-config first in PATH: the host's program runs" \
  test "$(env -i PATH="$FARM/musl:/usr/bin:/bin" timeout 10 pkg-config --modversion zlib)" = 0.0-musl
out=$(env -i PATH=/nonexistent /bin/sh "$TC/bin/$T-pkg-config" --libs zlib 2>&1) && rc=0 || rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "^$T-pkg-config: no pkgconf or pkg-config .*apt-get install pkgconf" <<<"$out"; then
  ok "no pkg-config on the host: one line naming the package to install"
else not_ok "no host pkg-config: exit $rc: $out"; fi

# CMake and Meson: a fake zlib (one function) installed in the musl sysroot.
printf 'const char *zlibVersion(void);\n' >"$TC/$T/include/zlib.h"
printf 'const char *zlibVersion(void) { return "0.0-musl"; }\n' >"$SCRATCH/z.c"
if ! "$TC/bin/$T-gcc" -c "$SCRATCH/z.c" -o "$SCRATCH/z.o" || ! "$TC/bin/$T-ar" rcs "$TC/$T/lib/libz.a" "$SCRATCH/z.o"; then
  not_ok "fake zlib for the musl sysroot"
elif ! command -v qemu-aarch64-static >/dev/null; then
  skip "CMake and Meson projects with pkg-config" "qemu-aarch64-static is not installed (apt-get install qemu-user-static)"
elif have_build_systems; then
  zlib_builds "musl zlib through pkg-config" "$T" "$T/lib/libz.a" "$TC/$T" "zlib 0.0-musl" PKG_CONFIG_PATH="$HOSTPC"
  rm "$MPC/zlib.pc"
  check "control: the host's pkg-config finds the host's zlib.pc the projects are given" \
    env PKG_CONFIG_PATH="$HOSTPC" pkg-config --exists zlib
  zlib_fails "musl zlib.pc missing, the host's on PKG_CONFIG_PATH" "$T" PKG_CONFIG_PATH="$HOSTPC"
fi

mkdir -p "$SCRATCH/tool chain"
mv "$TC" "$SCRATCH/tool chain/"
expect_fail "musl: a toolchain under a path with a space is one line saying why" \
  "^$T-pkg-config: the sysroot path has a space, which pkg-config's flags cannot carry" \
  "$SCRATCH/tool chain/cross-compiler-aarch64/bin/$T-pkg-config" --libs zlib
finish
