#!/usr/bin/env bash
# tests/full/focal-simulated.sh [TREE]: --distro focal, the default target
# distribution, end to end without Ubuntu's archives (unreachable where the
# tests run), by simulation. tests/helpers/ubuntu-archive.sh lays out on
# 127.0.0.1 what the focal profile expects: amd64 in one archive (/ubuntu),
# arm64 in a separate ports archive (/ubuntu-ports), the suites focal,
# focal-updates and focal-security, main and universe, signed with a
# throw-away key; the packages are Debian bullseye's (focal's glibc 2.31 and
# libssl1.1), exactly those the three focal stages need (the lists are read
# from the stage files). The stages then build through the profile's own
# settings (FOCAL_MIRROR, FOCAL_PORTS_MIRROR, FOCAL_KEYRING), and the checks
# are that each built, that every package came from the archive of its
# architecture, and that nothing else was asked for. A control first: apt
# refuses the archives given another key, so the signature is really checked.
#
# Needs root (the focal stages run mmdebstrap in root mode), mmdebstrap,
# apt-ftparchive (apt-utils), gpg, python3, and aarch64 binfmt emulation for
# the target root. The archive is built once (downloads from the Debian
# archive) and kept in /var/cache/crossboot-test-ubuntu-archive
# (CROSSBOOT_UBUNTU_ARCHIVE): apt reads its keyring as the unprivileged _apt,
# so no parent may be private (a root's ~ is). It is served on the fixed port
# 18580 (CROSSBOOT_UBUNTU_PORT): the mirror URL is part of the focal stages'
# cache keys, and a new port each run would rebuild them every time. The stages are rebuilt on every run (--rebuild:
# a cached result would ask the archive for nothing) and exported to a scratch
# directory (CROSSBOOT_OUT), so out/ keeps the bullseye results the other
# tests use. build-chroot needs canadian-package and glibc-runtime for focal
# (built from the stage cache; --offline: no source is downloaded).
#
# With an Ubuntu focal kernel tree (TREE, else CROSSBOOT_FOCAL_TREE; not part
# of the project: skipped without one), then the kernel: its test-size
# packages for --distro focal (scripts/kernel-debs.sh --fresh, aarch64
# binfmt emulation off while it builds, as in kernel-packages.sh), zfs and
# wireguard built with dkms from the archive. The .debs the tree pins
# (debian.master/dkms-versions) do not exist in Debian, so the archive gets
# stand-ins (ubuntu-archive.sh stand-in): bullseye's zfs-dkms 2.0.3-9+deb11u1
# (contrib) and wireguard-dkms 1.0.20210219-1 under the pinned versions,
# marked X-Crossboot-Stand-In. What is checked is the mechanism (the pins,
# the fetch from /ubuntu-ports, the cross build, the modules in
# linux-modules, scripts/kernel-check.sh's checks and boot); that those
# stand-ins build against the tree says nothing about the real pins.
# shellcheck disable=SC2016 # bash -c scripts are single-quoted on purpose
# Stages for focal from a simulated archive: up to two hours the first time;
# the kernel, with zfs: about one more.
# test-timeout: 10800
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
HELPER="$TOP/tests/helpers/ubuntu-archive.sh"
ARCHIVE=${CROSSBOOT_UBUNTU_ARCHIVE:-/var/cache/crossboot-test-ubuntu-archive}
PORT=${CROSSBOOT_UBUNTU_PORT:-18580}
ARCHIVE=$(realpath -m -- "$ARCHIVE")   # absolute: build.sh gets its keyring
# build.sh's target and its Debian architecture (targets/aarch64).
TARGET=aarch64 DEB_ARCH=arm64
TREE=${1:-${CROSSBOOT_FOCAL_TREE:-}}
# The stand-ins for the tree's dkms pins: Debian bullseye's packages.
STAND_INS="zfs-linux zfs-dkms 2.0.3-9+deb11u1
wireguard-linux-compat wireguard-dkms 1.0.20210219-1"
LOGS="$TOP/out/tests"
mkdir -p "$LOGS"

# prerequisites: why this test cannot run here, if it cannot.
prerequisites() {
  local t
  [ "$(id -u)" = 0 ] || { echo "needs root (the focal stages run mmdebstrap in root mode)"; return; }
  for t in mmdebstrap:mmdebstrap apt-ftparchive:apt-utils gpg:gpg python3:python3; do
    command -v "${t%%:*}" >/dev/null || { echo "${t%%:*} is missing (apt-get install ${t#*:})"; return; }
  done
  # The profile's source lines are apt's one-line format, whose options
  # (signed-by=KEYRING) cannot hold a space.
  [[ $ARCHIVE != *[[:space:]]* ]] || { echo "the archive's keyring path has a space ($ARCHIVE; set CROSSBOOT_UBUNTU_ARCHIVE)"; return; }
  if ! [[ $PORT =~ ^[1-9][0-9]{0,4}$ ]] || [ "$PORT" -gt 65535 ]; then echo "CROSSBOOT_UBUNTU_PORT is not a port number: $PORT"; fi
}
why=$(prerequisites)
if [ -n "$why" ]; then skip "focal, simulated" "$why"; finish; fi

scratch
SERVER_PID='' TOOLS_COMMON_VERSION=''
# cleanup: the server this test started, and the scratch directory.
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
  if [ -n "$SERVER_PID" ]; then "$HELPER" stop "$SERVER_PID" || true; fi
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
KEYRING="$ARCHIVE/test-keyring.gpg"
OUTDIR="$SCRATCH/out"
SERVER_LOG="$LOGS/focal-simulated-server.log"

# stage_var STAGE VAR: a package list a stage file declares.
# shellcheck source=/dev/null # the stage is an argument
stage_var() { ( . "$TOP/stages/$1.sh" && printf '%s' "${!2}" ); }

# add_to_archive NAME VARIANT ARCHES PACKAGES...: what a VARIANT root of a stage needs.
add_to_archive() {
  local name=$1 start=$SECONDS; shift
  if "$HELPER" "--variant=$1" "$ARCHIVE" "${@:2}" >>"$LOGS/focal-simulated-archive.log" 2>&1; then
    ok "the archive holds the $name's packages ($1, $2; $((SECONDS - start))s)"
  else
    not_ok "the archive for the $name (log: $LOGS/focal-simulated-archive.log)"
    tail -n 20 "$LOGS/focal-simulated-archive.log" | sed 's/^/#   /'; finish
  fi
}

# build_archive: the three stages' closures, for their variants and architectures.
build_archive() {
  local sysroot target_root tools chroot_build chroot_target p target_side=''
  if ! { sysroot=$(stage_var sysroot SYSROOT_PACKAGES) &&
      target_root=$(stage_var target-root TARGET_ROOT_PACKAGES) &&
      tools=$(stage_var target-root TARGET_ROOT_TOOLS_PACKAGES) &&
      chroot_build=$(stage_var build-chroot CHROOT_BUILD_PACKAGES) &&
      chroot_target=$(stage_var build-chroot CHROOT_TARGET_PACKAGES); }; then
    not_ok "the stage files declare their package lists"; finish
  fi
  # As the build-chroot stage asks for them: the target side by :ARCH.
  for p in $chroot_target; do target_side+="$p:$DEB_ARCH,"; done
  : >"$LOGS/focal-simulated-archive.log"
  add_to_archive sysroot extract "$DEB_ARCH" "$sysroot"
  add_to_archive target-root minbase "$DEB_ARCH" "$target_root,$tools"
  add_to_archive build-chroot buildd "amd64,$DEB_ARCH" "$chroot_build" "${target_side%,}"
  [ -z "$TREE" ] || add_stand_ins
}

# pinned SOURCE: the version the tree's debian.master/dkms-versions pins.
pinned() { awk -v s="$1" '$1 == s { print $2; exit }' "$TREE/debian.master/dkms-versions" 2>/dev/null; }

# add_stand_ins: Debian's dkms packages under the versions the tree pins.
add_stand_ins() {
  local source pkg dver ver
  while read -r source pkg dver; do
    ver=$(pinned "$source")
    if [ -z "$ver" ]; then not_ok "$TREE/debian.master/dkms-versions pins $source"; finish; fi
    if "$HELPER" stand-in "$ARCHIVE" "$pkg" "$dver" "$ver" >>"$LOGS/focal-simulated-archive.log" 2>&1; then
      ok "the archive holds $pkg $ver (a stand-in: Debian's $dver, relabelled)"
    else
      not_ok "a stand-in $pkg $ver (log: $LOGS/focal-simulated-archive.log)"
      tail -n 5 "$LOGS/focal-simulated-archive.log" | sed 's/^/#   /'; finish
    fi
  done <<<"$STAND_INS"
  # (its version, the tree's, for the fetch check after kernel-check.sh)
  if TOOLS_COMMON_VERSION=$("$HELPER" tools-common "$ARCHIVE" "$TREE" 2>>"$LOGS/focal-simulated-archive.log"); then
    ok "the archive holds linux-tools-common $TOOLS_COMMON_VERSION (a stand-in: the tree's debian/tools/generic wrappers)"
  else
    not_ok "a stand-in linux-tools-common (log: $LOGS/focal-simulated-archive.log)"
    tail -n 5 "$LOGS/focal-simulated-archive.log" | sed 's/^/#   /'; finish
  fi
}

# control KEYRING: an apt run against both archives (each InRelease checked;
# one package resolved), trusting only KEYRING.
# shellcheck disable=SC2317 # called through check
control() {
  local u="http://127.0.0.1:$PORT"
  mmdebstrap --simulate --variant=extract --architectures="amd64,$DEB_ARCH" --include="libc6:$DEB_ARCH" \
    --keyring="$1" focal /dev/null \
    "deb [arch=amd64 signed-by=$1] $u/ubuntu focal main universe" \
    "deb [arch=$DEB_ARCH signed-by=$1] $u/ubuntu-ports focal main universe"
}

# requests [FROM]: the request paths in the server's log after line FROM.
requests() {
  tail -n "+$((${1:-0} + 1))" "$SERVER_LOG" | sed -n 's/.*"[A-Z]* \([^ ]*\) HTTP\/[0-9.]*" [0-9]* .*/\1/p'
}

# fetched REQUESTS ARCHIVE: the .deb files fetched from ARCHIVE's pool, by
# name (apt escapes "+" and the like as %xx).
fetched() {
  local f
  while IFS= read -r f; do printf '%b\n' "${f//%/\\x}"; done < <(sed -n "s|^/$2/pool/.*/\([^/]*\.deb\)\$|\1|p" "$1")
}

# wrong_origin PACKAGES REQUESTS: the packages of PACKAGES (NAME_VERSION_ARCH
# lines) not fetched from the archive of their architecture (amd64: /ubuntu,
# arm64: /ubuntu-ports, all: either); fails if there are any.
wrong_origin() {
  local -A from_main=() from_ports=()
  local f name ver arch bad=0
  while IFS= read -r f; do from_main[$f]=1; done < <(fetched "$2" ubuntu)
  while IFS= read -r f; do from_ports[$f]=1; done < <(fetched "$2" ubuntu-ports)
  while IFS=_ read -r name ver arch; do
    # The archive's file names have no epoch (dpkg has N:, apt's cache N%3a).
    ver=${ver#*:} ver=${ver#*%3a}
    f="${name}_${ver}_$arch.deb"
    case $arch in
      amd64) [ -n "${from_main[$f]:-}" ] ;;
      "$DEB_ARCH") [ -n "${from_ports[$f]:-}" ] ;;
      all) [ -n "${from_main[$f]:-}${from_ports[$f]:-}" ] ;;
      *) false ;;
    esac || { printf '%s\n' "$f"; bad=1; }
  done <"$1"
  return "$bad"
}

# build_stage STAGE: the stage built (anew) through the focal profile's
# settings; its requests to the server in SCRATCH/STAGE.requests.
build_stage() {
  local s=$1 log="$LOGS/focal-simulated-$1.log" from start=$SECONDS
  from=$(wc -l <"$SERVER_LOG")
  if FOCAL_MIRROR="http://127.0.0.1:$PORT/ubuntu" FOCAL_PORTS_MIRROR="http://127.0.0.1:$PORT/ubuntu-ports" \
      FOCAL_KEYRING="$KEYRING" CROSSBOOT_OUT="$OUTDIR" \
      "$TOP/build.sh" --offline --distro focal --rebuild "$s" "$TARGET" "$s" >"$log" 2>&1 </dev/null; then
    ok "$s: built for --distro focal from the simulated archives ($((SECONDS - start))s)"
  else
    not_ok "$s: build.sh --distro focal $TARGET $s (log: $log)"; tail -n 20 "$log" | sed 's/^/#   /'
    # The stage logs are in the scratch output, which goes at exit.
    rm -rf "$LOGS/focal-simulated-$s-logs"
    if [ -d "$OUTDIR/$TARGET/logs" ]; then cp -a "$OUTDIR/$TARGET/logs" "$LOGS/focal-simulated-$s-logs"; fi
    requests "$from" >"$SCRATCH/$s.requests"; return 1
  fi
  requests "$from" >"$SCRATCH/$s.requests"
}

# origin_checks STAGE PACKAGES ARCHIVES: every package of the stage came from
# the archive of its architecture, and the stage asked only ARCHIVES for anything.
origin_checks() {
  local s=$1 list=$2 archives=$3 bad other
  if bad=$(wrong_origin "$list" "$SCRATCH/$s.requests"); then
    ok "$s: each of its $(wc -l <"$list") packages was fetched from its architecture's archive"
  else
    not_ok "$s: packages not fetched from their architecture's archive: $(head -n 8 <<<"$bad" | tr '\n' ' ')"
  fi
  other=$(grep -Ev "^/($archives)/" "$SCRATCH/$s.requests" | head -n 5 | tr '\n' ' ') || true
  if [ -z "$other" ]; then ok "$s: it asked for nothing outside /${archives//|/, /}"
  else not_ok "$s: requests outside /${archives//|/, /}: $other"; fi
}

# sources_check STAGE ROOT ARCHIVE...: the root's apt sources are the local
# ARCHIVEs, the profile's three suites each, and nothing else.
sources_check() {
  local s=$1 list="$2/etc/apt/sources.list" a want=() suite; shift 2
  for a in "$@"; do
    for suite in focal focal-updates focal-security; do want+=("http://127.0.0.1:$PORT/$a $suite main universe"); done
  done
  check "$s: its apt sources are ${*/#/\/}, three suites each, nothing else" bash -c '
    list=$1; shift
    got=$(grep "^deb " "$list" | sed "s/^deb \[[^]]*\] //" | LC_ALL=C sort)
    [ "$got" = "$(printf "%s\n" "$@" | LC_ALL=C sort)" ] || { printf "%s\n" "$got"; exit 1; }' _ "$list" "${want[@]}"
}

start=$SECONDS
build_archive
ok "the simulated Ubuntu archives are ready ($((SECONDS - start))s; $ARCHIVE)"
# apt checks signatures as _apt: a keyring it cannot read fails every stage
# with NO_PUBKEY, and would make the wrong-key control below pass for nothing.
if ! /usr/lib/apt/apt-helper drop-privs -- test -r "$KEYRING"; then
  not_ok "apt's _apt user cannot read $KEYRING (a private parent directory? set CROSSBOOT_UBUNTU_ARCHIVE)"; finish
fi
ok "apt's _apt user can read the archive's keyring"

if ! server=$("$HELPER" serve "$ARCHIVE" "$SERVER_LOG" "$PORT"); then not_ok "the archive server starts on 127.0.0.1:$PORT"; finish; fi
read -r PORT SERVER_PID <<<"$server"
ok "the archives are served on 127.0.0.1:$PORT (log: $SERVER_LOG)"

# The control: the same apt run with the archive's key and with another one.
"$HELPER" keyring "$ARCHIVE/control-key" >/dev/null 2>&1
check "control: apt takes both archives with the test key" control "$KEYRING"
expect_fail "control: apt refuses them with another key (the signature is checked)" \
  'NO_PUBKEY|is not signed' control "$ARCHIVE/control-key/test-keyring.gpg"

OUT="$OUTDIR/$TARGET"
if build_stage sysroot; then
  list="$OUT/sysroot/aarch64-linux-gnu/PACKAGES"
  check "sysroot: libc6-dev 2.31 for $DEB_ARCH, and the tarball" bash -c '
    grep -q "^libc6-dev_2\.31[^_]*_$2\$" "$1/sysroot/aarch64-linux-gnu/PACKAGES" && [ -s "$1/sysroot-focal-$2.tar.xz" ]' _ "$OUT" "$DEB_ARCH"
  origin_checks sysroot "$list" ubuntu-ports
fi

if ! why=$(binfmt_aarch64); then skip "target-root for focal" "$why"
elif build_stage target-root; then
  check "target-root: gcc and libssl-dev for $DEB_ARCH" bash -c '
    grep -q "^gcc_.*_$2\$" "$1" && grep -q "^libssl-dev_.*_$2\$" "$1"' _ "$OUT/target-root/PACKAGES" "$DEB_ARCH"
  origin_checks target-root "$OUT/target-root/PACKAGES" ubuntu-ports
  sources_check target-root "$OUT/target-root/root" ubuntu-ports
fi

if build_stage build-chroot; then
  list="$OUT/build-chroot/PACKAGES"
  check "build-chroot: build-essential for amd64, libc6-dev for $DEB_ARCH" bash -c '
    grep -q "^build-essential_.*_amd64\$" "$1" && grep -q "^libc6-dev_.*_$2\$" "$1"' _ "$list" "$DEB_ARCH"
  origin_checks build-chroot "$list" "ubuntu|ubuntu-ports"
  check "build-chroot: amd64 packages fetched from /ubuntu and $DEB_ARCH ones from /ubuntu-ports" bash -c '
    grep -q "^/ubuntu/pool/.*_amd64\.deb\$" "$1" && grep -q "^/ubuntu-ports/pool/.*_$2\.deb\$" "$1"' _ "$SCRATCH/build-chroot.requests" "$DEB_ARCH"
  sources_check build-chroot "$OUT/build-chroot/root" ubuntu ubuntu-ports
fi

# kernel_step: the tree's test-size packages for focal, with the dkms
# modules from the archive's stand-ins; then kernel-check.sh on them.
kernel_step() {
  local log="$LOGS/focal-simulated-kernel.log" from start=$SECONDS debs=() source pkg ver modules f
  from=$(wc -l <"$SERVER_LOG")
  binfmt_disable qemu-aarch64
  if FOCAL_MIRROR="http://127.0.0.1:$PORT/ubuntu" FOCAL_PORTS_MIRROR="http://127.0.0.1:$PORT/ubuntu-ports" \
      FOCAL_KEYRING="$KEYRING" CROSSBOOT_OUT="$OUTDIR" \
      "$TOP/scripts/kernel-debs.sh" --distro focal --size test --fresh "$TREE" >"$log" 2>&1 </dev/null; then
    ok "kernel: the test-size packages cross-build for --distro focal ($((SECONDS - start))s)"
  else
    binfmt_aarch64 >/dev/null || true
    not_ok "kernel: scripts/kernel-debs.sh --distro focal --size test (log: $log)"; tail -n 20 "$log" | sed 's/^/#   /'; return
  fi
  binfmt_aarch64 >/dev/null || true
  requests "$from" >"$SCRATCH/kernel.requests"
  check "kernel: the build says zfs and wireguard are built with dkms from focal's archive" \
    grep -q "^zfs, wireguard: built with dkms into linux-modules, as Ubuntu does, from focal's archive: zfs-dkms $(pinned zfs-linux), wireguard-dkms $(pinned wireguard-linux-compat) " "$log"
  while read -r source pkg _; do
    ver=$(pinned "$source")
    check "kernel: ${pkg}_${ver}_all.deb fetched from /ubuntu-ports" \
      grep -qxF "${pkg}_${ver}_all.deb" <(fetched "$SCRATCH/kernel.requests" ubuntu-ports)
  done <<<"$STAND_INS"
  mapfile -t debs < <(sed -n '/^packages in /,$p' "$log" | grep '\.deb$' | sed "s|^|$OUT/debs/|")
  modules=$(printf '%s\n' "${debs[@]}" | grep '/linux-modules-' | head -n 1) || true
  if [ -z "$modules" ]; then not_ok "kernel: kernel-debs.sh names a linux-modules package"; return; fi
  for f in zfs/zfs.ko zfs/spl.ko wireguard/wireguard.ko; do
    check "kernel: ${modules##*/} has kernel/$f" bash -c 'dpkg-deb -c "$1" | grep -q "/lib/modules/[^/]*/kernel/$2\$"' _ "$modules" "$f"
  done
  # kernel-check.sh prints its check lines itself.
  from=$(wc -l <"$SERVER_LOG")
  FOCAL_MIRROR="http://127.0.0.1:$PORT/ubuntu" FOCAL_PORTS_MIRROR="http://127.0.0.1:$PORT/ubuntu-ports" \
    FOCAL_KEYRING="$KEYRING" CROSSBOOT_OUT="$OUTDIR" \
    "$TOP/scripts/kernel-check.sh" --distro focal "${debs[@]}" </dev/null || FAILED=1
  # Focal's linux-tools-common is not built (its archive has it): the check
  # takes the archive's, as apt would beside the tools.
  requests "$from" >"$SCRATCH/check.requests"
  check "kernel-check: linux-tools-common_${TOOLS_COMMON_VERSION}_all.deb fetched from /ubuntu-ports" \
    grep -qxF "linux-tools-common_${TOOLS_COMMON_VERSION}_all.deb" <(fetched "$SCRATCH/check.requests" ubuntu-ports)
}

if [ -z "$TREE" ]; then
  skip_optional "the focal kernel with zfs and wireguard" "no focal tree: set CROSSBOOT_FOCAL_TREE (README: Kernel packages)"
elif [ ! -f "$OUT/build-chroot/PACKAGES" ] || [ ! -f "$OUT/target-root/PACKAGES" ]; then
  skip "the focal kernel with zfs and wireguard" "the focal build-chroot and target-root did not build above"
else
  kernel_step
fi

# The whole log: both archives and their three suites asked for, nothing
# else, and nothing missing (a layout apt does not expect would show as 404s).
check "the server was asked for both archives, all three suites of each" bash -c '
  for a in ubuntu ubuntu-ports; do for s in focal focal-updates focal-security; do
    grep -q "\"GET /$a/dists/$s/InRelease " "$1" || { echo "no /$a/dists/$s/InRelease"; exit 1; }
  done; done' _ "$SERVER_LOG"
others=$(requests | grep -Ev '^/(ubuntu|ubuntu-ports)/' | head -n 5 | tr '\n' ' ') || true
if [ -z "$others" ]; then ok "the server was asked for nothing but /ubuntu and /ubuntu-ports"
else not_ok "requests outside the two archives: $others"; fi
failed=$(grep -Ec '" [45][0-9][0-9] ' "$SERVER_LOG") || true
if [ "$failed" = 0 ]; then ok "every request found its file"
else not_ok "$failed requests failed: $(grep -E '" [45][0-9][0-9] ' "$SERVER_LOG" | head -n 3 | tr '\n' ' ')"; fi
finish
