#!/usr/bin/env bash
# build.sh: builds a relocatable cross toolchain in cached, resumable stages.
# The build logic lives in stages/*.sh; this file is the engine: arguments,
# host checks, cache keys, running stages, progress and error reports.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

# Bumped when the engine changes what a stage's result means.
ENGINE_FORMAT=1

usage() {
  cat <<EOF
usage: ./build.sh [options] TARGET [STAGE]
Builds STAGE and the stages it needs for TARGET (default: all stages).

  --list-targets     print the known targets
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
default_stage() { printf 'all'; }

# --- stage metadata ---------------------------------------------------------

stage_file() { printf '%s/stages/%s.sh' "$TOP" "$1"; }

# stage_var STAGE VAR: a variable a stage file declares (STAGE_DEPS, …).
stage_var() {
  local f; f=$(stage_file "$1")
  [ -f "$f" ] || die "unknown stage '$1' (stages: $(list_stages | tr '\n' ' '))"
  # shellcheck disable=SC2034 # defaults for what the stage file may not set
  ( STAGE_DEPS='' STAGE_SOURCES='' STAGE_INPUTS='' STAGE_EXPORT=0
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
  [ -r /etc/os-release ] && os=$(. /etc/os-release && printf '%s-%s' "${ID:-}" "${VERSION_ID:-}")
  printf 'host %s %s; %s; %s\n' "$(uname -m)" "$os" "$(gcc --version 2>/dev/null | head -n1)" \
    "$(ccache --version 2>/dev/null | head -n1 | grep -o 'ccache' || printf 'no ccache')"
}

# hash_inputs PATH...: content hash of repository files and directories.
hash_inputs() {
  local p
  for p in "$@"; do
    [ -e "$TOP/$p" ] || die "stage input '$p' does not exist"
    (cd "$TOP" && find "$p" -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum)
  done
}

# stage_key STAGE: hash of everything that decides the stage's result. Keys of
# dependencies are included, so a change propagates to dependent stages only.
declare -A KEYS=()
stage_key() {
  local s=$1 d p
  if [ -z "${KEYS[$s]:-}" ]; then
    KEYS[$s]=$( {
      printf 'engine %s\n' "$ENGINE_FORMAT"
      printf 'target %s\n' "$TARGET"; cat "$TOP/targets/$TARGET"
      hash_inputs "stages/$s.sh" scripts/lib.sh
      for p in $(stage_var "$s" STAGE_SOURCES); do
        printf '[%s]\n' "$p"; manifest_block "$p"
        [ -d "$PATCH_DIR/$p" ] && hash_inputs "scripts/patches/$p"
      done
      local inputs; inputs=$(stage_var "$s" STAGE_INPUTS)
      # shellcheck disable=SC2086 # a list of paths without spaces
      [ -z "$inputs" ] || hash_inputs $inputs
      for d in $(stage_var "$s" STAGE_DEPS); do printf 'dep %s %s\n' "$d" "$(stage_key "$d")"; done
      host_id
      # Only when set, so that keys stay the same for the default.
      [ -z "${SOURCE_DATE_EPOCH:-}" ] || printf 'epoch %s\n' "$SOURCE_DATE_EPOCH"
    } | sha256sum | cut -c1-16 )
  fi
  printf '%s\n' "${KEYS[$s]}"
}

# Where a stage's finished result lives. It appears there by one rename, so a
# stage killed at any moment never looks done.
stage_result() { printf '%s/stages/%s/%s/%s' "$CACHE" "$TARGET" "$1" "$(stage_key "$1")"; }
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

# run_stage STAGE: build STAGE into a temporary directory, then rename it into
# place. Runs in a subshell so a stage's variables and `exit` stay its own.
run_stage() {
  local s=$1 result tmp work log start rc=0
  result=$(stage_result "$s")
  tmp="$result.tmp"
  work="$CACHE/work/$TARGET/$s"
  log="$OUT/logs/$s.log"
  rm -rf "$tmp" "$work" "$OUT/logs/$s"
  mkdir -p "$tmp" "$work" "$OUT/logs/$s"
  : >"$log"
  start=$SECONDS
  # Not `( … ) || rc=$?`: bash ignores set -e inside a subshell in that position.
  # In the background plus `wait`, so that a signal reaches on_signal at once.
  set +e
  (
    set -e
    trap - INT TERM
    STAGE_SHELL_PID=$BASHPID
    # shellcheck disable=SC2034 # for the stage script
    STAGE_NAME=$s STAGE_OUT=$tmp STAGE_WORK=$work LOG_DIR="$OUT/logs/$s"
    export JOBS
    # shellcheck source=/dev/null
    . "$(stage_file "$s")"
    cd "$work"
    stage_build
  ) >>"$log" 2>&1 &
  wait $!
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    report_failure "$s" "$log" "$work"
    msg "error: stage $s failed (exit $rc); full log: $log"
    return 1
  fi
  mv "$tmp" "$result"
  rm -rf "$work"
  mkdir -p "$CACHE/stats"
  printf '%s\n' $((SECONDS - start)) >"$CACHE/stats/$TARGET-$s.seconds"
}

# export_stage STAGE: copy a stage's result to out/TARGET/ unless the copy
# there is of this key already. STAGE_EXPORT=1: as out/TARGET/STAGE/;
# STAGE_EXPORT=flat: each file of the result straight into out/TARGET/.
export_stage() {
  local s=$1 how key stamp e
  how=$(stage_var "$s" STAGE_EXPORT)
  case $how in 1|flat) ;; *) return 0 ;; esac
  key=$(stage_key "$s")
  stamp="$OUT/.$s.stage-key"
  [ "$(cat "$stamp" 2>/dev/null)" = "$key" ] && return 0
  rm -f "$stamp"
  if [ "$how" = 1 ]; then
    replace_copy "$(stage_result "$s")" "$OUT/$s"
  else
    for e in "$(stage_result "$s")"/*; do replace_copy "$e" "$OUT/${e##*/}"; done
  fi
  printf '%s\n' "$key" >"$stamp"
}

# replace_copy SRC DEST: DEST becomes a copy of SRC, never half-written.
replace_copy() {
  rm -rf "$2.new"
  cp -a "$1" "$2.new"
  rm -rf "$2"
  mv "$2.new" "$2"
}

# clean_stale: remove leftovers of interrupted stages and superseded results.
clean_stale() {
  local s=$1 d keep
  keep=$(stage_result "$s")
  for d in "$CACHE/stages/$TARGET/$s"/*; do
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
    clean_stale "$s"
    [ -z "${REBUILD[$s]:-}" ] || rm -rf "$result"
    start=$SECONDS
    # Not `run_stage || …`: that would switch off set -e inside the stage.
    run_stage "$s"
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
pgrep:procps flock:util-linux"
# Wanted, not required: ccache makes rebuilds fast.
HOST_TOOLS_OPTIONAL="ccache:ccache"

missing_packages() {
  local pair
  for pair in $1; do have "${pair%%:*}" || printf '%s\n' "${pair#*:}"; done | LC_ALL=C sort -u
}

check_host() {
  local missing optional
  mapfile -t missing < <(missing_packages "$HOST_TOOLS")
  mapfile -t optional < <(missing_packages "$HOST_TOOLS_OPTIONAL")
  [ $((${#missing[@]} + ${#optional[@]})) -eq 0 ] && return 0
  if [ "$NO_INSTALL" = 0 ] && [ "$(id -u)" = 0 ] && have apt-get; then
    msg "installing host packages: ${missing[*]} ${optional[*]} (apt-get)"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" "${optional[@]}"; } \
      >"$CACHE/apt-install.log" 2>&1 ||
      die "apt-get install failed; see $CACHE/apt-install.log"
    mapfile -t missing < <(missing_packages "$HOST_TOOLS")
  fi
  [ ${#missing[@]} -eq 0 ] || die "missing host packages: ${missing[*]} (install them with apt-get)"
}

# kill_tree PID: PID and all its descendants (make, compilers) get SIGTERM.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}

# On Ctrl-C or SIGTERM, stop the stage's processes too: none may go on
# writing into the cache after build.sh has gone.
on_signal() {
  trap - INT TERM
  local child
  for child in $(pgrep -P $$ 2>/dev/null); do kill_tree "$child"; done
  msg "interrupted: the unfinished stage is not cached; the next run redoes it"
  exit 130
}

# --- main ----------------------------------------------------------------------------

parse_args() {
  TARGET='' WANT='' JOBS=$(nproc) FETCH_ONLY=0 NO_INSTALL=0
  declare -gA REBUILD=()
  local pos=()
  while [ $# -gt 0 ]; do
    case $1 in
      --list-targets) list_targets; exit 0 ;;
      --list-stages) list_stages; exit 0 ;;
      --rebuild) [ $# -ge 2 ] || die "--rebuild needs a stage"; REBUILD[$2]=1; shift ;;
      --jobs) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number"; JOBS=$2; shift ;;
      --cache) [ -n "${2:-}" ] || die "--cache needs a directory"; CACHE=$2; SOURCES=$CACHE/sources; shift ;;
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
  [ -f "$TOP/targets/$TARGET" ] ||
    die "unknown target '$TARGET' (valid targets: $(list_targets | tr '\n' ' ' | sed 's/ $//'))"
  local s
  for s in "$WANT" "${!REBUILD[@]}"; do
    [ "$s" = all ] || stage_var "$s" STAGE_DEPS >/dev/null
  done
}

main() {
  parse_args "$@"
  case $CACHE in /*) ;; *) CACHE=$PWD/$CACHE; SOURCES=$CACHE/sources ;; esac
  mkdir -p "$CACHE"
  # shellcheck source=/dev/null
  . "$TOP/targets/$TARGET"
  OUT="$TOP/out/$TARGET"
  mkdir -p "$OUT/logs"
  # One build per target and cache at a time.
  exec 9>"$CACHE/.lock-$TARGET"
  flock -n 9 || die "another build of $TARGET is using $CACHE"
  check_host
  trap on_signal INT TERM
  if [ "$FETCH_ONLY" = 1 ]; then fetch_sources; exit 0; fi
  mark_rebuild_dependents
  local start=$SECONDS
  build_stages
  printf 'done: %s for %s in %s; results in %s\n' "$WANT" "$TARGET" "$(fmt_time $((SECONDS - start)))" "$OUT"
}

# Sourcing this file (the unit tests do) defines the functions without running.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
