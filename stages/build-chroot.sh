# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage build-chroot: a root of the target distribution (--distro) for amd64
# with the target architecture as a foreign one, to cross-build Debian
# packages (the kernel's) whose dependencies come out right for that
# distribution: dpkg-shlibdeps maps libraries to packages through this root's
# dpkg database, which has the target's libc6, libssl and friends.
#
# The static cross compiler (canadian-package) is at /opt/crossboot with the
# glibc runtime; its sysroot is the root itself (sysroot/TRIPLET -> /), and
# /usr/local/bin has the names Debian's cross tooling calls:
# TRIPLET-{gcc,g++,cpp,ld,as,ar,nm,objcopy,objdump,strip,readelf,...} and
# versioned ones (TRIPLET-gcc-9 ...) for rules that ask for a gcc version.
# No libc6-*-cross package is installed: dependencies would name it.
# Enter it with scripts/in-chroot.sh.
STAGE_SUMMARY="a build chroot of the distribution with the cross compiler (--distro)"
STAGE_DEPS="canadian-package glibc-runtime"
STAGE_RECIPES="distro"
STAGE_DISTRO=1
STAGE_EXPORT=1

# Build side (amd64): what Debian and Ubuntu kernel packages build with
# (kernel-wedge: Ubuntu's debian/rules clean runs it); for Ubuntu's tools
# packages: autoconf, automake, libtool (usbip's autogen.sh), a JDK's headers
# (perf's JVMTI agent: jni.h and jvmti.h are the same on every architecture),
# and what linux-tools-common's man pages are made with (rst2man, asciidoc,
# xmlto); dkms, which Ubuntu's rules build zfs and wireguard with (focal's
# Build-Depends), and lsb-release, which zfs's dkms.conf asks.
CHROOT_BUILD_PACKAGES="build-essential bc bison flex cpio kmod rsync gawk python3 perl xz-utils
zstd lz4 openssl libssl-dev libelf-dev zlib1g-dev libncurses-dev dwarves dpkg-dev debhelper
fakeroot lintian pkg-config file git kernel-wedge autoconf automake libtool java-common
default-jdk-headless python3-docutils asciidoc-base xmlto dkms lsb-release"
# Target side: the libraries the kernel's programs for the target link
# against, and the tools' (perf, bpftool, cpupower, usbip): exactly the -dev
# packages of focal's Build-Depends (debian.master/control.stub.in), by their
# Debian names (libunwind8-dev is libunwind-dev). perf turns on whatever it
# finds, so none more: an extra library changes its features and Depends.
CHROOT_TARGET_PACKAGES="libc6-dev libssl-dev libelf-dev zlib1g-dev libgcc-s1 libcap-dev
libnewt-dev libiberty-dev libdw-dev libpci-dev libunwind-dev liblzma-dev libaudit-dev libudev-dev
uuid-dev libnuma-dev"
# Names the compiler answers to besides the plain ones.
CHROOT_GCC_VERSIONS="9 10 11 12"

stage_build() {
  local root="$STAGE_OUT/root" pkgs p
  # shellcheck disable=SC2086 # a list of package names
  pkgs=$(printf '%s,' $CHROOT_BUILD_PACKAGES)
  for p in $CHROOT_TARGET_PACKAGES; do pkgs+="$p:$TARGET_DEB_ARCH,"; done
  distro_mmdebstrap "$root" buildd "amd64,$TARGET_DEB_ARCH" "${pkgs%,}" \
    --dpkgopt='path-exclude=/usr/share/{doc,man,info,locale}/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
  mv "$root.packages" "$STAGE_OUT/PACKAGES"
  install_cross_compiler "$root/opt/crossboot"
  cross_tool_names "$root"
  check_no_cross_libc "$STAGE_OUT/PACKAGES"
}

# install_cross_compiler DIR: the release tarball and the glibc runtime in
# DIR; the glibc sysroot is the chroot's own root.
install_cross_compiler() {
  local dir=$1 pkg rt
  pkg=$(dep_dir canadian-package)
  rt=$(dep_dir glibc-runtime)
  mkdir -p "$dir/sysroot"
  tar -xf "$pkg/cross-compiler-$TARGET_ARCH.tar.xz" -C "$dir" --strip-components=1
  cp -a "$rt/sysroot-runtime" "$dir/"
  ln -sfn / "$dir/sysroot/$TARGET_GNU_TRIPLET"
  # What the compiler is, by content (both tarballs are reproducible): the
  # kernel scripts rebuild when it changes, not when only a cache key does.
  (cd "$pkg" && sha256sum "cross-compiler-$TARGET_ARCH.tar.xz") >"$STAGE_OUT/TOOLCHAIN"
  (cd "$rt" && find sysroot-runtime -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) >>"$STAGE_OUT/TOOLCHAIN"
}

# cross_tool_names ROOT: TRIPLET-* names in ROOT/usr/local/bin, relative
# links into /opt/crossboot/bin.
cross_tool_names() {
  local bin="$1/usr/local/bin" G=$TARGET_GNU_TRIPLET T=$TARGET_TRIPLET t v to=../../../opt/crossboot/bin
  mkdir -p "$bin"
  for t in gcc g++ cpp cc c++; do
    ln -sfn "$to/$G-$t" "$bin/$G-$t"
    for v in $CHROOT_GCC_VERSIONS; do
      [ "$t" = cc ] || [ "$t" = c++ ] || ln -sfn "$to/$G-$t" "$bin/$G-$t-$v"
    done
  done
  for t in addr2line ar as c++filt elfedit gprof ld ld.bfd nm objcopy objdump ranlib readelf \
      size strings strip gcc-ar gcc-nm gcc-ranlib; do
    if [ -e "$1/opt/crossboot/bin/$T-$t" ]; then ln -sfn "$to/$T-$t" "$bin/$G-$t"; fi
  done
}

# check_no_cross_libc LIST: no libc6-*-cross package slipped in.
check_no_cross_libc() {
  local cross
  cross=$(grep -- '-cross_' "$1" | tr '\n' ' ') || true
  [ -z "$cross" ] || die "a *-cross package was installed in the build chroot: $cross"
}
