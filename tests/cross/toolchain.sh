#!/usr/bin/env bash
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
# The cross stage's compiler, moved to a path with spaces: C, C++ and OpenMP
# programs, static and dynamic against musl, run under qemu-aarch64 with their
# output checked.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

T=aarch64-linux-musl
QEMU=qemu-aarch64-static
if ! command -v "$QEMU" >/dev/null; then
  skip "cross toolchain programs" "$QEMU is not installed (apt-get install qemu-user-static)"; finish
fi
# A copy somewhere else proves the toolchain needs nothing from where it was built.
TC="$SCRATCH/moved toolchain"
cp -a "$TOP/out/aarch64/cross" "$TC"
CC="$TC/bin/$T-gcc" CXX="$TC/bin/$T-g++"

check "moved gcc reports its sysroot inside the moved tree" \
  bash -c '[ "$("$1" -print-sysroot)" -ef "$2" ]' _ "$CC" "$TC/$T"
check "moved gcc finds libgcc inside the moved tree" \
  bash -c 'case $("$1" -print-libgcc-file-name) in "$2"/*) ;; *) exit 1 ;; esac' _ "$CC" "$TC"

# run_program SRC MODE: build SRC (static|dynamic), run it, compare its output.
# openmp.c runs with OMP_NUM_THREADS=4, the team its expected output is for.
run_program() {
  local src=$1 mode=$2 name exe compiler flags=(-O2 -Wall -Werror) out run_env=()
  name=${src##*/}; name=${name%.*}
  exe="$SCRATCH/$name-$mode"
  case $src in *.cpp) compiler=$CXX ;; *) compiler=$CC ;; esac
  [ "$mode" = static ] && flags+=(-static)
  case $name in
    math) flags+=(-lm) ;;
    threads) flags+=(-pthread) ;;
    openmp) flags+=(-fopenmp); run_env=(OMP_NUM_THREADS=4) ;;
  esac
  if ! out=$("$compiler" "$src" -o "$exe" "${flags[@]}" 2>&1); then
    not_ok "$name ($mode): compile"; printf '%s\n' "$out" | sed 's/^/#   /'; return
  fi
  if ! file -L "$exe" | grep -q 'ELF 64-bit LSB .*ARM aarch64'; then
    not_ok "$name ($mode): not an aarch64 ELF: $(file -L "$exe")"; return
  fi
  if [ "$mode" = dynamic ] && ! readelf -l "$exe" | grep -q "interpreter: /lib/ld-musl-aarch64.so.1"; then
    not_ok "$name ($mode): wrong or missing dynamic linker"; return
  fi
  if [ "$mode" = static ] && readelf -l "$exe" | grep -q INTERP; then
    not_ok "$name ($mode): static program has an interpreter"; return
  fi
  if ! out=$(env "${run_env[@]}" "$QEMU" -L "$TC/$T" "$exe" 2>&1); then
    not_ok "$name ($mode): runs under qemu"; printf '%s\n' "$out" | sed 's/^/#   /'; return
  fi
  if [ "$out" = "$(cat "${src%.*}.expected")" ]; then
    ok "$name ($mode) builds and runs under qemu-aarch64 with the expected output"
  else
    not_ok "$name ($mode): output differs"
    diff <(printf '%s\n' "$out") "${src%.*}.expected" | sed 's/^/#   /'
  fi
}

for src in "$TOP"/tests/programs/*.c "$TOP"/tests/programs/*.cpp; do
  for mode in static dynamic; do run_program "$src" "$mode"; done
done

# OpenMP: the dynamic program needs the cross stage's libgomp.so.1, and
# libgomp's files are where the canadian and native stages copy them from.
check "openmp (dynamic) needs libgomp.so.1" bash -c '
  readelf -dW "$1" | grep -q "Shared library: \[libgomp.so.1\]"' _ "$SCRATCH/openmp-dynamic"
check "omp.h, openacc.h, acc_prof.h in lib/gcc/$T/*/include, libgomp.{spec,a,so.1} in $T/lib" bash -c '
  for f in "$1"/lib/gcc/"$2"/*/include/{omp.h,openacc.h,acc_prof.h} "$1/$2"/lib/libgomp.{spec,a,so.1}; do
    [ -e "$f" ] || { echo "missing: $f"; exit 1; }
  done' _ "$TC" "$T"
# Control: the output check above sees the team size (one thread is not four).
check "control: with OMP_NUM_THREADS=1 openmp prints a team of 1, not the expected output" bash -c '
  out=$(OMP_NUM_THREADS=1 "$1" -L "$2" "$3") && [[ $out == "team of 1 threads, 1 of them worked"* ]] &&
  [ "$out" != "$(cat "$4")" ]' _ "$QEMU" "$TC/$T" "$SCRATCH/openmp-static" "$TOP/tests/programs/openmp.expected"
finish
