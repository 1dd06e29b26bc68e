#!/usr/bin/env bash
# Unit tests of tests/helpers/control_compare.py, the kernel packages' check
# that each package's control is what the tree's debian/control says for the
# target: packages built here with dpkg-deb, held against a small control
# file. What dpkg-gencontrol does (substitution variables expanded, other
# architectures' relations dropped, lists reordered, fields inherited from
# the source stanza) passes; a changed Description, a lost relation, an
# unknown package or another architecture fails, named.
# bash -c scripts are quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
for tool in python3 dpkg-deb; do
  command -v "$tool" >/dev/null || { skip "control_compare.py" "$tool is not installed"; finish; }
done
COMPARE=$TOP/tests/helpers/control_compare.py
CONTROL="$SCRATCH/control"
cat >"$CONTROL" <<'EOF2'
Source: linux
Section: devel
Priority: optional
Maintainer: Kernel Team <kernel@example.com>
Build-Depends: debhelper (>= 9)

Package: linux-image-1-tickless
Build-Profiles: <!stage1>
Architecture: arm64
Section: kernel
Provides: linux-image, ${linux:rprovides}
Depends: ${misc:Depends}, ${shlibs:Depends}, kmod, linux-base (>= 4.5)
Recommends: flash-kernel [arm64] | grub-efi-arm64 [arm64], grub-pc [amd64], initramfs-tools
Description: Linux kernel image for version 1 on ARMv8 SMP
 This package contains the Linux kernel image for version 1 on
 ARMv8 SMP.
EOF2

# deb NAME FIELDS: SCRATCH/NAME.deb with these control fields (and Version).
deb() {
  mkdir -p "$SCRATCH/$1/DEBIAN"
  printf '%s\nVersion: 1\n' "$2" >"$SCRATCH/$1/DEBIAN/control"
  dpkg-deb -Zgzip -b "$SCRATCH/$1" "$SCRATCH/$1.deb" >/dev/null
}
GOOD='Package: linux-image-1-tickless
Source: linux
Architecture: arm64
Maintainer: Kernel Team <kernel@example.com>
Depends: kmod, linux-base (>= 4.5), libc6 (>= 2.30)
Recommends: flash-kernel | grub-efi-arm64, initramfs-tools
Provides: fuse-module, linux-image
Section: kernel
Priority: optional
Description: Linux kernel image for version 1 on ARMv8 SMP
 This package contains the Linux kernel image for version 1 on
 ARMv8 SMP.'
deb good "$GOOD"
cmp_() { python3 "$COMPARE" "$CONTROL" arm64 "$@"; }
check "a package as dpkg-gencontrol makes it from its stanza passes" cmp_ "$SCRATCH/good.deb"
deb x86 "${GOOD//ARMv8/64 bit x86}"
expect_fail "another architecture's name in the Description fails, at its first line" \
  "^bad linux-image-1-tickless: Description: line 1: built 'Linux kernel image for version 1 on 64 bit x86 SMP'" \
  cmp_ "$SCRATCH/x86.deb"
deb nokmod "${GOOD/kmod, /}"
expect_fail "a relation of the stanza's that the package lost fails" \
  '^bad linux-image-1-tickless: Depends: missing kmod$' cmp_ "$SCRATCH/nokmod.deb"
deb sect "${GOOD/Section: kernel/Section: devel}"
expect_fail "a field other than the stanza's fails" "Section: built 'devel', the tree says 'kernel'" cmp_ "$SCRATCH/sect.deb"
deb prio "${GOOD/Priority: optional/Priority: extra}"
expect_fail "an inherited field other than the source stanza's fails" \
  "Priority: built 'extra', the tree says 'optional'" cmp_ "$SCRATCH/prio.deb"
deb arch "${GOOD/Architecture: arm64/Architecture: amd64}"
expect_fail "another architecture fails" '^bad .*: Architecture: built amd64' cmp_ "$SCRATCH/arch.deb"
deb other "${GOOD/Package: linux-image-1-tickless/Package: linux-other}"
expect_fail "a package the control has no stanza for fails" '^bad linux-other: no stanza' cmp_ "$SCRATCH/other.deb"
if out=$(cmp_ "$SCRATCH/good.deb" "$SCRATCH/x86.deb" 2>&1); then not_ok "one bad package fails the run"
else check "one bad package fails the run, the good one still says ok" grep -qx 'ok linux-image-1-tickless' <<<"$out"; fi
expect_fail "no packages: the usage" '^usage: control_compare.py' python3 "$COMPARE" "$CONTROL" arm64
finish
