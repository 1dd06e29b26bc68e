#!/usr/bin/env bash
# The toolchain's glibc mode against the target distribution (bullseye here,
# standing in for focal): the release tarball with the sysroot and the glibc
# runtime extracted into it. C, C++ and OpenMP programs run under
# qemu-aarch64 with the sysroot; none needs a GLIBC_ symbol version newer
# than the distribution's; C++ programs need only libc6 and libgcc-s1 and
# OpenMP programs only libc6 (static libgomp), and both run in a bullseye
# arm64 root holding just those; a Debian package cross-built in the
# build chroot depends on the target's libc6 (>= 2.17), not the build host's.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

DISTRO=bullseye GLIBC_MAX=2.31
G=aarch64-linux-gnu
QEMU=qemu-aarch64-static
OUT="$TOP/out/aarch64"
PROG="$TOP/tests/programs"
for f in cross-compiler-aarch64.tar.xz "sysroot-$DISTRO-arm64.tar.xz" "glibc-runtime-$DISTRO-arm64.tar.xz"; do
  [ -s "$OUT/$f" ] || { not_ok "$f is not built (./build.sh --distro $DISTRO aarch64 build-chroot)"; finish; }
done
TC="$SCRATCH/tool chain/cross-compiler-aarch64"
mkdir -p "${TC%/*}"
tar -xf "$OUT/cross-compiler-aarch64.tar.xz" -C "${TC%/*}"
tar -xf "$OUT/sysroot-$DISTRO-arm64.tar.xz" -C "$TC"
tar -xf "$OUT/glibc-runtime-$DISTRO-arm64.tar.xz" -C "$TC"
SYS="$TC/sysroot/$G"
check "the sysroot lists its $DISTRO packages (libc6 2.31)" grep -q '^libc6_2\.31' "$SYS/PACKAGES"
# The tarball is passed on: each package's copyright file stays, nothing else of its documentation.
check "every package of the sysroot has its copyright file" bash -c '
  while IFS=_ read -r name _; do
    [ -f "$1/usr/share/doc/$name/copyright" ] || { echo "no usr/share/doc/$name/copyright"; exit 1; }
  done <"$1/PACKAGES"' _ "$SYS"
check "the sysroot has no other documentation" \
  bash -c '[ -z "$(find "$1/usr/share/doc" -mindepth 2 ! -type d ! -name copyright)" ]' _ "$SYS"
check "the glibc runtime carries gcc's licence and its runtime exception" \
  test -s "$TC/sysroot-runtime/share/licenses/gcc/COPYING.RUNTIME" -a -s "$TC/sysroot-runtime/share/licenses/gcc/COPYING3"

# max_glibc EXE: the newest GLIBC_x.y version EXE needs.
max_glibc() { readelf -VW "$1" | { grep -o 'GLIBC_[0-9.]*' || true; } | sed 's/GLIBC_//' | sort -V | tail -n 1; }
# needs EXE: the shared libraries EXE needs, sorted, space-separated.
needs() { readelf -dW "$1" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | sort | tr '\n' ' '; }

# glibc_program NAME DRIVER SRC EXPECTED NEEDED [FLAGS...]: build in glibc
# mode, run under qemu with the sysroot, check the shared libraries it needs
# (a dangling .so link in the sysroot would make ld take the .a silently)
# and its symbol versions. NEEDED "static": a static program (no
# interpreter, no symbol versions to check).
glibc_program() {
  local name=$1 driver=$2 src=$3 expected=$4 want=$5 exe="$SCRATCH/$1" out v; shift 5
  if ! out=$("$TC/bin/$G-$driver" -O2 "$src" -o "$exe" "$@" 2>&1); then
    not_ok "$name: build in glibc mode"; printf '%s\n' "$out" | tail -n 10 | sed 's/^/#   /'; return
  fi
  if out=$("$QEMU" -L "$SYS" "$exe" 2>&1) && [ "$out" = "$(cat "$expected")" ]; then
    ok "$name: glibc mode, runs under qemu-aarch64 -L sysroot"
  else not_ok "$name: $out"; fi
  if [ "$want" = static ]; then
    if readelf -lW "$exe" | grep -q INTERP; then not_ok "$name: has a program interpreter"
    else ok "$name: static (no program interpreter)"; fi
    return
  fi
  if [ "$(needs "$exe")" = "$want" ]; then ok "$name: needs exactly $want"
  else not_ok "$name: needs $(needs "$exe"), expected $want"; fi
  v=$(max_glibc "$exe")
  if [ -n "$v" ] && [ "$(printf '%s\n%s\n' "$v" "$GLIBC_MAX" | sort -V | tail -n 1)" = "$GLIBC_MAX" ]; then
    ok "$name: newest symbol version GLIBC_$v <= GLIBC_$GLIBC_MAX"
  else not_ok "$name: needs GLIBC_$v, newer than $DISTRO's $GLIBC_MAX"; fi
}

# C++: libstdc++ is static, so only libc6, libm and the distribution's libgcc_s.
CXX_NEEDS="libc.so.6 libgcc_s.so.1 libm.so.6 "
glibc_program "C math" gcc "$PROG/math.c" "$PROG/math.expected" "libc.so.6 libm.so.6 " -lm
glibc_program "C threads" gcc "$PROG/threads.c" "$PROG/threads.expected" "libc.so.6 libpthread.so.0 " -pthread
# std::thread: before glibc 2.34 pthread_create is in libpthread, so -pthread.
glibc_program "C++ STL" g++ "$PROG/stl.cpp" "$PROG/stl.expected" "libc.so.6 libgcc_s.so.1 libm.so.6 libpthread.so.0 " -pthread
glibc_program "C++ exceptions" g++ "$PROG/exceptions.cpp" "$PROG/exceptions.expected" "$CXX_NEEDS"
cat >"$SCRATCH/ssl.c" <<'EOF'
#include <openssl/sha.h>
#include <stdio.h>
#include <zlib.h>
int main(void)
{
	unsigned char d[SHA256_DIGEST_LENGTH];
	SHA256((const unsigned char *)"abc", 3, d);
	printf("%02x%02x%02x%02x zlib\n", d[0], d[1], d[2], d[3]);
	return zlibVersion()[0] != '1';
}
EOF
echo "ba7816bf zlib" >"$SCRATCH/ssl.expected"
glibc_program "C with libcrypto and zlib" gcc "$SCRATCH/ssl.c" "$SCRATCH/ssl.expected" \
  "libc.so.6 libcrypto.so.1.1 libz.so.1 " -lcrypto -lz

# OpenMP: the glibc runtime's libgomp is static, so the program needs only
# libc6's libraries (libgomp.a's dlopen is in libdl before glibc 2.34), not
# the distribution's libgomp1; a team of 4 threads (OMP_NUM_THREADS=4) runs
# the loop. The runtime ships the spec file gcc reads and libgomp's headers.
for f in lib/libgomp.a lib/libgomp.spec include/omp.h include/openacc.h include/acc_prof.h; do
  check "the glibc runtime has $f" test -s "$TC/sysroot-runtime/$f"
done
check "the glibc runtime has no libgomp.so (libgomp is linked statically)" \
  bash -c '! ls "$1"/libgomp.so* 2>/dev/null' _ "$TC/sysroot-runtime/lib"
check "the glibc runtime's libgomp.spec adds -ldl to every link" \
  grep -qx '\*link_gomp: -lgomp -ldl *' "$TC/sysroot-runtime/lib/libgomp.spec"
check "glibc mode takes the runtime's omp.h" bash -c '
  "$1" -fopenmp -E -x c - <<<"#include <omp.h>" | grep -qF "\"$2/include/omp.h\""' _ "$TC/bin/$G-gcc" "$TC/sysroot-runtime"
OMP_NUM_THREADS=4 glibc_program "OpenMP" gcc "$PROG/openmp.c" "$PROG/openmp.expected" \
  "libc.so.6 libdl.so.2 libpthread.so.0 " -fopenmp
OMP_NUM_THREADS=4 glibc_program "OpenMP, static" gcc "$PROG/openmp.c" "$PROG/openmp.expected" static -fopenmp -static
# Control: the output checks see the team size (one thread is not four).
check "control: with OMP_NUM_THREADS=1 the OpenMP program prints a team of 1, not the expected output" bash -c '
  out=$(OMP_NUM_THREADS=1 "$1" -L "$2" "$3") && [[ $out == "team of 1 threads, 1 of them worked"* ]] &&
  [ "$out" != "$(cat "$4")" ]' _ "$QEMU" "$SYS" "$SCRATCH/OpenMP" "$PROG/openmp.expected"

# A bullseye arm64 root with nothing but libc6 and libgcc-s1 (and what they
# depend on), the C++ and OpenMP programs run in it (chroot, qemu through
# binfmt_misc).
if [ "$(id -u)" != 0 ]; then skip "C++ in a bare $DISTRO root" "chroot needs root"
elif ! why=$(binfmt_aarch64); then skip "C++ in a bare $DISTRO root" "$why"
elif ! command -v mmdebstrap >/dev/null; then skip "C++ in a bare $DISTRO root" "mmdebstrap is not installed"
else
  # shellcheck source=scripts/lib.sh
  . "$TOP/scripts/lib.sh"
  BARE="$SCRATCH/bare root"
  if mmdebstrap --variant=extract --architectures=arm64 --include=libc6,libgcc-s1 "$DISTRO" "$BARE" \
      "deb $(debian_mirror) $DISTRO main" >"$SCRATCH/bare.log" 2>&1; then
    cp "$SCRATCH/C++ exceptions" "$BARE/exceptions"
    [ ! -f "$SCRATCH/OpenMP" ] || cp "$SCRATCH/OpenMP" "$BARE/openmp"
    check "the bare root has no libstdc++" bash -c '! find "$1" -name "libstdc++*" | grep -q .' _ "$BARE"
    check "C++ program runs in a $DISTRO arm64 root with only libc6 and libgcc-s1" bash -c '
      [ "$(chroot "$1" /exceptions)" = "$(cat "$2")" ]' _ "$BARE" "$PROG/exceptions.expected"
    check "the bare root has no libgomp" bash -c '! find "$1" -name "libgomp*" | grep -q .' _ "$BARE"
    check "OpenMP program runs with 4 threads in a $DISTRO arm64 root without libgomp1" bash -c '
      [ "$(OMP_NUM_THREADS=4 chroot "$1" /openmp)" = "$(cat "$2")" ]' _ "$BARE" "$PROG/openmp.expected"
  else not_ok "mmdebstrap of a bare $DISTRO root"; tail -n 5 "$SCRATCH/bare.log" | sed 's/^/#   /'; fi
fi

# A Debian package cross-built in the build chroot with dpkg-buildpackage -aarm64.
CHROOT="$OUT/build-chroot/root"
if [ ! -x "$CHROOT/bin/sh" ]; then
  not_ok "the build chroot is not built (./build.sh --distro $DISTRO aarch64 build-chroot)"; finish
fi
check "in the chroot, aarch64-linux-gnu-g++-9 is the cross compiler in glibc mode" bash -c '
  [ "$("$1/scripts/in-chroot.sh" "$2" aarch64-linux-gnu-g++-9 -dumpmachine)" = aarch64-linux-gnu ]' _ "$TOP" "$CHROOT"
check "in the chroot, no libc6-*-cross package is installed" bash -c '
  out=$("$1/scripts/in-chroot.sh" "$2" dpkg-query -W -f "\${Package}\n") || exit 1
  [ -n "$out" ] && ! grep -- "-cross$" <<<"$out"' _ "$TOP" "$CHROOT"
cp -r "$PROG/debpkg" "$SCRATCH/pkg"
mkdir -p "$SCRATCH/pkg/src"
mv "$SCRATCH/pkg"/{debian,hello.c,hellocxx.cpp,Makefile} "$SCRATCH/pkg/src/"
# The build tree must not hold leftovers from the checkout.
rm -f "$SCRATCH/pkg/src/hello" "$SCRATCH/pkg/src/hellocxx"
if "$TOP/scripts/in-chroot.sh" --bind "$SCRATCH/pkg:/build" "$CHROOT" \
    sh -c 'cd /build/src && dpkg-buildpackage -aarm64 -b -uc -us' >"$SCRATCH/dpkg.log" 2>&1; then
  ok "dpkg-buildpackage -aarm64 in the build chroot"
else
  not_ok "dpkg-buildpackage -aarm64 in the build chroot"; tail -n 25 "$SCRATCH/dpkg.log" | sed 's/^/#   /'; finish
fi
DEB="$SCRATCH/pkg/crossboot-hello_1.0_arm64.deb"
DEBXX="$SCRATCH/pkg/crossboot-hello-cxx_1.0_arm64.deb"
check "both packages are arm64" bash -c '
  [ "$(dpkg-deb -f "$1" Architecture) $(dpkg-deb -f "$2" Architecture)" = "arm64 arm64" ]' _ "$DEB" "$DEBXX"
depends=$(dpkg-deb -f "$DEB" Depends)
depends_cxx=$(dpkg-deb -f "$DEBXX" Depends)
printf '#   C package Depends: %s\n#   C++ package Depends: %s\n' "$depends" "$depends_cxx"
check "the C package depends on the target's libc6 (>= 2.17), nothing else" \
  test "$depends" = "libc6 (>= 2.17)"
check "the C++ package depends on libgcc-s1, not libstdc++" \
  bash -c '[[ $1 == *"libgcc-s1 (>="* && $1 != *libstdc++* ]]' _ "$depends_cxx"
check "the C++ package's libc6 version is one $DISTRO has (<= $GLIBC_MAX)" bash -c '
  v=$(sed -n "s/.*libc6 (>= \([0-9.]*\)).*/\1/p" <<<"$1"); [ -n "$v" ] || exit 1
  [ "$(printf "%s\n%s\n" "$v" "$2" | sort -V | tail -n 1)" = "$2" ]' _ "$depends_cxx" "$GLIBC_MAX"
check "no package names a *-cross package" bash -c '[[ $1$2 != *-cross* ]]' _ "$depends" "$depends_cxx"
check "the packaged programs are aarch64" bash -c '
  dpkg-deb -x "$1" "$3/x" && dpkg-deb -x "$2" "$3/x" &&
  [ "$(file "$3"/x/usr/bin/* | grep -c "ARM aarch64")" = 2 ]' _ "$DEB" "$DEBXX" "$SCRATCH"
finish
