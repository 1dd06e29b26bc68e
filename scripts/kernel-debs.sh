#!/usr/bin/env bash
# scripts/kernel-debs.sh [--distro NAME] [--size test|full] [--jobs N] TREE
#
# Cross-builds "-tickless" arm64 kernel packages from an upstream or Debian
# kernel tree with `make bindeb-pkg`, inside the build chroot of the target
# distribution (./build.sh --distro NAME aarch64 build-chroot, built first if
# needed) with the project's static cross compiler. The tree is copied, never
# written to; the headers package's host programs are rebuilt for arm64 by the
# patches in scripts/kernel/patches/MAJOR.MINOR/. Results: out/aarch64/debs/.
#   --size test   tinyconfig + scripts/kernel/test-size.config (minutes)
#   --size full   defconfig (default)
# Both add scripts/kernel/tickless.config and check that it took effect.
# Ubuntu trees (debian.master/) are not handled yet.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

DISTRO=${CROSSBOOT_DISTRO:-focal} SIZE=full JOBS=$(nproc) TREE=''
while [ $# -gt 0 ]; do
  case $1 in
    --distro) DISTRO=${2:?--distro needs a name}; shift ;;
    --size) SIZE=${2:-}; [[ $SIZE == test || $SIZE == full ]] || die "--size is test or full"; shift ;;
    --jobs) JOBS=${2:-}; [[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number"; shift ;;
    -h|--help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$TREE" ] || die "one kernel tree only"; TREE=$1 ;;
  esac
  shift
done
[ -n "$TREE" ] || die "usage: scripts/kernel-debs.sh [--distro NAME] [--size test|full] [--jobs N] TREE"
if [ ! -f "$TREE/Makefile" ] || [ ! -d "$TREE/scripts/package" ]; then die "$TREE is not a kernel source tree"; fi
[ ! -d "$TREE/debian.master" ] || die "$TREE is an Ubuntu tree (debian.master/): not supported yet"
TREE=$(realpath "$TREE")

KDIR=$TOP/scripts/kernel
OUT="$TOP/out/aarch64"
VERSION=$(make -s -C "$TREE" kernelversion)
SERIES=$(cut -d. -f1,2 <<<"$VERSION")
WORK="$CACHE/kernel/aarch64/$(basename "$TREE")-$DISTRO-$SIZE"
[ -d "$KDIR/patches/$SERIES" ] || die "no linux-headers cross patch for Linux $SERIES (scripts/kernel/patches/$SERIES/)"

# copy_tree: the tree in WORK/src (without .git), with the patches applied.
copy_tree() {
  local p
  mkdir -p "$WORK"
  rsync -a --delete --exclude=.git "$TREE/" "$WORK/src/"
  for p in "$KDIR/patches/$SERIES"/*.patch; do
    patch -d "$WORK/src" -p1 -N --batch --quiet <"$p" || die "${p##*/} does not apply to $TREE"
  done
  cp "$KDIR/tickless.config" "$KDIR/test-size.config" "$WORK/"
  # Before 5.19 context tracking had one symbol.
  if ! grep -rqx --include='Kconfig*' 'config CONTEXT_TRACKING_USER' "$WORK/src/kernel" "$WORK/src/arch"; then
    sed -i 's/CONTEXT_TRACKING_USER=/CONTEXT_TRACKING=/' "$WORK/tickless.config"
  fi
}

# chroot_script: what runs inside the chroot (WORK is /build there).
chroot_script() {
  local base=defconfig frags=/build/tickless.config epoch=${SOURCE_DATE_EPOCH:-1672531200}
  if [ "$SIZE" = test ]; then base=tinyconfig frags="/build/test-size.config $frags"; fi
  cat <<EOF
set -eu
cd /build/src
M="make O=/build/out ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- LOCALVERSION=-tickless"
M="\$M KBUILD_BUILD_USER=crossboot KBUILD_BUILD_HOST=crossboot"
export KBUILD_BUILD_TIMESTAMP="\$(date -u -d @$epoch)"
\$M $base
KCONFIG_CONFIG=/build/out/.config scripts/kconfig/merge_config.sh -m -O /build/out /build/out/.config $frags
\$M olddefconfig
\$M -j$JOBS KDEB_PKGVERSION=$VERSION-1 bindeb-pkg
EOF
}

# check_config: every line of the tickless fragment is in the effective
# .config (Kconfig drops what it does not know without a word).
check_config() {
  local line missing=''
  while IFS= read -r line; do
    case $line in CONFIG_*|'# CONFIG_'*' is not set') ;; *) continue ;; esac
    grep -qxF -- "$line" "$WORK/out/.config" || missing+=" [$line]"
  done <"$WORK/tickless.config"
  [ -z "$missing" ] || die "the tickless settings did not all take:$missing"
}

main() {
  msg "build chroot for $DISTRO"
  "$TOP/build.sh" --distro "$DISTRO" aarch64 build-chroot >&2
  msg "Linux $VERSION from $TREE, $SIZE size, in $WORK"
  copy_tree
  rm -rf "$WORK/out" "$WORK"/*.deb "$WORK"/*.buildinfo "$WORK"/*.changes
  chroot_script >"$WORK/build-in-chroot.sh"
  msg "building (log: $WORK/build.log)"
  if ! "$TOP/scripts/in-chroot.sh" --bind "$WORK:/build" "$OUT/build-chroot/root" \
      sh /build/build-in-chroot.sh >"$WORK/build.log" 2>&1; then
    tail -n 30 "$WORK/build.log" >&2
    die "the kernel build failed; log: $WORK/build.log"
  fi
  check_config
  mkdir -p "$OUT/debs"
  cp "$WORK"/*.deb "$OUT/debs/"
  msg "packages in $OUT/debs:"
  (cd "$OUT/debs" && ls -1 ./*.deb)
}

main
