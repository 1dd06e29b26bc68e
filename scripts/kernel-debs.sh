#!/usr/bin/env bash
# scripts/kernel-debs.sh [--target NAME] [--distro NAME] [--size full|test] [--jobs N]
#                        [--fragment FILE]... [--signing-key PEM] [--distcc HOSTS]...
#                        [--fresh] [--check] [--estimate [--sample N]] TREE
#
# Cross-builds "-tickless" kernel packages for the target (default aarch64:
# targets/NAME and targets/kernel/NAME) from a kernel source tree, inside the
# build chroot of the target distribution (./build.sh --distro NAME TARGET
# build-chroot, built first if needed) with the project's static cross
# compiler. The tree is copied, never written to. Two kinds of tree:
#  - upstream or Debian: `make bindeb-pkg` with LOCALVERSION=-tickless and
#    scripts/kernel/tickless.config and target-gcc.config on top of
#    defconfig (--size full, the default) or tinyconfig +
#    scripts/kernel/test-size.config (--size test);
#    patches in scripts/kernel/patches/MAJOR.MINOR/ make linux-headers carry
#    host programs for the target and declare its Depends;
#  - Ubuntu (debian.master/): the "tickless" flavour is added to the tree's
#    packaging where missing (scripts/kernel/ubuntu.sh), its config generated
#    from the tree's annotations (--size test: that config cut down), and
#    dpkg-buildpackage builds, one target after the other, the flavour's
#    packages, the shared headers, the tools (perf, bpftool, cpupower,
#    usbip) and, for targets without it, linux-tools-common;
#    scripts/kernel/ubuntu/MAJOR.MINOR/ patches the tree's packaging;
#    zfs and wireguard are built with dkms, as Ubuntu does, from the .debs
#    the tree pins, fetched from the target distribution's archive first
#    (scripts/kernel/dkms.sh), where that is Ubuntu's; for a Debian target
#    they are left out, saying so.
# --fragment FILE (repeatable) merges Kconfig settings into the flavour's
# config (for Ubuntu trees recorded in the annotations); --signing-key PEM
# signs modules with that key (RSA key and certificate in one file) instead
# of a throw-away one. --distcc "ADDR[:PORT][/JOBS] ..." (repeatable) sends
# the kernel's, the modules' and the tools' compiles to those compile hosts
# (the release tarball's bin/crossboot-compile-host), with local fallback
# when a host is unreachable or dies; preprocessing, linking and packaging
# stay here; --jobs defaults to the hosts' JOBS plus this machine's CPUs;
# the end says which host compiled how many (scripts/kernel/distcc.sh).
#
# The build resumes: run the same command again after an interruption and
# it goes on where it stopped; after a change (a config option, a source
# file) only what it touches is rebuilt. One build of a tree at a time.
# --fresh starts the tree's build over. While it builds, a progress line
# every minute. The effective config is checked for every tickless setting.
# Results: out/TARGET/debs/. --check then runs scripts/kernel-check.sh on
# them (its prerequisites are checked before anything is built).
# --estimate builds nothing whole: it prepares the configuration the build
# would use, compiles a sample of N of its objects (default 200) and
# extrapolates the build time on this machine (scripts/kernel/estimate.sh).
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=scripts/host-packages.sh
. "$TOP/scripts/host-packages.sh"
KDIR=$TOP/scripts/kernel
# shellcheck source=scripts/kernel/common.sh
. "$KDIR/common.sh"
# shellcheck source=scripts/kernel/work.sh
. "$KDIR/work.sh"
# shellcheck source=scripts/kernel/progress.sh
. "$KDIR/progress.sh"
# shellcheck source=scripts/kernel/userconf.sh
. "$KDIR/userconf.sh"
# shellcheck source=scripts/kernel/estimate.sh
. "$KDIR/estimate.sh"
# shellcheck source=scripts/kernel/distcc.sh
. "$KDIR/distcc.sh"

USAGE="usage: scripts/kernel-debs.sh [--target NAME] [--distro NAME] [--size full|test] [--jobs N] [--fragment FILE]... [--signing-key PEM] [--distcc HOSTS]... [--fresh] [--check] [--estimate [--sample N]] TREE"
TARGET=$KERNEL_DEFAULT_TARGET DISTRO=${CROSSBOOT_DISTRO:-$DEFAULT_DISTRO} SIZE=full JOBS='' TREE='' CHECK=0
ESTIMATE=0 SAMPLE=200 FRAGMENTS=() SIGNING_KEY='' FRESH=0 DISTCC_SPECS=() DISTCC=() DISTCC_STATE=off

parse_args() {
  local OPT_NAMES OPT_VALUES POSITIONAL i v
  OPT_CMD=scripts/kernel-debs.sh OPT_SPEC='target - value
    distro - value
    size - value
    jobs j value
    fragment - value
    signing-key - value
    distcc - value
    fresh - flag
    check - flag
    estimate - flag
    sample - value
    help h flag' opts_parse "$@"
  for i in "${!OPT_NAMES[@]}"; do
    v=${OPT_VALUES[i]}
    ! kernel_option "${OPT_NAMES[i]}" "$v" || continue
    case ${OPT_NAMES[i]} in
      size) [[ $v == test || $v == full ]] || die "--size is test or full"; SIZE=$v ;;
      jobs) [[ $v =~ ^[1-9][0-9]{0,3}$ ]] || die "--jobs needs a positive number"; JOBS=$v ;;
      fragment) [ -n "$v" ] || die "--fragment needs a file"; fragment_check "$v"; FRAGMENTS+=("$(realpath "$v")") ;;
      signing-key) [ -n "$v" ] || die "--signing-key needs a PEM file"; SIGNING_KEY=$(realpath "$v") ;;
      distcc) [ -n "${v// /}" ] || die "--distcc needs hosts (\"ADDR[:PORT][/JOBS] ...\")"; DISTCC_SPECS+=("$v") ;;
      fresh) FRESH=1 ;;
      check) CHECK=1 ;;
      estimate) ESTIMATE=1 ;;
      sample) [[ $v =~ ^[1-9][0-9]*$ ]] || die "--sample needs a positive number"; SAMPLE=$v ;;
      help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    esac
  done
  [ ${#POSITIONAL[@]} -le 1 ] || die "one kernel tree only"
  TREE=${POSITIONAL[0]:-}
  [ -n "$TREE" ] || die "$USAGE"
  [ "$CHECK$ESTIMATE" != 11 ] || die "--estimate builds no packages to --check"
  [ -z "$SIGNING_KEY" ] || signing_key_check "$SIGNING_KEY"
  if [ ${#DISTCC_SPECS[@]} -gt 0 ]; then
    [ "$ESTIMATE" = 0 ] || die "--estimate measures this machine's compiling: not with --distcc"
    local hosts
    # (a bad host dies in the subshell, with its message: so does this)
    hosts=$(distcc_hosts "${DISTCC_SPECS[@]}") || exit 1
    mapfile -t DISTCC <<<"$hosts"
  fi
  # -j: this machine's CPUs, and with --distcc the hosts' slots too.
  if [ -z "$JOBS" ]; then
    JOBS=$(nproc)
    [ ${#DISTCC[@]} -eq 0 ] || JOBS=$(distcc_jobs "$(nproc)" "${DISTCC[@]}")
  fi
}

# check_prerequisites: everything the whole command needs on the host,
# before anything is built (installed as root on Debian/Ubuntu).
check_prerequisites() {
  local need="rsync:rsync patch:patch flock:util-linux setpriv:util-linux make:make find:findutils sha256sum:coreutils"
  [ "$KIND" = upstream ] || need+=" python3:python3"
  # The dkms packages' fetch (scripts/kernel/dkms.sh).
  [ "$KIND" = upstream ] || [ "$DISTRO_VENDOR" != ubuntu ] || need+=" apt-get:apt dpkg-deb:dpkg"
  [ -z "$SIGNING_KEY" ] || need+=" openssl:openssl"
  ensure_host_packages "$need"
  if [ "$CHECK" = 1 ]; then
    # shellcheck source=scripts/kernel/prereqs.sh
    . "$KDIR/prereqs.sh"
    kernel_check_prereqs 0
  fi
}

# tree_version TREE: what `make kernelversion` prints, read from the top
# Makefile's first lines (make itself refuses a tree whose path has a space).
tree_version() {
  local v
  v=$(awk -F' *= *' '$1 == "VERSION" { v = $2 } $1 == "PATCHLEVEL" { p = $2 }
    $1 == "SUBLEVEL" { s = $2 } $1 == "EXTRAVERSION" { e = $2; exit }
    END { if (v == "") exit 1; printf "%s", v; if (p != "") { printf ".%s", p; if (s != "") printf ".%s", s }; print e }' \
    "$1/Makefile") || die "cannot read the kernel version of $1 (no VERSION in its Makefile)"
  [[ $v =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?[A-Za-z0-9.+~-]*$ ]] || die "cannot read the kernel version of $1 (its Makefile says '$v')"
  printf '%s\n' "$v"
}

# examine_tree: KIND, VERSION, SERIES, WORK.
examine_tree() {
  if [ ! -f "$TREE/Makefile" ] || [ ! -d "$TREE/scripts/package" ]; then die "$TREE is not a kernel source tree"; fi
  TREE=$(realpath "$TREE")
  KIND=upstream PATCHES=patches
  if [ -d "$TREE/debian.master" ]; then KIND=ubuntu PATCHES=ubuntu; fi
  VERSION=$(tree_version "$TREE")
  SERIES=$(cut -d. -f1,2 <<<"$VERSION")
  [ -d "$KDIR/$PATCHES/$SERIES" ] ||
    die "no linux-headers cross patch for $KIND Linux $SERIES (scripts/kernel/$PATCHES/$SERIES/)"
  OUT="$OUT_ROOT/$TARGET_ARCH"
  WORK="$CACHE/kernel/$TARGET_ARCH/$(basename "$TREE")-$DISTRO_NAME-$SIZE"
}

# What decides how the copy is prepared and built (not the checks, the
# progress lines or the work directory's bookkeeping: editing those rebuilds
# nothing).
RECIPE_FILES="scripts/kernel-debs.sh scripts/kernel/common.sh scripts/kernel/settings.sh
scripts/kernel/ubuntu.sh scripts/kernel/ubuntu_annotate.py scripts/kernel/ubuntu_record_config.py
scripts/kernel/userconf.sh scripts/kernel/tickless.config scripts/kernel/test-size.config
scripts/kernel/target-gcc.config scripts/kernel/patches scripts/kernel/ubuntu"

# recipe_fingerprint: everything but the tree and the user's fragments that
# decides how the copy is prepared and built: RECIPE_FILES, the target,
# distribution, size, the build chroot (by content: its packages and its
# compiler; another compiler rebuilds everything). The fragments' effect is
# the config's fingerprint, taken after Kconfig.
recipe_fingerprint() {
  {
    printf '%s\n' "$TARGET" "$DISTRO_NAME" "$SIZE" "$KIND" "$VERSION" "$SOURCE_DATE_EPOCH"
    settings_keyed distro
    # The chroot by content: its packages and its compiler.
    cat "$OUT/build-chroot/PACKAGES" "$OUT/build-chroot/TOOLCHAIN" 2>/dev/null || true
    cat "$TOP/targets/$TARGET" "$TOP/targets/kernel/$TARGET"
    # shellcheck disable=SC2086 # a list of paths without spaces
    (cd "$TOP" && find $RECIPE_FILES -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
  } | sha_of_stdin
}

# in_chroot SCRIPT: WORK/SCRIPT in the build chroot (WORK is /build there),
# its output appended to WORK/build.log; the log's end and a clear error on
# failure. setpriv: if this script is killed (kill -9 too), the chroot's
# process tree goes with it, so a rerun finds no build still running.
in_chroot() {
  if ! setpriv --pdeathsig KILL "$TOP/scripts/in-chroot.sh" --bind "$WORK:/build" "$OUT/build-chroot/root" \
      sh "/build/$1" >>"$WORK/build.log" 2>&1 </dev/null; then
    tail -n 30 "$WORK/build.log" >&2
    die "${1%.sh} failed in the build chroot; log: $WORK/build.log"
  fi
}

# chroot_step NAME: the script from NAME_script (with its arguments) run in
# the chroot.
chroot_step() {
  local name=$1; shift
  "${name}_script" "$@" >"$WORK/$name.sh"
  in_chroot "$name.sh"
}

# The packages' Maintainer and changelog address, else user@host.
maintainer_env() {
  printf 'export DEBEMAIL="%s" DEBFULLNAME="%s"\n' \
    "${DEBEMAIL:-crossboot@crossboot.invalid}" "${DEBFULLNAME:-crossboot}"
}

# build_env: the start of a script that builds packages: the maintainer and,
# with --distcc, distcc's environment (the configuration steps stay
# without: they compile nothing to send).
build_env() {
  maintainer_env
  [ ${#DISTCC[@]} -eq 0 ] || distcc_env_script "$(distcc_hosts_var "$(nproc)" "${DISTCC[@]}")"
}

# distcc_start: the client and its directories in WORK/distcc (the
# distccd stage built first if needed), the last run's log kept aside.
distcc_start() {
  [ ${#DISTCC[@]} -gt 0 ] || return 0
  msg "distcc's client (the distccd stage)"
  "$TOP/build.sh" "$TARGET" distccd >&2
  [ -x "$OUT/distccd/bin/distcc" ] || die "the distccd stage left no $OUT/distccd/bin/distcc"
  # shellcheck disable=SC2046 # names without spaces
  distcc_setup "$WORK/distcc" "$OUT/distccd/bin/distcc" \
    $(distcc_compiler_names "$OUT/build-chroot/root/usr/local/bin" "$TARGET_GNU_TRIPLET")
  [ ! -f "$WORK/distcc.log" ] || mv "$WORK/distcc.log" "$WORK/distcc.log.1"
  DISTCC_STATE=started
  msg "compiling through distcc: ${DISTCC[*]}, make -j$JOBS (log: $WORK/distcc.log)"
}

# distcc_report: which host compiled how many of this run's jobs (once).
distcc_report() {
  [ "$DISTCC_STATE" = started ] || return 0
  DISTCC_STATE=reported
  distcc_summary "$WORK/distcc.log" "${DISTCC[@]}" >&2
}

# apply_patches: the series' patches on the copy (the copy's patched files
# are the tree's again after copy_changes).
apply_patches() {
  local p
  for p in "$KDIR/$PATCHES/$SERIES"/*.patch; do
    patch -d "$WORK/src" -p1 -N --batch --quiet <"$p" >>"$WORK/build.log" 2>&1 ||
      die "${p##*/} does not apply to $TREE (log: $WORK/build.log)"
  done
}

# write_fragments: the tickless fragment and the user's, for the chroot.
write_fragments() {
  tickless_fragment "$VERSION" >"$WORK/tickless.config"
  cp "$KDIR/test-size.config" "$KDIR/target-gcc.config" "$WORK/"
  # shellcheck disable=SC2086 # a list of symbols
  printf 'CONFIG_%s=y\n' $TARGET_KERNEL_TEST_BUILTIN >"$WORK/target-test.config"
  fragment_as_config "$USER_SETTINGS" >"$WORK/user.config"
  signing_key_config >"$WORK/signing.config"
}

# --- upstream and Debian trees -------------------------------------------

# upstream_config_script: the configuration, in /build/out/.config.
upstream_config_script() {
  local base=defconfig frags="/build/target-gcc.config /build/tickless.config"
  if [ "$SIZE" = test ]; then base=tinyconfig frags="/build/test-size.config /build/target-test.config $frags"; fi
  [ -z "$USER_SETTINGS" ] || frags+=" /build/user.config"
  [ -z "$SIGNING_KEY" ] || frags+=" /build/signing.config"
  cat <<EOF
set -eu
echo "crossboot-phase: config"
cd /build/src
M="make O=/build/out ARCH=$TARGET_KARCH CROSS_COMPILE=$TARGET_GNU_TRIPLET- LOCALVERSION=-tickless"
\$M $base
KCONFIG_CONFIG=/build/out/.config scripts/kconfig/merge_config.sh -m -O /build/out /build/out/.config $frags
\$M olddefconfig
EOF
}

# upstream_build_script: make bindeb-pkg in the chroot (kbuild's own
# incremental build on /build/out). SOURCE_DATE_EPOCH is exported (the
# chroot's environment starts empty): mkdebian dates the changelog with it
# (patches/6.1/0003), and dpkg-deb stamps the .deb's members and clamps its
# files' times to it; without it both took the build's clock.
upstream_build_script() {
  local epoch=$SOURCE_DATE_EPOCH
  build_env
  cat <<EOF
set -eu
echo "crossboot-phase: kernel"
cd /build/src
export SOURCE_DATE_EPOCH=$epoch
M="make O=/build/out ARCH=$TARGET_KARCH CROSS_COMPILE=$TARGET_GNU_TRIPLET- LOCALVERSION=-tickless"
M="\$M KBUILD_BUILD_USER=crossboot KBUILD_BUILD_HOST=crossboot"
export KBUILD_BUILD_TIMESTAMP="\$(date -u -d @$epoch)"
\$M -j$JOBS KDEB_PKGVERSION=$VERSION-1 bindeb-pkg
EOF
}

upstream_prepare() {
  [ -z "$USER_SETTINGS" ] || fragment_vs_tickless "$USER_SETTINGS" "$(fragment_settings "$WORK/tickless.config")"
  chroot_step upstream_config
  RESOLVED=$WORK/out/.config
}
upstream_targets() { echo bindeb-pkg; }
upstream_build_dir() { printf '%s\n' "$WORK/out"; }
upstream_build_target() { chroot_step upstream_build; }
upstream_built_config() { printf '%s\n' "$WORK/out/.config"; }

# --- Ubuntu trees -----------------------------------------------------------

# ubuntu_prepare: the flavour added, its config generated (and cut down for
# the test size), the user's fragments merged, settled by Kconfig with the
# cross compiler and recorded in the annotations so that the tree's own
# config check holds; then the tree's clean for the target architecture.
ubuntu_prepare() {
  local gccver base=''
  rm -f "$WORK/config-differences.tsv"
  ubuntu_add_flavour "$WORK/src"
  if [ "$SIZE" = test ]; then ubuntu_test_config "$WORK/src"
  else ubuntu_export_config "$WORK/src" "$WORK/ubuntu-request.config"; fi
  if [ -n "$USER_SETTINGS" ]; then
    fragment_vs_tickless "$USER_SETTINGS" "$(ubuntu_tickless_policies "$WORK/src")"
    cp "$WORK/ubuntu-request.config" "$WORK/ubuntu-base.config"
    ubuntu_apply_fragment "$WORK/ubuntu-request.config" "$USER_SETTINGS"
    base=/build/kcfg-base/.config
  fi
  msg "settling the flavour's config with the cross compiler (log: $WORK/build.log)"
  chroot_step ubuntu_resolve "$base"
  gccver=$(sed -n 's/^CONFIG_GCC_VERSION=//p' "$WORK/kcfg/.config")
  ubuntu_fix_gcc_version "$WORK/src" "$gccver"
  ubuntu_record_config "$WORK/src" "$WORK/kcfg/.config" "$SIZE" "${base:+$WORK/kcfg-base/.config}"
  RESOLVED=$WORK/kcfg/.config
  report_config_distance
  [ "$ESTIMATE" = 1 ] && return
  msg "the tree's clean for $TARGET_DEB_ARCH (debian/control, debian/changelog)"
  keep_build_state
  { maintainer_env; ubuntu_clean_script; } >"$WORK/ubuntu-clean.sh"
  in_chroot ubuntu-clean.sh
  restore_build_state
  grep -q '^Package: ' "$WORK/src/debian/control" || die "the tree's clean wrote no debian/control"
}

# report_config_distance: how far the built config is from what the tree's
# annotations ask for the flavour (WORK/config-differences.tsv): every line
# at full size, a count at the test size (which cuts the config on purpose).
report_config_distance() {
  local t=$WORK/config-differences.tsv
  [ -f "$t" ] || return 0
  msg "config: $(wc -l <"$t") options differ from the annotations (list: $t)"
  [ "$SIZE" = full ] || return 0
  awk -F'\t' '{ printf "  %-44s %-10s -> %-10s (%s)\n", $1, $2, $3, $4 }' "$t" >&2
}

ubuntu_build_target() {
  mkdir -p "$WORK/src/debian/stamps"
  { build_env; ubuntu_target_script "$1"; } >"$WORK/ubuntu-target.sh"
  in_chroot ubuntu-target.sh
}

# --- the build --------------------------------------------------------------

# prepare_copy RECIPE: the tree's copy brought up to date and prepared,
# unless it already is for this tree and these settings (a resume). The
# stamps of the phases a change touches are removed before the copy is
# marked prepared, so a run killed in between redoes them all the same.
prepare_copy() {
  local recipe=$1 changed f=$UBUNTU_STAMP_FLAVOUR
  if [ "$(state_get prepared)" = "$recipe:$(tree_listing "$TREE" | sha_of_stdin)" ] && [ -f "$RESOLVED_SAVED" ]; then
    msg "resuming: $WORK is prepared for this tree and these settings"
    RESOLVED=$RESOLVED_SAVED
    return
  fi
  msg "copying $TREE (changed files only) and preparing it"
  changed=$(copy_changes)
  if [ "$(state_get recipe)" != "${recipe%%:*}" ]; then
    [ -z "$(state_get recipe)" ] || msg "the kernel scripts or settings changed: every phase is checked again (kbuild rebuilds only what changed)"
    remove_stamps stamp-prepare-perarch stamp-build-perarch "stamp-prepare-tree-$f" "stamp-prepare-$f" "stamp-build-$f"
  else
    if affects_tools "$changed"; then
      msg "sources the tools are built from changed: they are rebuilt"
      remove_stamps stamp-prepare-perarch stamp-build-perarch
    fi
    if grep -Eqv '^debian(\.[^/]+)?/' <<<"$changed"; then remove_stamps "stamp-build-$f"; fi
  fi
  state_put recipe "${recipe%%:*}"
  apply_patches
  write_fragments
  "${KIND}_prepare"
  if [ "$(state_get config)" != "$(sha_of_stdin <"$RESOLVED")" ]; then
    [ -z "$(state_get config)" ] || msg "the configuration changed: the kernel is rebuilt incrementally"
    remove_stamps "stamp-prepare-tree-$f" "stamp-prepare-$f" "stamp-build-$f"
    state_put config "$(sha_of_stdin <"$RESOLVED")"
  fi
  cp "$RESOLVED" "$RESOLVED_SAVED"
  commit_tree_listing
  # (--estimate skips the tree's clean: a build after it must not resume)
  [ "$ESTIMATE" = 1 ] || state_put prepared "$recipe:$(sha_of_stdin <"$WORK/state/tree.list")"
}

# key_name: the user's key's name in the build tree's certs/ (userconf.sh:
# signing_key_place): upstream trees point CONFIG_MODULE_SIG_KEY at a name
# of its own (upstream_config_script).
key_name() { if [ "$KIND" = upstream ]; then echo "$USER_KEY_NAME"; else echo signing_key.pem; fi; }

# key_config: what the user's key adds to the config's recipe: an upstream
# tree's config names its file (a key or none is another config).
key_config() { if [ "$KIND" = upstream ] && [ -n "$SIGNING_KEY" ]; then echo :user-key; fi; }

# use_signing_key KEY-FINGERPRINT: another key (or none after one) than the
# build tree's: the old one and its certificate go, and the kernel is linked
# again with the new certificate (or a new throw-away key).
use_signing_key() {
  local key=$1
  [ "$(state_get key)" != "$key" ] || return 0
  [ -z "$(state_get key)" ] || msg "the signing key changed: the kernel embeds the new certificate"
  signing_key_forget "$("${KIND}_build_dir")/certs"
  remove_stamps "stamp-build-$UBUNTU_STAMP_FLAVOUR"
  state_put key "$key"
}

# build_targets FINGERPRINT: each target not yet done for these inputs.
build_targets() {
  local fp=$1 t expected
  expected=$(expected_objects)
  for t in $("${KIND}_targets"); do
    if target_done "$t" "$fp"; then msg "$t: done already ($(find "$WORK/debs/$t" -name '*.deb' | wc -l) packages)"; continue; fi
    msg "$t: building (log: $WORK/build.log)"
    clear_partial
    [ -z "$SIGNING_KEY" ] || signing_key_place "$SIGNING_KEY" "$(${KIND}_build_dir)/certs" "$SOURCE_DATE_EPOCH" "$(key_name)"
    with_progress "$WORK/build.log" "$(${KIND}_build_dir)" "$expected" "${KIND}_build_target" "$t"
    collect_debs "$t" "$fp"
    msg "$t: $(find "$WORK/debs/$t" -name '*.deb' -printf '%f ')"
  done
}

# expected_objects: how many objects the configuration compiles (counted
# once a configuration, as --estimate does); 0 if that fails (the progress
# lines then count without a total).
expected_objects() {
  local sum file
  sum=$(sha_of_stdin <"$RESOLVED")
  file=$WORK/state/objects-$sum
  if [ ! -s "$file" ]; then
    msg "counting the objects this configuration compiles (for the progress lines)"
    objects_script "/build/${RESOLVED#"$WORK"/}" >"$WORK/objects.sh"
    if setpriv --pdeathsig KILL "$TOP/scripts/in-chroot.sh" --bind "$WORK:/build" "$OUT/build-chroot/root" \
        sh /build/objects.sh >>"$WORK/build.log" 2>&1 </dev/null; then
      sed -n 's/^objects //p' "$WORK/estimate.txt" >"$file"
    else
      warn "could not count the objects (log: $WORK/build.log); progress without a total"
    fi
    rm -rf "$WORK/est"
  fi
  cat "$file" 2>/dev/null || echo 0
}

# run_estimate: --estimate's measurement and report (the tickless settings
# are checked on the config as on a build's).
run_estimate() {
  BUILT_CONFIG=$RESOLVED
  check_config
  msg "compiling a sample of $SAMPLE objects (log: $WORK/build.log)"
  chroot_step estimate "/build/${RESOLVED#"$WORK"/}"
  estimate_report "$WORK/estimate.txt"
}

# check_config: every line of the tickless fragment (upstream: and of
# target-gcc.config), and every setting of the user's fragments, is in the
# effective .config.
check_config() {
  local missing
  [ -f "$BUILT_CONFIG" ] || die "the build left no .config at $BUILT_CONFIG"
  missing=$(missing_settings "$WORK/tickless.config" "$BUILT_CONFIG"
    [ "$KIND" != upstream ] || missing_settings "$WORK/target-gcc.config" "$BUILT_CONFIG")
  [ -z "$missing" ] || die "the tickless settings did not all take: ${missing//$'\n'/; }"
  missing=$(fragment_missing "$USER_SETTINGS" "$BUILT_CONFIG")
  [ -z "$missing" ] || die "--fragment settings Kconfig did not keep (a dependency is off, or no such option): ${missing//$'\n'/; }"
}

# check_btf: with CONFIG_DEBUG_INFO_BTF the kernel's types are in vmlinux's
# .BTF section. 5.4's link-vmlinux.sh goes on when pahole fails, so the
# build would succeed without them (and the guest find no
# /sys/kernel/btf/vmlinux hours later).
check_btf() {
  grep -qx 'CONFIG_DEBUG_INFO_BTF=y' "$BUILT_CONFIG" || return 0
  local vmlinux hex
  vmlinux=$("${KIND}_build_dir")/vmlinux
  have readelf || die "readelf is missing (apt-get install binutils): it checks vmlinux's BTF"
  hex=$(readelf -S -W "$vmlinux" 2>/dev/null |
    awk '{ for (i = 1; i < NF; i++) if ($i == ".BTF") { print $(i + 4); exit } }')
  if [ -z "$hex" ] || [ "$((16#$hex))" = 0 ]; then
    die "CONFIG_DEBUG_INFO_BTF is on but $vmlinux has no .BTF section: pahole failed (see $WORK/build.log)"
  fi
}

# What a full-size build's work directory grows to, in GB: objects with
# debug info, ~5 800 modules, four vmlinux-sized links, the packages
# (10 GB at 40 % of the objects in a first try).
KERNEL_FULL_SPACE_GB=30

# check_space: a full-size build has room to finish on WORK's file system
# (what is already there counts), checked before it starts.
check_space() {
  [ "$SIZE" = full ] && [ "$ESTIMATE" = 0 ] || return 0
  local used have
  used=$(du -s -BG "$WORK" 2>/dev/null | cut -f1) || true
  used=${used%G}
  have=$(df -P -BG "$WORK" | awk 'NR == 2 { sub(/G$/, "", $4); print $4 }')
  [ "$have" -ge $((KERNEL_FULL_SPACE_GB - ${used:-0})) ] ||
    die "a full-size build needs about $KERNEL_FULL_SPACE_GB GB in $WORK (${used:-0} GB there now); its file system has $have GB free"
}

cleanup() {
  # The user's key stays in the build tree only while it builds.
  [ -z "$SIGNING_KEY" ] || rm -f "$("${KIND}_build_dir")/certs/$(key_name)" 2>/dev/null || true
  # A build that failed or was interrupted: what the hosts did so far.
  [ "$DISTCC_STATE" != started ] || distcc_report || true
}

main() {
  local recipe key fp built targets start=$SECONDS
  parse_args "$@"
  kernel_load_target "$TARGET"
  load_distro "$DISTRO"
  examine_tree
  check_prerequisites
  if [ "$KIND" = ubuntu ]; then
    # shellcheck source=scripts/kernel/ubuntu.sh
    . "$KDIR/ubuntu.sh"
    # shellcheck source=scripts/kernel/dkms.sh
    . "$KDIR/dkms.sh"
    ubuntu_dkms_plan "$TREE"
  fi
  UBUNTU_STAMP_FLAVOUR=${UBUNTU_FLAVOUR:-tickless}
  USER_SETTINGS=$(fragment_settings "${FRAGMENTS[@]}")
  FRAGMENT_NAMES=$(printf '%s ' "${FRAGMENTS[@]##*/}")
  work_lock
  trap cleanup EXIT
  msg "build chroot for $DISTRO"
  "$TOP/build.sh" --distro "$DISTRO" "$TARGET" build-chroot >&2
  if [ "$FRESH" = 1 ]; then msg "--fresh: starting over in $WORK"; rm -rf "${WORK:?}/src" "$WORK/state" "$WORK/debs" "$WORK/keep" "$WORK/out" "$WORK/dkms"; fi
  mkdir -p "$WORK"
  check_space
  [ ! -f "$WORK/build.log" ] || mv "$WORK/build.log" "$WORK/build.log.1"
  distcc_start
  restore_build_state
  RESOLVED_SAVED=$WORK/state/resolved.config
  msg "Linux $VERSION ($KIND tree) from $TREE, $SIZE size, for $TARGET_DEB_ARCH, in $WORK"
  recipe=$(recipe_fingerprint)
  # The dkms packages first: a pin the archive lacks stops the build now.
  [ "$KIND" = upstream ] || [ "$ESTIMATE" = 1 ] || ubuntu_dkms_fetch "$WORK/dkms"
  prepare_copy "$recipe:$(printf '%s\n' "$USER_SETTINGS" | sha_of_stdin)$(key_config)"
  if [ "$ESTIMATE" = 1 ]; then run_estimate; exit 0; fi
  key=$(signing_key_fingerprint "$SIGNING_KEY")
  use_signing_key "$key"
  # Other dkms .debs (another pin, another archive's) make other packages.
  fp="$recipe:$(sha_of_stdin <"$RESOLVED"):$key:$(sha_of_stdin <"$WORK/state/tree.list")${UBUNTU_DKMS_SUMS:+:$UBUNTU_DKMS_SUMS}"
  build_targets "$fp"
  distcc_report
  BUILT_CONFIG=$("${KIND}_built_config" "$WORK/src")
  check_config
  check_btf
  msg "packages in $OUT/debs ($(duration $((SECONDS - start))) this run):"
  mapfile -t targets < <("${KIND}_targets")
  mapfile -t built < <(publish_debs "$OUT/debs" "${targets[@]}")
  printf '%s\n' "${built[@]##*/}"
  if [ "$CHECK" = 1 ]; then
    msg "checking them (scripts/kernel-check.sh)"
    exec "$TOP/scripts/kernel-check.sh" --target "$TARGET" --distro "$DISTRO" "${built[@]}"
  fi
}

# Sourcing this file (the unit tests do) defines the functions without running.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
