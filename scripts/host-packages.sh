# shellcheck shell=bash
# Sourced, not run: host prerequisites by Debian package, for build.sh and the
# kernel scripts. Expects have, msg, die, warn (scripts/lib.sh) and CACHE.

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
