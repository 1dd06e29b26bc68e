#!/usr/bin/env bash
# tests/helpers/ubuntu-archive.sh: a local stand-in for Ubuntu focal's
# archives, for tests/full/focal-simulated.sh. Ubuntu keeps amd64 (and i386)
# in one archive and every other architecture in a separate "ports" archive;
# this lays out the same two in DIR/www (ubuntu/ and ubuntu-ports/), with
# the suites focal, focal-updates and focal-security and the components main
# and universe, signed with a throw-away key (DIR/test-keyring.gpg). The
# packages are Debian bullseye's (the same glibc 2.31 and libssl1.1 as
# focal), from the Debian archive named in the host's apt sources (or
# DEBIAN_MIRROR), main and contrib; all of them go to focal's main, and the
# other suites and universe are empty but valid.
#
#   ubuntu-archive.sh [--variant=VARIANT] DIR ARCHES PACKAGES...
#       adds to DIR what an mmdebstrap root of VARIANT (extract, essential,
#       minbase, buildd; default buildd) for ARCHES (comma-separated, the
#       first native) with PACKAGES (comma- or space-separated, NAME[:ARCH])
#       needs, and (re)publishes the archives. The .debs are kept in
#       DIR/debs; a request made before downloads nothing.
#   ubuntu-archive.sh stand-in DIR NAME DEBIAN-VERSION VERSION
#       adds Debian's NAME DEBIAN-VERSION (an Architecture: all package of
#       main or contrib) to DIR under focal's VERSION, where Debian never had
#       that version (the dkms packages an Ubuntu kernel tree pins: focal's
#       zfs-dkms 0.8.3-1ubuntu12.18 is stood in for by bullseye's 2.0.3-9+deb11u1,
#       from contrib): the package is unpacked (dpkg-deb -R), its Version set
#       to VERSION, a field "X-Crossboot-Stand-In: Debian NAME DEBIAN-VERSION"
#       added so that nobody takes it for the real one, and it is packed
#       again (dpkg-deb -b) as DIR/debs/NAME_VERSION_all.deb; then the
#       archives are (re)published. Its payload is Debian's, not Ubuntu's:
#       what builds from it says nothing about the real VERSION. Needs apt-get
#       and dpkg-deb, not root; the download goes through a private apt state
#       (DIR/stand-in-apt), checked against Debian's signed index.
#   ubuntu-archive.sh tools-common DIR TREE
#       adds to DIR a stand-in for focal's linux-tools-common (Debian has no
#       such package), built from the Ubuntu kernel TREE as its rules'
#       install-tools lays the package out: debian/tools/generic as the
#       wrappers /usr/bin/{perf,cpupower,usbip,usbipd,x86_energy_perf_policy,
#       turbostat} and /usr/sbin/bpftool (no man pages), Depends: lsb-release,
#       under the version of TREE's debian.master/changelog, marked
#       X-Crossboot-Stand-In. It says "Replaces: linux-base", which focal's
#       does not: this archive's linux-base is Debian's, which has a
#       /usr/bin/perf of its own (focal's has not). Then the archives are
#       (re)published; prints the version. Needs dpkg-deb, not root.
#   ubuntu-archive.sh publish DIR
#       (re)publishes DIR/debs as they are (a test that puts packages of its
#       own there).
#   ubuntu-archive.sh serve DIR [LOG [PORT]]
#       serves DIR/www on 127.0.0.1, on PORT (default: a free one the kernel
#       picks; a PORT in use is an error); prints "PORT PID". The
#       request log goes to LOG (default DIR/server.log). The archives are
#       then http://127.0.0.1:PORT/ubuntu and http://127.0.0.1:PORT/ubuntu-ports.
#   ubuntu-archive.sh stop PID
#       stops a server that serve started.
#   ubuntu-archive.sh keyring DIR
#       only the signing key: DIR/test-keyring.gpg (a second one, elsewhere,
#       is the "another key" of a signature check's control).
#
# Building needs root (mmdebstrap's root mode), mmdebstrap, apt-ftparchive
# (apt-utils) and gpg; serving needs python3.
set -euo pipefail

# The stand-in distribution (what the packages are) and the one simulated
# (what the archives say they are).
STANDIN_SUITES="bullseye bullseye-updates"
STANDIN_COMPONENTS="main contrib"
STANDIN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
SUITES="focal focal-updates focal-security"
COMPONENTS="main universe"
# Ubuntu's main archive has these architectures; the ports archive the rest.
MAIN_ARCHES="amd64 i386"

die() { printf 'ubuntu-archive: error: %s\n' "$*" >&2; exit 1; }
msg() { printf 'ubuntu-archive: %s\n' "$*" >&2; }
usage() { sed -n '/^#   ubuntu-archive.sh/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# debian_mirror: DEBIAN_MIRROR, else the first Debian archive in the host's apt
# sources (one-line or deb822).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then printf '%s\n' "${DEBIAN_MIRROR%/}"; return; fi
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    grep -Eo 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' "$f" | head -n 1 |
      sed 's#[[:space:]]*$##; s#/*$##' | grep . && return
  done
  die "no Debian archive in the host's apt sources; set DEBIAN_MIRROR"
}

# --- the signing key -----------------------------------------------------------

# ensure_key DIR: a throw-away signing key in DIR/gnupg (no passphrase) and
# its public half as the keyring apt is given, DIR/test-keyring.gpg.
ensure_key() {
  local dir=$1
  export GNUPGHOME="$dir/gnupg"
  if [ ! -s "$dir/test-keyring.gpg" ]; then
    rm -rf "$GNUPGHOME"
    mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
    # ed25519: generated at once (no entropy wait); gpgv has verified it for years.
    gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
      --quick-gen-key "crossboot test archive (throw-away) <test-archive@crossboot.invalid>" ed25519 sign never
    gpg --batch --export >"$dir/test-keyring.gpg.new"
    mv "$dir/test-keyring.gpg.new" "$dir/test-keyring.gpg"
  fi
  KEY_FPR=$(gpg --batch --quiet --no-auto-check-trustdb --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
  [ -n "$KEY_FPR" ] || die "no secret key in $GNUPGHOME (remove $dir/test-keyring.gpg to make a new one)"
}

# stop_agent: the gpg-agent gpg started for DIR/gnupg (and only that one).
stop_agent() { if [ -n "${GNUPGHOME:-}" ]; then gpgconf --kill gpg-agent 2>/dev/null || true; fi; }

# sign RELEASE: InRelease and Release.gpg beside it, as apt looks for them.
sign() {
  local rel=$1 d=${1%/*} opts=(--batch --yes --quiet --pinentry-mode loopback --passphrase ''
    --local-user "$KEY_FPR" --digest-algo SHA512)
  gpg "${opts[@]}" --clearsign -o "$d/InRelease" "$rel"
  gpg "${opts[@]}" --armor --detach-sign -o "$d/Release.gpg" "$rel"
}

# --- downloading from the stand-in ---------------------------------------------

# narrow ARCH PATTERN: PATTERN among the first stand-in suite's packages for
# ARCH, as mmdebstrap narrows its Essential and priority selections.
narrow() {
  local s=${STANDIN_SUITES%% *}
  printf '?narrow(?or(?archive(^%s$),?codename(^%s$)),?architecture(%s),%s)' "$s" "$s" "$1" "$2"
}

# download DIR VARIANT ARCHES PACKAGES: the .debs a root of VARIANT needs, into
# DIR/debs. Only downloaded, never installed: mmdebstrap --variant=extract runs
# nothing of the target. For the variants that install the Essential set first
# (with dpkg) and the rest with apt on top, it is two apt runs as there: the
# Essential set alone (mmdebstrap's own download), then, in a hook with
# mmdebstrap's apt configuration, the Essential set followed by the rest, so
# that apt resolves the rest's alternatives with the Essential set marked,
# as on top of an installed one.
download() {
  local dir=$1 variant=$2 arches=$3 pkgs=$4 native=${3%%,*} mirror suite include rest=() lines=() debs q
  mirror=$(debian_mirror)
  for suite in $STANDIN_SUITES; do lines+=("deb [signed-by=$STANDIN_KEYRING] $mirror $suite $STANDIN_COMPONENTS"); done
  case $variant in
    extract) include=$pkgs ;;
    essential|minbase|required|buildd)
      include=$(narrow "$native" '?essential')
      rest=("$include")
      case $variant in essential) ;; *) rest+=("$(narrow "$native" '?and(?priority(required),?not(?essential))')") ;; esac
      [ "$variant" != buildd ] || rest+=(build-essential)
      # shellcheck disable=SC2206 # a list of package names
      rest+=(${pkgs//,/ }) ;;
    *) die "unknown variant $variant (extract, essential, minbase, buildd)" ;;
  esac
  debs="$dir/debs"
  mkdir -p "$debs"
  q=$(printf '%q' "$debs")
  local hooks=(--setup-hook="mkdir -p \"\$1/var/cache/apt/archives\"" --setup-hook="sync-in $q /var/cache/apt/archives/")
  if [ ${#rest[@]} -gt 0 ]; then
    # In the hook's environment; set -f: the patterns are not file names.
    export UBUNTU_ARCHIVE_REST="${rest[*]}"
    # shellcheck disable=SC2016 # expanded by the hook's shell
    hooks+=(--extract-hook='set -f; APT_CONFIG="$MMDEBSTRAP_APT_CONFIG" apt-get --yes --quiet --download-only install $UBUNTU_ARCHIVE_REST')
  fi
  hooks+=(--extract-hook="sync-out /var/cache/apt/archives $q")
  mmdebstrap --variant=extract --architectures="$arches" --keyring="$STANDIN_KEYRING" \
    --aptopt='Acquire::Retries "3"' --include="$include" "${hooks[@]}" \
    "${STANDIN_SUITES%% *}" /dev/null "${lines[@]}"
  rm -f "$debs/lock"; rm -rf "$debs/partial"
}

# --- stand-ins under other versions ----------------------------------------------

# standin_apt DIR ARG...: apt-get with a private state in DIR for the
# stand-in suites (main and contrib), the host's architecture: its index
# lists every Architecture: all package.
standin_apt() {
  local d=$1; shift
  apt-get -q -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$d/lists" \
    -o Dir::Cache="$d/cache" -o Dir::State::status=/dev/null -o APT::Sandbox::User=root -o Acquire::Languages=none "$@"
}

# relabel DEB OUT VERSION NOTE: DEB as OUT with Version: VERSION and
# X-Crossboot-Stand-In: NOTE; the files are DEB's.
relabel() {
  local deb=$1 out=$2 ver=$3 note=$4 x
  x=$(mktemp -d)
  dpkg-deb -R "$deb" "$x/p"
  sed -i "s/^Version: .*/Version: $ver/" "$x/p/DEBIAN/control"
  printf 'X-Crossboot-Stand-In: %s\n' "$note" >>"$x/p/DEBIAN/control"
  dpkg-deb --root-owner-group -b "$x/p" "$out.tmp" >/dev/null
  rm -rf "$x"
  mv "$out.tmp" "$out"
}

# stand_in DIR NAME DEBIAN-VERSION VERSION: the command (see the header).
stand_in() {
  local dir=$1 name=$2 dver=$3 ver=$4 d mirror suite out deb t
  out="$dir/debs/${name}_${ver}_all.deb"
  if [ -e "$out" ]; then msg "$name $ver (Debian's $dver) is in $dir already"; publish_changed "$dir"; return; fi
  for t in apt-get:apt dpkg-deb:dpkg; do
    command -v "${t%%:*}" >/dev/null || die "${t%%:*} is missing (apt-get install ${t#*:})"
  done
  d="$dir/stand-in-apt"
  mkdir -p "$d/lists/partial" "$d/cache" "$dir/debs"
  mirror=$(debian_mirror)
  for suite in $STANDIN_SUITES; do printf 'deb [signed-by=%s] %s %s %s\n' "$STANDIN_KEYRING" "$mirror" "$suite" "$STANDIN_COMPONENTS"; done >"$d/sources.list"
  standin_apt "$d" update >"$d/update.log" 2>&1 || die "apt-get update of the stand-in suites failed: $(tail -n 1 "$d/update.log")"
  rm -f "$d"/*.deb
  (cd "$d" && standin_apt "$d" download "$name=$dver") >"$d/download.log" 2>&1 ||
    die "Debian ${STANDIN_SUITES%% *} has no $name $dver: $(grep -m1 '^E: ' "$d/download.log")"
  deb=$(find "$d" -maxdepth 1 -name "${name}_*_all.deb" -print -quit)
  [ -n "$deb" ] || die "apt-get download $name=$dver left no ${name}_*_all.deb (not Architecture: all?)"
  relabel "$deb" "$out" "$ver" "Debian $name $dver"
  rm -f "$deb" "$dir/www/.published"
  msg "$name $ver: Debian's $name $dver relabelled ($out)"
  publish_changed "$dir"
}

# tools_common DIR TREE: the command (see the header).
tools_common() {
  local dir=$1 tree=$2 ver out x f
  [ -f "$tree/debian/tools/generic" ] || die "$tree has no debian/tools/generic (not an Ubuntu kernel tree)"
  ver=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$tree/debian.master/changelog" 2>/dev/null)
  [ -n "$ver" ] || die "no version on the first line of $tree/debian.master/changelog"
  out="$dir/debs/linux-tools-common_${ver}_all.deb"
  if [ -e "$out" ]; then msg "linux-tools-common $ver is in $dir already"; publish_changed "$dir"; echo "$ver"; return; fi
  x=$(mktemp -d)
  mkdir -p "$x/p/DEBIAN" "$x/p/usr/bin" "$x/p/usr/sbin" "$dir/debs"
  for f in usr/bin/perf usr/bin/cpupower usr/bin/usbip usr/bin/usbipd usr/bin/x86_energy_perf_policy \
    usr/bin/turbostat usr/sbin/bpftool; do
    install -m 755 "$tree/debian/tools/generic" "$x/p/$f"
  done
  cat >"$x/p/DEBIAN/control" <<EOC
Package: linux-tools-common
Version: $ver
Architecture: all
Multi-Arch: foreign
Section: kernel
Priority: optional
Maintainer: crossboot tests <root@localhost>
Depends: lsb-release
Replaces: linux-base
Description: Linux kernel version specific tools for version ${ver%%-*}
 A stand-in for Ubuntu's, made by tests/helpers/ubuntu-archive.sh.
X-Crossboot-Stand-In: the tree's debian/tools/generic as install-tools lays it out
EOC
  dpkg-deb --root-owner-group -b "$x/p" "$out.tmp" >/dev/null
  rm -rf "$x"
  mv "$out.tmp" "$out"
  rm -f "$dir/www/.published"
  msg "linux-tools-common $ver: built from $tree ($out)"
  publish_changed "$dir"
  echo "$ver"
}

# --- publishing ---------------------------------------------------------------

# pool DEBS WWW: every .deb in DEBS linked into the pool of the archive of its
# architecture (arch all: both), under Debian's name, NAME_VERSION_ARCH.deb
# without the epoch; prints each archive's architectures, "ARCHIVE ARCH" a
# line. The fields come from apt's cache names, NAME_VERSION_ARCH.deb with the
# epoch's colon as %3a (dpkg-deb on every file would take minutes).
pool() {
  local debs=$1 www=$2 deb f name ver arch archive archives p
  for deb in "$debs"/*.deb; do
    [ -e "$deb" ] || die "no packages in $debs"
    f=${deb##*/}
    [[ $f =~ ^([^_]+)_([^_]+)_([^_]+)\.deb$ ]] || die "not an apt cache name: $deb"
    name=${BASH_REMATCH[1]} ver=${BASH_REMATCH[2]#*%3a} arch=${BASH_REMATCH[3]}
    if [ "$arch" = all ]; then archives="ubuntu ubuntu-ports"
    elif [[ " $MAIN_ARCHES " == *" $arch "* ]]; then archives=ubuntu
    else archives=ubuntu-ports; fi
    # Debian's pool prefixes: lib packages by four letters, the rest by one.
    case $name in lib?*) p=${name:0:4} ;; *) p=${name:0:1} ;; esac
    for archive in $archives; do
      mkdir -p "$www/$archive/pool/main/$p/$name"
      ln -f "$deb" "$www/$archive/pool/main/$p/$name/${name}_${ver}_$arch.deb" 2>/dev/null ||
        cp "$deb" "$www/$archive/pool/main/$p/$name/${name}_${ver}_$arch.deb"
      [ "$arch" = all ] || echo "$archive $arch"
    done
  done | sort -u
}

# index ARCHIVE_DIR ARCHES: Packages for each suite, component and
# architecture (focal's main has the pool, the rest is empty), a Release per
# suite with what apt checks (Suite, Codename, Architectures, Components,
# hashes), signed.
index() {
  local top=$1 arches=$2 suite comp arch d
  for suite in $SUITES; do
    for comp in $COMPONENTS; do
      for arch in $arches; do
        d="$top/dists/$suite/$comp/binary-$arch"
        mkdir -p "$d"
        if [ "$suite" = "${SUITES%% *}" ] && [ "$comp" = main ]; then
          (cd "$top" && apt-ftparchive --arch "$arch" packages pool/main) >"$d/Packages"
        else
          : >"$d/Packages"
        fi
        gzip -9nc "$d/Packages" >"$d/Packages.gz"
        xz -c "$d/Packages" >"$d/Packages.xz"
      done
    done
    # Ubuntu's pockets: Suite focal-updates, Codename focal.
    apt-ftparchive \
      -o APT::FTPArchive::Release::Origin=Ubuntu -o APT::FTPArchive::Release::Label=Ubuntu \
      -o APT::FTPArchive::Release::Suite="$suite" -o APT::FTPArchive::Release::Codename="${SUITES%% *}" \
      -o APT::FTPArchive::Release::Version=20.04 \
      -o APT::FTPArchive::Release::Architectures="$arches" \
      -o APT::FTPArchive::Release::Components="$COMPONENTS" \
      -o APT::FTPArchive::Release::Description="Ubuntu Focal 20.04 (simulated: Debian bullseye's packages, crossboot's tests)" \
      release "$top/dists/$suite" >"$top/dists/$suite/Release.new"
    mv "$top/dists/$suite/Release.new" "$top/dists/$suite/Release"
    sign "$top/dists/$suite/Release"
  done
}

# publish DIR: DIR/www made anew from DIR/debs, then swapped in whole, so a
# server never shows half an archive.
publish() {
  local dir=$1 www="$1/www.tmp" archive arches
  rm -rf "$www"
  mkdir -p "$www"
  pool "$dir/debs" "$www" >"$dir/arches"
  for archive in ubuntu ubuntu-ports; do
    arches=$(awk -v a="$archive" '$1 == a { printf "%s%s", s, $2; s = " " }' "$dir/arches")
    # An archive with no packages of its own still gets its usual one.
    [ -n "$arches" ] || { if [ "$archive" = ubuntu ]; then arches=amd64; else arches=arm64; fi; }
    mkdir -p "$www/$archive/pool/main"
    index "$www/$archive" "$arches"
  done
  rm -rf "$dir/www.old"
  if [ -e "$dir/www" ]; then mv -T "$dir/www" "$dir/www.old"; fi
  mv -T "$www" "$dir/www"
  rm -rf "$dir/www.old" "$dir/arches"
}

# --- commands ------------------------------------------------------------------

# build [--variant=V] DIR ARCHES PACKAGES...
build() {
  local variant=buildd dir arches pkgs key stamp start=$SECONDS
  case ${1:-} in --variant=*) variant=${1#--variant=}; shift ;; esac
  [ $# -ge 3 ] || usage
  dir=$1 arches=$2; shift 2
  pkgs=$(printf '%s\n' "$@" | tr -s ', ' '\n' | sed '/^$/d' | LC_ALL=C sort -u | paste -sd, -)
  [ "$(id -u)" = 0 ] || die "building needs root (mmdebstrap's root mode)"
  local t
  for t in mmdebstrap:mmdebstrap apt-ftparchive:apt-utils gpg:gpg dpkg-deb:dpkg xz:xz-utils; do
    command -v "${t%%:*}" >/dev/null || die "${t%%:*} is missing (apt-get install ${t#*:})"
  done
  mkdir -p "$dir/requests"
  dir=$(cd "$dir" && pwd)
  # One builder at a time per archive.
  exec 8>"$dir/.lock"
  flock 8
  key=$(printf '%s\n' "$variant" "$arches" "$pkgs" "$STANDIN_SUITES" | sha256sum | cut -c1-16)
  stamp="$dir/requests/$key"
  if [ ! -e "$stamp" ]; then
    msg "downloading from Debian ${STANDIN_SUITES%% *} what a root of variant $variant for $arches needs"
    download "$dir" "$variant" "$arches" "$pkgs"
    printf 'variant=%s arches=%s packages=%s\n' "$variant" "$arches" "$pkgs" >"$stamp"
    rm -f "$dir/www/.published"
  fi
  publish_changed "$dir"
  msg "$(find "$dir/www/ubuntu/pool" -name '*.deb' | wc -l) packages in ubuntu, $(find "$dir/www/ubuntu-ports/pool" -name '*.deb' | wc -l) in ubuntu-ports ($((SECONDS - start))s): $dir/www"
}

# publish_changed DIR [force]: DIR/www published again if the packages or
# the key changed since it last was, or when forced (DIR is locked).
publish_changed() {
  local dir=$1
  [ "${2:-}" != force ] || rm -f "$dir/www/.published"
  trap stop_agent EXIT
  ensure_key "$dir"
  if [ ! -e "$dir/www/.published" ] || [ "$dir/test-keyring.gpg" -nt "$dir/www/.published" ]; then
    publish "$dir"
    touch "$dir/www/.published"
  fi
}

# locked COMMAND DIR ARG...: COMMAND DIR ARG... with DIR (made absolute)
# locked: one builder at a time per archive.
locked() {
  local cmd=$1 dir=$2; shift 2
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  exec 8>"$dir/.lock"
  flock 8
  "$cmd" "$dir" "$@"
}

# serve DIR [LOG [PORT]]: python's http.server on 127.0.0.1, on PORT or port 0
# (the kernel picks a free one, which the server prints); prints "PORT PID".
serve() {
  local dir=${1:?usage: serve DIR [LOG [PORT]]} log want=${3:-0} pid port i
  [ -d "$dir/www/ubuntu" ] || die "no archive in $dir (build it first)"
  command -v python3 >/dev/null || die "python3 is missing"
  if ! [[ $want =~ ^[0-9]{1,5}$ ]] || [ "$want" -gt 65535 ]; then die "not a port number: $want"; fi
  log=${2:-$dir/server.log}
  : >"$log"
  # -u: the "Serving HTTP on ... port N" line is not left in a buffer. Not
  # detached (no setsid): it goes with the caller's process group.
  python3 -u -m http.server --bind 127.0.0.1 --directory "$dir/www" "$want" </dev/null >>"$log" 2>&1 &
  pid=$!
  for i in $(seq 1 100); do
    port=$(sed -n 's/^Serving HTTP on 127\.0\.0\.1 port \([0-9]*\) .*/\1/p' "$log")
    [ -z "$port" ] || break
    if ! kill -0 "$pid" 2>/dev/null; then
      grep -q 'Address already in use' "$log" && die "port $want on 127.0.0.1 is in use (another server? choose another port)"
      die "the server did not start: $(tail -n 5 "$log")"
    fi
    [ "$i" -lt 100 ] || { kill "$pid"; die "the server did not say its port in 20s"; }
    sleep 0.2
  done
  printf '%s %s\n' "$port" "$pid"
}

# stop PID: only a process that is an http.server.
stop() {
  local pid=${1:?usage: stop PID} i
  [[ $pid =~ ^[0-9]+$ ]] || die "not a process id: $pid"
  if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'http\.server'; then return 0; fi
  kill "$pid"
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

case ${1:-} in
  stand-in) shift; [ $# = 4 ] || usage; locked stand_in "$@" ;;
  tools-common) shift; [ $# = 2 ] || usage; locked tools_common "$@" ;;
  publish) shift; [ $# = 1 ] || usage; locked publish_changed "$1" force ;;
  serve) shift; serve "$@" ;;
  stop) shift; stop "$@" ;;
  keyring) shift; [ $# = 1 ] || usage; mkdir -p "$1"; trap stop_agent EXIT; ensure_key "$1" ;;
  ''|-h|--help) usage ;;
  *) build "$@" ;;
esac
