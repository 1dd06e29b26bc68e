#!/usr/bin/env bash
# tests/full/kernel-packages.sh [TREE]: the kernel-packages issue end to end.
# Cross-builds the test-size "-tickless" packages of TREE (default: the
# pinned Linux sources) for Debian bullseye (the focal stand-in) with
# scripts/kernel-debs.sh, with aarch64 binfmt emulation switched off while it
# builds (a generator built for the wrong machine would otherwise run
# silently under qemu-user), then checks them with scripts/kernel-check.sh:
# Depends, aarch64 host programs in linux-headers, the tickless config, no
# private key, lintian, dpkg install into a bullseye arm64 root, a boot
# under qemu-system-aarch64 with nohz_full=1-3, and an out-of-tree module
# built and loaded inside that guest.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
CACHE=${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
DISTRO=bullseye
TREE=${1:-}

if ! why=$(binfmt_aarch64); then skip "kernel packages" "$why"; finish; fi
# The roots first (the target root's packages are configured under qemu-user).
for s in build-chroot target-root; do
  "$TOP/build.sh" --distro "$DISTRO" aarch64 "$s" >/dev/null 2>&1 || { not_ok "the $s stage builds"; finish; }
done
[ -n "$TREE" ] || TREE=$(source_dir linux)

# Emulation off for the build, back on whatever happens.
binfmt_disable qemu-aarch64
trap 'binfmt_aarch64 >/dev/null || true' EXIT
check "aarch64 binfmt emulation is off during the build" \
  bash -c '! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64'
LOG="$TOP/out/tests/kernel-debs.log"
start=$SECONDS
if "$TOP/scripts/kernel-debs.sh" --distro "$DISTRO" --size test "$TREE" >"$LOG" 2>&1; then
  ok "the test-size tickless packages cross-build with emulation off ($((SECONDS - start))s)"
else
  not_ok "scripts/kernel-debs.sh (log: $LOG)"; tail -n 20 "$LOG" | sed 's/^/#   /'; finish
fi
binfmt_aarch64 >/dev/null
mapfile -t debs < <(sed -n '/^packages in /,$p' "$LOG" | grep '\.deb$' | sed "s|^|$TOP/out/aarch64/debs/|")
if [ ${#debs[@]} -lt 2 ]; then not_ok "kernel-debs.sh names the packages it built"; finish; fi
# kernel-check.sh prints the check lines itself.
"$TOP/scripts/kernel-check.sh" --distro "$DISTRO" "${debs[@]}" || FAILED=1
finish
