# shellcheck shell=bash
# Sourced by scripts/kernel-debs.sh and scripts/kernel-check.sh, not run:
# Architecture: all packages fetched on the host from the target
# distribution's archive as its profile names it (scripts/distros/NAME: its
# source lines and keyring), for the target's architecture, through a
# private apt state of their own: apt checks each file against the archive's
# signed index. kernel-debs.sh fetches the dkms source packages an Ubuntu
# tree's rules build modules from (zfs-dkms, wireguard-dkms) before the
# build, which takes them from WORK/dkms (CROSSBOOT_DKMS_DEBS, read by the
# tree's dkms-build as patched) and never downloads anything itself;
# kernel-check.sh fetches linux-tools-common where the archive has it (an
# Ubuntu target: the build does not make it), as apt would install it
# beside the tools.
#
# Expects TOP, CACHE, OFFLINE, msg/die (scripts/lib.sh, whose fetch.sh has
# the private apt), the profile (load_distro) and TARGET_DEB_ARCH.

# shellcheck source=sources/sections/distro.sh
. "$TOP/sources/sections/distro.sh"

# dkms_deb_name PACKAGE=VERSION: the file Ubuntu's rules ask dkms-build for,
# PACKAGE_VERSION_all.deb (no epoch: the pins have none).
dkms_deb_name() { printf '%s_%s_all.deb\n' "${1%%=*}" "${1#*=}"; }

# dkms_fetch DIR PACKAGE=VERSION...: each as DIR/PACKAGE_VERSION_all.deb;
# those there already are kept (they were checked when fetched). One error
# line for: the archive unreachable, a pinned version it does not have (it
# names those it has: another version is never taken instead), a download
# apt refuses.
dkms_fetch() {
  local dir=$1 pin missing=(); shift
  for pin; do [ -f "$dir/$(dkms_deb_name "$pin")" ] || missing+=("$pin"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  [ "${OFFLINE:-0}" = 0 ] || die "dkms: ${missing[*]} not fetched yet ($dir) and OFFLINE=1"
  mkdir -p "$dir" 2>/dev/null || die "dkms: disk full or not writable: $dir"
  archive_lists "dkms: "
  for pin in "${missing[@]}"; do
    # Lists kept from an earlier run may predate the pinned version.
    if ! _archive_has "$pin" && [ "$APT_PRIVATE_UPDATED" = 0 ]; then archive_lists "dkms: " fresh; fi
    _archive_has "$pin" || _dkms_gone "$pin"
    _archive_download "dkms: " "$dir" "$pin"
  done
}

# archive_fetch_newest DIR PACKAGE: the version of PACKAGE (Architecture:
# all) apt would install from the archive, as DIR/PACKAGE_VERSION_all.deb,
# whose path it prints. One error line if the archive has none.
archive_fetch_newest() {
  local dir=$1 pkg=$2 ver
  [ "${OFFLINE:-0}" = 0 ] || die "$pkg: not fetched from $DISTRO_NAME's archive: OFFLINE=1"
  mkdir -p "$dir" 2>/dev/null || die "$pkg: disk full or not writable: $dir"
  archive_lists "$pkg: "
  ver=$(_archive_candidate "$pkg")
  # Lists kept from an earlier run may predate the package.
  if [ -z "$ver" ] && [ "$APT_PRIVATE_UPDATED" = 0 ]; then
    archive_lists "$pkg: " fresh
    ver=$(_archive_candidate "$pkg")
  fi
  [ -n "$ver" ] || die "$DISTRO_NAME's archive has no $pkg ($TARGET_DEB_ARCH)"
  _archive_download "$pkg: " "$dir" "$pkg=$ver"
  printf '%s/%s\n' "$dir" "$(dkms_deb_name "$pkg=$ver")"
}

# archive_lists CONTEXT [fresh]: the private apt state of the target
# distribution's archive for TARGET_DEB_ARCH, its lists reused when a
# successful update of them is less than a day old (fresh: updated anyway).
archive_lists() {
  local out lines
  distro_check_keyring
  # (a profile without a mirror dies in the subshell, with its message: so does this)
  out=$(distro_source_lines "$TARGET_DEB_ARCH") || exit 1
  mapfile -t lines <<<"$out"
  apt_private_opts "$CACHE/apt-$DISTRO_NAME-$TARGET_DEB_ARCH" -o APT::Architecture="$TARGET_DEB_ARCH" \
    -o APT::Architectures="$TARGET_DEB_ARCH" -o Acquire::Languages=none
  apt_private_update "${2:-reuse}" "$1" "$DISTRO_NAME $TARGET_DEB_ARCH source list ($(source_line_url "${lines[0]}"))" "${lines[@]}"
}

# _archive_versions PACKAGE: the versions of PACKAGE the private lists have.
_archive_versions() { apt_private apt-cache show "$1" 2>/dev/null | sed -n 's/^Version: //p' | sort -uV; }

# _archive_candidate PACKAGE: the version apt would install, if any.
_archive_candidate() {
  apt_private apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: //p' | grep -vx '(none)' || true
}

# _archive_has PACKAGE=VERSION: the private lists have that version.
_archive_has() { _archive_versions "${1%%=*}" | grep -qxF -- "${1#*=}"; }

# _dkms_gone PACKAGE=VERSION: the one line for a pin the archive lacks.
_dkms_gone() {
  local pkg=${1%%=*} ver=${1#*=} has
  has=$(_archive_versions "$pkg" | paste -sd' ' -)
  die "dkms: $DISTRO_NAME's archive has no $pkg $ver (the tree's dkms-versions pins it; the archive has ${has:-no $pkg at all}); another version is not taken instead"
}

# _archive_download CONTEXT DIR PACKAGE=VERSION: apt-get download into a
# temporary directory, the package's own fields checked, then renamed into
# place as DIR/PACKAGE_VERSION_all.deb.
_archive_download() {
  local ctx=$1 dir=$2 pin=$3 pkg=${3%%=*} ver=${3#*=} tmp log f fields why
  msg "${ctx}fetching $pkg $ver ($DISTRO_NAME, $TARGET_DEB_ARCH)"
  tmp=$(mktemp -d "$dir/.fetch.XXXXXX" 2>/dev/null) || die "${ctx}disk full or not writable: $dir"
  log=$tmp/apt.log
  # shellcheck disable=SC2034 # fetch_done removes it
  FETCH_PARTS=("$tmp")
  if ! fetch_bg env -C "$tmp" apt-get "${APT_PRIVATE[@]}" download "$pin" >"$log" 2>&1; then
    why=$(apt_why "$log" "$dir" "$(source_line_url "$(head -n 1 "$APT_PRIVATE_DIR/sources.list")")")
    fetch_done
    die "${ctx}downloading $pkg $ver failed: $why"
  fi
  f=$(find "$tmp" -maxdepth 1 -name "${pkg}_*.deb" -print -quit)
  fields=$(dpkg-deb -f "$f" Package Version Architecture 2>/dev/null | sed 's/^[^:]*: //' | paste -sd' ' -) || true
  if [ "$fields" != "$pkg $ver all" ]; then
    fetch_done
    die "${ctx}apt-get download $pin gave ${f:+${f##*/}: }'${fields:-no package}', not $pkg $ver (Architecture: all)"
  fi
  mv -f "$f" "$dir/$(dkms_deb_name "$pin")" || { fetch_done; die "${ctx}disk full or not writable: $dir"; }
  fetch_done
}

# dkms_sums DIR PACKAGE=VERSION...: one hash of the fetched files' contents
# (for the build's state: another file rebuilds the packages).
dkms_sums() {
  local dir=$1 pin; shift
  for pin; do sha256sum <"$dir/$(dkms_deb_name "$pin")"; done | sha256sum | cut -c1-16
}
