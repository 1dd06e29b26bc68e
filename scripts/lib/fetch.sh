# shellcheck shell=bash
# Sourced by scripts/lib.sh. Fetching sources into $SOURCES and verifying
# them: upstream first, then the Debian archive through a private apt state.
#
# Under faults: a download goes to a temporary name ($SOURCES/.NAME.XXXXXX.part,
# or a .NAME.XXXXXX.apt directory), is checked, and only then renamed into
# place, so a file under its own name is always complete. A lock per package
# ($SOURCES/.lock-NAME) makes builds sharing the cache wait for each other
# rather than download twice. Each failure is one line naming its cause and
# leaves nothing partial behind.

# The download in progress and what it writes, for fetch_abort (a signal
# trap); the lock held while fetching NAME; the cause of the last failure.
FETCH_PID='' FETCH_PARTS=() SOURCE_LOCK_FD='' FETCH_WHY=''

# lock_open FILE WHAT: open FILE and take its lock, waiting (and saying so)
# while another build holds it. The descriptor is left in LOCK_FD.
lock_open() {
  { exec {LOCK_FD}>>"$1"; } 2>/dev/null || die "disk full or not writable: ${1%/*}"
  flock -n "$LOCK_FD" && return 0
  msg "  $2: waiting for another build that holds ${1##*/}"
  # In the background: a signal must not wait for the other build. The lock
  # belongs to the open file, so it stays this shell's.
  fetch_bg flock "$LOCK_FD" || die "$2: could not lock ${1##*/}"
}

# unlocked_rm LOCK PATH...: remove PATHs (leftovers of a killed run) unless a
# live build holds LOCK: then they are its work in progress.
unlocked_rm() {
  local lock=$1; shift
  flock -n "$lock" rm -rf -- "$@" 2>/dev/null || true
}

# fetch_bg CMD...: CMD in the background, waited for, so that a signal trap
# (build.sh's on_signal) runs at once, not when the download ends; the trap
# calls fetch_abort. CMD does not inherit the source lock: a killed build's
# orphan must not hold it.
fetch_bg() {
  local rc=0
  if [ -n "$SOURCE_LOCK_FD" ]; then "$@" {SOURCE_LOCK_FD}>&- & else "$@" & fi
  FETCH_PID=$!
  wait "$FETCH_PID" || rc=$?
  FETCH_PID=''
  return "$rc"
}

# fetch_abort: stop the download in progress and remove what it wrote.
fetch_abort() {
  if [ -n "${FETCH_PID:-}" ]; then
    kill -TERM "$FETCH_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$FETCH_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$FETCH_PID" 2>/dev/null || true
  fi
  if [ ${#FETCH_PARTS[@]} -gt 0 ]; then rm -rf -- "${FETCH_PARTS[@]}"; fi
  FETCH_PID='' FETCH_PARTS=()
}

# fetch_done: forget (and remove) the temporary files of a finished fetch.
fetch_done() { fetch_abort; }

# fetch_clean_leftovers: what killed runs left in $SOURCES and the private apt
# state, but not the work in progress of a build running now.
fetch_clean_leftovers() {
  local p name
  for p in "$SOURCES"/.*.part "$SOURCES"/.*.apt; do
    [ -e "$p" ] || continue
    name=${p##*/}; name=${name#.}; name=${name%.*.*}
    unlocked_rm "$SOURCES/.lock-$name" "$p"
  done
  # Older versions' names: fetched under no lock.
  rm -rf -- "$SOURCES"/*.part "$SOURCES"/*.part.err "$SOURCES"/.apt.??????
  [ ! -d "$CACHE/apt/lists/partial" ] ||
    unlocked_rm "$CACHE/apt/.lock" "$CACHE/apt/lists/partial"/*
}

# verify_file FILE SHA256 [AS]: FILE's hash must be SHA256. On mismatch FILE
# is moved aside (to AS.bad; AS is FILE unless given) and FETCH_WHY says so.
verify_file() {
  local file=$1 want=$2 as=${3:-$1} got
  got=$(sha256_of "$file")
  [ "$got" = "$want" ] && return 0
  mv -f "$file" "$as.bad"
  FETCH_WHY="checksum mismatch: $as: expected $want, got $got (moved to $as.bad)"
  return 1
}

# archive_complete FILE NAME: FILE (named NAME) is a whole archive: its
# compression's own check, or tar's for a plain tar. What no hash vouches
# for is checked so that a truncated download is never taken for the source.
archive_complete() {
  case $2 in
    *.xz|*.txz) xz -tq "$1" ;;
    *.gz|*.tgz) gzip -tq "$1" ;;
    *.bz2|*.tbz2) bzip2 -tq "$1" ;;
    *.zst) zstd -tq "$1" ;;
    *) tar -tf "$1" >/dev/null ;;
  esac 2>/dev/null
}

# url_host URL: the host[:port] of URL.
url_host() { local h=${1#*://}; h=${h%%/*}; printf '%s\n' "${h##*@}"; }

# curl_why STATUS ERRFILE URL: curl's failure as a cause, in a few words.
curl_why() {
  local rc=$1 url=$3 detail
  detail=$(sed -n 's/^curl: ([0-9]*) //p' "$2" 2>/dev/null | tail -n1) || true
  case $rc in
    6|7) printf 'cannot reach %s (%s)\n' "$(url_host "$url")" "${detail:-no connection}" ;;
    22) printf 'HTTP %s from %s\n' "$(grep -o '[0-9][0-9][0-9]' <<<"$detail" | tail -n1)" "$(url_host "$url")" ;;
    23) printf 'disk full or not writable: %s\n' "$SOURCES" ;;
    28) printf 'timed out: %s (%s)\n' "$(url_host "$url")" "${detail:-no data in time}" ;;
    18) printf 'truncated download: %s\n' "${detail:-the connection closed early}" ;;
    37) printf 'cannot read %s\n' "$url" ;;
    *) printf 'curl exit %s: %s\n' "$rc" "${detail:-no message}" ;;
  esac
}

# fetch_upstream NAME URL SHA256 FILE: download URL as FILE (in $SOURCES);
# on failure FETCH_WHY says why. A full disk ends the build: the Debian
# fallback could not write either.
fetch_upstream() {
  local name=$1 url=$2 sha=$3 file=$4 tmp err rc=0
  have curl || { FETCH_WHY="curl is not installed"; return 1; }
  tmp=$(mktemp "$SOURCES/.$name.XXXXXX.part" 2>/dev/null) || die "disk full or not writable: $SOURCES"
  FETCH_PARTS=("$tmp")
  # curl's messages outside $SOURCES: they must survive a full disk there.
  err=$(mktemp) || { fetch_done; die "cannot create a temporary file in ${TMPDIR:-/tmp}"; }
  FETCH_PARTS+=("$err")
  msg "  fetch $name: $url"
  # A server that stalls after connecting is given up on too.
  fetch_bg curl -fsSL --connect-timeout "$CONNECT_TIMEOUT" --speed-limit 1024 --speed-time 60 \
    -o "$tmp" "$url" 2>"$err" || rc=$?
  if [ "$rc" -ne 0 ]; then
    FETCH_WHY=$(curl_why "$rc" "$err" "$url")
    fetch_done
    [ "$rc" != 23 ] || die "$name: $FETCH_WHY"
    return 1
  fi
  if [ "$sha" = unverified ]; then
    # A server that closes early without a length gives curl no error.
    if ! archive_complete "$tmp" "$file"; then
      FETCH_WHY="truncated or corrupt download (${file##*/} fails its archive check)"
      fetch_done
      return 1
    fi
    warn "$name: no published hash for ${file##*/}; using it UNVERIFIED"
  elif ! verify_file "$tmp" "$sha" "$file"; then
    fetch_done
    die "$name: $FETCH_WHY"
  fi
  mv -f "$tmp" "$file" || { fetch_done; die "disk full or not writable: $SOURCES"; }
  fetch_done
  [ "$sha" != unverified ] || record_hash "$file"
}

# record_hash FILE: FILE.sha256, the hash of a file no published hash vouches
# for, taken once it was known whole. Written whole or not at all (a cut one
# would condemn the file); without it the file is checked again next time.
record_hash() {
  local sum
  sum=$(sha256_of "$1") || return 0
  if ! { printf '%s\n' "$sum" >"$1.sha256.tmp" && mv -f "$1.sha256.tmp" "$1.sha256"; } 2>/dev/null; then
    rm -f "$1.sha256.tmp"
  fi
}

# debian_mirror: DEBIAN_MIRROR, else the first Debian archive in the host's apt
# sources (security and ports archives hold no source packages we need).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then printf '%s\n' "$DEBIAN_MIRROR"; return; fi
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    grep -Eo '(https?|file)://[^[:space:]]+/debian/?([[:space:]]|$)' "$f" | head -n1 |
      sed 's#[[:space:]]*$##; s#/*$##' | grep . && return
  done
  return 1
}

# apt_private_opts DIR [OPTION...]: apt's options (APT_PRIVATE) for our own
# sources list and state in DIR (APT_PRIVATE_DIR; CACHE/apt is the Debian
# source fallback's), so the host's apt configuration is never edited;
# OPTIONs (-o NAME=VALUE) are added.
apt_private_opts() {
  APT_PRIVATE_DIR=$1
  local d=$1
  APT_PRIVATE=(-q -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::status=/dev/null
    -o APT::Sandbox::User=root "${@:2}")
}

# apt_private [apt-get|apt-cache] ARGS...: apt with the private state (the
# last apt_private_opts', else the Debian fallback's).
apt_private() {
  local tool=apt-get
  case $1 in apt-get|apt-cache) tool=$1; shift ;; esac
  [ -n "${APT_PRIVATE_DIR:-}" ] || apt_private_opts "$CACHE/apt"
  "$tool" "${APT_PRIVATE[@]}" "$@"
}

# apt_why LOG DIR MIRROR: the cause of an apt failure in LOG, in a few words
# (DIR: where apt was writing).
apt_why() {
  local line
  # apt names the failed item on an Err: line, the cause on the next one.
  line=$(awk '/^Err:/ { getline; sub(/^[[:space:]]+/, ""); print; exit }' "$1")
  [ -n "$line" ] || line=$(grep -m1 -E '^E: ' "$1" | sed 's/^E: //') || true
  case $line in
    *'No space left'*) printf 'disk full or not writable: %s\n' "$2" ;;
    *connect*|*resolv*|*unreachable*|*'No route'*|*'timed out'*)
      printf 'cannot reach %s (%s)\n' "$(url_host "$3")" "$line" ;;
    *) printf '%s\n' "${line:-apt-get failed without a message}" ;;
  esac
}

# source_line_url LINE: the archive URL of a one-line apt source.
source_line_url() { sed 's/^deb\(-src\)\{0,1\} *\(\[[^]]*\] *\)\{0,1\}//; s/ .*//' <<<"$1"; }

# apt_private_setup SUITE [CONTEXT]: the private Debian source list for
# SUITE, updated unless a successful update of this very list is less than a
# day old. Dies with one line (after CONTEXT) naming the cause.
apt_private_setup() {
  local suite=$1 ctx=${2:+$2; } mirror
  mirror=$(debian_mirror) ||
    die "${ctx}no Debian mirror in the host's apt sources; set DEBIAN_MIRROR=<Debian archive URL>"
  # Name Debian's key explicitly: on an Ubuntu host apt would not trust it.
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg opts=''
  [ -r "$keyring" ] && opts="[signed-by=$keyring] "
  apt_private_opts "$CACHE/apt"
  apt_private_update reuse "$ctx" "Debian source list ($mirror $suite)" "deb-src $opts$mirror $suite main"
}

# apt_private_update reuse|fresh CONTEXT WHAT LINE...: the private state of
# apt_private_opts with the source LINEs, updated unless (reuse) a
# successful update of these very lines is less than a day old;
# APT_PRIVATE_UPDATED says whether it was. Dies with one line (after
# CONTEXT, "" or ending in "; ") naming WHAT and the cause.
apt_private_update() {
  local mode=$1 ctx=$2 what=$3 d=$APT_PRIVATE_DIR want log fd rc=0; shift 3
  want=$(printf '%s\n' "$@")
  APT_PRIVATE_UPDATED=0
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial" 2>/dev/null || die "${ctx}disk full or not writable: $d"
  # Builds sharing the cache update the lists one at a time.
  lock_open "$d/.lock" "$what"
  fd=$LOCK_FD
  # .updated holds the list it was a successful update of: apt exits 0 when
  # an index could not be fetched, so success is checked, not assumed.
  if [ "$mode" = reuse ] && [ "$(cat "$d/lists/.updated" 2>/dev/null)" = "$want" ] &&
     [ -n "$(find "$d/lists/.updated" -mtime -1 2>/dev/null)" ]; then
    exec {fd}>&-
    return 0
  fi
  rm -f "$d/lists/.updated"
  log=$(mktemp) || die "${ctx}cannot create a temporary file in ${TMPDIR:-/tmp}"
  FETCH_PARTS=("$log")
  printf '%s\n' "$want" >"$d/sources.list" 2>/dev/null || { fetch_done; die "${ctx}disk full or not writable: $d"; }
  # Error-Mode=any (apt >= 2.3): a failed index is an error, not a warning.
  fetch_bg apt-get "${APT_PRIVATE[@]}" -o APT::Update::Error-Mode=any update >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || grep -qE '^(Err:|E: |W: Failed to fetch|W: Some index files failed)' "$log"; then
    local why
    why=$(apt_why "$log" "$d" "$(source_line_url "$1")")
    # apt leaves its partial downloads; nothing of a failed update may stay.
    rm -rf "$d/lists/partial"/*
    fetch_done
    die "${ctx}apt-get update of the private $what failed: $why"
  fi
  fetch_done
  # shellcheck disable=SC2034 # for the callers
  APT_PRIVATE_UPDATED=1
  if ! { printf '%s\n' "$want" >"$d/lists/.updated.tmp" && mv -f "$d/lists/.updated.tmp" "$d/lists/.updated"; }; then
    rm -f "$d/lists/.updated.tmp"
    warn "could not mark the private apt lists in $d fresh: the next run updates them again"
  fi
  exec {fd}>&-
}

# fetch_debian NAME WHY: the orig tarball through `apt-get source
# --download-only` (WHY: why upstream failed, for the error lines).
fetch_debian() {
  local name=$1 ctx="$1: upstream: $2" pkg ver suite orig sha dl log
  pkg=$(manifest_get "$name" deb_package)
  ver=$(manifest_get "$name" deb_version)
  suite=$(manifest_get "$name" deb_suite)
  orig=$(manifest_get "$name" deb_orig)
  sha=$(manifest_get "$name" deb_sha256)
  have apt-get || die "$ctx; and no apt-get for the Debian fallback"
  apt_private_setup "$suite" "$ctx"
  msg "  fetch $name: Debian source package $pkg=$ver"
  dl=$(mktemp -d "$SOURCES/.$name.XXXXXX.apt" 2>/dev/null) || die "$name: disk full or not writable: $SOURCES"
  FETCH_PARTS=("$dl")
  log=$(mktemp) || { fetch_done; die "cannot create a temporary file in ${TMPDIR:-/tmp}"; }
  FETCH_PARTS+=("$log")
  apt_private_opts "$CACHE/apt"
  # Only the orig tarball is needed: a missing .debian.tar is not an error.
  fetch_bg env -C "$dl" apt-get "${APT_PRIVATE[@]}" source --download-only "$pkg=$ver" >"$log" 2>&1 || true
  if [ ! -f "$dl/$orig" ]; then
    local why
    why=$(apt_why "$log" "$SOURCES" "$(debian_mirror)")
    rm -rf "$dl"
    case $why in disk\ full*) fetch_done; die "$name: $why" ;; esac
    debian_gone "$name" "$pkg" "$ver" "$why" "$ctx"
  fi
  verify_file "$dl/$orig" "$sha" "$SOURCES/$orig" || { fetch_done; die "$name: $FETCH_WHY"; }
  mv -f "$dl/$orig" "$SOURCES/$orig" || { fetch_done; die "$name: disk full or not writable: $SOURCES"; }
  fetch_done
}

# debian_gone NAME PKG VER WHY CONTEXT: the archive keeps current versions
# only; name what it has now. When the archive still lists the version, the
# download itself failed (WHY).
debian_gone() {
  local name=$1 pkg=$2 ver=$3 why=$4 ctx=$5 versions now
  fetch_done
  versions=$(apt_private apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -V) || true
  [ -n "$versions" ] || die "$ctx; Debian source package $pkg not found in the archive"
  if grep -qxF -- "$ver" <<<"$versions"; then
    die "$ctx; downloading Debian's $pkg $ver failed: $why"
  fi
  now=$(tail -n1 <<<"$versions")
  die "$name: Debian no longer has $pkg $ver (it has $now); re-pin with: scripts/repin-debian.sh $name $now"
}

# source_cached NAME FILE SHA256: FILE is in $SOURCES and good. A file with no
# published hash is checked against the hash recorded when it was fetched
# whole (FILE.sha256); one fetched before that record existed is checked as
# an archive once, and moved aside (FILE.bad) when truncated.
source_cached() {
  local name=$1 file=$2 sha=$3
  [ -f "$file" ] || return 1
  if [ "$sha" = unverified ]; then
    sha=$(cat "$file.sha256" 2>/dev/null) || true
    if ! [[ $sha =~ ^[0-9a-f]{64}$ ]]; then
      if archive_complete "$file" "$file"; then record_hash "$file"; return 0; fi
      mv -f "$file" "$file.bad"
      warn "$name: ${file##*/} in the source cache is truncated; moved to $file.bad"
      return 1
    fi
  fi
  verify_file "$file" "$sha" || die "$FETCH_WHY"
}

# source_tarball NAME: make sure a verified tarball for NAME is in $SOURCES,
# fetching it if needed. Sets SRC_TARBALL and SRC_ORIGIN (upstream|debian).
source_tarball() {
  local name=$1 url sha up deb deb_sha
  manifest_check
  url=$(manifest_get "$name" url)
  sha=$(manifest_get "$name" sha256)
  deb_sha=$(manifest_get "$name" deb_sha256)
  up="$SOURCES/${url##*/}"
  deb="$SOURCES/$(manifest_get "$name" deb_orig)"
  source_tarball_cached && return
  [ "$OFFLINE" = 1 ] && die "$name: not in the source cache $SOURCES and --offline was given"
  mkdir -p "$SOURCES" 2>/dev/null || die "disk full or not writable: $SOURCES"
  lock_open "$SOURCES/.lock-$name" "$name"
  SOURCE_LOCK_FD=$LOCK_FD
  # Another build may have fetched it while this one waited for the lock.
  if ! source_tarball_cached; then
    if fetch_upstream "$name" "$url" "$sha" "$up"; then
      SRC_TARBALL=$up SRC_ORIGIN=upstream
    else
      msg "  $name: upstream failed: $FETCH_WHY"
      fetch_debian "$name" "$FETCH_WHY"
      SRC_TARBALL=$deb SRC_ORIGIN=debian
    fi
  fi
  exec {SOURCE_LOCK_FD}>&-
  SOURCE_LOCK_FD=''
}

# source_tarball_cached: source_tarball's check of the cache (its locals).
# shellcheck disable=SC2034 # SRC_*: for source_tarball's callers
source_tarball_cached() {
  SRC_TARBALL=$up SRC_ORIGIN=upstream
  source_cached "$name" "$up" "$sha" && return
  SRC_TARBALL=$deb SRC_ORIGIN=debian
  source_cached "$name" "$deb" "$deb_sha"
}
