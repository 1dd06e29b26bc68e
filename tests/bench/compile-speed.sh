#!/usr/bin/env bash
# tests/bench/compile-speed.sh [--runs N] [--files N] [NAME=COMPILER ...]
#
# Compile speed of aarch64 C compilers on one fixed workload: preprocessed
# files of the pinned Linux kernel (arm64 defconfig), compiled with -O2 at -j1.
# Every compiler compiles the same .i files, so only the compiler proper (cc1)
# is measured. Runs are interleaved; prints each compiler's median and its
# ratio to the first one (the reference), for wall-clock and CPU time. Not a
# test: it gates nothing.
#
# Default compilers: Debian's aarch64-linux-gnu-gcc-12 (reference) and this
# project's tarballs from out/aarch64/: cross-package's (gcc linked against
# glibc) and the release, canadian-package's (static, musl).
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

RUNS=5 NFILES=12
COMPILERS=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift ;;
    --files) NFILES=$2; shift ;;
    *=*) COMPILERS+=("$1") ;;
    *) die "usage: tests/bench/compile-speed.sh [--runs N] [--files N] [NAME=COMPILER ...]" ;;
  esac
  shift
done

# extract_tarball NAME FILE: the toolchain in FILE, extracted under WORK/NAME;
# prints its gcc (nothing when FILE is not there).
extract_tarball() {
  [ -f "$2" ] || return 0
  mkdir -p "$WORK/$1"
  tar -xf "$2" -C "$WORK/$1"
  printf '%s' "$WORK/$1/cross-compiler-aarch64/bin/aarch64-linux-musl-gcc"
}

# Debian's compiler (the reference), then this project's tarballs when built:
# the glibc-hosted one (cross-package) and the static release (canadian-package).
default_compilers() {
  local t="$TOP/out/aarch64" cc
  have aarch64-linux-gnu-gcc-12 || die "Debian's gcc-12-aarch64-linux-gnu is needed as the reference"
  COMPILERS=("debian-gcc-12=aarch64-linux-gnu-gcc-12")
  cc=$(extract_tarball glibc-hosted "$t/cross-package/cross-compiler-aarch64.tar.xz")
  [ -z "$cc" ] || COMPILERS+=("glibc-hosted=$cc")
  cc=$(extract_tarball static "$t/cross-compiler-aarch64.tar.xz")
  [ -z "$cc" ] || COMPILERS+=("static=$cc")
}

# The workload: the first NFILES of a fixed list of large kernel files,
# preprocessed once with the kernel's own flags.
KFILES="kernel/sched/core mm/page_alloc fs/namei net/core/dev kernel/fork mm/memory
fs/dcache kernel/signal mm/vmscan fs/ext4/inode kernel/workqueue lib/vsprintf
block/blk-core kernel/time/timer fs/exec mm/slub"

make_workload() {
  local src kb=$WORK/linux-build f n=0
  src=$(source_dir linux)
  local kmake=(make -s -C "$src" O="$kb" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
    CC=aarch64-linux-gnu-gcc-12 -j"$(nproc)")
  msg "preparing the kernel workload (arm64 defconfig, $NFILES files)"
  "${kmake[@]}" defconfig >/dev/null
  "${kmake[@]}" prepare >/dev/null
  mkdir -p "$WORK/i"
  for f in $KFILES; do
    [ "$n" -lt "$NFILES" ] || break
    "${kmake[@]}" "$f.i" >/dev/null
    cp "$kb/$f.i" "$WORK/i/$(printf '%02d' "$n")-${f//\//_}.i"
    n=$((n + 1))
  done
}

# compile_all COMPILER: "WALL CPU" seconds to compile every .i at -O2, -j1
# (CPU: user + system, which other load on the machine disturbs less).
compile_all() {
  local cc=$1 TIMEFORMAT='%R %U %S' t
  t=$( { time for i in "$WORK"/i/*.i; do
    "$cc" -O2 -std=gnu11 -fno-strict-aliasing -fno-common -fno-PIE -mgeneral-regs-only \
      -fno-asynchronous-unwind-tables -w -c "$i" -o "$WORK/out.o" 2>>"$WORK/cc.log"
  done; } 2>&1 )
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$t"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }

main() {
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  [ ${#COMPILERS[@]} -gt 0 ] || default_compilers
  make_workload
  local r c name
  for r in $(seq "$RUNS"); do
    for c in "${COMPILERS[@]}"; do
      name=${c%%=*}
      compile_all "${c#*=}" >>"$WORK/times-$name"
      msg "run $r/$RUNS $name: $(tail -n1 "$WORK/times-$name") (wall, cpu s)"
    done
  done
  local rw='' rc='' mw mc
  printf '%-14s %10s %7s %10s %7s   (%d files, -O2, -j1, median of %d interleaved runs)\n' \
    compiler wall ratio cpu ratio "$(find "$WORK/i" -name '*.i' | wc -l)" "$RUNS"
  for c in "${COMPILERS[@]}"; do
    name=${c%%=*}
    mw=$(cut -d' ' -f1 "$WORK/times-$name" | median)
    mc=$(cut -d' ' -f2 "$WORK/times-$name" | median)
    [ -n "$rw" ] || { rw=$mw; rc=$mc; }
    printf '%-14s %9ss %7s %9ss %7s\n' "$name" "$mw" "$(ratio "$mw" "$rw")" "$mc" "$(ratio "$mc" "$rc")"
  done
}

main
