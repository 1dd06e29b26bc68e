#!/usr/bin/env bash
# tests/bench/compile-speed.sh [--runs N] [--files N] [NAME=COMPILER ...]
#
# Compile speed of aarch64 C compilers on one fixed workload: preprocessed
# files of the pinned Linux kernel (arm64 defconfig), compiled with -O2 at -j1.
# Every compiler compiles the same .i files, so only the compiler proper (cc1)
# is measured. Runs are interleaved; prints each compiler's median and its
# ratio to the first one (the reference). Not a test: it gates nothing.
#
# Default compilers: Debian's aarch64-linux-gnu-gcc-12 (reference) and this
# project's cross compiler from out/aarch64/ (the tarball's, else the cross stage's).
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}
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

# The compiler that preprocesses the workload: ours if built, else Debian's.
default_compilers() {
  local ours="" t="$TOP/out/aarch64"
  if [ -x "$t/cross/bin/aarch64-linux-musl-gcc" ]; then ours="$t/cross/bin/aarch64-linux-musl-gcc"; fi
  if [ -f "$t/cross-compiler-aarch64.tar.xz" ]; then
    tar -xf "$t/cross-compiler-aarch64.tar.xz" -C "$WORK"
    ours="$WORK/cross-compiler-aarch64/bin/aarch64-linux-musl-gcc"
  fi
  have aarch64-linux-gnu-gcc-12 || die "Debian's gcc-12-aarch64-linux-gnu is needed as the reference"
  COMPILERS=("debian-gcc-12=aarch64-linux-gnu-gcc-12")
  [ -z "$ours" ] || COMPILERS+=("crossboot=$ours")
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

# compile_all COMPILER: seconds (with ms) to compile every .i at -O2, -j1.
compile_all() {
  local cc=$1 i start end
  start=$(date +%s%N)
  for i in "$WORK"/i/*.i; do
    "$cc" -O2 -std=gnu11 -fno-strict-aliasing -fno-common -fno-PIE -mgeneral-regs-only \
      -fno-asynchronous-unwind-tables -w -c "$i" -o "$WORK/out.o"
  done
  end=$(date +%s%N)
  printf '%d.%03d\n' $(((end - start) / 1000000000)) $((((end - start) / 1000000) % 1000))
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

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
      msg "run $r/$RUNS $name: $(tail -n1 "$WORK/times-$name")s"
    done
  done
  local ref=''
  printf '%-16s %10s %8s   (%d files, -O2, -j1, median of %d interleaved runs)\n' compiler median ratio \
    "$(find "$WORK/i" -name '*.i' | wc -l)" "$RUNS"
  for c in "${COMPILERS[@]}"; do
    name=${c%%=*}
    local m; m=$(median <"$WORK/times-$name")
    [ -n "$ref" ] || ref=$m
    printf '%-16s %9ss %8s\n' "$name" "$m" "$(awk -v a="$m" -v b="$ref" 'BEGIN { printf "%.3f", a / b }')"
  done
}

main
