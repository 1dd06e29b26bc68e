#!/usr/bin/env bash
# scripts/in-chroot.sh [--bind HOSTDIR:DIR]... ROOT COMMAND [ARG...]
#
# Runs COMMAND inside ROOT (a root made by the build-chroot stage, or any
# mmdebstrap root) with /proc, /dev and a fresh /tmp, in a private mount
# namespace: nothing stays mounted on the host afterwards, however it ends.
# --bind makes HOSTDIR visible at DIR inside. As root the root's own files
# are used as they are; otherwise (a root made in mmdebstrap's unshare mode)
# in a user namespace mapping the caller's subordinate ids.
set -euo pipefail

die() { printf 'in-chroot: %s\n' "$*" >&2; exit 1; }

binds=()
while [ $# -gt 0 ]; do
  case $1 in
    --bind) [[ ${2:-} == *:/* ]] || die "--bind needs HOSTDIR:/DIR"; binds+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || die "usage: scripts/in-chroot.sh [--bind HOSTDIR:DIR]... ROOT COMMAND [ARG...]"
root=$(realpath "$1"); shift
[ -x "$root/bin/sh" ] || die "$root is not a root file system (no /bin/sh)"

# inner: runs in the new mount namespace, still outside the root.
inner() {
  local root=$1 b n=$2; shift 2
  mount --make-rprivate /
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount -t tmpfs tmpfs "$root/tmp"
  for b in "${@:1:n}"; do   # HOSTDIR:DIR, split at the last colon
    mkdir -p "$root/${b##*:}"
    mount --bind "${b%:*}" "$root/${b##*:}"
  done
  shift "$n"
  exec chroot "$root" /usr/bin/env -i HOME=/tmp TERM="${TERM:-dumb}" LC_ALL=C.UTF-8 \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin "$@"
}

ns=(unshare --mount --pid --fork --kill-child)
[ "$(id -u)" = 0 ] || ns=(unshare --map-root-user --map-auto --mount --pid --fork --kill-child)
exec "${ns[@]}" bash -c "set -euo pipefail; $(declare -f inner); inner \"\$@\"" in-chroot "$root" "${#binds[@]}" \
  "${binds[@]}" "$@"
