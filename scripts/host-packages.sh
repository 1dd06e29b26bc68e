# shellcheck shell=bash disable=SC2034 # HOST_TOOLS* are read by build.sh and tests/run.sh
# Sourced, not run: host prerequisites by Debian package, for build.sh, the
# kernel scripts and tests/run.sh. The functions expect have, msg, die, warn
# (scripts/lib.sh) and CACHE.

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

# apt_install PACKAGE...: as root, with apt-get; output in the cache's log.
apt_install() {
  mkdir -p "$CACHE"
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; } \
    >>"$CACHE/apt-install.log" 2>&1
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
