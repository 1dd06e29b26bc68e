#!/usr/bin/env bash
# tests/full/glibc-pkg-config.sh [TARBALL [SYSROOT-TARBALL]]: the toolchain's
# glibc pkg-config wrapper, CMake toolchain file and Meson cross file against
# the target distribution's sysroot (bullseye here, standing in for focal;
# default: the release tarball with sysroot-bullseye-arm64.tar.xz extracted
# in it): a CMake and a Meson project that find zlib through pkg-config
# configure, link the sysroot's libz.so (never the build host's, whose
# zlib.pc is on PKG_CONFIG_PATH) and run under qemu; with the sysroot's
# zlib.pc gone both stop, saying zlib is not found.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=tests/helpers/zlib-project.sh
. "$TOP/tests/helpers/zlib-project.sh"
scratch

DISTRO=bullseye G=aarch64-linux-gnu
OUT="$TOP/out/aarch64"
TARBALL=${1:-$OUT/cross-compiler-aarch64.tar.xz}
SYSROOT_TARBALL=${2:-$OUT/sysroot-$DISTRO-arm64.tar.xz}
for f in "$TARBALL" "$SYSROOT_TARBALL"; do
  [ -s "$f" ] || { not_ok "$f is not built (./build.sh --distro $DISTRO aarch64 all)"; finish; }
done
# Not under SCRATCH: pkg-config's flags cannot carry a space in the sysroot.
PLAIN=$(mktemp -d "${TMPDIR:-/tmp}/crossboot-glibc-pkg-config.XXXXXX")
trap 'rm -rf "$SCRATCH" "$PLAIN"' EXIT
tar -xf "$TARBALL" -C "$PLAIN"
TC="$PLAIN/cross-compiler-aarch64"
tar -xf "$SYSROOT_TARBALL" -C "$TC"
SYS="$TC/sysroot/$G"
ZLIB_PC="$SYS/usr/lib/$G/pkgconfig/zlib.pc"
HOSTPC="$SCRATCH/host pc"
host_zlib_pc "$HOSTPC"

check "the sysroot has zlib.pc (zlib1g-dev)" test -f "$ZLIB_PC"
check "pkg-config: zlib is the sysroot's, the host's zlib.pc on PKG_CONFIG_PATH" bash -c '
  [ "$(PKG_CONFIG_PATH="$2" "$1" --modversion zlib)" = 1.2.11 ] &&
  [ "$(PKG_CONFIG_PATH="$2" "$1" --libs zlib | sed "s/ *\$//")" = "-L$3/usr/lib/$4 -lz" ]' \
  _ "$TC/bin/$G-pkg-config" "$HOSTPC" "$SYS" "$G"
if ! command -v qemu-aarch64-static >/dev/null; then
  skip "CMake and Meson against the sysroot's zlib" "qemu-aarch64-static is not installed (apt-get install qemu-user-static)"
elif have_build_systems; then
  zlib_builds "$DISTRO zlib through pkg-config" "$G" "$G/usr/lib/$G/libz.so" "$SYS" "zlib 1.2.11" \
    PKG_CONFIG_PATH="$HOSTPC"
  for tool in cmake meson; do
    exe="$SCRATCH/$tool $DISTRO-zlib-through-pkg-config/zlib_version"
    if [ -f "$exe" ] && readelf -dW "$exe" | grep -q 'Shared library: \[libz\.so\.1\]'; then
      ok "$tool: the program needs the distribution's libz.so.1"
    else not_ok "$tool: the program does not need libz.so.1"; fi
  done
  mv "$ZLIB_PC" "$ZLIB_PC.away"
  check "control: the host's pkg-config finds the host's zlib.pc the projects are given" \
    env PKG_CONFIG_PATH="$HOSTPC" pkg-config --exists zlib
  zlib_fails "$DISTRO zlib.pc missing, the host's on PKG_CONFIG_PATH" "$G" PKG_CONFIG_PATH="$HOSTPC"
  mv "$ZLIB_PC.away" "$ZLIB_PC"
fi
finish
