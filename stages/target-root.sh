# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage target-root: a root file system of the target distribution (--distro)
# for the target architecture only, as an arm64 machine running it would have:
# a C compiler, make, kmod and linux-base (which kernel packages depend on)
# and what the kernel tools packages need, so that kernel packages can be
# installed into it with dpkg, booted under qemu-system and used to build
# out-of-tree modules natively (scripts/kernel-check.sh). Made with mmdebstrap, whose
# maintainer scripts run through qemu-user (binfmt_misc). Result:
# out/TARGET/target-root/root.
STAGE_SUMMARY="a root of the target distribution for package tests (--distro)"
STAGE_DISTRO=1
STAGE_RECIPES="distro"
STAGE_INPUTS="scripts/binfmt.sh"
STAGE_EXPORT=1
# shellcheck source=scripts/binfmt.sh
. "$TOP/scripts/binfmt.sh"

# libssl-dev pulls in the distribution's libssl (libssl1.1 in focal and
# bullseye), which sign-file in linux-headers links against; bc, bison and
# flex make it a root that can build a kernel natively, the emulated
# reference of tests/bench/kernel-cross-vs-emulated.sh.
# initramfs-tools: a full-size Ubuntu arm64 kernel has every disk driver
# qemu's virt machine offers as a module (virtio_blk, virtio_scsi, nvme,
# ahci: m), so it boots, as on an arm64 machine, through the initramfs
# that installing linux-image makes (the linux-image postinst runs
# /etc/kernel/postinst.d, where initramfs-tools' hook is).
TARGET_ROOT_PACKAGES="gcc,make,libc6-dev,kmod,linux-base,libssl-dev,libelf1,bc,bison,flex,initramfs-tools"
# What the kernel tools packages of Ubuntu trees (linux-tools-*) need to
# install and run: the libraries perf, bpftool, cpupower and usbip link
# (perf: libdw, libunwind, libnuma, libslang, libcap, zlib, liblzma; libelf
# and libcrypto are above; cpupower: libpci; usbip: libudev) and
# lsb-release, which linux-tools-common depends on (in bullseye and focal a
# Python script: python3 comes with it). In the root itself rather than
# installed at check time: the check stays offline and installs into the
# same root every run. The names are the same in focal, bullseye and
# bookworm; libunwind8 and libnuma1 are not built for every architecture
# (focal's Build-Depends name them for arm64 among others). The kernel check
# lists where each library the tools need is found.
TARGET_ROOT_TOOLS_PACKAGES="libdw1,libunwind8,libnuma1,libslang2,libcap2,zlib1g,liblzma5,libpci3,libudev1,lsb-release"

stage_build() {
  local root="$STAGE_OUT/root" why
  why=$(binfmt_enable "${TARGET_QEMU_USER%-static}") || die "the target root runs $TARGET_DEB_ARCH programs here: $why"
  distro_mmdebstrap "$root" minbase "$TARGET_DEB_ARCH" "$TARGET_ROOT_PACKAGES,$TARGET_ROOT_TOOLS_PACKAGES" \
    --dpkgopt='path-exclude=/usr/share/{doc,man,info,locale}/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
  mv "$root.packages" "$STAGE_OUT/PACKAGES"
  msg "  $(wc -l <"$STAGE_OUT/PACKAGES") packages of $DISTRO_NAME for $TARGET_DEB_ARCH"
}
