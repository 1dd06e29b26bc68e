#!/usr/bin/env bash
# tests/bench/kernel-cross-vs-emulated.sh [--distro NAME] [--jobs N]
#
# One fixed slice of the test-size tickless kernel build (the pinned Linux,
# tinyconfig + scripts/kernel/test-size.config + tickless.config), the
# objects in OBJECTS below, built two ways in one run:
#  - cross: in the build chroot with this project's static cross compiler;
#  - emulated: natively in the target distribution's arm64 root (stage
#    target-root, its own gcc) under qemu-user through binfmt_misc, the slow
#    fallback users resort to.
# Configuration and `make prepare` are done first and not timed; then the
# objects are built from clean in each, timed. Prints both times and the
# ratio. One run; not a test: it gates nothing.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=scripts/binfmt.sh
. "$TOP/scripts/binfmt.sh"

DISTRO=bullseye JOBS=$(nproc)
while [ $# -gt 0 ]; do
  case $1 in
    --distro) DISTRO=${2:?--distro needs a name}; shift ;;
    --jobs) JOBS=${2:?--jobs needs a number}; shift ;;
    *) die "usage: tests/bench/kernel-cross-vs-emulated.sh [--distro NAME] [--jobs N]" ;;
  esac
  shift
done

# The slice: scheduler, timers, RCU, memory management, VFS and a library
# file: what the tickless settings touch, plus common heavy objects.
OBJECTS="kernel/sched/core.o kernel/sched/fair.o kernel/time/tick-sched.o kernel/rcu/tree.o
kernel/fork.o kernel/signal.o mm/page_alloc.o mm/memory.o fs/namei.o fs/dcache.o lib/vsprintf.o"
OUT="$TOP/out/aarch64"
WORK="$CACHE/bench/kernel-cross-vs-emulated"

why=$(binfmt_enable qemu-aarch64) || die "the emulated build needs qemu-user: $why"
for s in build-chroot target-root; do
  "$TOP/build.sh" --distro "$DISTRO" aarch64 "$s" >&2 || die "could not build the $s stage"
done
rm -rf "$WORK"
mkdir -p "$WORK"
rsync -a "$(source_dir linux)/" "$WORK/src/"
cp "$TOP/scripts/kernel/test-size.config" "$TOP/scripts/kernel/tickless.config" "$WORK/"

# in_root ROOT SCRIPT: sh -c SCRIPT in ROOT with WORK at /build.
in_root() { "$TOP/scripts/in-chroot.sh" --bind "$WORK:/build" "$1" sh -c "$2"; }

# setup: configure and prepare O=/build/NAME with make variables VARS.
setup() {
  local root=$1 name=$2 vars=$3
  msg "$name: configure and prepare (not timed)"
  in_root "$root" "set -e; cd /build/src
    make -s O=/build/$name ARCH=arm64 $vars tinyconfig
    KCONFIG_CONFIG=/build/$name/.config scripts/kconfig/merge_config.sh -m -O /build/$name \
      /build/$name/.config /build/test-size.config /build/tickless.config >/dev/null
    make -s O=/build/$name ARCH=arm64 $vars olddefconfig
    make -s O=/build/$name ARCH=arm64 $vars -j$JOBS prepare" >"$WORK/$name-setup.log" 2>&1 ||
    { tail -n 20 "$WORK/$name-setup.log" >&2; die "$name: setup failed (log: $WORK/$name-setup.log)"; }
}

# timed ROOT NAME VARS: seconds to build OBJECTS in O=/build/NAME.
timed() {
  local root=$1 name=$2 vars=$3 start objs
  objs=$(tr '\n' ' ' <<<"$OBJECTS")
  start=$(date +%s.%N)
  in_root "$root" "cd /build/src && make O=/build/$name ARCH=arm64 $vars -j$JOBS $objs" \
    >"$WORK/$name-build.log" 2>&1 ||
    { tail -n 20 "$WORK/$name-build.log" >&2; die "$name: the build failed (log: $WORK/$name-build.log)"; }
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f\n", e - s }'
}

CROSS_VARS="CROSS_COMPILE=aarch64-linux-gnu-"
setup "$OUT/build-chroot/root" cross "$CROSS_VARS"
setup "$OUT/target-root/root" emulated ""
cross=$(timed "$OUT/build-chroot/root" cross "$CROSS_VARS")
emulated=$(timed "$OUT/target-root/root" emulated "")
cc_cross=$(head -n 1 <(in_root "$OUT/build-chroot/root" 'aarch64-linux-gnu-gcc --version'))
cc_emu=$(head -n 1 <(in_root "$OUT/target-root/root" 'gcc --version'))
printf '%d objects of Linux %s (test-size tickless config), -j%s\n' \
  "$(wc -w <<<"$OBJECTS")" "$(make -s -C "$WORK/src" kernelversion)" "$JOBS"
printf '%-9s %9.1f s  %s (x86_64 host, build chroot)\n' cross "$cross" "$cc_cross"
printf '%-9s %9.1f s  %s (arm64 %s root under qemu-user)\n' emulated "$emulated" "$cc_emu" "$DISTRO"
awk -v e="$emulated" -v c="$cross" 'BEGIN { printf "emulated / cross: %.1f\n", e / c }'
rm -rf "$WORK"
