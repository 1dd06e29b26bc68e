#!/usr/bin/env bash
# bash -c scripts and make text are quoted on purpose; msg, die and edit are
# called indirectly (by the sourced functions, by check).
# shellcheck disable=SC2016,SC2317
# Unit tests of scripts/kernel/ubuntu.sh's flavour editing on a fake Ubuntu
# packaging tree (debian.master/ shaped as focal's, without a kernel): the
# flavour's vars file, arm64.mk's flavours with build_image/kernel_file for
# every flavour, the annotations' policies and FLAVOUR line, the changelog
# entry; that a second pass changes nothing; and clear errors.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
trap 'rm -rf "$SCRATCH"' EXIT
for tool in python3 make; do
  command -v "$tool" >/dev/null || { skip "Ubuntu flavour editing" "$tool is not installed"; finish; }
done
msg() { :; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
KDIR=$TOP/scripts/kernel
# The settings' defaults (SOURCE_DATE_EPOCH, exported for the subshells below).
# shellcheck source=scripts/settings.sh
. "$TOP/scripts/settings.sh"
settings_init
# shellcheck source=targets/aarch64
. "$TOP/targets/aarch64"
# shellcheck source=targets/kernel/aarch64
. "$TOP/targets/kernel/aarch64"
# shellcheck source=scripts/kernel/ubuntu.sh
. "$KDIR/ubuntu.sh"

T="$SCRATCH/tree with space"
D="$T/debian.master"
mkdir -p "$T/debian" "$D/control.d" "$D/rules.d" "$D/config" "$T/kernel/time" "$T/init" "$T/arch"
printf 'DEBIAN=debian.master\n' >"$T/debian/debian.env"
printf 'config CONTEXT_TRACKING\nconfig CONTEXT_TRACKING_FORCE\n' >"$T/kernel/time/Kconfig"
printf 'config TICK_CPU_ACCOUNTING\nconfig VIRT_CPU_ACCOUNTING\n' >"$T/init/Kconfig"
printf 'human_arch\t= ARMv8\nflavours\t= generic\nbuild_image_generic\t= Image.gz\n%s\n' \
  'kernel_file_generic	= arch/$(build_arch)/boot/Image.gz' >"$D/rules.d/arm64.mk"
cat >"$D/config/annotations" <<'EOF'
# Menu: HEADER
# FORMAT: 4
# ARCH: amd64 arm64
# FLAVOUR: amd64-generic arm64-generic

CONFIG_HZ                                       policy<{'amd64': '250', 'arm64': '250'}>
CONFIG_NO_HZ_FULL                               policy<{'amd64': 'n', 'arm64': 'n'}>
CONFIG_NO_HZ_FULL                               note<'not for generic'>

# ---- Annotations without notes ----

CONFIG_A_FIRST                                  policy<{'amd64': 'y'}>
CONFIG_ZZ_LAST                                  policy<{'amd64': 'y'}>
EOF
cat >"$D/changelog" <<'EOF'
linux (5.4.0-200.220) focal; urgency=medium

  * focal/linux: 5.4.0-200.220 -proposed tracker

 -- Someone <someone@example.com>  Fri, 04 Oct 2024 10:00:00 +0200
EOF
# Real changelogs are long (focal's: thousands of entries): a reader that
# pipes into head would die of SIGPIPE under pipefail.
for i in $(seq 3000); do
  printf 'linux (5.4.0-%d.1) focal; urgency=medium\n\n  * old\n\n -- Someone <someone@example.com>  Mon, 01 Jan 2018 10:00:00 +0000\n\n' "$i"
done >>"$D/changelog"
A="$D/config/annotations"

# edit: the flavour added, in a bash of its own with the options kernel-debs.sh
# runs under (errexit does not hold inside check's `if`).
edit() {
  bash -c 'set -euo pipefail; shopt -s inherit_errexit
    msg() { :; }; die() { printf "error: %s\n" "$*" >&2; exit 1; }
    KDIR=$1 T=$2 D=$3 A=$4
    . "$KDIR/../../targets/aarch64"; . "$KDIR/../../targets/kernel/aarch64"
    . "$KDIR/ubuntu.sh"
    mapfile -t policies < <(ubuntu_tickless_policies "$T")
    _ubuntu_add_vars "$D"; _ubuntu_add_to_rules "$D"
    _ubuntu_annotate "$A" "${policies[@]}" 2>/dev/null; _ubuntu_add_changelog "$D"' \
    _ "$KDIR" "$T" "$D" "$A"
}
check "the flavour is added to a tree without it" edit
check "control.d/vars.tickless names arm64" grep -qx 'arch="arm64"' "$D/control.d/vars.tickless"
check "arm64.mk: tickless is a flavour" grep -Eq '^flavours[[:space:]]*= generic tickless$' "$D/rules.d/arm64.mk"
check "arm64.mk: build_image and kernel_file for every flavour" \
  grep -Eq '^kernel_file[[:space:]]*= arch/\$\(build_arch\)/boot/Image.gz$' "$D/rules.d/arm64.mk"
check "annotations: arm64-tickless is on the FLAVOUR line" \
  grep -qx '# FLAVOUR: amd64-generic arm64-generic arm64-tickless' "$A"
check "annotations: an existing policy gains arm64-tickless, keeping the others" \
  grep -qF "CONFIG_NO_HZ_FULL                               policy<{'amd64': 'n', 'arm64': 'n', 'arm64-tickless': 'y'}>" "$A"
check "annotations: HZ=100 for the flavour" grep -qF "'arm64-tickless': '100'" "$A"
check "annotations: a config without a policy gets a new line in order" \
  bash -c 'grep -n "^CONFIG_" "$1" | grep -A1 "CONFIG_A_FIRST" | grep -q "CONFIG_CONTEXT_TRACKING "' _ "$A"
check "annotations: the note line is kept" grep -qF "note<'not for generic'>" "$A"
check "changelog: a new top entry with the tree's version plus +crossboot1" \
  bash -c 'head -n 1 "$1" | grep -qx "linux (5.4.0-200.220+crossboot1) focal; urgency=medium"' _ "$D/changelog"
check "changelog: the new entry is dated after the one below it (lintian)" bash -c '
  mapfile -t d < <(sed -n "s/^ -- .*>  //p" "$1" | head -n 2)
  [ "$(date -d "${d[0]}" +%s)" -gt "$(date -d "${d[1]}" +%s)" ]' _ "$D/changelog"
sums() { (cd "$T" && find . -type f -exec sha256sum {} + | sort); }
before=$(sums)
check "a second pass succeeds" edit
if [ "$(sums)" = "$before" ]; then ok "a second pass changes nothing"
else not_ok "a second pass changed the tree"; fi
# Debian targets: linux-tools-common takes /usr/bin/perf over from linux-base.
printf 'Package: SRCPKGNAME-tools-common\nArchitecture: all\nReplaces: linux-oem-5.6-tools-common\nDescription: x\n\nPackage: SRCPKGNAME-tools-PKGVER\nDescription: y\n' >"$D/control.stub.in"
check "a Debian target: linux-tools-common Replaces linux-base (once, in its stanza)" bash -c '
  . "$1/targets/aarch64"; . "$1/targets/kernel/aarch64"; msg() { :; }; die() { exit 1; }
  KDIR=$1/scripts/kernel DISTRO_VENDOR=debian; . "$KDIR/ubuntu.sh"
  ubuntu_for_debian "$2"; ubuntu_for_debian "$2"
  [ "$(grep -c linux-base "$3")" = 1 ] && grep -qx "Replaces: linux-oem-5.6-tools-common, linux-base" "$3"' _ "$TOP" "$T" "$D/control.stub.in"
cp "$D/control.stub.in" "$SCRATCH/stub.before"
check "an Ubuntu target: the stanza is left as it is" bash -c '
  . "$1/targets/aarch64"; . "$1/targets/kernel/aarch64"; msg() { :; }; die() { exit 1; }
  KDIR=$1/scripts/kernel DISTRO_VENDOR=ubuntu; . "$KDIR/ubuntu.sh"
  ubuntu_for_debian "$2"; cmp -s "$3" "$4"' _ "$TOP" "$T" "$D/control.stub.in" "$SCRATCH/stub.before"
sed -i '/^flavours/d' "$D/rules.d/arm64.mk"
expect_fail "arm64.mk without flavours is one clear error" "has no flavours line" _ubuntu_add_to_rules "$D"
sed -i '/^# FLAVOUR:/d' "$A"
expect_fail "annotations without a FLAVOUR line is one clear error" "no '# FLAVOUR:' line" \
  _ubuntu_annotate "$A" CONFIG_HZ=100
finish
