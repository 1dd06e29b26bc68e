#!/usr/bin/env bash
# The native compiler (native-package): every program in it is a static
# aarch64 executable; run under qemu-aarch64 (binfmt_misc) in a root that
# holds only the compiler and the test sources, under a path with a space,
# it compiles and links C, C++ and OpenMP programs that then run, GNU make
# drives it, and after the directory is moved it still finds its own headers
# and libraries and nothing outside it (the well-known failure of relocated
# native compilers: gcc looking in ../usr/include or /usr/include). Its
# licence texts (make's too) are in share/licenses/.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=tests/helpers/licenses.sh
. "$TOP/tests/helpers/licenses.sh"
scratch

T=aarch64-linux-musl
TARBALL="$TOP/out/aarch64/native-compiler-aarch64.tar.xz"
PROG="$TOP/tests/programs"
ROOT="$SCRATCH/empty root"
check "native compiler tarball exists" test -s "$TARBALL"
mkdir -p "$SCRATCH/licenses"
tar -xf "$TARBALL" -C "$SCRATCH/licenses" native-compiler-aarch64/share/licenses
licenses_shipped "native compiler" "$SCRATCH/licenses/native-compiler-aarch64" \
  binutils gcc musl gmp mpfr mpc linux make ccwrap
SQF="$TOP/out/aarch64/native-compiler-aarch64.sqf"
check "the squashfs image holds the compiler (bin/gcc, cc1, make)" bash -c '
  list=$(unsquashfs -l "$1") && grep -qx "squashfs-root/bin/gcc" <<<"$list" &&
  grep -q "/cc1$" <<<"$list" && grep -qx "squashfs-root/bin/make" <<<"$list"' _ "$SQF"
if ! why=$(binfmt_aarch64); then skip "the native compiler under qemu" "$why"; finish; fi
if ! grep -q '^flags:.*F' /proc/sys/fs/binfmt_misc/qemu-aarch64; then
  skip "the native compiler in an empty root" "the qemu-aarch64 binfmt entry lacks the F flag"; finish
fi
mkdir -p "$ROOT/src"
tar -xf "$TARBALL" -C "$ROOT"
mv "$ROOT/native-compiler-aarch64" "$ROOT/moved here"
TC="$ROOT/moved here"
CCR="/moved here/bin"
cp "$PROG"/*.c "$PROG"/*.cpp "$ROOT/src/"

# --- every program is a static aarch64 executable ---------------------------
n=0 bad=()
while IFS= read -r -d '' f; do
  info=$(readelf -hldW "$f" 2>/dev/null) || continue
  n=$((n + 1))
  [[ $info == *'Machine:'*'AArch64'* && $info != *'program interpreter'* && $info != *'(NEEDED)'* ]] ||
    bad+=("${f#"$TC"/}")
done < <(find "$TC/bin" "$TC/libexec" "$TC/$T/bin" -type f -print0)
if [ "$n" -ge 30 ] && [ ${#bad[@]} = 0 ]; then ok "all $n programs are static aarch64 executables"
else not_ok "$n programs, not static aarch64: ${bad[*]}"; fi

# The headers the target libraries install into gcc's include directory,
# copied from the cross stage (gcc's install-gcc has none of them).
check "gcc's include dir has libgcc's and libgomp's headers" bash -c '
  for h in unwind.h gcov.h omp.h openacc.h acc_prof.h; do
    [ -s "$1/lib/gcc/$2/12.2.0/include/$h" ] || { echo "no $h"; exit 1; }
  done' _ "$TC" "$T"

# in_root NAME CMD...: CMD in the empty root, cwd /.
in_root() {
  local name=$1 log; shift
  if log=$(in_empty_root "$ROOT" "$@" 2>&1); then ok "in the empty root: $name"
  else not_ok "in the empty root: $name"; printf '%s\n' "$log" | tail -n 10 | sed 's/^/#   /'; fi
}

# runs NAME EXE EXPECTED-FILE: EXE runs with the expected output (dynamic
# ones find the musl loader in the compiler's sysroot).
runs() {
  local out
  if out=$(qemu-aarch64-static -L "$TC/$T" "$ROOT/src/$2" 2>&1) && [ "$out" = "$(cat "$3")" ]; then
    ok "$1 runs with the expected output"
  else not_ok "$1: $out"; fi
}

in_root "gcc --version" "$CCR/gcc" --version
in_root "C, static" "$CCR/gcc" -static -O2 /src/hello.c -o /src/hello-s
runs "C, static" hello-s "$PROG/hello.expected"
in_root "C, dynamic, -lm (cc)" "$CCR/cc" -O2 /src/math.c -lm -o /src/math-d
runs "C, dynamic" math-d "$PROG/math.expected"
in_root "C++, static" "$CCR/g++" -static -O2 /src/stl.cpp -o /src/stl-s
runs "C++, static" stl-s "$PROG/stl.expected"
in_root "C++, dynamic, exceptions (c++)" "$CCR/c++" -O2 /src/exceptions.cpp -o /src/exc-d
runs "C++, dynamic" exc-d "$PROG/exceptions.expected"
in_root "C, threads, through $T-gcc" "$CCR/$T-gcc" -static -O2 -pthread /src/threads.c -o /src/threads-s
runs "C, threads" threads-s "$PROG/threads.expected"
# OpenMP: omp.h and libgomp are the cross stage's, copied; a team of 4.
in_root "OpenMP, static" "$CCR/gcc" -static -O2 -fopenmp /src/openmp.c -o /src/omp-s
OMP_NUM_THREADS=4 runs "OpenMP, static, 4 threads" omp-s "$PROG/openmp.expected"
in_root "OpenMP, dynamic" "$CCR/gcc" -O2 -fopenmp /src/openmp.c -o /src/omp-d
OMP_NUM_THREADS=4 runs "OpenMP, dynamic, 4 threads" omp-d "$PROG/openmp.expected"

# GNU make runs a recipe without a shell (the root has none) when it has no
# shell syntax; gcc is found through PATH, a command-line variable.
printf 'hello-m: /src/hello.c\n\tgcc -static -O2 -o /src/hello-m /src/hello.c\n' >"$ROOT/src/Makefile"
in_root "make builds a program" "$CCR/make" PATH="$CCR" -f /src/Makefile -C /src
runs "the program make built" hello-m "$PROG/hello.expected"

# Search paths: every directory gcc searches for headers is in the moved tree.
dirs=$(in_empty_root "$ROOT" "$CCR/gcc" -x c++ -E -v - </dev/null 2>&1 |
  sed -n '/^#include <...> search starts here:/,/^End of search list/p' | sed '1d;$d;s/^ *//')
outside=$(grep -v '^/moved here/' <<<"$dirs" || true)
if [ -n "$dirs" ] && [ -z "$outside" ]; then ok "all $(wc -l <<<"$dirs") header directories are in the moved tree"
else not_ok "header directories outside the tree: ${outside:-none found}"; printf '%s\n' "$dirs" | sed 's/^/#   /'; fi
libs=$(in_empty_root "$ROOT" "$CCR/gcc" -print-search-dirs 2>&1 | sed -n 's/^libraries: =//p' | tr ':' '\n')
outside=$(grep -v '^/moved here/' <<<"$libs" | grep -v '^$' || true)
if [ -n "$libs" ] && [ -z "$outside" ]; then ok "all library directories are in the moved tree"
else not_ok "library directories outside the tree: ${outside//$'\n'/ }"; fi
finish
