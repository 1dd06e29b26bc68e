#!/usr/bin/env bash
# scripts/kernel-check.sh [--target NAME] [--distro NAME] [--nohz-full CPUS]
#                         [--cpu MODEL] [--timeout SEC] [--keep] [--no-install] DEB...
#
# Checks kernel packages (from scripts/kernel-debs.sh) for the target NAME
# (targets/NAME and targets/kernel/NAME; default aarch64) the way the target
# machine sees them, printing one "ok"/"not ok" line per check:
#  - Depends are the target distribution's (libc6 no newer than its glibc,
#    every library a package it has), and linux-headers declares its own;
#  - every ELF file in the headers packages is for the target, and fixdep,
#    modpost, conf, sign-file (genksyms, recordmcount where used) are there;
#  - the packaged config has the tickless settings; no private key anywhere;
#  - lintian (the build chroot's) reports no errors; the ones not counted
#    are in scripts/kernel/lintian-overrides, each with its reason;
#  - image, modules and headers install with dpkg into a root of the target
#    distribution (stage target-root), which then boots the kernel under the
#    target's qemu-system with nohz_full=CPUS (default 1-3, on 4 CPUs of
#    MODEL, default the target's TARGET_KERNEL_QEMU_CPU);
#    /sys/devices/system/cpu/nohz_full says so; inside that guest an
#    out-of-tree module builds against the installed headers, its vermagic
#    matches `uname -r`, and it loads;
#  - the tools packages of Ubuntu trees (linux-tools-*; skipped with a note
#    when there are none): every ELF file is for the target, none needs
#    libpython, libperl or libbfd, every library they need is their own or
#    the distribution's; they install with dpkg beside the kernel; perf's
#    build options are scripts/kernel/perf-features'; in the guest perf stat
#    counts, perf record samples and perf report shows them, bpftool and
#    cpupower run, and (with CONFIG_DEBUG_INFO_BTF) bpftool dumps the
#    kernel's BTF as C;
#  - the dkms modules of Ubuntu trees (scripts/kernel/dkms-check.sh): for an
#    Ubuntu target linux-modules has zfs and wireguard, each module for the
#    target, signed, with the kernel's vermagic, the image Provides
#    zfs-modules, and modprobe loads both in the guest; for a Debian target
#    they are absent (its archive has not their sources), said as the one
#    known difference from a native build.
# Each package's size is printed beside scripts/kernel/reference-sizes (a
# native build's) as notes. Exits non-zero if any check failed. --keep keeps
# the work directory. Missing host programs are installed with apt-get first
# (as root; --no-install: only named).
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=scripts/binfmt.sh
. "$TOP/scripts/binfmt.sh"
KDIR=$TOP/scripts/kernel
# shellcheck source=scripts/kernel/common.sh
. "$KDIR/common.sh"
# shellcheck source=scripts/kernel/prereqs.sh
. "$KDIR/prereqs.sh"
# shellcheck source=scripts/kernel/tools-check.sh
. "$KDIR/tools-check.sh"
# shellcheck source=scripts/kernel/dkms-check.sh
. "$KDIR/dkms-check.sh"
# shellcheck source=scripts/kernel/dkms.sh
. "$KDIR/dkms.sh"

TARGET=$KERNEL_DEFAULT_TARGET DISTRO=${CROSSBOOT_DISTRO:-$DEFAULT_DISTRO} NOHZ=1-3 TIMEOUT=1800 KEEP=0 NO_INSTALL=0 DEBS=() CPU=''
FAILED=0
ok() { printf 'ok %s\n' "$*"; }
not_ok() { printf 'not ok %s\n' "$*"; FAILED=1; }
note() { printf '# %s\n' "$*"; }
indent() { sed 's/^/#   /'; }
# same A B OK-TEXT NOT-OK-TEXT: one check line, by whether A equals B.
same() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$4"; fi; }

USAGE="usage: scripts/kernel-check.sh [--target NAME] [--distro NAME] [--nohz-full CPUS] [--cpu MODEL] [--timeout SEC] [--keep] [--no-install] DEB..."

parse_args() {
  local OPT_NAMES OPT_VALUES POSITIONAL i v
  OPT_CMD=scripts/kernel-check.sh OPT_SPEC='target - value
    distro - value
    nohz-full - value
    timeout - value
    cpu - value
    keep - flag
    no-install - flag
    help h flag' opts_parse "$@"
  for i in "${!OPT_NAMES[@]}"; do
    v=${OPT_VALUES[i]}
    ! kernel_option "${OPT_NAMES[i]}" "$v" || continue
    case ${OPT_NAMES[i]} in
      nohz-full) [[ $v =~ ^[1-9][0-9]*(-[0-9]+)?$ ]] || die "--nohz-full takes CPUS like 1-3"; NOHZ=$v ;;
      timeout) [[ $v =~ ^[1-9][0-9]*$ ]] || die "--timeout needs seconds"; TIMEOUT=$v ;;
      cpu) [ -n "$v" ] || die "--cpu needs a qemu CPU model"; CPU=$v ;;
      keep) KEEP=1 ;;
      no-install) NO_INSTALL=1 ;;
      help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    esac
  done
  for v in "${POSITIONAL[@]}"; do
    [ -f "$v" ] || die "$v: no such package file"
    dpkg-deb -f "$v" Package >/dev/null 2>&1 || die "$v is not a Debian package"
    DEBS+=("$(realpath "$v")")
  done
  [ ${#DEBS[@]} -gt 0 ] || die "$USAGE"
  kernel_load_target "$TARGET"
  CPU=${CPU:-$TARGET_KERNEL_QEMU_CPU}
  load_distro "$DISTRO"
  check_data_files
}

# check_data_files: the checks' data files read as they should, before
# anything long runs.
check_data_files() {
  local why
  why=$(perf_features_compare "$KDIR/perf-features" </dev/null | grep '^bad: .* line ' | head -n 1) || true
  [ -z "$why" ] || die "scripts/kernel/perf-features: ${why#bad: }"
  why=$(reference_sizes_valid "$KDIR/reference-sizes") || die "scripts/kernel/$why"
}

# The roots: the build chroot (lintian) and the target root (install, boot),
# after the host's prerequisites (scripts/kernel/prereqs.sh).
prepare_roots() {
  local s why
  kernel_check_prereqs "$NO_INSTALL"
  for s in build-chroot target-root; do
    "$TOP/build.sh" --distro "$DISTRO" "$TARGET" "$s" >&2 || die "could not build the $s stage"
  done
  why=$(binfmt_enable "${TARGET_QEMU_USER%-static}") || die "installing into the $TARGET_DEB_ARCH root needs qemu-user: $why"
}

# sort_packages: extract each package into W/x/NAME; IMAGE, MODULES (Ubuntu
# trees), HEADERS, TOOLS (names), INSTALL and TOOLS_INSTALL (files to
# install into the target root), RELEASE.
sort_packages() {
  local deb name
  IMAGE='' MODULES='' HEADERS=() INSTALL=() TOOLS=() TOOLS_INSTALL=()
  mkdir -p "$W/x"
  for deb in "${DEBS[@]}"; do
    name=$(dpkg-deb -f "$deb" Package)
    dpkg-deb -x "$deb" "$W/x/$name"
    case $name in
      linux-image-*) [ -z "$IMAGE" ] || die "two kernel images: $IMAGE and $name"; IMAGE=$name; INSTALL+=("$deb") ;;
      linux-headers-*) HEADERS+=("$name"); INSTALL+=("$deb") ;;
      linux-modules-*) MODULES=$name; INSTALL+=("$deb") ;;
      linux-tools-*) TOOLS+=("$name"); TOOLS_INSTALL+=("$deb") ;;
    esac
  done
  [ -n "$IMAGE" ] || die "no linux-image-* package among the packages given"
  [ ${#HEADERS[@]} -gt 0 ] || die "no linux-headers-* package among the packages given"
  RELEASE=$(find "$W/x/$IMAGE/boot" -name 'vmlinuz-*' -printf '%f\n' | sed 's/^vmlinuz-//')
  [ -n "$RELEASE" ] || die "$IMAGE has no /boot/vmlinuz-*"
  # Ubuntu ships the config in linux-modules, Debian in linux-image.
  CONFIG=$(find "$W/x" -path "*/boot/config-$RELEASE" -print -quit)
  [ -n "$CONFIG" ] || die "no package has /boot/config-$RELEASE"
  note "kernel $RELEASE; packages: $(printf '%s ' "${DEBS[@]##*/}")"
}

# known_packages: the target distribution's package names (both roots; the
# build chroot's for the target's architecture).
known_packages() {
  cut -d_ -f1 "$OUT/target-root/PACKAGES"
  grep -E "_($TARGET_DEB_ARCH|all)\$" "$OUT/build-chroot/PACKAGES" | cut -d_ -f1
}

# check_depends: libc6 no newer than the target's glibc, every library
# dependency a package of the target distribution, headers with libc6.
check_depends() {
  local deb name dep alt pkg ver bad known
  known=$(known_packages | sort -u)
  for deb in "${DEBS[@]}"; do
    name=$(dpkg-deb -f "$deb" Package) bad=''
    while IFS= read -r alt; do
      [ -n "$alt" ] || continue
      pkg=${alt%% *}
      ver=$(sed -n 's/.*(>= *\([^)]*\)).*/\1/p' <<<"$alt")
      if [ "$pkg" = libc6 ] && [ -n "$ver" ] && ! dpkg --compare-versions "$ver" le "$DISTRO_GLIBC"; then
        bad+=" [$alt: newer than $DISTRO_NAME's glibc $DISTRO_GLIBC]"
      fi
      if [[ $pkg == lib* ]] && ! grep -qxF -- "$pkg" <<<"$known"; then
        bad+=" [$alt: no such package in $DISTRO_NAME]"
      fi
    done < <(dpkg-deb -f "$deb" Depends Pre-Depends | sed 's/^[A-Za-z-]*: //' | sed 's/[,|]/\n/g' | sed 's/^ *//; s/ *$//')
    dep=$(dpkg-deb -f "$deb" Depends)
    if [ -z "$bad" ]; then ok "$name: Depends are $DISTRO_NAME's (${dep:-none})"
    else not_ok "$name: Depends not the target's:$bad"; fi
  done
  for name in "${HEADERS[@]}"; do
    [ -n "$(elf_files "$W/x/$name")" ] || continue
    dep=$(dpkg-deb -f "$(deb_of "$name")" Depends)
    if [[ " $dep" == *" libc6 ("* ]]; then ok "$name declares its shared-library dependencies"
    else not_ok "$name has host programs but no libc6 in Depends (${dep:-none})"; fi
    dpkg-deb -I "$(deb_of "$name")" | indent
  done
}

deb_of() {
  local deb
  for deb in "${DEBS[@]}"; do [ "$(dpkg-deb -f "$deb" Package)" != "$1" ] || { printf '%s\n' "$deb"; return; }; done
}

# wanted_host_programs: what external module builds on the target run.
wanted_host_programs() {
  printf '%s\n' basic/fixdep mod/modpost kconfig/conf
  if grep -qx 'CONFIG_MODULE_SIG=y' "$CONFIG"; then echo sign-file; fi
  if grep -qx 'CONFIG_MODVERSIONS=y' "$CONFIG"; then echo genksyms/genksyms; fi
  if grep -qx 'CONFIG_FTRACE_MCOUNT_USE_RECORDMCOUNT=y' "$CONFIG" ||
    { grep -qx 'CONFIG_FTRACE_MCOUNT_RECORD=y' "$CONFIG" && grep -qx 'CONFIG_HAVE_C_RECORDMCOUNT=y' "$CONFIG"; }; then
    echo recordmcount
  fi
}

check_host_programs() {
  local all=() f m wrong=() prog missing=()
  for f in "${HEADERS[@]}"; do mapfile -t -O "${#all[@]}" all < <(elf_files "$W/x/$f"); done
  for f in "${all[@]}"; do
    m=$(elf_machine "$f")
    [ "$m" = "$TARGET_ELF_MACHINE" ] || wrong+=("${f#"$W/x/"} ($m)")
  done
  if [ ${#all[@]} -gt 0 ] && [ ${#wrong[@]} = 0 ]; then ok "all ${#all[@]} ELF files in the headers packages are $TARGET_ELF_MACHINE"
  else not_ok "ELF files in the headers packages not for $TARGET_ELF_MACHINE (${#all[@]} in all): ${wrong[*]}"; fi
  while IFS= read -r prog; do
    printf '%s\n' "${all[@]}" | grep -q "/scripts/$prog\$" || missing+=("scripts/$prog")
  done < <(wanted_host_programs)
  if [ ${#missing[@]} = 0 ]; then ok "the headers carry $(wanted_host_programs | sed 's|.*/||' | tr '\n' ' ')for $TARGET_ELF_MACHINE"
  else not_ok "host programs missing from the headers packages: ${missing[*]}"; fi
  printf '%s\n' "${all[@]#"$W/x/"}" | sort | indent
}

check_config() {
  local missing
  missing=$(missing_settings <(tickless_fragment "$RELEASE") "$CONFIG")
  if [ -z "$missing" ]; then ok "config-$RELEASE has the tickless settings"
  else not_ok "config-$RELEASE lacks tickless settings: ${missing//$'\n'/; }"; fi
  grep -E '^CONFIG_(NO_HZ_FULL|HZ|RCU_NOCB_CPU|CONTEXT_TRACKING[A-Z_]*|VIRT_CPU_ACCOUNTING_GEN)=|NO_HZ_IDLE' "$CONFIG" | indent
}

# check_dkms: an Ubuntu tree's dkms modules (scripts/kernel/dkms-check.sh);
# upstream trees' packages (no linux-modules) have none.
check_dkms() {
  DKMS_BUILT=''
  if [ -z "$MODULES" ]; then note "no linux-modules-* package (an upstream tree): no dkms modules to check"; return; fi
  check_dkms_modules "$W/x/$MODULES/lib/modules/$RELEASE/kernel" "$RELEASE" "$DISTRO_VENDOR" \
    "$(dpkg-deb -f "$(deb_of "$IMAGE")" Provides)"
}

check_no_private_key() {
  local found
  found=$({ grep -rlE -- '-----BEGIN ([A-Z]+ )?PRIVATE KEY-----' "$W/x" || true
    find "$W/x" -name 'signing_key.pem' -o -name '*.priv'; } 2>/dev/null)
  if [ -z "$found" ]; then ok "no private key in any package"
  else not_ok "private keys in the packages: ${found//$'\n'/ }"; fi
}

# overridden LINE: lintian's "E: PACKAGE: TAG REST" LINE is overridden in
# scripts/kernel/lintian-overrides.
overridden() {
  local rest=${1#E: *: } tag pattern
  tag=${rest%% *}
  [ "$tag" != "$rest" ] && rest=${rest#* } || rest=''
  while read -r t pattern; do
    case $t in ''|'#'*) continue ;; esac
    [ "$t" = "$tag" ] || continue
    # shellcheck disable=SC2053 # PATTERN is a pattern
    if [ -z "$pattern" ] || [[ $rest == $pattern ]]; then return 0; fi
  done <"$KDIR/lintian-overrides"
  return 1
}

check_lintian() {
  local log="$W/lintian.log" line errors=() n=0
  mkdir -p "$W/debs"
  cp "${DEBS[@]}" "$W/debs/"
  "$TOP/scripts/in-chroot.sh" --bind "$W/debs:/debs" "$OUT/build-chroot/root" \
    sh -c 'lintian /debs/*.deb' >"$log" 2>&1 || true
  if ! grep -qE '^[EWIN]: ' "$log" && grep -qvE '^warning: running with root' "$log"; then
    not_ok "lintian did not run"; indent <"$log"; return
  fi
  while IFS= read -r line; do
    if overridden "$line"; then n=$((n + 1)); else errors+=("$line"); fi
  done < <(grep '^E: ' "$log")
  if [ ${#errors[@]} = 0 ]; then
    ok "lintian reports no errors ($n overridden with reasons, $(grep -c '^W: ' "$log") warnings)"
  else
    not_ok "lintian reports ${#errors[@]} errors"; printf '%s\n' "${errors[@]:0:20}" | indent
  fi
}

# dpkg_install LOG DEB...: dpkg -i the DEBs in the target root W/root, its
# output in LOG; prints each package not "install ok installed", with its
# status.
dpkg_install() {
  local log=$1 dir p status; shift
  dir=$(mktemp -d "$W/install.XXXXXX")
  cp "$@" "$dir/"
  "$TOP/scripts/in-chroot.sh" --bind "$dir:/var/tmp/crossboot" "$W/root" \
    sh -c 'dpkg -i /var/tmp/crossboot/*.deb' >"$log" 2>&1 || true
  rm -rf "$dir"
  for p in "$@"; do
    p=$(dpkg-deb -f "$p" Package)
    status=$(dpkg-query --admindir="$W/root/var/lib/dpkg" -W -f='${Status}' "$p" 2>/dev/null) || true
    [ "$status" = "install ok installed" ] || printf '%s (%s)\n' "$p" "${status:-absent}"
  done
}

# install_packages: the target root (W/root) with image, modules and
# headers installed.
install_packages() {
  local bad
  cp -a "$OUT/target-root/root" "$W/root"
  # The initramfs gzip-compressed: every kernel that takes one unpacks that
  # (a distribution's default may be one an older kernel lacks).
  mkdir -p "$W/root/etc/initramfs-tools/conf.d"
  printf 'COMPRESS=gzip\n' >"$W/root/etc/initramfs-tools/conf.d/crossboot-check"
  bad=$(dpkg_install "$W/dpkg.log" "${INSTALL[@]}")
  if [ -z "$bad" ]; then ok "dpkg installs $(printf '%s ' "${INSTALL[@]##*/}")into a $DISTRO_NAME $TARGET_DEB_ARCH root"
  else not_ok "dpkg did not install: ${bad//$'\n'/, } (log: $W/dpkg.log)"; tail -n 20 "$W/dpkg.log" | indent; return 1; fi
}

# check_tools_packages: the tools packages (Ubuntu trees; upstream trees have
# none): their ELF files, their install beside the kernel's, the links the
# wrappers use, perf's build options.
check_tools_packages() {
  if [ ${#TOOLS[@]} = 0 ]; then
    note "no linux-tools-* packages among the packages (an upstream tree): the tools checks are skipped"; return
  fi
  tools_common_from_archive
  install_tools
  check_tools_elf "$W/x" "$W/root" "$OUT/build-chroot/root" "$TARGET_GNU_TRIPLET" "${TOOLS[@]}"
  check_tools_links "$W/root" "$RELEASE"
  check_perf_build_options
}

# tools_common_from_archive: where the tools depend on linux-tools-common
# and it is not among the packages (an Ubuntu target: its archive has it, so
# the build does not make it), the one apt would install, fetched from the
# target distribution's archive and installed with them, as apt would.
tools_common_from_archive() {
  local deb err="$W/tools-common-fetch.log" got
  for deb in "${TOOLS_INSTALL[@]}"; do
    [ "$(dpkg-deb -f "$deb" Package)" != linux-tools-common ] || return 0
  done
  for deb in "${TOOLS_INSTALL[@]}"; do
    dpkg-deb -f "$deb" Depends | grep -Eq '(^|[ ,|])linux-tools-common([ ,(|]|$)' || continue
    if got=$(archive_fetch_newest "$W/archive" linux-tools-common 2>"$err"); then
      TOOLS_INSTALL+=("$got")
      note "linux-tools-common is $DISTRO_NAME's: $(dpkg-deb -f "$got" Version) from its archive, installed with the tools as apt would"
    else
      not_ok "$(dpkg-deb -f "$deb" Package) depends on linux-tools-common, which is not among the packages and was not fetched from $DISTRO_NAME's archive: $(sed -n 's/^error: //p' "$err" | tail -n 1)"
    fi
    return 0
  done
}

# install_tools: the tools packages installed by themselves, after the
# kernel's, so that their failing does not stop the boot. A file another
# package of the root has (Debian's linux-base has /usr/bin/perf) or a
# missing dependency is named in the check's line.
install_tools() {
  local bad why
  bad=$(dpkg_install "$W/dpkg-tools.log" "${TOOLS_INSTALL[@]}")
  if [ -z "$bad" ]; then
    ok "dpkg installs $(printf '%s ' "${TOOLS_INSTALL[@]##*/}")beside them"; return
  fi
  why=$(dpkg_failures "$W/dpkg-tools.log")
  if [ -z "$why" ]; then
    not_ok "dpkg did not install: ${bad//$'\n'/, } (log: $W/dpkg-tools.log)"; tail -n 20 "$W/dpkg-tools.log" | indent; return
  fi
  not_ok "dpkg cannot install the tools packages: $(head -n 1 <<<"$why")"
  sed 1d <<<"$why" | indent
  note "not installed: ${bad//$'\n'/, } (log: $W/dpkg-tools.log)"
  if grep -q ' is also in package ' <<<"$why"; then
    note "a file of another package: the tools package must say Replaces: (and Breaks:) or divert it; --force-overwrite is no fix"
  fi
}

# check_perf_build_options: perf version --build-options, run in the target
# root through qemu-user (by the flavour's link, as the wrapper picks it on
# this kernel), against scripts/kernel/perf-features.
check_perf_build_options() {
  local perf="/usr/lib/linux-tools/$RELEASE/perf" rc=0
  if [ ! -e "$W/root$perf" ]; then not_ok "no perf in the target root ($perf)"; return; fi
  "$TOP/scripts/in-chroot.sh" "$W/root" "$perf" version --build-options >"$W/perf-version.txt" 2>&1 || rc=$?
  check_perf_features "$W/perf-version.txt" "$rc"
}

# check_package_sizes: each package's size beside a native build's
# (scripts/kernel/reference-sizes), as notes, not checks.
check_package_sizes() {
  local deb name
  if grep -qx 'CONFIG_DEBUG_INFO=y' "$CONFIG"; then
    note "package sizes (.deb) beside a native build's (scripts/kernel/reference-sizes):"
  else
    note "package sizes (.deb); without CONFIG_DEBUG_INFO (the test size) not comparable with the native build's (scripts/kernel/reference-sizes):"
  fi
  for deb in "${DEBS[@]}"; do
    name=$(dpkg-deb -f "$deb" Package)
    size_note "$name" "$(stat -c %s "$deb")" "$(reference_size "$name" "$KDIR/reference-sizes")"
  done | indent
}

# boot: the root as an ext4 disk, the installed kernel booted with
# nohz_full through the initramfs its install made (initramfs-tools'
# hook: the full-size kernel's disk drivers are modules); guest-check.sh as
# init reports on the console.
boot() {
  local mb cpus initrd=()
  cpus=$(( ${NOHZ##*-} + 1 ))
  cp -r "$KDIR/check-module" "$W/root/root/"
  install -m 755 "$KDIR/guest-check.sh" "$W/root/sbin/crossboot-check"
  cp "$W/root/boot/vmlinuz-$RELEASE" "$W/vmlinuz"
  if [ -f "$W/root/boot/initrd.img-$RELEASE" ]; then
    cp "$W/root/boot/initrd.img-$RELEASE" "$W/initrd.img"
    initrd=(-initrd "$W/initrd.img")
    ok "installing linux-image made its initramfs (/boot/initrd.img-$RELEASE, $(du -m "$W/initrd.img" | cut -f1) MB), as on a $TARGET_DEB_ARCH machine"
  else
    not_ok "installing linux-image made no initramfs (/boot/initrd.img-$RELEASE; initramfs-tools' hook: see $W/dpkg.log)"
  fi
  mb=$(( $(du -sm "$W/root" | cut -f1) + 512 ))
  mkfs.ext4 -q -F -L crossboot -d "$W/root" "$W/root.img" "${mb}M" >/dev/null
  [ "$KEEP" = 1 ] || rm -rf "$W/root"
  msg "booting $RELEASE under $TARGET_QEMU_SYSTEM ($cpus $CPU CPUs, nohz_full=$NOHZ; console: $W/console.log)"
  BOOT_START=$SECONDS
  timeout "$TIMEOUT" "$TARGET_QEMU_SYSTEM" -M "$TARGET_QEMU_MACHINE" -cpu "$CPU" \
    -smp "$cpus" -m 2048 -nographic -no-reboot -nic none \
    -kernel "$W/vmlinuz" "${initrd[@]}" -drive "file=$W/root.img,format=raw,if=virtio" \
    -append "console=$TARGET_CONSOLE root=/dev/vda rw rootwait nohz_full=$NOHZ init=/sbin/crossboot-check panic=-1" \
    </dev/null >"$W/console.log" 2>&1 || note "qemu exit status $? (124: timed out after ${TIMEOUT}s)"
  BOOT_SECONDS=$((SECONDS - BOOT_START))
  REPORT="$W/report"
  tr -d '\r' <"$W/console.log" | sed -n 's/^CROSSBOOT: //p' >"$REPORT"
  tr -d '\r' <"$W/console.log" | sed -n 's/^CROSSBOOT-TOOLS: //p' >"$W/tools.log"
}

check_guest() {
  local uname vermagic
  uname=$(reported uname-r)
  if [ -z "$uname" ]; then
    not_ok "the kernel did not boot to init within ${TIMEOUT}s"; tail -n 30 "$W/console.log" | indent; return
  fi
  ok "$RELEASE boots under $TARGET_QEMU_SYSTEM to init (qemu ran ${BOOT_SECONDS}s in all)"
  note "guest: uname -r: $uname; CPUs online: $(reported cpus-online)"
  same "$uname" "$RELEASE" "uname -r in the guest is $RELEASE" "uname -r in the guest is '$uname', not $RELEASE"
  same "$(reported nohz_full)" "$NOHZ" "/sys/devices/system/cpu/nohz_full reads $NOHZ" \
    "/sys/devices/system/cpu/nohz_full reads '$(reported nohz_full)', not $NOHZ"
  if [[ $(reported module-build) == ok* ]]; then ok "an out-of-tree module builds in the guest against the installed headers ($(reported module-build | cut -d' ' -f2) uptime)"
  else not_ok "the out-of-tree module does not build in the guest"; sed -n 's/^CROSSBOOT-LOG: //p' "$W/console.log" | tr -d '\r' | indent; fi
  vermagic=$(reported vermagic)
  note "module vermagic: $vermagic"
  same "${vermagic%% *}" "$uname" "the module's vermagic matches uname -r ($uname)" \
    "the module's vermagic '$vermagic' does not match uname -r '$uname'"
  if [ "$(reported insmod)" = ok ] && [ "$(reported proc-modules)" = 1 ]; then ok "the module loads (dmesg: $(reported dmesg))"
  else not_ok "the module does not load: $(reported insmod)"; fi
  if [ ${#TOOLS[@]} -gt 0 ]; then check_guest_tools "$CONFIG" "$W/tools.log"; fi
  check_guest_dkms
}

main() {
  parse_args "$@"
  prepare_roots
  W=$(mktemp -d "${TMPDIR:-/var/tmp}/kernel-check.XXXXXX")
  if [ "$KEEP" = 1 ]; then msg "work directory: $W"; else trap 'rm -rf "$W"' EXIT; fi
  sort_packages
  check_depends
  check_host_programs
  check_config
  check_dkms
  check_no_private_key
  check_lintian
  check_package_sizes
  local installed=0
  if install_packages; then installed=1; fi
  check_tools_packages
  if [ "$installed" = 1 ]; then boot; check_guest; fi
  exit "$FAILED"
}

main "$@"
