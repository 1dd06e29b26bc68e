#!/usr/bin/env bash
# Unit tests of scripts/kernel-debs.sh's parts that need no kernel build:
# the user's fragments (scripts/kernel/userconf.sh) and how they merge into
# an Ubuntu request config, the signing key's checks and placement, the
# resumable work directory (scripts/kernel/work.sh: changed paths, the lock,
# whole-or-nothing packages), the progress line (scripts/kernel/progress.sh),
# the command's clear errors before anything is built, and the dates an
# upstream build's packages get (SOURCE_DATE_EPOCH, not the clock).
# bash -c scripts are quoted on purpose; in_bash's body runs in another bash.
# shellcheck disable=SC2016,SC2317
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
CACHE="$SCRATCH/cache"
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
KDIR=$TOP/scripts/kernel
# shellcheck source=scripts/kernel/work.sh
. "$KDIR/work.sh"
# shellcheck source=scripts/kernel/userconf.sh
. "$KDIR/userconf.sh"
# shellcheck source=scripts/kernel/progress.sh
. "$KDIR/progress.sh"
S=$SCRATCH

# in_bash FUNCTION-FILE... -- CODE: CODE in a bash of its own with the
# options kernel-debs.sh runs under, with the named files sourced (die
# exits there, not here).
in_bash() {
  bash -c 'set -euo pipefail; TOP=$1; CACHE=/nonexistent; shift; . "$TOP/scripts/lib.sh"
    for f in work userconf progress; do . "$TOP/scripts/kernel/$f.sh"; done
    code=$1; shift; eval "$code"' _ "$TOP" "$@"
}

# --- fragments ---------------------------------------------------------------
printf '# a comment\n\nCONFIG_DRM_AMDGPU=n\n# CONFIG_DRM_RADEON is not set\nCONFIG_FOO="a b"\nCONFIG_HZ=250\n' >"$S/good.config"
printf 'CONFIG_HZ=300\n' >"$S/later.config"
check "a fragment of settings, comments and blank lines is accepted" in_bash 'fragment_check "$1"' "$S/good.config"
printf 'CONFIG_OK=y\nDRM_AMDGPU=n\n' >"$S/bad.config"
expect_fail "a line that is not a setting is one clear error with its line number" \
  'bad.config:2: not a Kconfig setting: DRM_AMDGPU=n' in_bash 'fragment_check "$1"' "$S/bad.config"
expect_fail "a missing fragment is one clear error" 'no such readable file' in_bash 'fragment_check "$1"' "$S/none.config"
settings=$(fragment_settings "$S/good.config" "$S/later.config")
if [ "$settings" = $'CONFIG_DRM_AMDGPU=n\nCONFIG_DRM_RADEON=n\nCONFIG_FOO="a b"\nCONFIG_HZ=300' ]; then
  ok "fragments merge in order, the last value of a symbol winning, 'not set' as n"
else not_ok "fragment_settings gave: $settings"; fi
check "fragment_as_config writes n as 'is not set'" \
  grep -qx '# CONFIG_DRM_RADEON is not set' <(fragment_as_config "$settings")
policies=$'CONFIG_HZ=100\nCONFIG_NO_HZ_IDLE=n\nCONFIG_TICK_CPU_ACCOUNTING=-'
expect_fail "a fragment that undoes a tickless setting is one clear error" \
  'sets CONFIG_HZ=300, which undoes the tickless setting CONFIG_HZ=100' \
  in_bash 'fragment_vs_tickless "$1" "$2"' "$settings" "$policies"
check "a fragment that leaves the tickless settings alone passes" \
  in_bash 'fragment_vs_tickless "$1" "$2"' $'CONFIG_DRM_AMDGPU=n\nCONFIG_NO_HZ_IDLE=n\nCONFIG_TICK_CPU_ACCOUNTING=n' "$policies"
printf 'CONFIG_HZ=300\nCONFIG_FOO="a b"\nCONFIG_DRM_RADEON=m\n' >"$S/effective"
missing=$(fragment_missing "$settings" "$S/effective")
if [ "$missing" = $'CONFIG_DRM_AMDGPU=n\nCONFIG_DRM_RADEON=n' ] || [ "$missing" = 'CONFIG_DRM_RADEON=n' ]; then
  ok "settings the effective config lacks are named (a symbol still set is not 'n')"
else not_ok "fragment_missing gave: $missing"; fi
check "an absent symbol satisfies 'n'" test -z "$(fragment_missing 'CONFIG_DRM_AMDGPU=n' "$S/effective")"

# ubuntu_apply_fragment: replace, turn off, append.
printf 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=m\n' >"$S/request"
bash -c 'set -euo pipefail; . "$1/targets/aarch64"; . "$1/targets/kernel/aarch64"
  msg() { :; }; die() { exit 1; }; WORK=/nonexistent KDIR=$1/scripts/kernel; . "$KDIR/ubuntu.sh"
  ubuntu_apply_fragment "$2" "$3"' _ "$TOP" "$S/request" $'CONFIG_A=n\nCONFIG_B=y\nCONFIG_D=m'
if [ "$(cat "$S/request")" = $'# CONFIG_A is not set\nCONFIG_B=y\nCONFIG_C=m\nCONFIG_D=m' ]; then
  ok "ubuntu_apply_fragment replaces, turns off and appends settings in the request config"
else not_ok "ubuntu_apply_fragment gave: $(tr '\n' ' ' <"$S/request")"; fi

# --- the signing key ---------------------------------------------------------
if have openssl; then
  openssl req -new -nodes -utf8 -sha512 -days 1 -batch -x509 -subj /CN=test -newkey rsa:2048 \
    -keyout "$S/key.pem" -out "$S/cert.pem" 2>/dev/null
  cat "$S/key.pem" "$S/cert.pem" >"$S/signing key.pem"
  check "an RSA key with its certificate is accepted" in_bash 'signing_key_check "$1"' "$S/signing key.pem"
  expect_fail "a key without its certificate is refused" 'no certificate' in_bash 'signing_key_check "$1"' "$S/key.pem"
  expect_fail "a certificate without its key is refused" 'no private key' in_bash 'signing_key_check "$1"' "$S/cert.pem"
  openssl req -new -nodes -batch -x509 -subj /CN=other -newkey rsa:2048 -keyout "$S/other.pem" -out "$S/other.crt" 2>/dev/null
  cat "$S/other.pem" "$S/cert.pem" >"$S/mismatch.pem"
  expect_fail "a key that is not the certificate's is refused" "not the certificate's" \
    in_bash 'signing_key_check "$1"' "$S/mismatch.pem"
  openssl req -new -nodes -batch -x509 -subj /CN=ec -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$S/ec.key" -out "$S/ec.crt" 2>/dev/null
  cat "$S/ec.key" "$S/ec.crt" >"$S/ec.pem"
  expect_fail "an EC key is refused (5.4 signs with RSA)" 'not an RSA certificate' in_bash 'signing_key_check "$1"' "$S/ec.pem"
  signing_key_place "$S/signing key.pem" "$S/build/certs" 1672531200 signing_key.pem
  check "the placed key is the user's, mode 600" bash -c \
    'cmp -s "$1" "$2/signing_key.pem" && [ "$(stat -c %a "$2/signing_key.pem")" = 600 ]' _ "$S/signing key.pem" "$S/build/certs"
  check "x509.genkey is older than the key (certs/Makefile keeps the key)" \
    test "$S/build/certs/signing_key.pem" -nt "$S/build/certs/x509.genkey"
  # Newer kernels (6.1) regenerate signing_key.pem unless their own command
  # made it: there the key has a name of its own, which the config names.
  signing_key_place "$S/signing key.pem" "$S/build6/certs" 1672531200 "$USER_KEY_NAME"
  check "upstream: the key under its own name ($USER_KEY_NAME), mode 600, no x509.genkey" bash -c \
    'cmp -s "$1" "$2/$3" && [ "$(stat -c %a "$2/$3")" = 600 ] && [ ! -e "$2/x509.genkey" ] && [ ! -e "$2/signing_key.pem" ]' \
    _ "$S/signing key.pem" "$S/build6/certs" "$USER_KEY_NAME"
  check "upstream: the config points CONFIG_MODULE_SIG_KEY at it" \
    test "$(signing_key_config)" = "CONFIG_MODULE_SIG_KEY=\"certs/$USER_KEY_NAME\""
  signing_key_forget "$S/build6/certs"
  check "forgetting the key removes it under either name" test ! -e "$S/build6/certs/$USER_KEY_NAME"
  check "the state tells a key from none" \
    test "$(signing_key_fingerprint "$S/signing key.pem")" != "$(signing_key_fingerprint '')"
  check "the state keeps a hash of the key, never the key" \
    bash -c '! grep -q -- "-----BEGIN" <<<"$1"' _ "$(signing_key_fingerprint "$S/signing key.pem")"
else
  skip "signing key checks" "openssl is not installed"
fi

# --- the work directory -----------------------------------------------------
TREE="$S/tree" WORK="$S/work dir/w"
mkdir -p "$TREE/drivers" "$TREE/debian.master" "$TREE/.git"
echo a >"$TREE/drivers/a.c"; echo b >"$TREE/debian.master/changelog"; echo g >"$TREE/.git/HEAD"
changed=$(copy_changes); commit_tree_listing
check "the first copy lists every file of the tree but .git" \
  test "$changed" = $'debian.master/changelog\ndrivers/a.c'
check "the copy has no .git" test ! -e "$WORK/src/.git"
changed=$(copy_changes); commit_tree_listing
check "an unchanged tree lists nothing" test -z "$changed"
echo aa >"$TREE/drivers/a.c"
changed=$(copy_changes); commit_tree_listing
check "a changed source file is listed alone" test "$changed" = drivers/a.c
if affects_tools $'drivers/a.c\ntools/perf/builtin-stat.c'; then ok "a change under tools/ rebuilds the tools"
else not_ok "affects_tools tools/perf/builtin-stat.c"; fi
if affects_tools "include/uapi/linux/perf_event.h"; then ok "a change of the kernel's headers rebuilds the tools"
else not_ok "affects_tools include/uapi"; fi
if affects_tools $'drivers/a.c\ndebian.master/changelog'; then not_ok "a driver or packaging change should not rebuild the tools"
else ok "a driver or packaging change leaves the tools built"; fi
mkdir -p "$WORK/src/debian/build/build-x" "$WORK/src/debian/stamps"
touch "$WORK/src/debian/build/build-x/vmlinux" "$WORK/src/debian/stamps/stamp-build-x"
copy_changes >/dev/null
check "the build state survives a copy (rsync --delete excludes it)" \
  test -f "$WORK/src/debian/build/build-x/vmlinux" -a -f "$WORK/src/debian/stamps/stamp-build-x"
keep_build_state
check "keep_build_state moves the build out of the clean's way" test ! -e "$WORK/src/debian/build" -a -d "$WORK/keep/build"
restore_build_state
check "restore_build_state puts it back" test -f "$WORK/src/debian/build/build-x/vmlinux" -a ! -e "$WORK/keep"
remove_stamps stamp-build-x
check "remove_stamps removes a phase's stamp" test ! -e "$WORK/src/debian/stamps/stamp-build-x"

# Whole or nothing: a target's packages move together; a partial .deb left
# by a killed dpkg-deb never reaches the output.
echo partial >"$WORK/linux-image.deb"
clear_partial
check "clear_partial removes what a killed dpkg-deb left" test ! -e "$WORK/linux-image.deb"
echo one >"$WORK/linux-a_1_arm64.deb"; echo two >"$WORK/linux-b_1_arm64.deb"
collect_debs binary-x fp1
check "collect_debs moves a target's packages together" \
  test -f "$WORK/debs/binary-x/linux-a_1_arm64.deb" -a -f "$WORK/debs/binary-x/linux-b_1_arm64.deb"
if target_done binary-x fp1; then ok "a collected target is done for its inputs"; else not_ok "target_done fp1"; fi
if target_done binary-x fp2; then not_ok "target_done with other inputs"; else ok "other inputs make it not done"; fi
expect_fail "a target that made no package is one clear error" 'made no package' in_bash \
  'WORK=$1; collect_debs binary-y fp' "$WORK"
touch "$S/out/.stale.deb.tmp" 2>/dev/null || { mkdir -p "$S/out"; touch "$S/out/.stale.deb.tmp"; }
published=$(publish_debs "$S/out" binary-x)
check "publish_debs prints what it published" test "$(wc -l <<<"$published")" = 2
check "no temporary is left in the output" bash -c '! ls -A "$1" | grep -q tmp' _ "$S/out"

# The lock: a second build of the same WORK is refused at once.
exec {held}>>"$WORK.lock"; flock -n "$held"
expect_fail "a second build of the same tree is refused while one runs" 'another build of this tree is running' \
  in_bash 'WORK=$1; work_lock' "$WORK"
exec {held}>&-
check "the lock is free once the first build is gone" in_bash 'WORK=$1; work_lock' "$WORK"

# --- progress ------------------------------------------------------------------
line=$(progress_line modules 600 1000 100 600)
if [ "$line" = 'progress: modules, 600/1000 objects (60%), 50/min, compiling done in ~8m; 10m elapsed' ]; then
  ok "the progress line has the phase, the count, the rate and an ETA"
else not_ok "progress_line gave: $line"; fi
check "without a total it counts" test "$(progress_line kernel 10 0 10 30)" = 'progress: kernel, 10 objects; 30s elapsed'
printf 'Debug: debian/stamps/stamp-prepare-tree-tickless\n' >"$S/log"
check "the phase: the tree's config step" test "$(progress_phase "$S/log" "$S/none")" = config
printf 'Debug: /build/src/debian/stamps/stamp-build-tickless build_image Image.gz\n' >>"$S/log"
check "the phase: kernel before vmlinux exists" test "$(progress_phase "$S/log" "$S/none")" = kernel
mkdir -p "$S/obj"; touch "$S/obj/vmlinux"
printf 'cmd_a.o := gcc -Wp,-MD,a.d -O2 -c -o a.o a.c\ndeps\n' >"$S/obj/.a.o.cmd"
printf 'cmd_b.o := gcc -c -o b.o b.S\n' >"$S/obj/.b.o.cmd"
# not compiles of their own: a multi-file object's link, a module's .mod.o
printf 'cmd_m.o := ld -r -o m.o a.o b.o\n' >"$S/obj/.m.o.cmd"
printf 'cmd_m.mod.o := gcc -c -o m.mod.o m.mod.c\n' >"$S/obj/.m.mod.o.cmd"
check "the phase: modules once vmlinux exists" test "$(progress_phase "$S/log" "$S/obj")" = modules
check "objects are counted by their .cmd files (compiles only: not ld -r, not NAME.mod.o)" test "$(count_objects "$S/obj")" = 2
printf 'Debug: debian/stamps/stamp-build-perarch\n' >>"$S/log"
check "the phase: tools" test "$(progress_phase "$S/log" "$S/obj")" = tools
printf "dpkg-deb: building package 'linux-tools-5.4.0-200'\n" >>"$S/log"
check "the phase: packaging" test "$(progress_phase "$S/log" "$S/obj")" = packaging

# --- the command's errors, before anything is built ---------------------------
mkdir -p "$S/ktree/scripts/package"; printf 'kernelversion:\n\t@echo 5.4.0\n' >"$S/ktree/Makefile"
K=$TOP/scripts/kernel-debs.sh
expect_fail "an unknown option is one clear error" "unknown option '--bogus'" "$K" --bogus "$S/ktree"
expect_fail "an unknown target is one clear error" "unknown target 'sparc'" "$K" --target sparc "$S/ktree"
expect_fail "a bad --fragment is one clear error" 'not a Kconfig setting' "$K" --fragment "$S/bad.config" "$S/ktree"
expect_fail "--signing-key without a key is one clear error" 'no such readable file' "$K" --signing-key "$S/nokey.pem" "$S/ktree"
expect_fail "a directory that is no kernel tree is one clear error" 'is not a kernel source tree' "$K" "$S"

# --check's prerequisites come before anything is built: with the target's
# qemu-system missing (a PATH without it) the command stops with one error
# naming its package, and never reaches build.sh (a stub in a copy of this
# checkout, which says and marks when it is called); the control, with a qemu there
# (a stand-in: nothing boots), reaches it. Needs root (the checks do).
qemu_first() {
  local copy="$S/copy" bin="$S/noqemu" d f
  mkdir -p "$copy" "$bin" "$S/fakeqemu" "$S/vtree/scripts/package" "$S/kcache"
  ln -s /bin/true "$S/fakeqemu/qemu-system-aarch64"
  printf 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION =\n' >"$S/vtree/Makefile"
  rsync -a --exclude=/out --exclude=/.git "$TOP/" "$copy/"
  printf '#!/bin/sh\necho "STUB build.sh $*"; : >"$0.ran"; exit 3\n' >"$copy/build.sh"
  for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    for f in "$d"/*; do
      [ "${f##*/}" = qemu-system-aarch64 ] || [ -e "$bin/${f##*/}" ] || ln -s "$f" "$bin/${f##*/}"
    done
  done
  expect_fail "--check: a missing qemu-system stops the command before anything is built" \
    'missing host packages: qemu-system-arm' \
    env PATH="$bin" OFFLINE=1 CROSSBOOT_CACHE="$S/kcache" "$copy/scripts/kernel-debs.sh" --check "$S/vtree"
  check "--check: ... and build.sh was not run" test ! -e "$copy/build.sh.ran"
  local out
  out=$(env PATH="$S/fakeqemu:$bin" OFFLINE=1 CROSSBOOT_CACHE="$S/kcache" "$copy/scripts/kernel-debs.sh" --check "$S/vtree" 2>&1) || true
  check "control: with qemu-system-aarch64 there, the same command goes on to build.sh build-chroot" \
    has "$out" '^STUB build.sh --distro [a-z]+ aarch64 build-chroot$'
}
if [ "$(id -u)" != 0 ]; then
  skip "--check's prerequisites before the build" "needs root (the kernel checks do)"
else
  qemu_first
fi

# --- the same packages from two builds (upstream trees) -------------------------
# The chroot's environment starts empty: the build script exports
# SOURCE_DATE_EPOCH before bindeb-pkg (dpkg-deb's times), and 6.1's
# changelog line (patches/6.1/0003, run by sh as mkdebian runs it) is dated
# with it; the control: without it, the line takes the clock.
up=$(SOURCE_DATE_EPOCH=1700000000 bash -c 'set -euo pipefail; . "$1"; parse_args "$2"; kernel_load_target "$TARGET"
  VERSION=6.1.0 WORK=/nonexistent USER_SETTINGS=; upstream_build_script' _ "$K" "$S/ktree")
check "upstream: the build script exports SOURCE_DATE_EPOCH before make bindeb-pkg" \
  awk '/^export SOURCE_DATE_EPOCH=1700000000$/ { e = NR } / bindeb-pkg$/ { m = NR } END { exit !(e && m && e < m) }' <<<"$up"
line=$(sed -n 's/^+ -- \$maintainer  //p' "$KDIR"/patches/6.1/0003-*.patch)
changelog_date() { env -u SOURCE_DATE_EPOCH ${1:+SOURCE_DATE_EPOCH=$1} sh -c "echo $2"; }
check "6.1's changelog is dated SOURCE_DATE_EPOCH (patch 0003: $line)" \
  test "$(changelog_date 1672531200 "$line")" = 'Sun, 01 Jan 2023 00:00:00 +0000'
check "control: without SOURCE_DATE_EPOCH the same line takes the clock" \
  test "$(changelog_date '' "$line")" != 'Sun, 01 Jan 2023 00:00:00 +0000'
finish
