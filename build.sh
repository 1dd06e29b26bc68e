#!/usr/bin/env bash
# build.sh: builds a relocatable cross toolchain in cached, resumable stages.
# The build logic lives in stages/*.sh; this file is the engine: arguments,
# host checks, cache keys, running stages, progress and error reports.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=scripts/host-packages.sh
. "$TOP/scripts/host-packages.sh"

# Bumped when the engine changes what a stage's result means.
ENGINE_FORMAT=1

usage() {
  cat <<EOF
usage: ./build.sh [options] TARGET [STAGE]
Builds STAGE and the stages it needs for TARGET (default: canadian-package, the
static toolchain tarball; "all": every stage).

  --list-targets     print the known targets
  --list-distros     print the known target distributions (scripts/distros/)
  --distro NAME      target distribution of the glibc stages (default: focal, or
                     \$CROSSBOOT_DISTRO); NAME may also be a profile file's path
  --list-stages      print the stages in build order
  --rebuild STAGE    rebuild STAGE (and what depends on it) even if cached
  --jobs N           parallel jobs (default: all cores, $(nproc))
  --cache DIR        stage and source cache (default: $CACHE)
  --fetch-only       download and verify the sources the stages need, build nothing
  --offline          never download: use only the source cache
  --no-install       do not apt-get install missing host packages, just name them
  -h, --help         this text
Results go to out/TARGET/, logs to out/TARGET/logs/.
EOF
}

list_targets() { find "$TOP/targets" -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort; }
list_distros() { find "$TOP/scripts/distros" -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort; }

# needs_distro: some stage this run builds is made from a distribution's packages.
needs_distro() {
  local s
  for s in $(stages_for "$WANT"); do
    [ "$(stage_var "$s" STAGE_DISTRO)" != 1 ] || return 0
  done
  return 1
}

# load_distro NAME|FILE: the target distribution's profile (DISTRO_* variables).
load_distro() {
  local f=$1
  case $f in */*) ;; *) f="$TOP/scripts/distros/$1" ;; esac
  [ -f "$f" ] || die "unknown distribution '$1' (known: $(list_distros | tr '\n' ' ' | sed 's/ $//'); or a profile file's path)"
  DISTRO_NAME=${f##*/}
  # Optional settings default to empty; the required ones must be there.
  # shellcheck disable=SC2034 # read by scripts/distro.sh and the stages
  DISTRO_MIRROR='' DISTRO_PORTS_MIRROR='' DISTRO_PORTS_ARCHES='' DISTRO_COMPONENTS=main DISTRO_GLIBC=''
  # shellcheck source=/dev/null
  . "$f"
  local v
  for v in DISTRO_SUITES DISTRO_KEYRING DISTRO_KEYRING_PACKAGE; do
    [ -n "${!v:-}" ] || die "distribution profile $f does not set $v"
  done
}
# What `./build.sh TARGET` builds: the product. "all" builds every stage.
default_stage() { printf 'canadian-package'; }

# --- stage metadata ---------------------------------------------------------

stage_file() { printf '%s/stages/%s.sh' "$TOP" "$1"; }

# stage_var STAGE VAR: a variable a stage file declares (STAGE_DEPS, …).
stage_var() {
  local f; f=$(stage_file "$1")
  [ -f "$f" ] || die "unknown stage '$1' (stages: $(list_stages | tr '\n' ' '))"
  # shellcheck disable=SC2034 # defaults for what the stage file may not set
  ( STAGE_DEPS='' STAGE_SOURCES='' STAGE_INPUTS='' STAGE_EXPORT=0 STAGE_DISTRO=0
    # shellcheck source=/dev/null
    . "$f"; eval "printf '%s\n' \"\${$2}\"" )
}

# All stages in an order where each comes after its dependencies.
list_stages() {
  local f s
  for f in "$TOP"/stages/*.sh; do
    s=${f##*/}; s=${s%.sh}
    # shellcheck source=/dev/null
    ( STAGE_DEPS=''; . "$f"; for d in $STAGE_DEPS; do printf '%s %s\n' "$d" "$s"; done
      printf '%s %s\n' "$s" "$s" )
  done | tsort
}

# stages_for STAGE: STAGE and everything it depends on, in build order
# ("all": every stage).
stages_for() {
  if [ "$1" = all ]; then list_stages; return; fi
  local want=" $1 " s d changed=1
  while [ "$changed" = 1 ]; do
    changed=0
    for s in $want; do
      for d in $(stage_var "$s" STAGE_DEPS); do
        case $want in *" $d "*) ;; *) want="$want$d "; changed=1 ;; esac
      done
    done
  done
  list_stages | while read -r s; do case $want in *" $s "*) printf '%s\n' "$s" ;; esac; done
}

# --- cache keys ---------------------------------------------------------------

host_id() {
  local os=unknown
  # shellcheck source=/dev/null
  [ -r /etc/os-release ] && os=$(. /etc/os-release && printf '%s-%s' "${ID:-}" "${VERSION_ID:-}")
  printf 'host %s %s; %s; %s\n' "$(uname -m)" "$os" "$(gcc --version 2>/dev/null | head -n1)" \
    "$(ccache --version 2>/dev/null | head -n1 | grep -o 'ccache' || printf 'no ccache')"
}

# repo_files PATH: the files under PATH that belong to the source tree (in a
# git checkout: tracked or not ignored, so build products left in ccwrap/
# do not count), NUL-separated, sorted.
repo_files() {
  if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$TOP" ls-files -co --exclude-standard -z -- "$1"
  else
    (cd "$TOP" && find "$1" -type f -print0)
  fi | LC_ALL=C sort -z
}

# hash_inputs PATH...: content hash of repository files and directories.
hash_inputs() {
  local p
  for p in "$@"; do
    [ -e "$TOP/$p" ] || die "stage input '$p' does not exist"
    repo_files "$p" | (cd "$TOP" && xargs -0r sha256sum)
  done
}

# key_material STAGE: everything that decides the stage's result. Keys of
# dependencies are included, so a change propagates to dependent stages only.
key_material() {
  local s=$1 d p inputs
  printf 'engine %s\n' "$ENGINE_FORMAT"
  printf 'target %s\n' "$TARGET"; cat "$TOP/targets/$TARGET"
  hash_inputs "stages/$s.sh" scripts/lib.sh
  for p in $(stage_var "$s" STAGE_SOURCES); do
    printf '[%s]\n' "$p"; manifest_block "$p"
    [ ! -d "$PATCH_DIR/$p" ] || hash_inputs "scripts/patches/$p"
  done
  inputs=$(stage_var "$s" STAGE_INPUTS)
  # shellcheck disable=SC2086 # a list of paths without spaces
  [ -z "$inputs" ] || hash_inputs $inputs
  for d in $(stage_var "$s" STAGE_DEPS); do printf 'dep %s %s\n' "$d" "${KEYS[$d]:?}"; done
  # Stages made from a distribution's packages: its profile's effective values.
  if [ "$(stage_var "$s" STAGE_DISTRO)" = 1 ]; then
    printf 'distro %s\n' "$DISTRO_NAME"; (set -o posix; set) | grep '^DISTRO_'
  fi
  host_id
  # Only when set, so that keys stay the same for the default.
  [ -z "${SOURCE_DATE_EPOCH:-}" ] || printf 'epoch %s\n' "$SOURCE_DATE_EPOCH"
}

# compute_keys: the key of every stage this run needs, once, before anything
# is built (inputs edited during a long build do not confuse this run).
declare -A KEYS=()
compute_keys() {
  local s k
  for s in $(stages_for "$WANT"); do
    k=$(key_material "$s" | sha256sum) || die "cannot compute the cache key of stage $s"
    KEYS[$s]=${k:0:16}
  done
}

stage_key() {
  [ -n "${KEYS[$1]:-}" ] || die "internal error: no cache key for stage $1"
  printf '%s\n' "${KEYS[$1]}"
}

# validate_stages: every dependency names a stage that exists.
validate_stages() {
  local f s d
  for f in "$TOP"/stages/*.sh; do
    s=${f##*/}; s=${s%.sh}
    for d in $(stage_var "$s" STAGE_DEPS); do
      [ -f "$(stage_file "$d")" ] || die "stage $s depends on unknown stage '$d'"
    done
  done
}

# Where a stage's finished result lives. It appears there by one rename, so a
# stage killed at any moment never looks done.
stage_result() { printf '%s/%s' "$(stage_dir "$1")" "$(stage_key "$1")"; }
# Where a stage's results live: one directory per stage, and for a stage made
# from a distribution's packages one per distribution, so that switching
# --distro back and forth keeps both.
stage_dir() {
  local d="$CACHE/stages/$TARGET/$1"
  [ "$(stage_var "$1" STAGE_DISTRO)" != 1 ] || d+="@$DISTRO_NAME"
  printf '%s\n' "$d"
}
# For stage scripts: the result directory of a stage they depend on.
dep_dir() { stage_result "$1"; }

# --- running stages -------------------------------------------------------------

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

estimate() {
  local f="$CACHE/stats/$TARGET-$1.seconds"
  [ -r "$f" ] && printf ' (last build took %s)' "$(fmt_time "$(cat "$f")")"
  return 0
}

# report_failure STAGE LOG: the stage, the failing command, the log's tail.
report_failure() {
  local s=$1 log=$2 work=$3 cmd=''
  if [ -r "$work/.failed" ]; then
    cmd=$(sed -n 1p "$work/.failed"); log=$(sed -n 2p "$work/.failed")
  fi
  {
    printf '\nstage %s FAILED' "$s"
    [ -n "$cmd" ] && printf ' in: %s' "$cmd"
    printf '\n--- last 40 lines of %s ---\n' "$log"
    tail -n 40 "$log" 2>/dev/null
    printf -- '--- end of %s ---\n' "$log"
  } >&2
}

# A stage sees no compiler settings from the caller's environment: they are
# not part of its cache key.
STAGE_UNSET="CFLAGS CXXFLAGS CPPFLAGS LDFLAGS MAKEFLAGS MFLAGS GNUMAKEFLAGS CPATH C_INCLUDE_PATH
CPLUS_INCLUDE_PATH LIBRARY_PATH CONFIG_SITE GCC_EXEC_PREFIX COMPILER_PATH CC CXX LD_LIBRARY_PATH"

# stage_env: the stage subshell's environment, errors and failure records.
stage_env() {
  # shellcheck disable=SC2086 # a list of names
  unset $STAGE_UNSET
  export LC_ALL=C TZ=UTC JOBS
  exec </dev/null
  set -eE
  trap - INT TERM
  # Any failing command (not only run_logged's) is named in the report.
  trap '[ -e "$STAGE_WORK/.failed" ] || printf "%s\n%s\n" "$BASH_COMMAND" "$STAGE_LOG" >"$STAGE_WORK/.failed"' ERR
}

# run_stage STAGE: build STAGE into a temporary directory, then rename it into
# place. Runs in a subshell so a stage's variables and `exit` stay its own.
run_stage() {
  local s=$1 result tmp work log start rc=0
  result=$(stage_result "$s")
  tmp="$result.tmp"
  work="$CACHE/work/$TARGET/$s"
  log="$OUT/logs/$s.log"
  rm -rf "$(stage_dir "$s")"/*.tmp "$work" "$OUT/logs/$s"
  mkdir -p "$tmp" "$work" "$OUT/logs/$s"
  : >"$log"
  start=$SECONDS
  # Not `( … ) || rc=$?`: bash ignores set -e inside a subshell in that position.
  # In the background plus `wait`, so that a signal reaches on_signal at once.
  # Every program the stage runs inherits CROSSBOOT_STAGE_TOKEN, by which
  # on_signal finds them all, even those orphaned by a signal that reached
  # their parents first.
  STAGE_TOKEN="$$.$RANDOM$RANDOM"
  set +e
  (
    export CROSSBOOT_STAGE_TOKEN=$STAGE_TOKEN
    # shellcheck disable=SC2034 # for the stage script
    STAGE_NAME=$s STAGE_OUT=$tmp STAGE_WORK=$work LOG_DIR="$OUT/logs/$s" STAGE_LOG=$log
    STAGE_SHELL_PID=$BASHPID
    # shellcheck disable=SC2034 # defaults for what the stage file may not set
    STAGE_DEPS='' STAGE_SOURCES='' STAGE_INPUTS='' STAGE_EXPORT=0 STAGE_DISTRO=0
    stage_env
    # shellcheck source=/dev/null
    . "$(stage_file "$s")"
    cd "$work"
    stage_build
  ) >>"$log" 2>&1 &
  wait $!
  rc=$?
  STAGE_TOKEN=''
  set -e
  if [ "$rc" -ne 0 ]; then
    report_failure "$s" "$log" "$work"
    msg "error: stage $s failed (exit $rc); full log: $log"
    return 1
  fi
  # The previous result of this key (a --rebuild) goes only now that the new
  # one is complete.
  rm -rf "$result"
  mv -T "$tmp" "$result"
  rm -rf "$work"
  mkdir -p "$CACHE/stats"
  printf '%s\n' $((SECONDS - start)) >"$CACHE/stats/$TARGET-$s.seconds"
}

# export_stage STAGE: copy a stage's result to out/TARGET/ unless the copy
# there is of this key already. STAGE_EXPORT=1: as out/TARGET/STAGE/;
# STAGE_EXPORT=flat: each file of the result straight into out/TARGET/.
export_stage() {
  local s=$1 how key stamp e result
  how=$(stage_var "$s" STAGE_EXPORT)
  case $how in 1|flat) ;; *) return 0 ;; esac
  key=$(stage_key "$s")
  result=$(stage_result "$s")
  stamp="$OUT/.$s.stage-key"
  if [ "$(cat "$stamp" 2>/dev/null)" = "$key" ] && exported "$how" "$s" "$result"; then return 0; fi
  rm -f "$stamp"
  if [ "$how" = 1 ]; then
    replace_copy "$result" "$OUT/$s"
  else
    for e in "$result"/*; do replace_copy "$e" "$OUT/${e##*/}"; done
  fi
  printf '%s\n' "$key" >"$stamp"
}

# exported HOW STAGE RESULT: everything the export puts in out/ is there.
exported() {
  local e
  if [ "$1" = 1 ]; then [ -e "$OUT/$2" ]; return; fi
  for e in "$3"/*; do [ -e "$OUT/${e##*/}" ] || return 1; done
}

# replace_copy SRC DEST: DEST becomes a copy of SRC, never half-written.
replace_copy() {
  local src=$1 dest=$2
  rm -rf "$dest.new" "$dest.old"
  if ! cp -a "$src" "$dest.new" 2>"$OUT/logs/export.log"; then
    rm -rf "$dest.new"
    die "copying $src to $dest failed (disk full?); see $OUT/logs/export.log"
  fi
  [ ! -e "$dest" ] || mv -T "$dest" "$dest.old"
  mv -T "$dest.new" "$dest"
  rm -rf "$dest.old"
}

# clean_stale: remove leftovers of interrupted stages and superseded results.
clean_stale() {
  local s=$1 d keep
  keep=$(stage_result "$s")
  for d in "$(stage_dir "$s")"/*; do
    [ -e "$d" ] && [ "$d" != "$keep" ] && rm -rf "$d"
  done
  return 0
}

build_stages() {
  local stages s n=0 total start result
  stages=$(stages_for "$WANT")
  total=$(printf '%s\n' "$stages" | wc -l)
  for s in $stages; do
    n=$((n + 1))
    result=$(stage_result "$s")
    if [ -d "$result" ] && [ -z "${REBUILD[$s]:-}" ]; then
      export_stage "$s"
      printf '[%d/%d] %-16s cached (%s)\n' "$n" "$total" "$s" "$(stage_key "$s")"
      continue
    fi
    printf '[%d/%d] %-16s building%s; log: %s\n' "$n" "$total" "$s" "$(estimate "$s")" "$OUT/logs/$s.log"
    CUR_STAGE=$s
    start=$SECONDS
    # Not `run_stage || …`: that would switch off set -e inside the stage.
    run_stage "$s"
    clean_stale "$s"
    export_stage "$s"
    printf '[%d/%d] %-16s built in %s\n' "$n" "$total" "$s" "$(fmt_time $((SECONDS - start)))"
  done
}

# --rebuild STAGE also rebuilds every stage that depends on it.
mark_rebuild_dependents() {
  local s d changed=1
  while [ "$changed" = 1 ]; do
    changed=0
    for s in $(list_stages); do
      [ -n "${REBUILD[$s]:-}" ] && continue
      for d in $(stage_var "$s" STAGE_DEPS); do
        if [ -n "${REBUILD[$d]:-}" ]; then REBUILD[$s]=1; changed=1; fi
      done
    done
  done
}

fetch_sources() {
  local s p
  for s in $(stages_for "$WANT"); do
    for p in $(stage_var "$s" STAGE_SOURCES); do
      source_tarball "$p"
      printf '  %-10s %s (%s)\n' "$p" "${SRC_TARBALL##*/}" "$SRC_ORIGIN"
    done
  done
}

# --- host prerequisites -----------------------------------------------------------

# command:Debian-package pairs the build needs on the host.
HOST_TOOLS="gcc:gcc g++:g++ make:make bison:bison flex:flex makeinfo:texinfo m4:m4
awk:gawk xz:xz-utils bzip2:bzip2 gzip:gzip patch:patch tar:tar perl:perl
sha256sum:coreutils tsort:coreutils curl:curl apt-get:apt file:file rsync:rsync bc:bc
pgrep:procps flock:util-linux readelf:binutils mksquashfs:squashfs-tools
autoreconf:autoconf automake:automake autopoint:autopoint"
# What --fetch-only needs.
HOST_TOOLS_FETCH="curl:curl apt-get:apt sha256sum:coreutils tar:tar xz:xz-utils flock:util-linux"
# Wanted, not required: ccache makes rebuilds fast.
HOST_TOOLS_OPTIONAL="ccache:ccache"

# check_host: name the missing host packages; as root (and not --offline or
# --no-install) install them first, saying so.
check_host() {
  local tools=$HOST_TOOLS missing optional
  # Stages made from a distribution's packages need mmdebstrap and its keyring.
  if needs_distro; then
    tools+=" mmdebstrap:mmdebstrap unshare:util-linux $DISTRO_KEYRING:$DISTRO_KEYRING_PACKAGE"
  fi
  [ "$FETCH_ONLY" = 0 ] || tools=$HOST_TOOLS_FETCH
  mapfile -t missing < <(missing_packages "$tools")
  mapfile -t optional < <(missing_packages "$HOST_TOOLS_OPTIONAL")
  [ $((${#missing[@]} + ${#optional[@]})) -eq 0 ] && return 0
  if [ "$NO_INSTALL" = 0 ] && [ "$OFFLINE" = 0 ] && [ "$(id -u)" = 0 ] && have apt-get; then
    if [ ${#missing[@]} -gt 0 ]; then
      msg "installing host packages: ${missing[*]} (apt-get; log: $CACHE/apt-install.log)"
      apt_install "${missing[@]}" || die "apt-get install failed; see $CACHE/apt-install.log"
    fi
    if [ ${#optional[@]} -gt 0 ]; then
      msg "installing optional host packages: ${optional[*]} (apt-get)"
      apt_install "${optional[@]}" || warn "could not install ${optional[*]}; building without"
    fi
    mapfile -t missing < <(missing_packages "$tools")
  fi
  [ ${#missing[@]} -eq 0 ] || die "missing host packages: ${missing[*]} (install them with apt-get)"
}

# descendants PID: PID's children, theirs, and so on (the stage's subshells,
# which have not exec'd since the token was exported, are found this way).
descendants() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do printf '%s\n' "$child"; descendants "$child"; done
}

# stage_pids TOKEN: this build's descendants, and every process whose
# environment has the stage's token.
stage_pids() {
  { descendants $$
    grep -lsxzF "CROSSBOOT_STAGE_TOKEN=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
  } | sort -u || true
}

# On Ctrl-C or SIGTERM, stop the stage's processes too: none may go on
# writing into the cache after build.sh has gone. What ignores SIGTERM
# (unshare --fork does) gets SIGKILL two seconds later.
on_signal() {
  trap - INT TERM
  local pids
  if [ -n "${STAGE_TOKEN:-}" ]; then
    mapfile -t pids < <(stage_pids "$STAGE_TOKEN")
    if [ ${#pids[@]} -gt 0 ]; then kill -TERM "${pids[@]}" 2>/dev/null || true; fi
    sleep 2
    mapfile -t pids < <(stage_pids "$STAGE_TOKEN")
    if [ ${#pids[@]} -gt 0 ]; then kill -KILL "${pids[@]}" 2>/dev/null || true; fi
  fi
  msg "interrupted${CUR_STAGE:+ during stage $CUR_STAGE}: it is not cached; the next run redoes it"
  exit 130
}

# --- main ----------------------------------------------------------------------------

parse_args() {
  TARGET='' WANT='' JOBS=$(nproc) FETCH_ONLY=0 NO_INSTALL=0 DISTRO=${CROSSBOOT_DISTRO:-focal}
  declare -gA REBUILD=()
  local pos=()
  while [ $# -gt 0 ]; do
    case $1 in
      --list-targets) list_targets; exit 0 ;;
      --list-stages) list_stages; exit 0 ;;
      --list-distros) list_distros; exit 0 ;;
      --distro) [ -n "${2:-}" ] || die "--distro needs a name"; DISTRO=$2; shift ;;
      --rebuild) [ $# -ge 2 ] || die "--rebuild needs a stage"; REBUILD[$2]=1; shift ;;
      --jobs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number"; JOBS=$2; shift ;;
      --cache) [ -n "${2:-}" ] || die "--cache needs a directory"; CACHE=$2; shift ;;
      --fetch-only) FETCH_ONLY=1 ;;
      --offline) OFFLINE=1 ;;
      --no-install) NO_INSTALL=1 ;;
      -h|--help) usage; exit 0 ;;
      -*) die "unknown option '$1' (see ./build.sh --help)" ;;
      *) pos+=("$1") ;;
    esac
    shift
  done
  [ ${#pos[@]} -ge 1 ] || { usage >&2; exit 2; }
  [ ${#pos[@]} -le 2 ] || die "too many arguments: ${pos[*]}"
  TARGET=${pos[0]} WANT=${pos[1]:-$(default_stage)}
  if ! [[ $TARGET =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || [ ! -f "$TOP/targets/$TARGET" ]; then
    die "unknown target '$TARGET' (valid targets: $(list_targets | tr '\n' ' ' | sed 's/ $//'))"
  fi
  local s
  for s in "$WANT" "${!REBUILD[@]}"; do
    [ "$s" = all ] || stage_var "$s" STAGE_DEPS >/dev/null
  done
  validate_stages
}

# clean_leftovers: what killed runs leave behind outside the stage results
# (half-unpacked sources, partial downloads).
clean_leftovers() {
  rm -rf "$CACHE"/src/*.tmp.* "$SOURCES"/.apt.* "$SOURCES"/*.part "$SOURCES"/*.part.err
}

main() {
  parse_args "$@"
  case $CACHE in /*) ;; *) CACHE=$PWD/$CACHE ;; esac
  SOURCES=${CROSSBOOT_SOURCES:-$CACHE/sources}
  # gcc's and binutils' build systems cannot take paths with spaces.
  case $CACHE in *[[:space:]]*) die "the cache path '$CACHE' contains spaces; choose another with --cache DIR" ;; esac
  mkdir -p "$CACHE"
  # shellcheck source=/dev/null
  . "$TOP/targets/$TARGET"
  # The target distribution matters only to stages made from its packages.
  if needs_distro; then load_distro "$DISTRO"; fi
  OUT="$TOP/out/$TARGET"
  mkdir -p "$OUT/logs"
  # One build per target and cache at a time.
  exec 9>"$CACHE/.lock-$TARGET"
  flock -n 9 || die "another build of $TARGET is using $CACHE"
  check_host
  trap on_signal INT TERM
  clean_leftovers
  if [ "$FETCH_ONLY" = 1 ]; then fetch_sources; exit 0; fi
  mark_rebuild_dependents
  compute_keys
  local start=$SECONDS
  build_stages
  printf 'done: %s for %s in %s; results in %s\n' "$WANT" "$TARGET" "$(fmt_time $((SECONDS - start)))" "$OUT"
}

# Sourcing this file (the unit tests do) defines the functions without running.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
