#!/usr/bin/env bash
# scripts/kernel-debs.sh [--distro NAME] [--size test|full] [--jobs N] [--check]
#                        [--estimate [--sample N]] TREE
#
# Cross-builds "-tickless" arm64 kernel packages from a kernel source tree,
# inside the build chroot of the target distribution (./build.sh --distro
# NAME aarch64 build-chroot, built first if needed) with the project's static
# cross compiler. The tree is copied, never written to. Two kinds of tree:
#  - upstream or Debian: `make bindeb-pkg` with LOCALVERSION=-tickless and
#    scripts/kernel/tickless.config and target-gcc.config on top of
#    defconfig (--size full, the default) or tinyconfig +
#    scripts/kernel/test-size.config (--size test);
#    patches in scripts/kernel/patches/MAJOR.MINOR/ make linux-headers carry
#    arm64 host programs and declare its Depends;
#  - Ubuntu (debian.master/): the arm64 "tickless" flavour is added to the
#    tree's packaging where missing (scripts/kernel/ubuntu.sh), its config
#    generated from the tree's annotations (--size test: that config cut
#    down), and `dpkg-buildpackage -aarm64` builds the flavour's packages;
#    scripts/kernel/ubuntu/MAJOR.MINOR/ patches the headers the same way.
# The effective config is checked for every tickless setting. Results:
# out/aarch64/debs/. --check then runs scripts/kernel-check.sh on them.
# --estimate builds nothing whole: it prepares the configuration the build
# would use, compiles a sample of N of its objects (default 200) and
# extrapolates the build time on this machine (scripts/kernel/estimate.sh).
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
KDIR=$TOP/scripts/kernel
# shellcheck source=scripts/kernel/common.sh
. "$KDIR/common.sh"
# shellcheck source=scripts/kernel/ubuntu.sh
. "$KDIR/ubuntu.sh"
# shellcheck source=scripts/kernel/estimate.sh
. "$KDIR/estimate.sh"

DISTRO=${CROSSBOOT_DISTRO:-focal} SIZE=full JOBS=$(nproc) TREE='' CHECK=0 ESTIMATE=0 SAMPLE=200
while [ $# -gt 0 ]; do
  case $1 in
    --distro) DISTRO=${2:?--distro needs a name}; shift ;;
    --size) SIZE=${2:-}; [[ $SIZE == test || $SIZE == full ]] || die "--size is test or full"; shift ;;
    --jobs) JOBS=${2:-}; [[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number"; shift ;;
    --check) CHECK=1 ;;
    --estimate) ESTIMATE=1 ;;
    --sample) SAMPLE=${2:-}; [[ $SAMPLE =~ ^[1-9][0-9]*$ ]] || die "--sample needs a positive number"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) [ -z "$TREE" ] || die "one kernel tree only"; TREE=$1 ;;
  esac
  shift
done
[ -n "$TREE" ] || die "usage: scripts/kernel-debs.sh [--distro NAME] [--size test|full] [--jobs N] [--check] [--estimate [--sample N]] TREE"
[ "$CHECK$ESTIMATE" != 11 ] || die "--estimate builds no packages to --check"
if [ ! -f "$TREE/Makefile" ] || [ ! -d "$TREE/scripts/package" ]; then die "$TREE is not a kernel source tree"; fi
TREE=$(realpath "$TREE")
KIND=upstream PATCHES=patches
if [ -d "$TREE/debian.master" ]; then KIND=ubuntu PATCHES=ubuntu; fi
[ "$KIND" = upstream ] || have python3 || die "python3 is missing (apt-get install python3): Ubuntu's annotations tool needs it"

OUT="$TOP/out/aarch64"
VERSION=$(make -s -C "$TREE" kernelversion)
SERIES=$(cut -d. -f1,2 <<<"$VERSION")
WORK="$CACHE/kernel/aarch64/$(basename "$TREE")-$DISTRO-$SIZE"
[ -d "$KDIR/$PATCHES/$SERIES" ] ||
  die "no linux-headers cross patch for $KIND Linux $SERIES (scripts/kernel/$PATCHES/$SERIES/)"

# copy_tree: the tree in WORK/src (without .git), with the patches applied.
copy_tree() {
  local p
  mkdir -p "$WORK"
  rsync -a --delete --exclude=.git "$TREE/" "$WORK/src/"
  for p in "$KDIR/$PATCHES/$SERIES"/*.patch; do
    patch -d "$WORK/src" -p1 -N --batch --quiet <"$p" || die "${p##*/} does not apply to $TREE"
  done
  tickless_fragment "$VERSION" >"$WORK/tickless.config"
  cp "$KDIR/test-size.config" "$KDIR/target-gcc.config" "$WORK/"
}

# in_chroot SCRIPT LOG: run WORK/SCRIPT in the build chroot (WORK is /build
# there), its output in WORK/LOG; the log's end and a clear error on failure.
in_chroot() {
  if ! "$TOP/scripts/in-chroot.sh" --bind "$WORK:/build" "$OUT/build-chroot/root" \
      sh "/build/$1" >"$WORK/$2" 2>&1; then
    tail -n 30 "$WORK/$2" >&2
    die "${1%.sh} failed in the build chroot; log: $WORK/$2"
  fi
}

# The packages' Maintainer and changelog address, else user@host.
maintainer_env() {
  printf 'export DEBEMAIL="%s" DEBFULLNAME="%s"\n' \
    "${DEBEMAIL:-crossboot@crossboot.invalid}" "${DEBFULLNAME:-crossboot}"
}

# upstream_config_script: the configuration, in /build/out/.config.
upstream_config_script() {
  local base=defconfig frags="/build/target-gcc.config /build/tickless.config"
  if [ "$SIZE" = test ]; then base=tinyconfig frags="/build/test-size.config $frags"; fi
  cat <<EOF
set -eu
cd /build/src
M="make O=/build/out ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- LOCALVERSION=-tickless"
\$M $base
KCONFIG_CONFIG=/build/out/.config scripts/kconfig/merge_config.sh -m -O /build/out /build/out/.config $frags
\$M olddefconfig
EOF
}

# upstream_script: the configuration, then make bindeb-pkg in the chroot.
upstream_script() {
  local epoch=${SOURCE_DATE_EPOCH:-1672531200}
  maintainer_env
  upstream_config_script
  cat <<EOF
M="\$M KBUILD_BUILD_USER=crossboot KBUILD_BUILD_HOST=crossboot"
export KBUILD_BUILD_TIMESTAMP="\$(date -u -d @$epoch)"
\$M -j$JOBS KDEB_PKGVERSION=$VERSION-1 bindeb-pkg
EOF
}

build_upstream() {
  if [ "$ESTIMATE" = 1 ]; then
    upstream_config_script >"$WORK/config-in-chroot.sh"
    in_chroot config-in-chroot.sh config.log
    run_estimate /build/out/.config
    return
  fi
  upstream_script >"$WORK/build-in-chroot.sh"
  msg "building (log: $WORK/build.log)"
  in_chroot build-in-chroot.sh build.log
  BUILT_CONFIG=$WORK/out/.config
}

# build_ubuntu: the flavour added, its config generated (and cut down for
# the test size), settled by Kconfig with the cross compiler and recorded in
# the annotations so that the tree's own config check holds, then built.
build_ubuntu() {
  local gccver
  ubuntu_add_flavour "$WORK/src"
  if [ "$SIZE" = test ]; then ubuntu_test_config "$WORK/src"
  else ubuntu_export_config "$WORK/src" "$WORK/ubuntu-request.config"; fi
  ubuntu_resolve_script >"$WORK/resolve-config.sh"
  msg "settling the flavour's config with the cross compiler (log: $WORK/config.log)"
  in_chroot resolve-config.sh config.log
  gccver=$(sed -n 's/^CONFIG_GCC_VERSION=//p' "$WORK/kcfg/.config")
  ubuntu_fix_gcc_version "$WORK/src" "$gccver"
  ubuntu_record_config "$WORK/src" "$WORK/kcfg/.config" "$SIZE"
  if [ "$ESTIMATE" = 1 ]; then run_estimate /build/kcfg/.config; return; fi
  { maintainer_env; ubuntu_chroot_script; } >"$WORK/build-in-chroot.sh"
  msg "building with dpkg-buildpackage -aarm64 (log: $WORK/build.log)"
  in_chroot build-in-chroot.sh build.log
  BUILT_CONFIG=$(ubuntu_built_config "$WORK/src")
}

# run_estimate CONFIG: --estimate's measurement and report (the tickless
# settings are checked on CONFIG as on a build's).
run_estimate() {
  BUILT_CONFIG=$WORK/${1#/build/}
  check_config
  estimate_script "$1" >"$WORK/estimate-in-chroot.sh"
  msg "compiling a sample of $SAMPLE objects (log: $WORK/estimate.log)"
  in_chroot estimate-in-chroot.sh estimate.log
  estimate_report "$WORK/estimate.txt"
}

# check_config: every line of the tickless fragment (and, upstream, of
# target-gcc.config) is in the effective .config.
check_config() {
  local missing
  [ -f "$BUILT_CONFIG" ] || die "the build left no .config at $BUILT_CONFIG"
  missing=$(missing_settings "$WORK/tickless.config" "$BUILT_CONFIG"
    [ "$KIND" != upstream ] || missing_settings "$WORK/target-gcc.config" "$BUILT_CONFIG")
  [ -z "$missing" ] || die "the tickless settings did not all take: ${missing//$'\n'/; }"
}

main() {
  local built
  msg "build chroot for $DISTRO"
  "$TOP/build.sh" --distro "$DISTRO" aarch64 build-chroot >&2
  msg "Linux $VERSION ($KIND tree) from $TREE, $SIZE size, in $WORK"
  copy_tree
  rm -rf "$WORK/out" "$WORK/kcfg" "$WORK"/*.deb "$WORK"/*.ddeb "$WORK"/*.udeb "$WORK"/*.buildinfo "$WORK"/*.changes
  "build_$KIND"
  [ "$ESTIMATE" = 0 ] || exit 0
  check_config
  mkdir -p "$OUT/debs"
  cp "$WORK"/*.deb "$OUT/debs/"
  msg "packages in $OUT/debs:"
  built=("$WORK"/*.deb)
  built=("${built[@]/#"$WORK"/"$OUT/debs"}")
  printf '%s\n' "${built[@]##*/}"
  if [ "$CHECK" = 1 ]; then
    msg "checking them (scripts/kernel-check.sh)"
    exec "$TOP/scripts/kernel-check.sh" --distro "$DISTRO" "${built[@]}"
  fi
}

main
