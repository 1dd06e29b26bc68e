#!/usr/bin/env bash
# The release tarball's static cross compiler (canadian-package): every host
# program in it is a static x86-64 executable; it compiles C and C++ in a root
# that holds only the toolchain and the test sources (no /lib, /usr, /proc,
# /tmp, no environment), and the programs run under qemu-aarch64 (OpenMP ones
# with 4 threads); -flto works without a linker plugin.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

T=aarch64-linux-musl
QEMU=qemu-aarch64-static
TARBALL="$TOP/out/aarch64/cross-compiler-aarch64.tar.xz"
PROG="$TOP/tests/programs"
ROOT="$SCRATCH/empty root"
check "release tarball exists" test -s "$TARBALL"
mkdir -p "$ROOT/src"
tar -xf "$TARBALL" -C "$ROOT"
TC="$ROOT/cross-compiler-aarch64"
cp "$PROG"/*.c "$PROG"/*.cpp "$PROG"/lto/*.c "$ROOT/src/"

# --- every host program is static x86-64 -----------------------------------
n=0
while IFS= read -r -d '' f; do
  info=$(readelf -hldW "$f" 2>/dev/null) || continue   # scripts, data
  rel=${f#"$TC"/}
  n=$((n + 1))
  if [[ $info == *'Machine:'*'X86-64'* && $info != *'program interpreter'* &&
        $info != *'(NEEDED)'* && $(file -b "$f") == *'statically linked'* ]]; then
    ok "static x86-64: $rel"
  else
    not_ok "not a static x86-64 executable: $rel: $(file -b "$f")"
  fi
done < <(find "$TC/bin" "$TC/libexec" "$TC/$T/bin" -type f -print0)
check "found the host programs (gcc, cc1, cc1plus, as, ld, ...): $n" test "$n" -ge 30
# And nothing built for the target is x86: libraries and start files are aarch64.
check "target libraries and start files (more than 10) are all aarch64" bash -c '
  set -o pipefail
  types=$(cd "$1" && find "$2/lib" "lib/gcc/$2" -type f \( -name "*.so*" -o -name "*.o" \) -print0 |
    xargs -0 file -b) || exit 1
  [ "$(grep -c ELF <<<"$types")" -gt 10 ] && ! grep ELF <<<"$types" | grep -v "ARM aarch64"' _ "$TC" "$T"

# The headers the target libraries install into gcc's include directory,
# copied from the cross stage (gcc's install-gcc has none of them).
check "gcc's include dir has libgcc's and libgomp's headers" bash -c '
  for h in unwind.h gcov.h omp.h openacc.h acc_prof.h; do
    [ -s "$1/lib/gcc/$2/12.2.0/include/$h" ] || { echo "no $h"; exit 1; }
  done' _ "$TC" "$T"

# --- the empty root ------------------------------------------------------------
check "the root has no /lib, /usr, /bin, /proc or /tmp" bash -c '
  for d in lib lib64 usr bin proc tmp; do [ ! -e "$1/$d" ] || exit 1; done' _ "$ROOT"
CCR=/cross-compiler-aarch64/bin

# in_root_cc NAME DRIVER OUT SRC...: compile in the empty root (cwd /, the
# only writable place gcc finds for its temporary files).
in_root_cc() {
  local name=$1 driver=$2 out=$3 log; shift 3
  if log=$(in_empty_root "$ROOT" "$CCR/$T-$driver" "$@" -o "/src/$out" 2>&1); then
    ok "in the empty root: $name"
  else
    not_ok "in the empty root: $name"; printf '%s\n' "$log" | tail -n 10 | sed 's/^/#   /'
  fi
}

# runs NAME EXE EXPECTED-FILE: EXE runs under qemu with the expected output.
runs() {
  local out
  if out=$("$QEMU" -L "$TC/$T" "$ROOT/src/$2" 2>&1) && [ "$out" = "$(cat "$3")" ]; then
    ok "$1 runs under qemu-aarch64 with the expected output"
  else not_ok "$1: $out"; fi
}

if ! in_empty_root "$ROOT" "$CCR/$T-gcc" --version >/dev/null 2>&1; then
  not_ok "the compiler starts in the empty root: $(in_empty_root "$ROOT" "$CCR/$T-gcc" --version 2>&1 | head -n 3)"
elif ! command -v "$QEMU" >/dev/null; then
  skip "programs built in the empty root" "$QEMU is not installed (apt-get install qemu-user-static)"
else
  in_root_cc "C, static" gcc hello-s -static -O2 /src/hello.c
  runs "C, static" hello-s "$PROG/hello.expected"
  in_root_cc "C, dynamic, -lm" gcc math-d -O2 /src/math.c -lm
  runs "C, dynamic" math-d "$PROG/math.expected"
  in_root_cc "C, threads, static" gcc threads-s -static -O2 -pthread /src/threads.c
  runs "C, threads" threads-s "$PROG/threads.expected"
  in_root_cc "C++, static" g++ stl-s -static -O2 /src/stl.cpp
  runs "C++, static" stl-s "$PROG/stl.expected"
  in_root_cc "C++, dynamic, exceptions" g++ exc-d -O2 /src/exceptions.cpp
  runs "C++, dynamic" exc-d "$PROG/exceptions.expected"
  # OpenMP: omp.h and libgomp are the cross stage's, copied; a team of 4.
  in_root_cc "OpenMP, static" gcc omp-s -static -O2 -fopenmp /src/openmp.c
  OMP_NUM_THREADS=4 runs "OpenMP, static, 4 threads" omp-s "$PROG/openmp.expected"
  in_root_cc "OpenMP, dynamic" gcc omp-d -O2 -fopenmp /src/openmp.c
  OMP_NUM_THREADS=4 runs "OpenMP, dynamic, 4 threads" omp-d "$PROG/openmp.expected"

  # LTO without a linker plugin: helper_square (helper.c) is inlined into
  # main (main.c); without -flto main calls it.
  in_root_cc "C, -flto over two files" gcc lto -O2 -flto /src/main.c /src/helper.c
  runs "C, -flto" lto "$PROG/lto/expected"
  in_root_cc "C, the same without -flto" gcc nolto -O2 /src/main.c /src/helper.c
  # calls_helper EXE: main has a call to helper_square.
  calls_helper() {
    "$TC/bin/$T-objdump" -d "$1" |
      awk '/<main>:/,/^$/ { if (/bl.*<helper_square>/) found = 1 } END { exit !found }'
  }
  if ! calls_helper "$ROOT/src/lto"; then ok "-flto inlined helper_square into main across files"
  else not_ok "-flto did not inline across files: main still calls helper_square"; fi
  if calls_helper "$ROOT/src/nolto"; then ok "without -flto main calls helper_square (the check above can fail)"
  else not_ok "without -flto main does not call helper_square: the LTO check proves nothing"; fi
fi
check "no linker plugin is shipped (a static ld cannot load it)" \
  bash -c '! find "$1" -name "liblto_plugin*" | grep -q .' _ "$TC"
finish
