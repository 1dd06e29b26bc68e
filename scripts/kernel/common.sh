# shellcheck shell=bash
# Sourced, not run: what scripts/kernel-debs.sh and scripts/kernel-check.sh
# share. Expects KDIR (scripts/kernel).

# The target when --target is not given (targets/NAME, targets/kernel/NAME).
# shellcheck disable=SC2034 # read by the scripts that source this
KERNEL_DEFAULT_TARGET=aarch64

# shellcheck source=scripts/kernel/settings.sh
. "$KDIR/settings.sh"

# A command that fails under set -e says so, instead of ending the run silently.
set -E
trap 'printf "error: %s: \"%s\" failed (line %s)\n" "${0##*/}" "$BASH_COMMAND" "$LINENO" >&2' ERR

# tickless_fragment VERSION: scripts/kernel/tickless.config for Linux VERSION.
# Before 5.19 context tracking had one symbol, CONTEXT_TRACKING; since, it is
# CONTEXT_TRACKING_USER (and _IDLE).
tickless_fragment() {
  local major minor
  IFS=. read -r major minor _ <<<"$1"
  if [ "$major" -lt 5 ] || { [ "$major" = 5 ] && [ "${minor%%[!0-9]*}" -lt 19 ]; }; then
    sed 's/^CONFIG_CONTEXT_TRACKING_USER=/CONFIG_CONTEXT_TRACKING=/' "$KDIR/tickless.config"
  else
    cat "$KDIR/tickless.config"
  fi
}

# kernel_option NAME VALUE: an option both kernel scripts take (--target,
# --distro) set from opts_parse's NAME and VALUE; fails for any other NAME.
kernel_option() {
  case $1 in
    target) [ -n "$2" ] || die "--target needs a name (targets/)"; TARGET=$2 ;;
    distro) [ -n "$2" ] || die "--distro needs a name"; DISTRO=$2 ;;
    *) return 1 ;;
  esac
}

# kernel_load_target NAME: targets/NAME (load_target, scripts/settings.sh)
# and the kernel path's targets/kernel/NAME.
kernel_load_target() {
  local name=$1
  load_target "$name"
  [ -f "$TOP/targets/kernel/$name" ] ||
    die "target '$name' has no kernel settings: targets/kernel/$name is missing (targets/kernel/ has the others)"
  # shellcheck source=targets/kernel/aarch64
  . "$TOP/targets/kernel/$name"
  local v
  for v in TARGET_ELF_MACHINE TARGET_KERNEL_QEMU_CPU TARGET_QEMU_SYSTEM_PACKAGE; do
    [ -n "${!v:-}" ] || die "targets/kernel/$name does not set $v"
  done
  # build.sh puts a target's stages in out/NAME; the kernel scripts read
  # out/TARGET_ARCH: the two must be one directory.
  [ "$TARGET_ARCH" = "$name" ] ||
    die "targets/$name sets TARGET_ARCH=$TARGET_ARCH: the kernel scripts need a target named after its TARGET_ARCH"
  OUT="$OUT_ROOT/$TARGET_ARCH"
}
