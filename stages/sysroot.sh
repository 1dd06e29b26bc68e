# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage sysroot: the target distribution's glibc world for the target
# architecture (--distro; headers and libraries of libc6-dev, libssl-dev,
# libelf-dev, zlib1g-dev: what the kernel's host programs link against), for
# ccwrap's glibc mode. Made with mmdebstrap --variant=extract: nothing of the
# target architecture has to run. Result: sysroot/TARGET_GNU_TRIPLET/ and
# sysroot-DISTRO-DEBARCH.tar.xz (extract it in the toolchain's directory).
STAGE_SUMMARY="the target distribution's glibc headers and libraries (--distro)"
STAGE_DISTRO=1
STAGE_RECIPES="distro tarball"
STAGE_EXPORT=flat

SYSROOT_PACKAGES="libc6-dev,libssl-dev,libelf-dev,zlib1g-dev,libzstd-dev,libgcc-s1"

stage_build() {
  local root="$STAGE_OUT/sysroot/$TARGET_GNU_TRIPLET"
  mkdir -p "${root%/*}"
  distro_mmdebstrap "$root" extract "$TARGET_DEB_ARCH" "$SYSROOT_PACKAGES"
  mv "$root.packages" "$root/PACKAGES"
  # What a sysroot does not need: devices, configuration, documentation (but
  # the packages' copyright files: the tarball is passed on). ld reads
  # etc/ld.so.conf* to find the libraries that shared libraries need.
  find "$root/etc" -mindepth 1 -maxdepth 1 ! -name 'ld.so.conf*' -exec rm -rf {} +
  rm -rf "${root:?}"/{dev,var,tmp,run,proc,sys,home,root,media,mnt,opt,srv,boot} \
    "${root:?}"/usr/share/{man,info,locale,lintian,bug}
  keep_copyrights "$root/usr/share/doc"
  relative_symlinks "$root"
  check_library_links "$root"
  msg "  $(wc -l <"$root/PACKAGES") packages of $DISTRO_NAME for $TARGET_DEB_ARCH"
  deterministic_tarball "$STAGE_OUT" sysroot "$STAGE_OUT/sysroot-$DISTRO_NAME-$TARGET_DEB_ARCH.tar.xz"
}

# keep_copyrights DOC: of the packages' documentation only what the sysroot
# tarball must carry when it is passed on: each package's copyright file
# (DOC/PACKAGE/copyright), and the links of packages whose DOC/PACKAGE is
# another package's directory (Debian's doc-dir links for packages built
# from one source).
keep_copyrights() {
  local doc=$1
  [ -d "$doc" ] || return 0
  find "$doc" -mindepth 2 ! -type d ! -name copyright -delete
  find "$doc" -mindepth 1 -maxdepth 1 -type f -delete
  find "$doc" -mindepth 1 -depth -type d -empty -delete
  # A link to a directory that had no copyright file is left dangling.
  find "$doc" -xtype l -delete
}
