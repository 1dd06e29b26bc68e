# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage target-root: a root file system of the target distribution (--distro)
# for the target architecture only, as an arm64 machine running it would have:
# a C compiler, make, kmod and linux-base (which kernel packages depend on),
# so that kernel packages can be installed into it with dpkg, booted under
# qemu-system and used to build out-of-tree modules natively
# (scripts/kernel-check.sh). Made with mmdebstrap, whose
# maintainer scripts run through qemu-user (binfmt_misc). Result:
# out/TARGET/target-root/root.
STAGE_DISTRO=1
STAGE_INPUTS="scripts/distro.sh scripts/binfmt.sh"
STAGE_EXPORT=1
# shellcheck source=scripts/distro.sh
. "$TOP/scripts/distro.sh"
# shellcheck source=scripts/binfmt.sh
. "$TOP/scripts/binfmt.sh"

# libssl-dev pulls in the distribution's libssl (libssl1.1 in focal and
# bullseye), which sign-file in linux-headers links against; bc, bison and
# flex make it a root that can build a kernel natively, the emulated
# reference of tests/bench/kernel-cross-vs-emulated.sh.
TARGET_ROOT_PACKAGES="gcc,make,libc6-dev,kmod,linux-base,libssl-dev,libelf1,bc,bison,flex"

stage_build() {
  local root="$STAGE_OUT/root" why
  why=$(binfmt_enable "${TARGET_QEMU_USER%-static}") || die "the target root runs $TARGET_DEB_ARCH programs here: $why"
  distro_mmdebstrap "$root" minbase "$TARGET_DEB_ARCH" "$TARGET_ROOT_PACKAGES" \
    --dpkgopt='path-exclude=/usr/share/{doc,man,info,locale}/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
  mv "$root.packages" "$STAGE_OUT/PACKAGES"
  msg "  $(wc -l <"$STAGE_OUT/PACKAGES") packages of $DISTRO_NAME for $TARGET_DEB_ARCH"
}
