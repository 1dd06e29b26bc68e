# shellcheck shell=bash
# Sourced, not run: scripts/kernel-check.sh's checks of the dkms modules of
# an Ubuntu tree's packages. For an Ubuntu target the build makes zfs and
# wireguard with dkms, as Ubuntu does (scripts/kernel/ubuntu.sh); for a
# Debian one it cannot (its archive has not the dkms sources the tree pins)
# and they must be absent. The check_* functions print through the caller's
# ok, not_ok and note, and read TARGET_ELF_MACHINE and DISTRO_NAME;
# elf_machine is tools-check.sh's.

# The dkms modules, "NAME FILE..." a line: the files each one must have
# under lib/modules/RELEASE/kernel/ (dkms-build puts them in NAME/; zfs has
# more, by version: zavl, znvpair, zcommon, icp, zlua, ...).
DKMS_MODULE_FILES="zfs zfs/zfs.ko zfs/spl.ko
wireguard wireguard/wireguard.ko"

# module_signed FILE: FILE ends in the kernel's module signature marker.
module_signed() { printf '~Module signature appended~\n' | cmp -s - <(tail -c 28 "$1"); }

# module_vermagic FILE: FILE's vermagic (its .modinfo string).
# (sed reads to the end: quitting early killed tr with SIGPIPE on a large module, zfs.ko, under pipefail)
module_vermagic() { tr '\0' '\n' <"$1" | sed -n '0,/^vermagic=/s/^vermagic=//p'; }

# dkms_module_faults FILE RELEASE: what is wrong with a module, one a line:
# not for TARGET_ELF_MACHINE, unsigned, another vermagic.
dkms_module_faults() {
  local m v
  m=$(elf_machine "$1" 2>/dev/null) || true
  [ "$m" = "$TARGET_ELF_MACHINE" ] || printf 'not %s (%s)\n' "$TARGET_ELF_MACHINE" "${m:-no ELF}"
  module_signed "$1" || echo 'not signed'
  v=$(module_vermagic "$1")
  [ "${v%% *}" = "$2" ] || printf "vermagic '%s'\n" "$v"
}

# check_dkms_modules KDIR RELEASE VENDOR PROVIDES: KDIR, linux-modules'
# lib/modules/RELEASE/kernel (extracted), for a VENDOR target whose image
# says Provides: PROVIDES. Sets DKMS_BUILT, the NAMEs the guest loads.
check_dkms_modules() {
  local kdir=$1 release=$2 vendor=$3 provides=$4 name files f ko missing faults n found=''
  DKMS_BUILT=''
  if [ "$vendor" != ubuntu ]; then
    while read -r name _; do [ ! -d "$kdir/$name" ] || found+=" $name"; done <<<"$DKMS_MODULE_FILES"
    [[ " $provides," != *" zfs-modules,"* ]] || found+=" (Provides: zfs-modules)"
    if [ -z "$found" ]; then
      ok "no dkms modules (zfs, wireguard) in linux-modules, as the build said for $DISTRO_NAME"
      note "the one known difference from a native build: $DISTRO_NAME's archive has not the zfs-dkms and wireguard-dkms the tree pins"
    else not_ok "dkms modules in a $DISTRO_NAME build, whose archive has not their sources:$found"; fi
    return
  fi
  while read -r name files; do
    missing='' faults='' n=0
    for f in $files; do [ -f "$kdir/$f" ] || missing+=" $f"; done
    while IFS= read -r ko; do
      n=$((n + 1))
      f=$(dkms_module_faults "$ko" "$release")
      [ -z "$f" ] || faults+=" [${ko#"$kdir"/}: ${f//$'\n'/, }]"
    done < <(find "$kdir/$name" -name '*.ko' 2>/dev/null | LC_ALL=C sort)
    if [ -n "$missing" ]; then not_ok "linux-modules lacks $name's dkms modules:$missing"; continue; fi
    if [ -z "$faults" ]; then
      ok "linux-modules has $name ($n modules in kernel/$name/): $TARGET_ELF_MACHINE, signed, vermagic $release"
      DKMS_BUILT+="${DKMS_BUILT:+ }$name"
    else not_ok "$name's modules in linux-modules:$faults"; fi
  done <<<"$DKMS_MODULE_FILES"
  if [[ " $provides," == *" zfs-modules,"* ]]; then ok "the image Provides zfs-modules, as a native build's"
  else not_ok "the image does not Provide zfs-modules (Provides: ${provides:-none})"; fi
}

# The kernel's taint for a module whose signature it could not verify.
TAINT_UNSIGNED_MODULE=8192

# check_guest_dkms: each of DKMS_BUILT loads in the guest with modprobe
# (its dependencies with it), as guest-check.sh reports, and the kernel
# verified their signatures: no unsigned-module taint after them, where the
# unsigned out-of-tree module loaded next sets it (the control).
check_guest_dkms() {
  local name r t c
  [ -n "$DKMS_BUILT" ] || return 0
  for name in $DKMS_BUILT; do
    r=$(reported "modprobe-$name")
    if [[ $r == ok* ]]; then ok "modprobe $name loads it in the guest (${r#ok })"
    else not_ok "modprobe $name in the guest: ${r:-no report}"; fi
  done
  t=$(reported tainted-dkms) c=$(reported tainted-check-module)
  if ! [[ $t =~ ^[0-9]+$ && $c =~ ^[0-9]+$ ]]; then
    not_ok "the guest's taint after the dkms modules and the check module: '$t', '$c'"
  elif (( (c & TAINT_UNSIGNED_MODULE) == 0 )); then
    not_ok "control: the unsigned check module did not taint the kernel (tainted $c): module signatures are not checked"
  elif (( t & TAINT_UNSIGNED_MODULE )); then
    not_ok "the kernel could not verify a dkms module's signature (tainted $t: unsigned module)"
  else
    ok "the kernel verified the dkms modules' signatures (tainted $t; the unsigned check module: $c)"
  fi
}
