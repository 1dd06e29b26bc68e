#!/usr/bin/env bash
# scripts/kernel-check.sh [--distro NAME] [--nohz-full CPUS] [--cpu MODEL] [--timeout SEC] [--keep] DEB...
#
# Checks arm64 kernel packages (from scripts/kernel-debs.sh) the way the
# target machine sees them, printing one "ok"/"not ok" line per check:
#  - Depends are the target distribution's (libc6 no newer than its glibc,
#    every library a package it has), and linux-headers declares its own;
#  - every ELF file in the headers packages is for the target, and fixdep,
#    modpost, conf, sign-file (genksyms, recordmcount where used) are there;
#  - the packaged config has the tickless settings; no private key anywhere;
#  - lintian (the build chroot's) reports no errors; the ones not counted
#    are in scripts/kernel/lintian-overrides, each with its reason;
#  - image, modules and headers install with dpkg into a root of the target
#    distribution (stage target-root), which then boots the kernel under
#    qemu-system-aarch64 with nohz_full=CPUS (default 1-3, on 4 CPUs of
#    MODEL, default cortex-a72);
#    /sys/devices/system/cpu/nohz_full says so; inside that guest an
#    out-of-tree module builds against the installed headers, its vermagic
#    matches `uname -r`, and it loads.
# Exits non-zero if any check failed. --keep keeps the work directory.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=scripts/binfmt.sh
. "$TOP/scripts/binfmt.sh"
KDIR=$TOP/scripts/kernel
# shellcheck source=scripts/kernel/common.sh
. "$KDIR/common.sh"
# shellcheck source=targets/aarch64
. "$TOP/targets/aarch64"
ELF_MACHINE=AArch64   # readelf's name for the target's e_machine
OUT="$TOP/out/$TARGET_ARCH"

# A real CPU model, not qemu's "max": on qemu 7.2's "max" Linux 5.4 hangs
# before its first console line (6.1 boots on both).
DISTRO=${CROSSBOOT_DISTRO:-focal} NOHZ=1-3 TIMEOUT=1800 KEEP=0 DEBS=() CPU=cortex-a72
FAILED=0
ok() { printf 'ok %s\n' "$*"; }
not_ok() { printf 'not ok %s\n' "$*"; FAILED=1; }
note() { printf '# %s\n' "$*"; }
indent() { sed 's/^/#   /'; }
# same A B OK-TEXT NOT-OK-TEXT: one check line, by whether A equals B.
same() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$4"; fi; }

parse_args() {
  while [ $# -gt 0 ]; do
    case $1 in
      --distro) DISTRO=${2:?--distro needs a name}; shift ;;
      --nohz-full) NOHZ=${2:-}; [[ $NOHZ =~ ^[1-9][0-9]*(-[0-9]+)?$ ]] || die "--nohz-full takes CPUS like 1-3"; shift ;;
      --timeout) TIMEOUT=${2:-}; [[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "--timeout needs seconds"; shift ;;
      --cpu) CPU=${2:?--cpu needs a qemu CPU model}; shift ;;
      --keep) KEEP=1 ;;
      -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
      -*) die "unknown option '$1' (see --help)" ;;
      *) [ -f "$1" ] || die "$1: no such package file"
         dpkg-deb -f "$1" Package >/dev/null 2>&1 || die "$1 is not a Debian package"
         DEBS+=("$(realpath "$1")") ;;
    esac
    shift
  done
  [ ${#DEBS[@]} -gt 0 ] || die "usage: scripts/kernel-check.sh [--distro NAME] [--nohz-full CPUS] [--cpu MODEL] [--timeout SEC] [--keep] DEB..."
  [ -f "$TOP/scripts/distros/$DISTRO" ] || die "unknown distribution '$DISTRO' (scripts/distros/)"
  # shellcheck source=scripts/distros/bullseye
  . "$TOP/scripts/distros/$DISTRO"
  DISTRO_NAME=$DISTRO
}

# The roots: the build chroot (lintian) and the target root (install, boot).
prepare_roots() {
  local s why
  for s in build-chroot target-root; do
    "$TOP/build.sh" --distro "$DISTRO" "$TARGET_ARCH" "$s" >&2 || die "could not build the $s stage"
  done
  why=$(binfmt_enable "${TARGET_QEMU_USER%-static}") || die "installing into the $TARGET_DEB_ARCH root needs qemu-user: $why"
  have "$TARGET_QEMU_SYSTEM" || die "$TARGET_QEMU_SYSTEM is missing (apt-get install qemu-system-arm)"
  have mkfs.ext4 || die "mkfs.ext4 is missing (apt-get install e2fsprogs)"
}

# sort_packages: extract each package into W/x/NAME; IMAGE, HEADERS
# (names), INSTALL (files to install into the target root), RELEASE.
sort_packages() {
  local deb name
  IMAGE='' HEADERS=() INSTALL=()
  mkdir -p "$W/x"
  for deb in "${DEBS[@]}"; do
    name=$(dpkg-deb -f "$deb" Package)
    dpkg-deb -x "$deb" "$W/x/$name"
    case $name in
      linux-image-*) [ -z "$IMAGE" ] || die "two kernel images: $IMAGE and $name"; IMAGE=$name; INSTALL+=("$deb") ;;
      linux-headers-*) HEADERS+=("$name"); INSTALL+=("$deb") ;;
      linux-modules-*) INSTALL+=("$deb") ;;
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

# known_packages: the target distribution's package names (both roots).
known_packages() {
  cut -d_ -f1 "$OUT/target-root/PACKAGES"
  grep -E '_(arm64|all)$' "$OUT/build-chroot/PACKAGES" | cut -d_ -f1
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

# elf_files DIR: the ELF files under DIR.
elf_files() {
  local f
  find "$1" -type f -print | while IFS= read -r f; do
    if printf '\177ELF' | cmp -s -n 4 - "$f"; then printf '%s\n' "$f"; fi
  done
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
    m=$(readelf -h "$f" | sed -n 's/^ *Machine: *//p')
    [ "$m" = "$ELF_MACHINE" ] || wrong+=("${f#"$W/x/"} ($m)")
  done
  if [ ${#all[@]} -gt 0 ] && [ ${#wrong[@]} = 0 ]; then ok "all ${#all[@]} ELF files in the headers packages are $ELF_MACHINE"
  else not_ok "ELF files in the headers packages not for $ELF_MACHINE (${#all[@]} in all): ${wrong[*]}"; fi
  while IFS= read -r prog; do
    printf '%s\n' "${all[@]}" | grep -q "/scripts/$prog\$" || missing+=("scripts/$prog")
  done < <(wanted_host_programs)
  if [ ${#missing[@]} = 0 ]; then ok "the headers carry $(wanted_host_programs | sed 's|.*/||' | tr '\n' ' ')for $ELF_MACHINE"
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
    not_ok "lintian reports ${#errors[@]} errors"; printf '%s\n' "${errors[@]}" | head -n 20 | indent
  fi
}

# install_packages: the target root with the packages installed (W/root).
install_packages() {
  local p status bad=''
  cp -a "$OUT/target-root/root" "$W/root"
  mkdir -p "$W/install"
  cp "${INSTALL[@]}" "$W/install/"
  if ! "$TOP/scripts/in-chroot.sh" --bind "$W/install:/var/tmp/crossboot" "$W/root" \
      sh -c 'dpkg -i /var/tmp/crossboot/*.deb' >"$W/dpkg.log" 2>&1; then
    tail -n 20 "$W/dpkg.log" | indent
  fi
  for p in "${INSTALL[@]}"; do
    p=$(dpkg-deb -f "$p" Package)
    status=$(dpkg-query --admindir="$W/root/var/lib/dpkg" -W -f='${Status}' "$p" 2>/dev/null) || true
    [ "$status" = "install ok installed" ] || bad+=" $p (${status:-absent})"
  done
  if [ -z "$bad" ]; then ok "dpkg installs $(printf '%s ' "${INSTALL[@]##*/}")into a $DISTRO_NAME $TARGET_DEB_ARCH root"
  else not_ok "dpkg did not install:$bad (log: $W/dpkg.log)"; return 1; fi
}

# boot: the root as an ext4 disk, the installed kernel booted with
# nohz_full; guest-check.sh as init reports on the console.
boot() {
  local mb cpus
  cpus=$(( ${NOHZ##*-} + 1 ))
  cp -r "$KDIR/check-module" "$W/root/root/"
  install -m 755 "$KDIR/guest-check.sh" "$W/root/sbin/crossboot-check"
  cp "$W/root/boot/vmlinuz-$RELEASE" "$W/vmlinuz"
  mb=$(( $(du -sm "$W/root" | cut -f1) + 512 ))
  mkfs.ext4 -q -F -L crossboot -d "$W/root" "$W/root.img" "${mb}M" >/dev/null
  [ "$KEEP" = 1 ] || rm -rf "$W/root"
  msg "booting $RELEASE under $TARGET_QEMU_SYSTEM ($cpus $CPU CPUs, nohz_full=$NOHZ; console: $W/console.log)"
  BOOT_START=$SECONDS
  timeout "$TIMEOUT" "$TARGET_QEMU_SYSTEM" -M "$TARGET_QEMU_MACHINE" -cpu "$CPU" \
    -smp "$cpus" -m 2048 -nographic -no-reboot -nic none \
    -kernel "$W/vmlinuz" -drive "file=$W/root.img,format=raw,if=virtio" \
    -append "console=$TARGET_CONSOLE root=/dev/vda rw rootwait nohz_full=$NOHZ init=/sbin/crossboot-check panic=-1" \
    </dev/null >"$W/console.log" 2>&1 || note "qemu exit status $? (124: timed out after ${TIMEOUT}s)"
  BOOT_SECONDS=$((SECONDS - BOOT_START))
  tr -d '\r' <"$W/console.log" | sed -n 's/^CROSSBOOT: //p' >"$W/report"
}

# reported KEY: the value the guest reported for KEY.
reported() { sed -n "s/^$1 //p" "$W/report" | head -n 1; }

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
  check_no_private_key
  check_lintian
  if install_packages; then boot; check_guest; fi
  exit "$FAILED"
}

main "$@"
