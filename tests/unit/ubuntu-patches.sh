#!/usr/bin/env bash
# Unit tests of the per-series packaging patches of Ubuntu trees
# (scripts/kernel/ubuntu/5.4/*.patch, applied in name order by
# scripts/kernel-debs.sh): each one's first line is "# crossboot: REASON";
# on a copy of the files they touch in an Ubuntu 5.4 tree (CROSSBOOT_FOCAL_TREE,
# not part of the repository: skipped without it) they apply in order, the
# way kernel-debs.sh applies them; and make itself, in dry runs of the
# patched makefiles, shows what they are for:
#  - resume: the stamps' phony prerequisites are order-only, an existing
#    stamp is not redone (against a control without that patch);
#  - usbip configured for the target when cross-compiling;
#  - libbpf, libperf and usbip honour WERROR=0;
#  - binary-tools-common builds linux-tools-common alone;
#  - dkms (zfs, wireguard) when cross-compiling: ARCH for dkms-build, the
#    build machine's programs put back into the dkms headers copy, the
#    dkms directory made anew; dkms-build takes the .debs from
#    CROSSBOOT_DKMS_DEBS and never downloads when it is set (a stub
#    downloader would say), tells PRE_BUILD's configure the target and puts
#    a strip for the target first on PATH (against a control without that
#    patch).
# A patch whose context is not in the tree, or without a reason line, must
# be reported (the checks can fail).
# make text is quoted on purpose; the helpers are called through check.
# shellcheck disable=SC2016,SC2317
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
PATCHDIR=$TOP/scripts/kernel/ubuntu/5.4

# As kernel-debs.sh takes them: the shell's glob order.
PATCHES=("$PATCHDIR"/*.patch)
if [ ! -e "${PATCHES[0]}" ]; then
  not_ok "scripts/kernel/ubuntu/5.4 has patches"
  finish
fi

# reason_line PATCH: its first line is "# crossboot: " and a reason.
reason_line() {
  local first
  first=$(head -n1 "$1")
  if [[ $first =~ ^'# crossboot: '[^[:space:]].{9,}$ ]]; then return 0; fi
  printf '%s: the first line is not "# crossboot: <reason>": %s\n' "${1##*/}" "$first"
  return 1
}

# diff_prefixes PATCH: every file header is a/PATH, b/PATH or /dev/null
# (kernel-debs.sh applies them with -p1).
diff_prefixes() {
  local bad
  bad=$(grep -E '^(---|\+\+\+) ' "$1" | grep -Ev '^(--- (a/|/dev/null)|\+\+\+ b/)') || true
  [ -z "$bad" ] || { printf '%s: file headers without a/ b/: %s\n' "${1##*/}" "$bad"; return 1; }
  grep -q '^+++ b/' "$1" || { printf '%s: no file header\n' "${1##*/}"; return 1; }
}

for p in "${PATCHES[@]}"; do
  check "${p##*/}: the first line is '# crossboot: ' and a reason" reason_line "$p"
  check "${p##*/}: a unified diff with a/ and b/ paths" diff_prefixes "$p"
done
printf 'diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n' >"$SCRATCH/no-reason.patch"
expect_fail "control: a patch without a reason line is reported" 'is not "# crossboot: <reason>"' \
  reason_line "$SCRATCH/no-reason.patch"

for tool in patch make; do
  command -v "$tool" >/dev/null || { skip "the Ubuntu 5.4 patches on a tree" "$tool is not installed"; finish; }
done
unset MAKEFLAGS MFLAGS MAKELEVEL
TREE=${CROSSBOOT_FOCAL_TREE:-}
if [ -z "$TREE" ]; then
  skip_optional "the Ubuntu 5.4 patches on a tree" "CROSSBOOT_FOCAL_TREE is not set (an Ubuntu focal 5.4 kernel tree, not part of the repository)"
  finish
fi
if [ ! -f "$TREE/debian/rules.d/2-binary-arch.mk" ]; then
  skip "the Ubuntu 5.4 patches on a tree" "CROSSBOOT_FOCAL_TREE=$TREE has no debian/rules.d/2-binary-arch.mk"
  finish
fi

# The files the patches change (new files aside), and 4-checks.mk, which has
# the rule of config-prepare-check-%.
mapfile -t FILES < <({ sed -n 's#^--- a/\([^[:space:]]*\).*#\1#p' "${PATCHES[@]}"
  echo debian/rules.d/4-checks.mk; } | sort -u)

# copy_files DEST: those files of TREE in DEST, same paths.
copy_files() {
  local f
  for f in "${FILES[@]}"; do
    [ -f "$TREE/$f" ] || { printf '%s is not in %s\n' "$f" "$TREE"; return 1; }
    install -D -m644 "$TREE/$f" "$1/$f"
  done
}

# apply DIR PATCH: as kernel-debs.sh applies a patch.
apply() {
  patch -d "$1" -p1 -N --batch --quiet <"$2" || { printf '%s does not apply to %s\n' "${2##*/}" "$1"; return 1; }
}

P="$SCRATCH/patched"
check "the files the patches change are in $TREE" copy_files "$P"
for p in "${PATCHES[@]}"; do
  check "${p##*/} applies (after the ones before it)" apply "$P" "$p"
done

# Control: the first patch with context lines the tree does not have (all
# of its first hunk's: patch's fuzz would forgive a few at its ends).
B="$SCRATCH/broken"
copy_files "$B"
awk '/^@@/ { hunks++ } hunks == 1 && /^ / { print " crossboot: context that is not in the tree"; next } { print }' \
  "${PATCHES[0]}" >"$SCRATCH/broken.patch"
expect_fail "control: a patch whose context is not in the tree is reported" 'does not apply' \
  apply "$B" "$SCRATCH/broken.patch"

# --- make's view of the patched rules ----------------------------------------
RULES=(-f debian/rules.d/2-binary-arch.mk -f debian/rules.d/3-binary-indep.mk -f debian/rules.d/4-checks.mk)
printf 'crossboot-noop: ; @:\n' >"$SCRATCH/noop.mk"
# dry DIR ARG...: make -n of the rules in DIR (relative stamp and build
# directories: make takes no spaces in target names). hmake is the only
# $(MAKE) the reached recipes run even under -n.
dry() {
  local dir=$1; shift
  (cd "$dir" && make --no-print-directory -n "${RULES[@]}" stampdir=st builddir=build builddirpa=build/pa hmake=: "$@" 2>&1)
}
# lacks STRING TEXT: TEXT does not have STRING.
lacks() { if grep -qF -- "$1" <<<"$2"; then printf 'has %s\n' "$1"; return 1; fi; }
# debug_lines OUTPUT: the rules' "Debug: TARGET" markers, one line.
debug_lines() { sed -n 's/^echo Debug: \([^ ]*\).*/\1/p' <<<"$1" | tr '\n' ' '; }

db=$(cd "$P" && make -pn "${RULES[@]}" -f "$SCRATCH/noop.mk" stampdir=st crossboot-noop 2>&1) || true
for rule in 'st/stamp-prepare-%: st/stamp-prepare-tree-% | config-prepare-check-%' \
  'st/stamp-prepare-tree-%: | debian/scripts/fix-filenames' \
  'st/stamp-build-perarch: st/stamp-prepare-perarch | install-arch-headers' \
  'binary-tools-common: prepare-indep install-tools'; do
  check "make's database has: $rule" grep -qxF -- "$rule" <<<"$db"
done

# stamps DIR: every stamp, in the order the phases make them, and
# debian/scripts/fix-filenames rebuilt after them (rsync, a changed .c).
stamps() {
  local now s i=0
  now=$(date +%s)
  mkdir -p "$1/st" "$1/debian/scripts"
  for s in stamp-prepare-tree-tickless stamp-prepare-tickless stamp-build-tickless \
    stamp-prepare-perarch stamp-build-perarch; do
    i=$((i + 1)); touch -d "@$((now - 60 + i))" "$1/st/$s"
  done
  touch "$1/debian/scripts/fix-filenames"
}
# apply_but DIR STRING: every patch but the one with STRING, in order.
apply_but() {
  local p
  for p in "${PATCHES[@]}"; do
    grep -qF -- "$2" "$p" || apply "$1" "$p" || return 1
  done
}
# The control: every patch but the resume one.
C="$SCRATCH/control"
copy_files "$C"
check "control: the other patches apply without the resume patch" apply_but "$C" '| config-prepare-check-%'
stamps "$P"; stamps "$C"
out=$(dry "$P" st/stamp-build-tickless st/stamp-build-perarch)
if [ -z "$(debug_lines "$out")" ]; then ok "resume: with every stamp there, no phase is redone (fix-filenames newer)"
else not_ok "resume: phases redone with every stamp there: $(debug_lines "$out")"; fi
out=$(dry "$C" st/stamp-build-tickless)
case $(debug_lines "$out") in
  *stamp-prepare-tree-tickless*stamp-build-tickless*) ok "control: without the resume patch, a newer fix-filenames redoes the kernel's phases" ;;
  *) not_ok "control: the unpatched rules redid: $(debug_lines "$out")" ;;
esac
rm "$P"/st/stamp-{prepare-tree,prepare,build}-tickless
out=$(dry "$P" st/stamp-build-tickless)
if [ "$(debug_lines "$out")" = 'st/stamp-prepare-tree-tickless config-prepare-check-tickless st/stamp-prepare-tickless st/stamp-build-tickless ' ]; then
  ok "resume: a phase whose stamp is removed with those after it is redone, config check included, in order"
else not_ok "resume: removing the kernel's stamps redid: $(debug_lines "$out")"; fi

# --- usbip and WERROR --------------------------------------------------------
stamps "$P"; rm "$P/st/stamp-build-perarch"
usbip() { dry "$P" st/stamp-build-perarch do_linux_tools=true do_tools_usbip=true "$@" | tr '\n' ' '; }
out=$(usbip CROSS_COMPILE=aarch64-linux-gnu- DEB_BUILD_GNU_TYPE=x86_64-linux-gnu WERROR=0)
for want in '--build=x86_64-linux-gnu --host=aarch64-linux-gnu' 'ac_cv_func_realloc_0_nonnull=yes' \
  'CFLAGS="-g -O2 -static -Wno-error"'; do
  check "usbip, cross-compiling with WERROR=0: $want" grep -qF -- "$want" <<<"$out"
done
out=$(usbip)
check "usbip, native: configure as Ubuntu's, without --host" lacks '--host=' "$out"
check "usbip, native: CFLAGS as Ubuntu's" grep -qF -- 'make install CFLAGS="-g -O2 -static" CROSS_COMPILE= ' <<<"$out"

# werror_cflags FILE WERROR: the CFLAGS that FILE's WERROR conditional gives.
werror_cflags() {
  { sed -n '/^ifneq (\$(WERROR),0)/,/^endif/p' "$1"; printf '$(info [$(CFLAGS)])\nall: ; @:\n'; } |
    make --no-print-directory -s -f - CFLAGS= WERROR="$2" all
}
for f in tools/lib/bpf/Makefile tools/perf/lib/Makefile; do
  check "$f: -Werror only inside the WERROR conditional" \
    test "$(grep -c -- '-Werror' "$P/$f")" = "$(sed -n '/^ifneq (\$(WERROR),0)/,/^endif/p' "$P/$f" | grep -c -- '-Werror')"
  check "$f: -Werror by default" grep -qF -- '[-Werror]' <(werror_cflags "$P/$f" '')
  check "$f: no -Werror with WERROR=0" grep -qxF -- '[]' <(werror_cflags "$P/$f" 0)
done

# --- linux-tools-common alone --------------------------------------------------
stamps "$P"
out=$(dry "$P" binary-tools-common do_tools_common=true tools_common_pkg_name=linux-tools-common)
check "binary-tools-common: prepare-indep, install-tools, then the package" \
  test "$(debug_lines "$out")" = 'prepare-indep install-tools binary-tools-common '
for step in dh_installchangelogs dh_installdocs dh_compress dh_fixperms dh_installdeb dh_gencontrol dh_md5sums dh_builddeb; do
  check "binary-tools-common: $step -plinux-tools-common" grep -Eq -- "(^| )$step -plinux-tools-common\$" <<<"$out"
done
check "binary-tools-common: no step for every Architecture: all package (-i) but dh_prep" \
  test "$(grep -E -- '^dh_[a-z]+ -i' <<<"$out")" = 'dh_prep -i'
expect_fail "binary-tools-common with the tools off (a cross build without do_tools=true) is one clear error" \
  'binary-tools-common: do_tools_common is not true \(do_tools=false\)' \
  dry "$P" binary-tools-common do_tools=false do_tools_common=

# --- dkms --------------------------------------------------------------------------
N="$SCRATCH/no-dkms-patch"
copy_files "$N"
check "control: the other patches apply without the dkms one" apply_but "$N" CROSSBOOT_DKMS_DEBS
# install DIR ARG...: install-tickless's commands (enable_zfs: custom_override
# is debian/rules', not read here).
install_cmds() {
  local dir=$1; shift
  stamps "$dir"
  dry "$dir" install-tickless build_arch=arm64 enable_zfs=true do_dkms_wireguard=true \
    dkms_zfs_linux_version=0.8.3-1ubuntu12.18 dkms_wireguard_version=1.0.20201112-1~20.04.1 "$@"
}
cross=$(install_cmds "$P" CROSS_COMPILE=aarch64-linux-gnu-)
check "dkms, cross-compiling: zfs and wireguard with ARCH=arm64 beside CROSS_COMPILE" \
  test "$(grep -c '^ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- .*/scripts/dkms-build ' <<<"$cross")" = 2
check "dkms, cross-compiling: the headers copy gets the build tree's programs" \
  grep -qF 'install -m755 "build/build-tickless/$f" "$f"' <<<"$cross"
check "dkms: the dkms directory is made anew" grep -qx 'rm -rf build/build-tickless/_*dkms' <<<"$cross"
out=$(install_cmds "$P" CROSS_COMPILE=)
check "dkms, native: the headers copy is left as it is" lacks 'build/build-tickless/$f' "$out"
out=$(install_cmds "$N" CROSS_COMPILE=aarch64-linux-gnu-)
check "control: without the dkms patch, no ARCH for dkms-build" lacks 'ARCH=arm64 CROSS_COMPILE=' "$out"

# dkms-build itself, from the copy's directory as the rules run it, with a
# stub downloader that records what it is asked for.
command -v dpkg-deb >/dev/null || { skip "dkms-build" "dpkg-deb is not installed"; finish; }
for d in "$P" "$N"; do
  printf '#!/bin/sh\necho "$*" >>"%s/downloads"\nexit 1\n' "$d" >"$d/debian/scripts/file-downloader"
  chmod 755 "$d/debian/scripts/file-downloader"
done
mkdir -p "$SCRATCH/pkg/DEBIAN" "$SCRATCH/pkg/usr/src/wireguard-1" "$SCRATCH/debs" "$SCRATCH/empty"
printf 'Package: wireguard-dkms\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t.invalid>\nDescription: t\n' >"$SCRATCH/pkg/DEBIAN/control"
printf 'PACKAGE_NAME="wireguard"\nPACKAGE_VERSION="1"\nPRE_BUILD="configure\n  --prefix=/usr\n"\n' >"$SCRATCH/pkg/usr/src/wireguard-1/dkms.conf"
dpkg-deb --root-owner-group -b "$SCRATCH/pkg" "$SCRATCH/debs/wireguard-dkms_1_all.deb" >/dev/null
# dkms_build DIR DEBS: dkms-build of DIR for wireguard-dkms_1_all.deb, cross,
# CROSSBOOT_DKMS_DEBS=DEBS (unset when empty), in DIR/dk.
dkms_build() {
  rm -rf "$1/dk" "$1/downloads"; mkdir -p "$1/dk"
  (cd "$1" && if [ -n "$2" ]; then export CROSSBOOT_DKMS_DEBS=$2; fi
    CROSS_COMPILE=aarch64-linux-gnu- sh debian/scripts/dkms-build "$1/dk" 5.4.0-200-tickless - linux-modules \
      "$1/pkgdir" "" wireguard pool/universe/w/wireguard-linux-compat/wireguard-dkms_1_all.deb 2>&1)
}
out=$(dkms_build "$P" "$SCRATCH/empty") && rc=0 || rc=$?
if [ "$rc" != 0 ] && grep -qx 'EE: wireguard-dkms_1_all.deb is not in CROSSBOOT_DKMS_DEBS (.*); not downloading it' <<<"$out" &&
   [ ! -e "$P/downloads" ]; then ok "dkms-build: a .deb not in CROSSBOOT_DKMS_DEBS is one error, nothing downloaded"
else not_ok "dkms-build with the .deb missing from CROSSBOOT_DKMS_DEBS (exit $rc)"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
out=$(dkms_build "$N" '') || true
check "control: the unpatched dkms-build downloads (from Launchpad first)" \
  grep -q '^https://launchpad.net/.*/wireguard-dkms_1_all.deb$' "$N/downloads"
if [ -e /usr/sbin/dkms ]; then
  skip "dkms-build up to dkms" "this host has /usr/sbin/dkms, which dkms-build would run"; finish
fi
# Without dkms here, it stops where it would run it.
dkms_build "$P" "$SCRATCH/debs" >"$SCRATCH/dkms-build.log" || true
check "dkms-build: the .deb taken from CROSSBOOT_DKMS_DEBS and unpacked, nothing downloaded" \
  test -f "$P/dk/wireguard/usr/src/wireguard-1/dkms.conf" -a ! -e "$P/downloads"
check "dkms-build, cross-compiling: PRE_BUILD's configure is told the target" \
  grep -qx 'PRE_BUILD="configure --build=[^ ]* --host=aarch64-linux-gnu' "$P/dk/wireguard/usr/src/wireguard-1/dkms.conf"
# dkms runs make with its own PATH, without the cross compiler's directory:
# the patched dkms-build hands kbuild the cross tools' full path, their
# directory, not distcc's masquerade one, which kernel-debs.sh --distcc puts
# first and which has compiler names only. Run up to dkms with a recorder
# in its place (found in PATH: the scratch path has a space); end to end in
# tests/full/focal-simulated.sh.
mkdir -p "$SCRATCH/masq" "$SCRATCH/cross tools" "$SCRATCH/recorder"
for t in gcc ld objcopy; do printf '#!/bin/sh\nexit 0\n' >"$SCRATCH/cross tools/aarch64-linux-gnu-$t"; done
chmod 755 "$SCRATCH/cross tools"/*
ln -s /usr/bin/true "$SCRATCH/masq/aarch64-linux-gnu-gcc"
printf '#!/bin/sh\nprintf "%%s\\n" "$CROSS_COMPILE" >"$DKMS_RECORD"\nexit 1\n' >"$SCRATCH/recorder/dkms-recorder"
chmod 755 "$SCRATCH/recorder/dkms-recorder"
# recorded DIR [SED]: the CROSS_COMPILE dkms got from DIR's dkms-build
# (edited by SED).
recorded() {
  sed -e 's@/usr/sbin/dkms@dkms-recorder@' -e "${2:-}" "$1/debian/scripts/dkms-build" >"$1/debian/scripts/dkms-build-rec"
  rm -rf "$1/dk"; mkdir -p "$1/dk"
  (cd "$1" && CROSSBOOT_DKMS_DEBS="$SCRATCH/debs" DKMS_RECORD="$1/record" \
      PATH="$SCRATCH/masq:$SCRATCH/cross tools:$SCRATCH/recorder:$PATH" \
      CROSS_COMPILE=aarch64-linux-gnu- sh debian/scripts/dkms-build-rec "$1/dk" 5.4.0-200-tickless - linux-modules \
      "$1/pkgdir" "" wireguard pool/universe/w/wireguard-linux-compat/wireguard-dkms_1_all.deb >/dev/null 2>&1) || true
  cat "$1/record" 2>/dev/null
}
cc_prefix=$(recorded "$P")
if [ "$cc_prefix" = "$SCRATCH/cross tools/aarch64-linux-gnu-" ]; then
  ok "dkms-build, cross-compiling: dkms gets the cross tools' full path, not distcc's masquerade directory"
else not_ok "dkms-build, cross-compiling: dkms got CROSS_COMPILE='$cc_prefix'"; fi
check "control: the directory taken from the cross gcc's name is distcc's masquerade one" \
  test "$(recorded "$P" 's@{CROSS_COMPILE}ld@{CROSS_COMPILE}gcc@')" = "$SCRATCH/masq/aarch64-linux-gnu-"
finish
