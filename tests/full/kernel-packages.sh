#!/usr/bin/env bash
# tests/full/kernel-packages.sh [TREE]: the kernel packages end to end.
# Cross-builds the test-size "-tickless" packages for Debian bullseye (the
# focal stand-in) with scripts/kernel-debs.sh, with aarch64 binfmt emulation
# switched off while it builds (a generator built for the wrong machine
# would otherwise run silently under qemu-user), then checks them with
# scripts/kernel-check.sh: Depends, aarch64 host programs in linux-headers,
# the tools packages' programs and libraries, the tickless config, no
# private key, lintian, dpkg install into a bullseye arm64 root, a boot
# under qemu-system-aarch64 with nohz_full=1-3, perf, bpftool and cpupower
# and an out-of-tree module built and loaded inside that guest.
# Two trees: TREE (default: the pinned Linux sources, upstream packaging)
# and, when CROSSBOOT_FOCAL_TREE names one, an Ubuntu focal tree (Ubuntu's
# packaging: the flavour, the shared headers, the tools packages and
# linux-tools-common). The focal tree is not part of the project; without
# it that half is skipped, saying so.
# shellcheck disable=SC2016 # bash -c scripts are quoted on purpose
# Two trees built and checked, each a kernel build and a boot under TCG.
# test-timeout: 10800
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
DISTRO=bullseye
TREE=${1:-}
LOGS="$TOP/out/tests"
mkdir -p "$LOGS"

# build_and_check NAME TREE: one tree's packages built and checked.
build_and_check() {
  local name=$1 tree=$2 log="$LOGS/kernel-debs-$1.log" start=$SECONDS debs
  # Emulation off for the build, back on whatever happens.
  binfmt_disable qemu-aarch64
  check "$name: aarch64 binfmt emulation is off during the build" \
    bash -c '! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64'
  # A progress line every 5 s, not 60: a build that kbuild finds nearly up to
  # date (the scripts changed, the tree not) can take under a minute and
  # must still show one.
  if CROSSBOOT_PROGRESS_SECONDS=5 "$TOP/scripts/kernel-debs.sh" --distro "$DISTRO" --size test "$tree" >"$log" 2>&1; then
    ok "$name: the test-size tickless packages cross-build with emulation off ($((SECONDS - start))s)"
  else
    binfmt_aarch64 >/dev/null || true
    not_ok "$name: scripts/kernel-debs.sh (log: $log)"; tail -n 20 "$log" | sed 's/^/#   /'; return
  fi
  binfmt_aarch64 >/dev/null
  # The work directory is kept between runs: a run after one that finished
  # this tree's packages resumes with nothing to build, and prints none.
  if grep -q ': building (log: ' "$log"; then
    check "$name: progress lines while it built" grep -q '^progress: ' "$log"
  else
    skip "$name: progress lines" "nothing was built: an earlier run's packages of this tree were complete (resumed)"
  fi
  mapfile -t debs < <(sed -n '/^packages in /,$p' "$log" | grep '\.deb$' | sed "s|^|$TOP/out/aarch64/debs/|")
  if [ ${#debs[@]} -lt 2 ]; then not_ok "$name: kernel-debs.sh names the packages it built"; return; fi
  [ "$name" != ubuntu ] || ubuntu_checks "${debs[@]}"
  # kernel-check.sh prints the check lines itself.
  "$TOP/scripts/kernel-check.sh" --distro "$DISTRO" "${debs[@]}" || FAILED=1
}

# ubuntu_checks DEB...: what only Ubuntu's packaging makes: the whole
# package set (the seven of a native build, linux-tools-common for Debian),
# and control fields for the target, not the build machine.
ubuntu_checks() {
  local names want missing=() x86
  names=$(for d in "$@"; do dpkg-deb -f "$d" Package; done)
  for want in 'linux-buildinfo-.*-tickless' 'linux-headers-.*-tickless' 'linux-headers-[0-9.-]*' \
      'linux-image-unsigned-.*-tickless' 'linux-modules-.*-tickless' 'linux-tools-.*-tickless' \
      'linux-tools-[0-9.-]*' 'linux-tools-common'; do
    grep -qx "$want" <<<"$names" || missing+=("$want")
  done
  if [ ${#missing[@]} = 0 ]; then ok "ubuntu: all eight packages ($(tr '\n' ' ' <<<"$names"))"
  else not_ok "ubuntu: packages missing: ${missing[*]} (built: $(tr '\n' ' ' <<<"$names"))"; fi
  x86=$(for d in "$@"; do if dpkg-deb -f "$d" Description | grep -q '64 bit x86'; then echo "${d##*/}"; fi; done)
  if [ -z "$x86" ]; then ok "ubuntu: no Description names the build machine's architecture (64 bit x86)"
  else not_ok "ubuntu: Descriptions say 64 bit x86: $x86"; fi
  check "ubuntu: the flavour's image says ARMv8, as a native build's does" \
    bash -c 'for d; do dpkg-deb -f "$d" Package | grep -q "^linux-image" || continue; dpkg-deb -f "$d" Description | grep -q ARMv8 && exit 0; done; exit 1' _ "$@"
  control_fidelity "$@"
}

# control_fidelity DEB...: each package's whole control against its stanza
# in debian/control as the tree's packaging (the build's copy, the flavour
# in it) generates it afresh for arm64, in the build chroot
# (tests/helpers/control_compare.py says what may differ). The control:
# against the control generated for amd64, the build machine's
# architecture, the same packages must fail (the Descriptions name it).
control_fidelity() {
  local work arch out
  work="$CACHE/kernel/aarch64/$(basename "$(realpath "$CROSSBOOT_FOCAL_TREE")")-$DISTRO-test"
  local pkg="$SCRATCH/packaging" compare="$TOP/tests/helpers/control_compare.py"
  rm -rf "$pkg" && mkdir -p "$pkg"
  # The packaging only: not the build's objects and staging directories.
  tar -C "$work/src" --exclude=./debian/build --exclude='./debian/linux-*' --exclude=./debian/tmp \
    -cf - ./debian ./debian.master | tar -C "$pkg" -xf -
  for arch in arm64 amd64; do
    rm -f "$pkg/debian/control"
    if ! "$TOP/scripts/in-chroot.sh" --bind "$pkg:/build" "$TOP/out/aarch64/build-chroot/root" \
        sh -c 'cd /build && dpkg-architecture -a"$1" -c make -s -f debian/rules debian/control' _ "$arch" \
        >"$SCRATCH/control-$arch.log" 2>&1; then
      not_ok "ubuntu: the tree generates debian/control for $arch"; tail -n 5 "$SCRATCH/control-$arch.log" | sed 's/^/#   /'
      return
    fi
    cp "$pkg/debian/control" "$SCRATCH/control.$arch"
  done
  if out=$(python3 "$compare" "$SCRATCH/control.arm64" arm64 "$@" 2>&1); then
    ok "ubuntu: each package's whole control is what the tree generates for arm64 ($# packages)"
  else
    not_ok "ubuntu: controls differ from what the tree generates for arm64"; grep -v '^ok ' <<<"$out" | sed 's/^/#   /'
  fi
  check "ubuntu: the control: against the tree's control for amd64 they differ (Description)" \
    bash -c '! out=$(python3 "$1" "$2" arm64 "${@:3}") && grep -q "^bad .*Description: " <<<"$out"' _ "$compare" "$SCRATCH/control.amd64" "$@"
}

settings_init   # CACHE: the work directories' home
if ! why=$(binfmt_aarch64); then skip "kernel packages" "$why"; finish; fi
scratch
trap 'binfmt_aarch64 >/dev/null || true; rm -rf "$SCRATCH"' EXIT
# The roots first (the target root's packages are configured under qemu-user).
for s in build-chroot target-root; do
  "$TOP/build.sh" --distro "$DISTRO" aarch64 "$s" >/dev/null 2>&1 || { not_ok "the $s stage builds"; finish; }
done
[ -n "$TREE" ] || TREE=$(source_dir linux)
build_and_check upstream "$TREE"
if [ -n "${CROSSBOOT_FOCAL_TREE:-}" ] && [ -d "$CROSSBOOT_FOCAL_TREE/debian.master" ]; then
  build_and_check ubuntu "$CROSSBOOT_FOCAL_TREE"
else
  skip_optional "kernel packages of an Ubuntu tree" "no focal tree: set CROSSBOOT_FOCAL_TREE to an Ubuntu focal kernel tree (README: Kernel packages)"
fi
finish
