# shellcheck shell=bash disable=SC2034 # HOST_TOOLS* are read by build.sh and tests/run.sh
# Sourced, not run: host prerequisites by Debian package, for build.sh, the
# kernel scripts and tests/run.sh. The functions expect have, msg, die, warn,
# sha256_of, debian_mirror and fetch_upstream (scripts/lib.sh) and CACHE.

# command:Debian-package pairs the build needs on the host (a /path is a
# file: curl's HTTPS needs the certificates, which curl only Recommends).
HOST_TOOLS="gcc:gcc g++:g++ make:make bison:bison flex:flex makeinfo:texinfo m4:m4
awk:gawk xz:xz-utils bzip2:bzip2 gzip:gzip patch:patch tar:tar perl:perl
sha256sum:coreutils tsort:coreutils curl:curl apt-get:apt file:file rsync:rsync bc:bc
pgrep:procps flock:util-linux readelf:binutils mksquashfs:squashfs-tools
autoreconf:autoconf automake:automake autopoint:autopoint cmake:cmake
/etc/ssl/certs/ca-certificates.crt:ca-certificates"
# What --fetch-only needs.
HOST_TOOLS_FETCH="curl:curl apt-get:apt sha256sum:coreutils tar:tar xz:xz-utils gzip:gzip bzip2:bzip2 flock:util-linux
/etc/ssl/certs/ca-certificates.crt:ca-certificates"
# Wanted, not required: ccache makes rebuilds fast.
HOST_TOOLS_OPTIONAL="ccache:ccache"

# missing_packages "NAME:PACKAGE ...": the packages of the NAMEs that are
# missing; a NAME starting with / is a file (a keyring), others commands.
missing_packages() {
  local pair name
  for pair in $1; do
    name=${pair%:*}
    case $name in
      /*) [ -e "$name" ] || printf '%s\n' "${pair##*:}" ;;
      *) have "$name" || printf '%s\n' "${pair##*:}" ;;
    esac
  done | LC_ALL=C sort -u
}

# Host packages that some releases lack, as "PACKAGE POOL-PATH SHA256" lines:
# when the host's apt has no candidate, the pinned .deb comes from the Debian
# archive (DEBIAN_MIRROR or the host's; Debian is where it is made, so there
# is no other URL). Debian 12 has no ubuntu-keyring (the focal profile's
# archive key: "Ubuntu Archive Automatic Signing Key (2018)"); Debian 13 and
# Ubuntu do. The package has no dependencies.
HOST_DEBS="ubuntu-keyring pool/main/u/ubuntu-keyring/ubuntu-keyring_2023.11.28.1-0.2_all.deb b2e7ed48431bf9e7978ae810bbdaf253093570d6e3f864e575b7c13554b81174"

# apt_candidate PACKAGE: apt (after its update) can install PACKAGE.
apt_candidate() {
  local c
  c=$(LC_ALL=C apt-cache policy "$1" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }')
  [ -n "$c" ] && [ "$c" != '(none)' ]
}

# host_deb PACKAGE: HOST_DEB, the path of PACKAGE's pinned .deb (HOST_DEBS),
# fetched into the source cache and verified unless it is there already.
# Returns 1 when PACKAGE has no pin; dies with one line when it cannot be had.
host_deb() {
  local pkg=$1 name path sha mirror dir
  read -r name path sha < <(awk -v p="$pkg" '$1 == p' <<<"$HOST_DEBS") || return 1
  [ -n "$path" ] || return 1
  dir=${SOURCES:-$CACHE/sources}/debs
  HOST_DEB=$dir/${path##*/}
  if [ -f "$HOST_DEB" ] && [ "$(sha256_of "$HOST_DEB")" = "$sha" ]; then return 0; fi
  mirror=$(debian_mirror) ||
    die "$pkg: this host's apt has no candidate and no Debian mirror is in its apt sources to fetch ${path##*/} from; set DEBIAN_MIRROR=<Debian archive URL>"
  mkdir -p "$dir" 2>/dev/null || die "disk full or not writable: $dir"
  SOURCES=$dir fetch_upstream "$pkg" "$mirror/$path" "$sha" "$HOST_DEB" ||
    die "$pkg: this host's apt has no candidate and $mirror/$path could not be fetched: $FETCH_WHY"
}

# apt_install PACKAGE...: as root, with apt-get; output in the cache's log. A
# package apt has no candidate for but HOST_DEBS pins is installed from its
# pinned .deb, saying so.
apt_install() {
  local p log=$CACHE/apt-install.log from_apt=() debs=()
  mkdir -p "$CACHE"
  apt-get update -q >>"$log" 2>&1 || return 1
  for p in "$@"; do
    if ! apt_candidate "$p" && host_deb "$p"; then
      msg "  $p: not in this host's apt sources; from Debian's pool: ${HOST_DEB##*/} (sha256 pinned in scripts/host-packages.sh)"
      debs+=("$HOST_DEB")
    else
      from_apt+=("$p")
    fi
  done
  # apt-get install takes a .deb by its path (one with a slash in it).
  [ ${#from_apt[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${from_apt[@]}" >>"$log" 2>&1 || return 1
  [ ${#debs[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${debs[@]}" >>"$log" 2>&1
}

# ensure_host_packages "NAME:PACKAGE ..." [NO_INSTALL]: every NAME there, or
# one error line naming the packages. As root on Debian/Ubuntu (and unless
# NO_INSTALL is 1) the missing ones are installed first, saying so.
ensure_host_packages() {
  local pairs=$1 no_install=${2:-0} missing
  mapfile -t missing < <(missing_packages "$pairs")
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ "$no_install" = 0 ] && [ "$(id -u)" = 0 ] && have apt-get; then
    msg "installing host packages: ${missing[*]} (apt-get; log: $CACHE/apt-install.log)"
    apt_install "${missing[@]}" || die "apt-get install ${missing[*]} failed; see $CACHE/apt-install.log"
    mapfile -t missing < <(missing_packages "$pairs")
  fi
  [ ${#missing[@]} -eq 0 ] || die "missing host packages: ${missing[*]} (apt-get install ${missing[*]})"
}
