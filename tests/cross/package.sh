#!/usr/bin/env bash
# tests/cross/package.sh [TARBALL]: the cross-compiler tarball (default: the
# cross-package stage's) as a user gets it: extracted under a path with
# spaces, moved, called through a symlink farm with no environment; C and C++
# static and dynamic, CMake and Meson projects, CCWRAP_DEBUG, a missing crt
# file, -fopenmp (4 threads, static and dynamic; one line from ccwrap without
# libgomp.spec), the licence texts, deterministic tar entries, its line in
# SHA256SUMS, the sources beside it.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=tests/helpers/licenses.sh
. "$TOP/tests/helpers/licenses.sh"
scratch

T=aarch64-linux-musl
QEMU=qemu-aarch64-static
TARBALL=${1:-$TOP/out/aarch64/cross-package/cross-compiler-aarch64.tar.xz}
PROG="$TOP/tests/programs"
# Programs run with an empty environment: nothing may depend on it.
noenv() { env -i PATH=/usr/bin:/bin "$@"; }

check "tarball exists" test -s "$TARBALL"
mkdir -p "$SCRATCH/some dir" "$SCRATCH/moved here"
tar -xf "$TARBALL" -C "$SCRATCH/some dir"
mv "$SCRATCH/some dir/cross-compiler-aarch64" "$SCRATCH/moved here/"
TC="$SCRATCH/moved here/cross-compiler-aarch64"

check "tar entries are all owned by 0/0" bash -c '[ "$(tar -tvf "$1" | awk "{print \$2}" | sort -u)" = 0/0 ]' _ "$TARBALL"
check "tar entries all have one mtime" \
  bash -c '[ "$(tar -tvf "$1" | awk "{print \$4, \$5}" | sort -u | wc -l)" = 1 ]' _ "$TARBALL"
# tar --sort=name orders each directory's entries; check that, per directory.
SORTED_PER_DIR='{ n = split($0, p, "/"); d = substr($0, 1, length($0) - length(p[n]))
  if ((d in last) && last[d] > p[n]) exit 1; last[d] = p[n] }'
check "tar entries are sorted by name within each directory" bash -c 'set -o pipefail
  tar -tf "$1" | sed "s#/\$##" | LC_ALL=C awk "$2"' _ "$TARBALL" "$SORTED_PER_DIR"
for f in README MANIFEST "$T.cmake" "$T.meson" "libexec/ccwrap/gcc" "libexec/ccwrap/g++" \
  "$T/lib/libgomp.spec" "$T/lib/libgomp.so.1" "lib/gcc/$T/12.2.0/include/omp.h"; do
  check "tarball has $f" test -s "$TC/$f"
done
check "MANIFEST names gcc's version and licence" grep -q '^gcc 12.2.0 .*GPL-3.0-or-later' "$TC/MANIFEST"
# The licence texts of every component the MANIFEST names, and those the
# licences themselves point at: gcc's runtime exception, the kernel
# headers' syscall note.
# shellcheck disable=SC2046 # one component name a word
licenses_shipped tarball "$TC" $(awk '!/^#/ { print $1 }' "$TC/MANIFEST")
check "share/licenses has gcc's runtime library exception" grep -q 'GCC RUNTIME LIBRARY EXCEPTION' "$TC/share/licenses/gcc/COPYING.RUNTIME"
check "share/licenses has the kernel headers' GPL-2.0 and Linux-syscall-note" \
  test -s "$TC/share/licenses/linux/LICENSES/preferred/GPL-2.0" -a -s "$TC/share/licenses/linux/LICENSES/exceptions/Linux-syscall-note"

# A symlink farm of unprefixed names, as distcc masquerade directories use.
FARM="$SCRATCH/farm dir"
mkdir -p "$FARM"
for n in cc gcc c++ g++; do ln -s "$TC/bin/$T-gcc" "$FARM/$n"; done
ln -sf "$TC/bin/$T-g++" "$FARM/c++"; ln -sf "$TC/bin/$T-g++" "$FARM/g++"

# build_and_run NAME COMPILER SRC EXPECTED [FLAGS...]: compile with no
# environment, run under qemu (with the sysroot for dynamic programs).
build_and_run() {
  local name=$1 cc=$2 src=$3 expected=$4 out; shift 4
  local exe="$SCRATCH/exe-${name// /-}"
  if ! out=$(noenv "$cc" -O2 "$src" -o "$exe" "$@" 2>&1); then
    not_ok "$name: compile"; printf '%s\n' "$out" | sed 's/^/#   /'; return
  fi
  if out=$("$QEMU" -L "$TC/$T" "$exe" 2>&1) && [ "$out" = "$(cat "$expected")" ]; then
    ok "$name"
  else
    not_ok "$name: run"; printf '%s\n' "$out" | head -n 10 | sed 's/^/#   /'
  fi
}

if ! command -v "$QEMU" >/dev/null; then
  skip "programs from the tarball" "$QEMU is not installed (apt-get install qemu-user-static)"
else
  build_and_run "cc (farm symlink), C, dynamic" "$FARM/cc" "$PROG/hello.c" "$PROG/hello.expected"
  build_and_run "cc (farm symlink), C, static" "$FARM/cc" "$PROG/threads.c" "$PROG/threads.expected" -static -pthread
  build_and_run "g++ (farm symlink), C++, dynamic" "$FARM/g++" "$PROG/exceptions.cpp" "$PROG/exceptions.expected"
  build_and_run "g++ (farm symlink), C++, static" "$FARM/g++" "$PROG/stl.cpp" "$PROG/stl.expected" -static
  build_and_run "prefixed g++ by relative path, static-pie" "$TC/bin/$T-g++" "$PROG/stl.cpp" "$PROG/stl.expected" -fPIE -static-pie
  build_and_run "-flto, C++, static" "$TC/bin/$T-g++" "$PROG/exceptions.cpp" "$PROG/exceptions.expected" -flto -static
  build_and_run "math with -lm, dynamic" "$TC/bin/$T-gcc" "$PROG/math.c" "$PROG/math.expected" -lm
fi

check "-dumpmachine says $T" bash -c '[ "$("$1" -dumpmachine)" = "$2" ]' _ "$FARM/cc" "$T"
check "-print-file-name=libc.so is inside the moved tree" \
  bash -c '[ "$("$1" -print-file-name=libc.so)" -ef "$2/$3/lib/libc.so" ]' _ "$FARM/gcc" "$TC" "$T"
check "-print-prog-name=ld is inside the moved tree" \
  bash -c 'case $("$1" -print-prog-name=ld) in "$2"/*) ;; *) exit 1 ;; esac' _ "$FARM/gcc" "$TC"
check "CCWRAP_DEBUG=1 prints the rewritten command" bash -c '
  CCWRAP_DEBUG=1 "$1" -c "$2" -o "$3/dbg.o" 2>"$3/dbg.txt"
  grep -q -- -nostdinc "$3/dbg.txt" && grep -q "libexec/ccwrap/gcc" "$3/dbg.txt"' _ "$FARM/cc" "$PROG/hello.c" "$SCRATCH"

# A toolchain missing a crt file: one line naming it, exit 1.
BROKEN="$SCRATCH/broken toolchain"
cp -a "$TC" "$BROKEN"
rm "$BROKEN/$T/lib/crt1.o"
out=$("$BROKEN/bin/$T-gcc" -no-pie "$PROG/hello.c" -o "$SCRATCH/nope" 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && grep -q 'crt1.o.*not found' <<<"$out"; then
  ok "a missing crt1.o is one clear error line"
else not_ok "missing crt1.o: exit $rc: $out"; fi

# -fopenmp: a parallel program links static and dynamic (libgomp.so.1 from
# the sysroot) and runs with the team OMP_NUM_THREADS=4 asks for; its output
# names the team size, so one thread is told apart from four (the control).
# Without libgomp.spec (the broken copy) the link is one line from ccwrap,
# not gcc's "cannot read spec file", and -fopenmp -c still compiles.
OMP="$PROG/openmp.c"
if command -v "$QEMU" >/dev/null; then
  OMP_NUM_THREADS=4 build_and_run "-fopenmp static" "$TC/bin/$T-gcc" "$OMP" "$PROG/openmp.expected" -fopenmp -static
  OMP_NUM_THREADS=4 build_and_run "-fopenmp dynamic" "$FARM/cc" "$OMP" "$PROG/openmp.expected" -fopenmp
  check "-fopenmp dynamic needs libgomp.so.1" bash -c '
    readelf -dW "$1" | grep -q "Shared library: \[libgomp.so.1\]"' _ "$SCRATCH/exe--fopenmp-dynamic"
  check "control: with OMP_NUM_THREADS=1 the OpenMP program prints a team of 1, not the expected output" bash -c '
    out=$(OMP_NUM_THREADS=1 "$1" -L "$2" "$3") && [[ $out == "team of 1 threads, 1 of them worked"* ]] &&
    [ "$out" != "$(cat "$4")" ]' _ "$QEMU" "$TC/$T" "$SCRATCH/exe--fopenmp-dynamic" "$PROG/openmp.expected"
fi
cp "$TC/$T/lib/crt1.o" "$BROKEN/$T/lib/"
rm -f "$BROKEN/$T/lib/libgomp.spec"
out=$("$BROKEN/bin/$T-gcc" -fopenmp "$OMP" -o "$SCRATCH/omp" 2>&1) && rc=0 || rc=$?
if [ "$rc" = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q '^ccwrap: -fopenmp needs libgomp: libgomp.spec not found' <<<"$out"; then
  ok "-fopenmp without libgomp.spec: one line from ccwrap"
else not_ok "-fopenmp without libgomp.spec: exit $rc: $out"; fi
check "-fopenmp -c without libgomp.spec compiles" "$BROKEN/bin/$T-gcc" -fopenmp -c "$OMP" -o "$SCRATCH/omp.o"

# Build systems, with the files shipped in the tarball.
project_check() {
  local name=$1 exe=$2
  if [ -x "$exe" ] && out=$("$QEMU" -L "$TC/$T" "$exe" 2>&1) && [ "$out" = "$(printf 'hello a build system from C\nand from C++')" ]; then
    ok "$name project builds with the shipped file and runs"
  else not_ok "$name project: ${out:-no executable}"; fi
}
if command -v cmake >/dev/null; then
  if noenv cmake -S "$PROG/project" -B "$SCRATCH/cmake build" -DCMAKE_TOOLCHAIN_FILE="$TC/$T.cmake" \
      >"$SCRATCH/cmake.log" 2>&1 && noenv cmake --build "$SCRATCH/cmake build" >>"$SCRATCH/cmake.log" 2>&1; then
    project_check CMake "$SCRATCH/cmake build/hello_project"
  else not_ok "CMake project"; tail -n 15 "$SCRATCH/cmake.log" | sed 's/^/#   /'; fi
else skip "CMake project" "cmake is not installed (apt-get install cmake)"; fi
if command -v meson >/dev/null && command -v ninja >/dev/null; then
  # The cross file names the tools; the toolchain's bin/ is on PATH.
  if env -i PATH="$TC/bin:/usr/bin:/bin" meson setup --cross-file "$TC/$T.meson" "$SCRATCH/meson build" \
      "$PROG/project" >"$SCRATCH/meson.log" 2>&1 &&
      env -i PATH="$TC/bin:/usr/bin:/bin" ninja -C "$SCRATCH/meson build" >>"$SCRATCH/meson.log" 2>&1; then
    project_check Meson "$SCRATCH/meson build/hello_project"
  else not_ok "Meson project"; tail -n 15 "$SCRATCH/meson.log" | sed 's/^/#   /'; fi
else skip "Meson project" "meson or ninja is not installed (apt-get install meson ninja-build)"; fi

# The engine's out/TARGET/SHA256SUMS lists the tarball (as NAME beside it,
# or STAGE/NAME for a stage's directory) with the hash of its bits.
# shellcheck disable=SC2317 # called through check
listed_in_sums() {
  local d rel line
  d=$(dirname "$1") rel=$(basename "$1")
  for _ in 1 2; do
    if [ -f "$d/SHA256SUMS" ] && line=$(grep -- "  $rel\$" "$d/SHA256SUMS"); then
      (cd "$d" && sha256sum -c - <<<"$line"); return
    fi
    rel="$(basename "$d")/$rel" d=$(dirname "$d")
  done
  echo "no SHA256SUMS beside $1 or above it lists it"; return 1
}
check "out/'s SHA256SUMS lists the tarball with its hash" listed_in_sums "$TARBALL"

SOURCES=${TARBALL%.tar.xz}-sources
check "the sources beside the tarball match their SHA256SUMS" bash -c 'cd "$1" && sha256sum --quiet -c SHA256SUMS' _ "$SOURCES"
check "the sources include gcc's tarball and patches" bash -c 'ls "$1" | grep -q "^gcc" && test -d "$1/patches/gcc"' _ "$SOURCES"
finish
