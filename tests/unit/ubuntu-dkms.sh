#!/usr/bin/env bash
# Unit tests of the dkms modules of Ubuntu trees (zfs, wireguard) in
# scripts/kernel/ubuntu.sh and scripts/kernel/dkms.sh, on a fake packaging
# tree and a local signed archive (tests/helpers/ubuntu-archive.sh publish,
# served as file://; nothing leaves this machine): which modules the tree's
# rules build; the pins of debian.master/dkms-versions (5.4's format only:
# another is one error line); per target vendor the make variables, the
# test size's extra modules and the one note line; the fetch of the pinned
# .debs under the names the rules ask for, kept once there, their hash; and
# one error line each for an unreachable archive, a pinned version the
# archive lacks (naming those it has, taking none), a file that is not what
# the signed index says (apt's check), and OFFLINE=1. kernel-check.sh's
# fetch of linux-tools-common: the newest version, one error line for a
# package the archive lacks and for OFFLINE=1.
# The code under test runs in a bash of its own (in_kd), single-quoted; the
# helpers are called through check.
# shellcheck disable=SC2016,SC2317
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
command -v make >/dev/null || { skip "Ubuntu dkms modules" "make is not installed"; finish; }
# Nothing may leave this machine: no proxy in between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export no_proxy='*' NO_PROXY='*'

# in_kd DISTRO CODE [ARG...]: CODE in a bash with the options kernel-debs.sh
# runs under, scripts/lib.sh, the aarch64 target, the DISTRO profile,
# ubuntu.sh and dkms.sh loaded; ARGs as $1...
in_kd() {
  local distro=$1 code=$2; shift 2
  CODE=$code DISTRO=$distro CACHE="$SCRATCH/cache" bash -c 'set -euo pipefail; shopt -s inherit_errexit
    TOP=$0; . "$TOP/scripts/lib.sh"
    . "$TOP/targets/aarch64"; . "$TOP/targets/kernel/aarch64"
    load_distro "$DISTRO"
    KDIR=$TOP/scripts/kernel JOBS=2
    . "$KDIR/ubuntu.sh"; . "$KDIR/dkms.sh"
    eval "$CODE"' "$TOP" "$@"
}
# one_error OUTPUT PATTERN: OUTPUT's only "error:" line matches PATTERN (grep -E).
one_error() {
  local errors
  errors=$(grep '^error: ' <<<"$1") || true
  [ "$(grep -c . <<<"$errors")" = 1 ] && grep -Eq -- "$2" <<<"$errors" && return 0
  printf 'error lines:\n%s\n' "$errors"; return 1
}

# --- a fake tree: focal's pins and the lines of its rules that use them ----------
T="$SCRATCH/tree with space"
D="$T/debian.master"
mkdir -p "$T/debian/rules.d" "$D/rules.d"
printf 'DEBIAN=debian.master\n' >"$T/debian/debian.env"
printf 'build_arch\t= arm64\nflavours\t= generic tickless\ndo_zfs\t\t= true\ndo_dkms_wireguard = true\n' >"$D/rules.d/arm64.mk"
printf '%s\n' 'zfs-linux 0.8.3-1ubuntu12.18' 'virtualbox 6.1.50-dfsg-1~ubuntu1.20.04.1' \
  'wireguard-linux-compat 1.0.20201112-1~20.04.1' >"$D/dkms-versions"
cat >"$T/debian/rules.d/2-binary-arch.mk" <<'EOF'
	$(if $(filter true,$(enable_zfs)),$(call build_dkms, $(mods_pkg_name)-$*, $(pkgdir)/lib/modules/$(abi_release)-$*/kernel, $(dbgpkgdir_zfs), zfs, pool/universe/z/zfs-linux/zfs-dkms_$(dkms_zfs_linux_version)_all.deb))
	$(if $(filter true,$(do_dkms_wireguard)),$(call build_dkms, $(mods_pkg_name)-$*, $(pkgdir)/lib/modules/$(abi_release)-$*/kernel, "", wireguard, pool/universe/w/wireguard-linux-compat/wireguard-dkms_$(dkms_wireguard_version)_all.deb))
EOF
PINS=$'zfs-dkms=0.8.3-1ubuntu12.18\nwireguard-dkms=1.0.20201112-1~20.04.1'

check "the rules build zfs and wireguard for arm64 (rules.d/arm64.mk)" \
  test "$(in_kd focal 'ubuntu_dkms_enabled "$1"' "$T")" = $'zfs\nwireguard'
cp "$D/rules.d/arm64.mk" "$SCRATCH/arm64.mk"
printf 'do_zfs_tickless = false\n' >>"$D/rules.d/arm64.mk"
check "control: do_zfs_tickless=false leaves zfs out for the flavour (custom_override)" \
  test "$(in_kd focal 'ubuntu_dkms_enabled "$1"' "$T")" = wireguard
cp "$SCRATCH/arm64.mk" "$D/rules.d/arm64.mk"

check "the pins: PACKAGE=VERSION of zfs-dkms and wireguard-dkms" \
  test "$(in_kd focal 'ubuntu_dkms_pins "$1" zfs wireguard' "$T")" = "$PINS"
cp "$D/dkms-versions" "$SCRATCH/dkms-versions"
# A later tree's format (jammy): more fields a line.
printf 'zfs-linux 2.1.5-1ubuntu6~22.04.1 modulename=zfs debpath=pool/universe/z/%%package%%/zfs-dkms_%%version%%_all.deb arch=amd64 arm64\n' >"$D/dkms-versions"
out=$(in_kd focal 'ubuntu_dkms_pins "$1" zfs wireguard' "$T" 2>&1) || true
check "another dkms-versions format is refused in one line" one_error "$out" 'is not in the 5.4 format .*line 1: zfs-linux 2\.1\.5'
grep -v wireguard "$SCRATCH/dkms-versions" >"$D/dkms-versions"
out=$(in_kd focal 'ubuntu_dkms_pins "$1" zfs wireguard' "$T" 2>&1) || true
check "a module without a pin is one error line" one_error "$out" 'pins no version of wireguard-linux-compat'
cp "$SCRATCH/dkms-versions" "$D/dkms-versions"
cp "$T/debian/rules.d/2-binary-arch.mk" "$SCRATCH/rules"
sed -i 's#pool/universe/z/zfs-linux/zfs-dkms_#zfs-dkms_#' "$T/debian/rules.d/2-binary-arch.mk"
out=$(in_kd focal 'ubuntu_dkms_pins "$1" zfs' "$T" 2>&1) || true
check "rules that ask for zfs-dkms otherwise are one error line" one_error "$out" 'does not build zfs from pool/\.\.\./zfs-linux/zfs-dkms_VERSION_all\.deb'
cp "$SCRATCH/rules" "$T/debian/rules.d/2-binary-arch.mk"

# --- per vendor: the make variables, the test size, the note ------------------------
plan='ubuntu_dkms_plan "$1" 2>"$2"; echo "$UBUNTU_DKMS|${UBUNTU_DKMS_PINS[*]}|${UBUNTU_TEST_MODULES[*]}"; ubuntu_make_vars'
out=$(in_kd focal "$plan" "$T" "$SCRATCH/note")
check "focal: zfs and wireguard are built, pinned as the tree says" \
  grep -qxF "zfs wireguard|${PINS//$'\n'/ }|HW_RANDOM_VIRTIO NET_9P NET_9P_VIRTIO 9P_FS VXLAN NET_UDP_TUNNEL" <<<"$out"
check "focal: do_zfs=true do_dkms_wireguard=true, nvidia and vbox off" \
  grep -Eq '^do_zfs=true do_dkms_wireguard=true do_dkms_nvidia=false do_dkms_nvidia_server=false do_dkms_vbox=false ' <<<"$out"
check "focal: one line says what is built and from where" bash -c '[ "$(wc -l <"$1")" = 1 ] &&
  grep -qxF "zfs, wireguard: built with dkms into linux-modules, as Ubuntu does, from focal'\''s archive: zfs-dkms 0.8.3-1ubuntu12.18, wireguard-dkms 1.0.20201112-1~20.04.1 (the tree'\''s dkms-versions)" "$1"' _ "$SCRATCH/note"
out=$(in_kd bullseye "$plan" "$T" "$SCRATCH/note")
check "bullseye: nothing built, the test size unchanged" \
  grep -qxF "||HW_RANDOM_VIRTIO NET_9P NET_9P_VIRTIO 9P_FS" <<<"$out"
check "bullseye: do_zfs=false do_dkms_wireguard=false" grep -Eq '^do_zfs=false do_dkms_wireguard=false ' <<<"$out"
check "bullseye: one line says why not, as the known difference" bash -c '[ "$(wc -l <"$1")" = 1 ] &&
  grep -q "^zfs, wireguard: not built: bullseye.s archive has not the dkms packages .*the one known difference from a native build" "$1"' _ "$SCRATCH/note"
check "every chroot script takes the .debs from /build/dkms (CROSSBOOT_DKMS_DEBS)" \
  grep -qx 'export CROSSBOOT_DKMS_DEBS=/build/dkms' <(in_kd focal 'SOURCE_DATE_EPOCH=1 _ubuntu_env_script')

# --- fetching from a local signed archive ---------------------------------------------
for t in apt-get:apt apt-ftparchive:apt-utils gpg:gpg dpkg-deb:dpkg; do
  command -v "${t%%:*}" >/dev/null || { skip "fetching the dkms packages" "${t%%:*} is missing (apt-get install ${t#*:})"; finish; }
done
# The profile's keyring path cannot have a space (apt's one-line sources).
A=$(mktemp -d)
trap 'rm -rf "$SCRATCH" "$A"' EXIT
# fake_deb NAME VERSION: a small Architecture: all package in A/debs.
fake_deb() {
  local p="$A/src/$1-$2"
  mkdir -p "$p/DEBIAN" "$p/usr/src/$1" "$A/debs"
  printf 'Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: t <t@t.invalid>\nDescription: test\n' "$1" "$2" >"$p/DEBIAN/control"
  echo "$1 $2" >"$p/usr/src/$1/dkms.conf"
  dpkg-deb --root-owner-group -b "$p" "$A/debs/${1}_${2}_all.deb" >/dev/null
}
fake_deb zfs-dkms 0.8.3-1ubuntu12.18
fake_deb zfs-dkms 0.8.3-1ubuntu12.17
fake_deb wireguard-dkms '1.0.20201112-1~20.04.1'
fake_deb linux-tools-common 5.4.0-199.219
fake_deb linux-tools-common 5.4.0-200.220
if ! "$TOP/tests/helpers/ubuntu-archive.sh" publish "$A" >"$SCRATCH/publish.log" 2>&1; then
  not_ok "a local archive for the fetch (tests/helpers/ubuntu-archive.sh publish)"; sed 's/^/#   /' "$SCRATCH/publish.log"; finish
fi
export FOCAL_MIRROR="file://$A/www/ubuntu" FOCAL_PORTS_MIRROR="file://$A/www/ubuntu-ports" FOCAL_KEYRING="$A/test-keyring.gpg"
W="$SCRATCH/work/dkms"
fetch() { in_kd focal 'dkms_fetch "$1" "${@:2}"' "$W" "$@"; }
mapfile -t pins <<<"$PINS"

check "the pinned .debs are fetched from the target's (ports) archive" fetch "${pins[@]}"
check "under the names the rules ask for, PACKAGE_VERSION_all.deb" \
  test -f "$W/zfs-dkms_0.8.3-1ubuntu12.18_all.deb" -a -f "$W/wireguard-dkms_1.0.20201112-1~20.04.1_all.deb"
check "each the pinned package (dpkg-deb -f)" \
  test "$(dpkg-deb -f "$W/zfs-dkms_0.8.3-1ubuntu12.18_all.deb" Version)" = 0.8.3-1ubuntu12.18
sums=$(in_kd focal 'dkms_sums "$1" "${@:2}"' "$W" "${pins[@]}")
check "their hash is one short line" bash -c '[[ $1 =~ ^[0-9a-f]{16}$ ]]' _ "$sums"
FOCAL_PORTS_MIRROR=http://127.0.0.1:9/ubuntu-ports check "once there, they are kept: no archive asked" fetch "${pins[@]}"

rm -rf "$W"
out=$(FOCAL_PORTS_MIRROR=http://127.0.0.1:9/ubuntu-ports fetch "${pins[@]}" 2>&1) || true
check "an unreachable archive is one error line naming it" one_error "$out" 'apt-get update of the private focal arm64 source list \(http://127\.0\.0\.1:9/ubuntu-ports\) failed: cannot reach 127\.0\.0\.1:9'
out=$(fetch zfs-dkms=0.8.3-1ubuntu12.99 2>&1) || true
check "a pinned version the archive lacks is one error line naming those it has" \
  one_error "$out" "focal's archive has no zfs-dkms 0\.8\.3-1ubuntu12\.99 .*has 0\.8\.3-1ubuntu12\.17 0\.8\.3-1ubuntu12\.18\); another version is not taken"
check "... and no other version is taken instead" bash -c '! ls "$1"/*.deb 2>/dev/null | grep -q .' _ "$W"
out=$(OFFLINE=1 fetch "${pins[@]}" 2>&1) || true
check "OFFLINE=1 with the .debs not fetched yet is one error line" one_error "$out" 'not fetched yet .* and OFFLINE=1'

# kernel-check.sh's linux-tools-common: the version apt would install.
newest() { in_kd focal 'archive_fetch_newest "$1" "$2"' "$SCRATCH/work/tools common" "$1"; }
got=$(newest linux-tools-common 2>"$SCRATCH/newest.err") || true
check "linux-tools-common: the newest the archive has is fetched, its path printed" \
  test "$got" = "$SCRATCH/work/tools common/linux-tools-common_5.4.0-200.220_all.deb" -a -f "$got"
check "... the package apt checked (dpkg-deb -f)" test "$(dpkg-deb -f "$got" Version 2>&1)" = 5.4.0-200.220
out=$(newest linux-tools-absent 2>&1) || true
check "a package the archive lacks is one error line" one_error "$out" "^error: focal's archive has no linux-tools-absent \(arm64\)\$"
out=$(OFFLINE=1 newest linux-tools-common 2>&1) || true
check "OFFLINE=1: one error line" one_error "$out" 'linux-tools-common: not fetched from focal.s archive: OFFLINE=1'

# Control of apt's check: the archive's file replaced after it was indexed.
f=$(find "$A/www/ubuntu-ports/pool" -name 'wireguard-dkms_*.deb')
rm -f "$f"; cp "$A/debs/zfs-dkms_0.8.3-1ubuntu12.17_all.deb" "$f"
out=$(fetch "${pins[@]}" 2>&1) || true
check "control: a file that is not what the signed index says is refused (one error line)" \
  one_error "$out" 'downloading wireguard-dkms 1\.0\.20201112-1~20\.04\.1 failed: .*(Hash Sum mismatch|[Ss]ize mismatch|does not match)'
check "... and not kept" test ! -e "$W/wireguard-dkms_1.0.20201112-1~20.04.1_all.deb"
cp "$A/debs/zfs-dkms_0.8.3-1ubuntu12.17_all.deb" "$W/zfs-dkms_0.8.3-1ubuntu12.18_all.deb"
cp "$A/debs/wireguard-dkms_1.0.20201112-1~20.04.1_all.deb" "$W/"
check "another file under a pinned name gives another hash (the packages are made again)" \
  test "$(in_kd focal 'dkms_sums "$1" "${@:2}"' "$W" "${pins[@]}")" != "$sums"
finish
