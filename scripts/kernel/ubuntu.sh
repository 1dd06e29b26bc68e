# shellcheck shell=bash
# Sourced by scripts/kernel-debs.sh, not run. The Ubuntu path: a tree with
# debian.master/ (Ubuntu's packaging, focal 5.4 and its kin) gets the
# "tickless" flavour for the target's architecture the way Ubuntu adds
# flavours, and is cross-built with its own debian/rules through
# dpkg-buildpackage -aDEB_ARCH in the build chroot.
#
# Expects from kernel-debs.sh: msg, die, WORK (the tree's copy is WORK/src,
# WORK is /build in the chroot), SIZE, JOBS, KDIR, the target's settings
# (targets/NAME, targets/kernel/NAME) and DISTRO_VENDOR. Needs python3 on the
# host (the tree's own annotations tool is Python).
#
# Order: ubuntu_dkms_plan on the tree (which dkms modules, their pins, the
# note); ubuntu_add_flavour; ubuntu_test_config (--size test) or
# ubuntu_export_config SRC WORK/ubuntu-request.config (--size full);
# ubuntu_resolve_script in the chroot (Kconfig with the cross compiler) gives
# WORK/kcfg/.config; ubuntu_fix_gcc_version with its CONFIG_GCC_VERSION;
# ubuntu_record_config; ubuntu_clean_script, then ubuntu_target_script for
# each of ubuntu_targets builds; the tickless settings are then checked in
# ubuntu_built_config's file. ubuntu_dkms_fetch before the first target.

UBUNTU_ARCH=$TARGET_DEB_ARCH
UBUNTU_FLAVOUR=tickless
UBUNTU_KEY=$UBUNTU_ARCH-$UBUNTU_FLAVOUR

# What a test-size kernel keeps: built in, what qemu's machine needs to boot
# a root file system from a virtio disk without an initramfs (the target's
# own console and clock from targets/kernel/NAME); as modules, a few to
# exercise module signing and linux-modules (ubuntu_dkms_plan adds what
# wireguard needs when it is built).
read -r -d '' -a UBUNTU_TEST_BUILTIN <<<"$TARGET_KERNEL_TEST_BUILTIN PCI PCI_HOST_GENERIC
  VIRTIO VIRTIO_PCI VIRTIO_MMIO VIRTIO_BLK VIRTIO_NET VIRTIO_CONSOLE RTC_CLASS
  EXT4_FS SQUASHFS TMPFS DEVTMPFS DEVTMPFS_MOUNT BLK_DEV_INITRD MODULES MODULE_SIG" || true
UBUNTU_TEST_MODULES=(HW_RANDOM_VIRTIO NET_9P NET_9P_VIRTIO 9P_FS)

# The dkms modules Ubuntu's rules build into linux-modules, a line each:
# NAME (dkms-build's package name and the directory under kernel/), the
# source package debian.master/dkms-versions pins, the binary package with
# the dkms sources, and the rules' switch. nvidia and vbox are left off, as
# Ubuntu builds them for amd64 only.
UBUNTU_DKMS_TABLE="zfs zfs-linux zfs-dkms do_zfs
wireguard wireguard-linux-compat wireguard-dkms do_dkms_wireguard"
# What ubuntu_dkms_plan decides: the NAMEs built, their PACKAGE=VERSION pins.
UBUNTU_DKMS='' UBUNTU_DKMS_PINS=() UBUNTU_DKMS_SUMS=''

# ubuntu_debian_dir SRC: the tree's packaging directory (debian.master).
ubuntu_debian_dir() {
  local d
  d=$(sed -n 's/^DEBIAN=//p' "$1/debian/debian.env" 2>/dev/null) || true
  if [ -z "$d" ] || [ ! -d "$1/$d" ]; then die "$1/debian/debian.env names no packaging directory"; fi
  printf '%s\n' "$1/$d"
}

# ubuntu_annotations SRC: the annotations file (the config policies).
ubuntu_annotations() {
  local a
  a="$(ubuntu_debian_dir "$1")/config/annotations"
  [ -f "$a" ] || die "$a not found: only trees with annotations (focal since 2023) are handled"
  printf '%s\n' "$a"
}

# ubuntu_tickless_policies SRC: CONFIG_X=VALUE lines for the flavour. The
# requested settings are scripts/kernel/tickless.config (before 5.19 context
# tracking had one symbol, as in copy_tree); the rest is what Kconfig does
# with them, recorded so that the tree's check of the flavour's .config
# passes: NO_HZ_FULL hides TICK_CPU_ACCOUNTING (init/Kconfig, "depends on
# !S390 && !NO_HZ_FULL"), turns CONTEXT_TRACKING_FORCE's default off
# (kernel/time/Kconfig, "default y if !NO_HZ_FULL") and
# VIRT_CPU_ACCOUNTING_GEN selects VIRT_CPU_ACCOUNTING. "-" means absent.
ubuntu_tickless_policies() {
  local src=$1 line ct=CONTEXT_TRACKING_USER
  if ! grep -rqx --include='Kconfig*' 'config CONTEXT_TRACKING_USER' "$src/kernel" "$src/arch"; then
    ct=CONTEXT_TRACKING
  fi
  while IFS= read -r line; do
    case $line in
      CONFIG_*=*) printf '%s\n' "${line/CONTEXT_TRACKING_USER=/$ct=}" ;;
      '# CONFIG_'*' is not set') line=${line#\# }; printf '%s=n\n' "${line%% *}" ;;
    esac
  done <"$KDIR/tickless.config"
  _ubuntu_if_kconfig "$src" TICK_CPU_ACCOUNTING -
  _ubuntu_if_kconfig "$src" CONTEXT_TRACKING_FORCE n
  _ubuntu_if_kconfig "$src" VIRT_CPU_ACCOUNTING y
}

# _ubuntu_if_kconfig SRC SYMBOL VALUE: CONFIG_SYMBOL=VALUE if the tree has it.
_ubuntu_if_kconfig() {
  if grep -rqx --include='Kconfig*' "config $2" "$1/init" "$1/kernel"; then
    printf 'CONFIG_%s=%s\n' "$2" "$3"
  fi
}

# ubuntu_add_flavour SRC: the tickless flavour, as Ubuntu adds a flavour:
# control.d/vars.tickless, the flavour in rules.d/ARCH.mk, its policies in
# config/annotations and a changelog entry. Each step does nothing when its
# part is there already; the policies are checked in any case.
ubuntu_add_flavour() {
  local src=$1 deb policies
  deb=$(ubuntu_debian_dir "$src")
  _ubuntu_add_vars "$deb"
  _ubuntu_add_to_rules "$deb"
  mapfile -t policies < <(ubuntu_tickless_policies "$src")
  _ubuntu_annotate "$(ubuntu_annotations "$src")" "${policies[@]}"
  _ubuntu_add_changelog "$deb"
  ubuntu_for_debian "$src"
  ubuntu_verify_policies "$src"
}

# ubuntu_for_debian SRC: a Debian target distribution (not Ubuntu): its
# linux-base ships /usr/bin/perf (Debian's wrapper for its versioned
# linux-perf packages) and linux-tools-common ships Ubuntu's wrapper at the
# same path, for the kernel running; dpkg refuses to overwrite another
# package's file unless told, so linux-tools-common says "Replaces:
# linux-base" (removing linux-tools-common later takes /usr/bin/perf with it).
ubuntu_for_debian() {
  local stub
  [ "${DISTRO_VENDOR:-}" != ubuntu ] || return 0
  stub="$(ubuntu_debian_dir "$1")/control.stub.in"
  [ -f "$stub" ] || die "$stub not found"
  awk '
    /^Package: / { tc = ($2 == "SRCPKGNAME-tools-common"); seen = 0 }
    tc && /^Replaces:/ { seen = 1; if ($0 !~ /linux-base/) $0 = $0 ", linux-base" }
    tc && /^Description:/ && !seen { print "Replaces: linux-base"; seen = 1 }
    { print }
  ' "$stub" >"$stub.tmp"
  mv "$stub.tmp" "$stub"
  grep -A12 '^Package: SRCPKGNAME-tools-common' "$stub" | grep -q '^Replaces:.*linux-base' ||
    die "$stub: could not add Replaces: linux-base to the tools-common stanza"
  msg "ubuntu: linux-tools-common replaces Debian linux-base's /usr/bin/perf"
}

# _ubuntu_add_vars DEB: the flavour's package metadata (debian/scripts/
# control-create turns it into the linux-image/modules/headers stanzas).
_ubuntu_add_vars() {
  local f=$1/control.d/vars.$UBUNTU_FLAVOUR
  if [ -f "$f" ]; then
    grep -q "^arch=\".*\\<$UBUNTU_ARCH\\>" "$f" || die "$f exists but does not name $UBUNTU_ARCH"
    msg "ubuntu: $f already there"
    return
  fi
  cat >"$f" <<EOF
arch="$UBUNTU_ARCH"
supported="Tickless"
target="For latency measurements: full dynamic ticks (nohz_full=), a 100 Hz tick."
desc="=HUMAN= SMP"
bootloader="$TARGET_UBUNTU_BOOTLOADER"
provides="kvm-api-4, redhat-cluster-modules, ivtv-modules"
EOF
  msg "ubuntu: wrote $f"
}

# _ubuntu_add_to_rules DEB: the flavour in ARCH.mk's "flavours", and
# build_image/kernel_file for every flavour: 2-binary-arch.mk reads them
# through custom_override (the flavour's own value, else the global one),
# and focal's arm64.mk, for one, sets them for "generic" only.
_ubuntu_add_to_rules() {
  local mk=$1/rules.d/$UBUNTU_ARCH.mk var val
  [ -f "$mk" ] || die "$mk not found"
  grep -q '^flavours[[:space:]]*=' "$mk" || die "$mk has no flavours line"
  if grep -Eq "^flavours[[:space:]]*=.*[[:space:]]$UBUNTU_FLAVOUR([[:space:]]|\$)" "$mk"; then
    msg "ubuntu: $UBUNTU_FLAVOUR already in $mk"
  else
    sed -i "s/^\\(flavours[[:space:]]*=.*[^[:space:]]\\)[[:space:]]*\$/\\1 $UBUNTU_FLAVOUR/" "$mk"
    msg "ubuntu: added $UBUNTU_FLAVOUR to the flavours of $mk"
  fi
  for var in build_image kernel_file; do
    grep -q "^${var}[[:space:]]*=" "$mk" && continue
    val=$(sed -n "s/^${var}_generic[[:space:]]*=[[:space:]]*//p" "$mk")
    [ -n "$val" ] || die "$mk sets neither $var nor ${var}_generic"
    # After the _generic line, so that the file reads as before.
    sed -i "/^${var}_generic[[:space:]]*=/a $var\\t= $val" "$mk"
    msg "ubuntu: $mk: $var = $val for every flavour"
  done
  _ubuntu_check_rules "$mk"
}

# _ubuntu_rules_eval MK LINE: what make prints for LINE (its $(info ...))
# after reading MK (rules.d/ARCH.mk).
_ubuntu_rules_eval() {
  # From its directory: make's include cannot take a path with spaces.
  (cd "$(dirname "$1")" && printf 'include %s\n%s\nall:;@:\n' "${1##*/}" "$2" | make -s -f - all)
}

# _ubuntu_check_rules MK: make itself says what each flavour gets.
_ubuntu_check_rules() {
  local out
  # shellcheck disable=SC2016 # make's $(...), not the shell's
  out=$(_ubuntu_rules_eval "$1" \
    '$(foreach f,$(flavours),$(info $(f) $(or $(build_image_$(f)),$(build_image)) $(or $(kernel_file_$(f)),$(kernel_file))))') ||
    die "cannot evaluate $1"
  awk -v f="$UBUNTU_FLAVOUR" 'NF != 3 { bad = 1 } $1 == f { seen = 1 } END { exit !(seen && !bad) }' <<<"$out" ||
    die "$1: not every flavour has build_image and kernel_file: $out"
}

# _ubuntu_annotate FILE CONFIG_X=VALUE...: the flavour's policies in the
# annotations, and the flavour on the "# FLAVOUR:" line, which the tool
# needs to keep them. A value goes into the dict of the config's last policy
# line (later lines override earlier ones), formatted as the tool writes it;
# a config without one gets a new line, in order among the lines without
# notes. Prints what changed.
_ubuntu_annotate() {
  local file=$1; shift
  python3 "$KDIR/ubuntu_annotate.py" "$file" "$UBUNTU_KEY" "$@" >&2 || die "could not update $file"
}

# _ubuntu_add_changelog DEB: a new top stanza, unless the top one already
# speaks of the tickless flavour (a tree that has it, like the one its
# author published). The version is the top one plus "+crossboot1": the ABI
# number Ubuntu derives from it (0-common-vars.mk drops "+..." when it
# computes abinum) and so the package names stay those of the tree
# (linux-image-unsigned-5.4.0-200-tickless), and the version sorts above the
# tree's, so the shared linux-headers-5.4.0-200 built here replaces the
# archive's.
_ubuntu_add_changelog() {
  local cl=$1/changelog first version dist date tmp prev epoch
  # Not a pipe into grep -q: under pipefail, sed's SIGPIPE would say "no".
  if grep -qi "$UBUNTU_FLAVOUR" <<<"$(sed '/^ -- /q' "$cl")"; then
    msg "ubuntu: the top changelog entry already has the $UBUNTU_FLAVOUR flavour"
    return
  fi
  first=$(head -n 1 "$cl")
  version=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$cl")
  dist=$(sed -n '1s/^[^)]*) \([^;]*\);.*/\1/p' "$cl")
  if [ -z "$version" ] || [ -z "$dist" ]; then die "$cl: cannot read '$first'"; fi
  # Not older than the entry below it (lintian: latest-changelog-entry-
  # without-new-date): SOURCE_DATE_EPOCH, or one second after that entry.
  # sed quits at the first match: a pipe into head would end in SIGPIPE.
  prev=$(sed -n '/^ -- .*>  /{s/^ -- .*>  //p;q}' "$cl")
  prev=$(date -u -d "$prev" +%s) || die "$cl: cannot read the date of its top entry"
  epoch=$SOURCE_DATE_EPOCH
  [ "$epoch" -gt "$prev" ] || epoch=$((prev + 1))
  date=$(LC_ALL=C date -u -R -d "@$epoch")
  tmp=$cl.crossboot
  {
    printf '%s (%s+crossboot1) %s; urgency=medium\n\n' "${first%% *}" "$version" "$dist"
    printf '  * Add the %s %s flavour: full dynamic ticks (NO_HZ_FULL), HZ=100,\n' "$UBUNTU_ARCH" "$UBUNTU_FLAVOUR"
    printf '    RCU callback offloading; cross-built by crossboot.\n\n'
    printf ' -- %s <%s>  %s\n\n' "${DEBFULLNAME:-crossboot}" "${DEBEMAIL:-crossboot@crossboot.invalid}" "$date"
    cat "$cl"
  } >"$tmp"
  mv "$tmp" "$cl"
  msg "ubuntu: changelog entry $version+crossboot1"
}

# ubuntu_verify_policies SRC: the flavour's config as the tree's rules make
# it (2-binary-arch.mk: annotations --export) has every tickless setting.
ubuntu_verify_policies() {
  local src=$1 exported line name value missing=''
  exported=$(cd "$src" && python3 debian/scripts/misc/annotations --export \
    --arch "$UBUNTU_ARCH" --flavour "$UBUNTU_FLAVOUR") || die "annotations --export failed in $src"
  while IFS= read -r line; do
    name=${line%%=*} value=${line#*=}
    case $value in
      -) if grep -q "^\\(# \\)\\?${name}[ =]" <<<"$exported"; then missing+=" [$name present]"; fi ;;
      n) grep -qxF "# $name is not set" <<<"$exported" || missing+=" [$line]" ;;
      *) grep -qxF "$line" <<<"$exported" || missing+=" [$line]" ;;
    esac
  done < <(ubuntu_tickless_policies "$src")
  [ -z "$missing" ] || die "the $UBUNTU_KEY policies in the annotations are not as required:$missing"
  msg "ubuntu: $UBUNTU_KEY policies checked"
}

# ubuntu_fix_gcc_version SRC NUMBER: focal's annotations pin CONFIG_GCC_VERSION
# to the value of Ubuntu's gcc 9 (90400); Kconfig computes it from the
# compiler in use (init/Kconfig, scripts/gcc-version.sh), so with another
# gcc the annotation is simply wrong. Record the real value for the flavour,
# saying so, instead of leaving a false one or disabling checks.
ubuntu_fix_gcc_version() {
  local src=$1 num=$2 ann old note=''
  [[ $num =~ ^[1-9][0-9]{4,5}$ ]] || die "ubuntu_fix_gcc_version: '$num' is not a gcc version number like 120200"
  ann=$(ubuntu_annotations "$src")
  old=$(python3 "$src/debian/scripts/misc/annotations" -f "$ann" --arch "$UBUNTU_ARCH" \
    --flavour "$UBUNTU_FLAVOUR" --config CONFIG_GCC_VERSION | sed -n 's/.*"CONFIG_GCC_VERSION": "\(.*\)".*/\1/p')
  [ "$old" != "$num" ] || return 0
  if grep -q '"CONFIG_GCC_VERSION"' "$src/debian/scripts/misc/kconfig/run.py" 2>/dev/null; then
    note=' (the tree'\''s check skips this symbol; the value is recorded so the annotations tell the truth)'
  fi
  msg "ubuntu: CONFIG_GCC_VERSION for $UBUNTU_KEY: the annotations say ${old:-nothing}, the cross compiler gives $num; recording $num$note"
  printf 'CONFIG_GCC_VERSION\t%s\t%s\tcompiler version\n' "${old:--}" "$num" >>"$WORK/config-differences.tsv"
  _ubuntu_annotate "$ann" "CONFIG_GCC_VERSION=$num"
}

# ubuntu_export_config SRC OUT: the flavour's .config as 2-binary-arch.mk
# (stamp-prepare-tree-%) writes it before "make syncconfig": the tree's
# annotations exported, CONFIG_UBUNTU_ODM_DRIVERS off (do_odm_drivers=false).
ubuntu_export_config() {
  (cd "$1" && python3 debian/scripts/misc/annotations --export --arch "$UBUNTU_ARCH" \
    --flavour "$UBUNTU_FLAVOUR") >"$2" || die "annotations --export failed in $1"
  sed -i 's/.*CONFIG_UBUNTU_ODM_DRIVERS.*/# CONFIG_UBUNTU_ODM_DRIVERS is not set/' "$2"
}

# ubuntu_test_config SRC: WORK/ubuntu-request.config for --size test: the
# flavour's own config (an Ubuntu tree is only consistent with Ubuntu's
# configs: on upstream defconfig focal fails to build, then to boot), cut
# down: every module off but UBUNTU_TEST_MODULES, UBUNTU_TEST_BUILTIN built
# in, no debug info (and so no BTF), no SoC platforms (ARCH_* of
# Kconfig.platforms: "virt" is a generic machine; ARCH_VEXPRESS stays, so
# that some device trees are built and packaged, as do_dtbs asks). Kconfig
# settles the rest in the chroot (ubuntu_resolve_script).
ubuntu_test_config() {
  local src=$1 out=$WORK/ubuntu-request.config platforms
  ubuntu_export_config "$src" "$out"
  platforms=$(sed -n 's/^config \(ARCH_[A-Z0-9_]*\)$/\1/p' "$src/arch/$TARGET_KARCH/Kconfig.platforms" 2>/dev/null |
    grep -vxF -f <(tr ' ' '\n' <<<"$TARGET_KERNEL_TEST_PLATFORMS")) || true
  awk -v builtin="${UBUNTU_TEST_BUILTIN[*]}" -v modules="${UBUNTU_TEST_MODULES[*]}" \
      -v off="DEBUG_INFO $platforms" '
    BEGIN {
      n = split(builtin " " modules, all)
      for (i = 1; i <= n; i++) { order[i] = "CONFIG_" all[i]; want[order[i]] = "y" }
      split(modules, m); for (i in m) want["CONFIG_" m[i]] = "m"
      split(off, o); for (i in o) want["CONFIG_" o[i]] = "n"
    }
    { name = "" }
    /^CONFIG_[A-Za-z0-9_]+=/ { name = $0; sub(/=.*/, "", name); value = substr($0, length(name) + 2) }
    /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { name = $2; value = "n" }
    name == "" { print; next }
    {
      if (name in want) { value = want[name]; done[name] = 1 }
      else if (value == "m") value = "n"
      print (value == "n" ? "# " name " is not set" : name "=" value)
    }
    END { for (i = 1; i <= n; i++) if (!(order[i] in done)) print order[i] "=" want[order[i]] }
  ' "$out" >"$out.tmp"
  mv "$out.tmp" "$out"
  msg "ubuntu: test-size request: $(grep -c '=m$' "$out") modules, $(grep -c '=y$' "$out") built-in options"
}

# ubuntu_apply_fragment REQUEST SETTINGS: the user's settings (CONFIG_X=V
# lines, "n" for off) replace or join those of the request config.
ubuntu_apply_fragment() {
  local req=$1
  [ -n "$2" ] || return 0
  awk -v settings="$2" '
    function out(k, line) { print (line ~ /=n$/ ? "# " k " is not set" : line) }
    BEGIN { n = split(settings, s, "\n"); for (i = 1; i <= n; i++) { k = s[i]; sub(/=.*/, "", k); want[k] = s[i]; order[i] = k } }
    { name = "" }
    /^CONFIG_[A-Za-z0-9_]+=/ { name = $0; sub(/=.*/, "", name) }
    /^# CONFIG_[A-Za-z0-9_]+ is not set$/ { name = $2 }
    name != "" && (name in want) { done[name] = 1; out(name, want[name]); next }
    { print }
    END { for (i = 1; i <= n; i++) if (!(order[i] in done)) out(order[i], want[order[i]]) }
  ' "$req" >"$req.tmp"
  mv "$req.tmp" "$req"
}

# ubuntu_resolve_script [BASE]: sh for the chroot that lets Kconfig, with the
# cross compiler (its tests decide GCC_VERSION, CC_HAS_* and the like), turn
# WORK/ubuntu-request.config into the complete WORK/kcfg/.config, as the
# build's "make syncconfig" will; with BASE, also WORK/ubuntu-base.config
# (the request without the user's fragments) into WORK/kcfg-base/.config.
# Only Kconfig's conf is compiled (for the build machine).
ubuntu_resolve_script() {
  local pairs='/build/ubuntu-request.config:/build/kcfg' req dir
  [ -z "${1:-}" ] || pairs+=' /build/ubuntu-base.config:/build/kcfg-base'
  printf 'set -eu\necho "crossboot-phase: config"\ncd /build/src\n'
  for req in $pairs; do
    dir=${req#*:} req=${req%%:*}
    printf 'rm -rf %s && mkdir %s && cp %s %s/.config\n' "$dir" "$dir" "$req" "$dir"
    printf 'make -s O=%s ARCH=%s CROSS_COMPILE=%s- olddefconfig\n' "$dir" "$TARGET_KARCH" "$TARGET_GNU_TRIPLET"
  done
}

# ubuntu_record_config SRC RESOLVED test|full [BASE]: make the tree's own
# check of the flavour's .config hold for what this build really uses
# (scripts/kernel/ubuntu_record_config.py says how); BASE is the config
# resolved without the user's fragments. The tickless settings and (test)
# the kept options must have survived Kconfig. Every difference from the
# annotations is listed in WORK/config-differences.tsv.
ubuntu_record_config() {
  local src=$1 resolved=$2 mode=$3 base=${4:-} must
  [[ $mode == test || $mode == full ]] || die "ubuntu_record_config: mode is test or full"
  must=$(ubuntu_tickless_policies "$src")
  if [ "$mode" = test ]; then
    must+=$'\n'$(printf 'CONFIG_%s=y\n' "${UBUNTU_TEST_BUILTIN[@]}")
    must+=$'\n'$(printf 'CONFIG_%s=m\n' "${UBUNTU_TEST_MODULES[@]}")
  fi
  python3 "$KDIR/ubuntu_record_config.py" "$src" "$(ubuntu_annotations "$src")" "$resolved" "$mode" \
    "$UBUNTU_ARCH" "$UBUNTU_FLAVOUR" "$must" "$base" "$WORK/config-differences.tsv" "${FRAGMENT_NAMES:-}" >&2 ||
    die "the $UBUNTU_KEY configuration cannot be recorded (above)"
}

# ubuntu_targets: the tree's make targets for the flavour's packages, in
# build order: the flavour (linux-image-unsigned, linux-modules,
# linux-headers, linux-buildinfo and linux-tools of the flavour), the shared
# headers (Architecture: all), the tools (linux-tools-ABI: perf, bpftool,
# cpupower, usbip) and, where the target distribution has no such package
# (Debian), linux-tools-common (a target the per-series patches add). Not
# "binary": it builds every flavour of the architecture.
ubuntu_targets() {
  printf '%s\n' "binary-$UBUNTU_FLAVOUR" binary-headers binary-perarch
  [ "${DISTRO_VENDOR:-}" = ubuntu ] || printf '%s\n' binary-tools-common
}

# ubuntu_make_vars: the make variables every run of the tree's rules gets,
# through MAKEFLAGS (after "--", as make passes command-line variables on;
# dpkg-buildpackage takes none). do_tools=true wins over the rules' "off
# when cross-building" (plain assignments there); WERROR=0: gcc 12 warns
# where focal's gcc 9 did not, and the tools' makefiles turn warnings into
# errors; JOBS: perf's own parallelism. The dkms modules (zfs, wireguard)
# likewise, those of UBUNTU_DKMS on: the rules build them with dkms from
# .debs of the distribution's archive, and turn them off when
# cross-compiling, because dkms-build downloads them and runs the target's
# programs (per-series patch 0006 fixes both); nvidia and vbox stay off.
# d-i, ABI, module-list and retpoline checks compare with Launchpad's
# previous build, which a build elsewhere does not have.
ubuntu_make_vars() {
  local name switch
  while read -r name _ _ switch; do
    if [[ " $UBUNTU_DKMS " == *" $name "* ]]; then printf '%s=true ' "$switch"; else printf '%s=false ' "$switch"; fi
  done <<<"$UBUNTU_DKMS_TABLE"
  printf '%s' "do_dkms_nvidia=false do_dkms_nvidia_server=false"
  printf '%s' " do_dkms_vbox=false do_tools=true do_tools_common=true do_tools_host=false"
  printf '%s' " disable_d_i=true skipdbg=true skipabi=true skipmodule=true skipretpoline=true"
  printf ' WERROR=0 JOBS=%s\n' "$JOBS"
}

# ubuntu_dkms_enabled SRC: the NAMEs of UBUNTU_DKMS_TABLE the tree's rules
# build for the flavour on the target's architecture (rules.d/ARCH.mk:
# do_zfs, or do_zfs_FLAVOUR as 2-binary-arch.mk's custom_override reads it;
# do_dkms_wireguard), one a line.
ubuntu_dkms_enabled() {
  local mk out name switch f=$UBUNTU_FLAVOUR
  mk="$(ubuntu_debian_dir "$1")/rules.d/$UBUNTU_ARCH.mk"
  [ -f "$mk" ] || die "$mk not found"
  while read -r name _ _ switch; do
    out=$(_ubuntu_rules_eval "$mk" "\$(info \$(or \$(${switch}_$f),\$($switch)))") || die "cannot evaluate $mk"
    [ "$out" != true ] || printf '%s\n' "$name"
  done <<<"$UBUNTU_DKMS_TABLE"
}

# ubuntu_dkms_pins SRC NAME...: PACKAGE=VERSION for each NAME, as the tree
# pins it: debian.master/dkms-versions in the 5.4 format ("SOURCE VERSION"
# lines, which debian/rules reads with gawk), and 2-binary-arch.mk's
# build_dkms line asking for pool/.../SOURCE/PACKAGE_$(VERSION)_all.deb.
# Later trees (jammy on) write more fields a line and another dkms-build:
# refused, in one line, rather than half understood.
ubuntu_dkms_pins() {
  local src=$1 f rules bad name source pkg ver; shift
  f="$(ubuntu_debian_dir "$src")/dkms-versions"
  rules=$src/debian/rules.d/2-binary-arch.mk
  [ -f "$f" ] || die "$f not found: the tree pins no dkms packages"
  bad=$(awk 'NF && $1 !~ /^#/ && NF != 2 { printf "line %d: %s", NR, $0; exit }' "$f")
  [ -z "$bad" ] || die "$f is not in the 5.4 format (\"SOURCE VERSION\" lines) crossboot handles; $bad"
  for name; do
    read -r _ source pkg _ < <(awk -v n="$name" '$1 == n' <<<"$UBUNTU_DKMS_TABLE")
    ver=$(awk -v s="$source" '$1 == s { print $2; exit }' "$f")
    [[ $ver =~ ^[0-9][A-Za-z0-9.+~-]*$ ]] || die "$f pins no version of $source (the $name dkms package)"
    grep -F "/$source/${pkg}_\$(dkms_" "$rules" 2>/dev/null | grep -qF '_all.deb' ||
      die "$rules does not build $name from pool/.../$source/${pkg}_VERSION_all.deb as 5.4's rules do"
    printf '%s=%s\n' "$pkg" "$ver"
  done
}

# ubuntu_dkms_plan SRC: which dkms modules this build makes (UBUNTU_DKMS,
# their pins in UBUNTU_DKMS_PINS; with wireguard, the test size keeps what
# it needs), said in one line. Ubuntu's rules build them as dkms modules
# from .debs of the distribution's archive: for an Ubuntu target, its
# archive has them; a Debian one has not those the tree pins (bullseye:
# another zfs-dkms, in contrib, and another wireguard-dkms): they are left
# out, the one known difference from a native build.
ubuntu_dkms_plan() {
  local src=$1 enabled out names pkgs
  out=$(ubuntu_dkms_enabled "$src") || exit 1
  mapfile -t enabled <<<"$out"
  [ -n "${enabled[*]}" ] || { msg "dkms modules: none for $UBUNTU_ARCH in the tree's rules, as natively"; return 0; }
  names=$(printf '%s, ' "${enabled[@]}") names=${names%, }
  if [ "${DISTRO_VENDOR:-}" != ubuntu ]; then
    msg "$names: not built: $DISTRO_NAME's archive has not the dkms packages the tree's debian.master/dkms-versions pins (the one known difference from a native build's linux-modules)"
    return 0
  fi
  out=$(ubuntu_dkms_pins "$src" "${enabled[@]}") || exit 1
  mapfile -t UBUNTU_DKMS_PINS <<<"$out"
  UBUNTU_DKMS="${enabled[*]}"
  # NET_UDP_TUNNEL has no prompt: VXLAN, which selects it, brings it in.
  [[ " $UBUNTU_DKMS " != *" wireguard "* ]] || UBUNTU_TEST_MODULES+=(VXLAN NET_UDP_TUNNEL)
  pkgs=$(printf '%s, ' "${UBUNTU_DKMS_PINS[@]/=/ }") pkgs=${pkgs%, }
  msg "$names: built with dkms into linux-modules, as Ubuntu does, from $DISTRO_NAME's archive: $pkgs (the tree's dkms-versions)"
}

# ubuntu_dkms_fetch DIR: the pinned .debs in DIR (the chroot's
# CROSSBOOT_DKMS_DEBS), fetched when missing (scripts/kernel/dkms.sh); their
# hash in UBUNTU_DKMS_SUMS.
# shellcheck disable=SC2034 # UBUNTU_DKMS_SUMS: kernel-debs.sh keys the build with it
ubuntu_dkms_fetch() {
  UBUNTU_DKMS_SUMS=''
  [ ${#UBUNTU_DKMS_PINS[@]} -gt 0 ] || return 0
  dkms_fetch "$1" "${UBUNTU_DKMS_PINS[@]}"
  UBUNTU_DKMS_SUMS=$(dkms_sums "$1" "${UBUNTU_DKMS_PINS[@]}")
}

# _ubuntu_env_script: the start of every chroot script: the environment.
_ubuntu_env_script() {
  local epoch=$SOURCE_DATE_EPOCH
  printf 'set -eu\ncd /build/src\nexport SOURCE_DATE_EPOCH=%s\n' "$epoch"
  # shellcheck disable=SC2016 # expanded in the chroot
  printf 'export KBUILD_BUILD_TIMESTAMP="$(date -u -d @%s)"\n' "$epoch"
  printf 'export KBUILD_BUILD_USER=crossboot KBUILD_BUILD_HOST=crossboot\n'
  printf 'export DEB_BUILD_OPTIONS="parallel=%s nocheck"\n' "$JOBS"
  # The dkms packages fetched beforehand (ubuntu_dkms_fetch): dkms-build
  # takes them from there and downloads nothing.
  printf 'export CROSSBOOT_DKMS_DEBS=/build/dkms\n'
  printf 'export MAKEFLAGS="-- %s"\n' "$(ubuntu_make_vars)"
}

# ubuntu_clean_script: sh for the chroot: the tree's clean, which writes
# debian/control (with kernel-wedge) and debian/changelog, for the target's
# architecture (dpkg-architecture -a: the rules include rules.d/ARCH.mk,
# whose human_arch goes into every Description). kernel-debs.sh keeps the
# build state out of its way.
ubuntu_clean_script() {
  _ubuntu_env_script
  printf 'dpkg-architecture -a%s -c debian/rules clean\n' "$UBUNTU_ARCH"
}

# ubuntu_target_script TARGET: sh for the chroot: one binary target, cross.
# -d: the Build-Depends name packages other suites lack (dh-systemd, ...).
ubuntu_target_script() {
  _ubuntu_env_script
  printf 'echo "crossboot-phase: %s"\n' "$(ubuntu_target_phase "$1")"
  printf 'dpkg-buildpackage -d -a%s -us -uc --as-root -T %s\n' "$UBUNTU_ARCH" "$1"
}

# ubuntu_target_phase TARGET: what progress calls it at its start.
ubuntu_target_phase() {
  case $1 in
    binary-perarch) echo tools ;;
    "binary-$UBUNTU_FLAVOUR") echo kernel ;;
    *) echo packaging ;;
  esac
}

# ubuntu_built_config SRC: the .config the flavour was built with (for the
# check of the tickless settings after the build).
ubuntu_built_config() {
  printf '%s\n' "$1/debian/build/build-$UBUNTU_FLAVOUR/.config"
}

# ubuntu_build_dir: the flavour's kbuild output directory (under WORK).
ubuntu_build_dir() {
  printf '%s\n' "$WORK/src/debian/build/build-$UBUNTU_FLAVOUR"
}
