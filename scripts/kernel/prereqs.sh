# shellcheck shell=bash
# Sourced, not run: what scripts/kernel-check.sh needs on the host, checked
# before anything is built or booted. scripts/kernel-debs.sh --check calls
# kernel_check_prereqs before it builds, so that a missing qemu is found
# before an hour of compiling, not after.
#
# Expects TOP, CACHE, msg/die/have (scripts/lib.sh) and the target's
# TARGET_QEMU_SYSTEM, TARGET_QEMU_USER (targets/NAME) and
# TARGET_QEMU_SYSTEM_PACKAGE (targets/kernel/NAME).

# shellcheck source=scripts/host-packages.sh
. "$TOP/scripts/host-packages.sh"

# kernel_check_host_tools: the "NAME:PACKAGE" pairs (scripts/host-packages.sh:
# a command, or a file when NAME starts with /) the checks use, one a line.
kernel_check_host_tools() {
  local binfmt=${TARGET_QEMU_USER%-static}
  # The boot: the target's qemu-system; the root as an ext4 image (mkfs -d).
  printf '%s\n' "$TARGET_QEMU_SYSTEM:$TARGET_QEMU_SYSTEM_PACKAGE" mkfs.ext4:e2fsprogs timeout:coreutils
  # dpkg and perf run in the target's root through qemu-user and binfmt_misc:
  # the emulator and the entry's definition, which scripts/binfmt.sh registers.
  printf '%s\n' "$TARGET_QEMU_USER:qemu-user-static" "/usr/lib/binfmt.d/$binfmt.conf:qemu-user-static"
  # The chroots (scripts/in-chroot.sh); the packages' fields, contents and ELF
  # headers; the package sizes.
  printf '%s\n' unshare:util-linux chroot:coreutils dpkg-deb:dpkg dpkg-query:dpkg readelf:binutils \
    cmp:diffutils numfmt:coreutils realpath:coreutils
}

# kernel_check_prereqs [NO_INSTALL]: every host program the checks need is
# there, or one error line naming the missing packages and the apt-get
# command; as root on Debian/Ubuntu they are installed first, unless
# NO_INSTALL is 1 or --offline (OFFLINE=1) was given. The checks need root:
# the target-root stage (mmdebstrap), chroots and binfmt_misc. The binfmt
# entry is only registered by the checks themselves (binfmt_enable in
# kernel-check.sh): a build may run with it off on purpose
# (tests/full/kernel-packages.sh), so that generators built for the wrong
# machine fail instead of running under qemu.
kernel_check_prereqs() {
  local no_install=${1:-0} v
  for v in TARGET_QEMU_SYSTEM TARGET_QEMU_USER TARGET_QEMU_SYSTEM_PACKAGE; do
    [ -n "${!v:-}" ] || die "kernel_check_prereqs: $v is not set (targets/NAME, targets/kernel/NAME)"
  done
  [ "${OFFLINE:-0}" = 0 ] || no_install=1
  ensure_host_packages "$(kernel_check_host_tools | tr '\n' ' ')" "$no_install"
  [ "$(id -u)" = 0 ] ||
    die "the kernel checks need root (the target-root stage, chroots, binfmt_misc): run them as root"
}
