#!/usr/bin/env bash
# build.sh: builds a relocatable cross toolchain in cached, resumable stages.
# The build logic lives in stages/*.sh; this file is the engine: arguments,
# host checks, cache keys, running stages, progress and error reports.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=scripts/host-packages.sh
. "$TOP/scripts/host-packages.sh"

# Bumped when the engine or the runtime helpers (scripts/lib.sh, scripts/lib/)
# change what a stage's result means: they are in no stage's key.
ENGINE_FORMAT=2
# Results kept per stage (and distribution), so that undoing an edit is a
# cache hit; --gc keeps only the current one.
KEEP_RESULTS=${CROSSBOOT_KEEP_RESULTS:-3}
[[ $KEEP_RESULTS =~ ^[1-9][0-9]*$ ]] || { printf 'error: CROSSBOOT_KEEP_RESULTS=%s is not a positive number\n' "$KEEP_RESULTS" >&2; exit 2; }

usage() {
  cat <<EOF
usage: ./build.sh [options] TARGET [STAGE]
Builds STAGE and the stages it needs for TARGET (default: canadian-package, the
static toolchain tarball; "all": every stage).

  --list-targets      print the known targets
  --list-distros      print the known target distributions (scripts/distros/)
  --list-stages       print the stages in build order, with what each makes
  --distro NAME       target distribution of the glibc stages (default: $DEFAULT_DISTRO, or
                      \$CROSSBOOT_DISTRO); NAME may also be a profile file's path
  --rebuild STAGE     rebuild STAGE (and what depends on it) even if cached
  -j, --jobs N        parallel jobs (default: all cores, $(nproc))
  --cache DIR         stage and source cache (default: $CACHE)
  --out DIR           results in DIR/TARGET/ (default: $TOP/out)
  --fetch-only        download and verify the sources the stages need, build nothing
  --offline           never download: use only the source cache
  --no-install        do not apt-get install missing host packages, just name them
  --dry-run           build and fetch nothing: say which stages are cached and,
                      for the others, which input changed
  --gc                keep only the current result of each stage (for the
                      distribution's stages, --distro's); otherwise the last
                      $KEEP_RESULTS are kept, so undoing an edit is a cache hit
  --version           print the version
  -h, --help          this text
Options take their value as --opt VALUE or --opt=VALUE (-j N, -jN).
Results go to out/TARGET/, logs to out/TARGET/logs/ (each stage's settings
beside its log, as STAGE.settings).
EOF
}

# crossboot_version: the release, and the commit when run from a checkout.
crossboot_version() {
  local rev
  rev=$(git -C "$TOP" describe --always --dirty 2>/dev/null) || rev=''
  printf '%s%s\n' "$CROSSBOOT_VERSION" "${rev:+ ($rev)}"
}

# describe_stages: the stages in build order, each with the first line of
# its file's description.
describe_stages() {
  local s
  for s in $(list_stages); do
    printf '%-16s %s\n' "$s" "$(stage_var "$s" STAGE_SUMMARY)"
  done
}

# needs_distro: some stage this run builds is made from a distribution's packages.
needs_distro() {
  local s
  for s in $(stages_for "$WANT"); do
    [ "$(stage_var "$s" STAGE_DISTRO)" != 1 ] || return 0
  done
  return 1
}

# What `./build.sh TARGET` builds: the product. "all" builds every stage.
default_stage() { printf 'canadian-package'; }

# --- stage metadata ---------------------------------------------------------

stage_file() { printf '%s/stages/%s.sh' "$TOP" "$1"; }

# What a stage file declares, with the defaults for what it leaves out.
STAGE_VARS="STAGE_SUMMARY STAGE_DEPS STAGE_SOURCES STAGE_RECIPES STAGE_INPUTS STAGE_EXPORT STAGE_DISTRO"
stage_defaults() {
  # shellcheck disable=SC2034 # read by the engine
  STAGE_SUMMARY='' STAGE_DEPS='' STAGE_SOURCES='' STAGE_RECIPES='' STAGE_INPUTS='' STAGE_EXPORT=0 STAGE_DISTRO=0
}

# load_stage_meta: every stage file's declarations, read once (each file in
# a subshell of its own) into META[STAGE:VAR]; META[STAGE:] marks it known.
declare -A META=()
load_stage_meta() {
  local f s line
  for f in "$TOP"/stages/*.sh; do
    s=${f##*/}; s=${s%.sh}
    META[$s:]=1
    while IFS= read -r -d '' line; do META[$s:${line%%=*}]=${line#*=}; done < <(
      stage_defaults
      # shellcheck source=/dev/null
      . "$f"
      for line in $STAGE_VARS; do printf '%s=%s\0' "$line" "${!line}"; done)
  done
}

# stage_var STAGE VAR: a variable a stage file declares (STAGE_DEPS, …).
stage_var() {
  [ ${#META[@]} -gt 0 ] || load_stage_meta
  [ -n "${META[$1:]:-}" ] || die "unknown stage '$1' (stages: $(list_stages | words))"
  printf '%s\n' "${META[$1:$2]-}"
}

# All stages in an order where each comes after its dependencies.
list_stages() {
  local f s d
  [ ${#META[@]} -gt 0 ] || load_stage_meta
  for f in "$TOP"/stages/*.sh; do
    s=${f##*/}; s=${s%.sh}
    for d in ${META[$s:STAGE_DEPS]}; do printf '%s %s\n' "$d" "$s"; done
    printf '%s %s\n' "$s" "$s"
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

# repo_files: the files that belong to the source tree (in a git checkout:
# tracked or not ignored, so build products left in ccwrap/ do not count),
# NUL-separated, sorted.
repo_files() {
  if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$TOP" ls-files -co --exclude-standard -z
  else
    (cd "$TOP" && find . \( -path ./out -o -path ./.git \) -prune -o -type f -print0 | sed -z 's|^\./||')
  fi | LC_ALL=C sort -z
}

# hash_inputs PATH...: "SHA256  FILE" of the repository files PATH names (a
# file, a directory, or a pattern such as ccwrap/*.c), from FILE_SHA.
hash_inputs() {
  local p f n
  [ ${#REPO_FILES[@]} -gt 0 ] || load_file_hashes
  for p in "$@"; do
    n=0
    for f in "${REPO_FILES[@]}"; do
      # shellcheck disable=SC2053 # $p may be a pattern
      if [[ $f == "$p" || $f == "$p"/* || $f == $p ]]; then printf '%s  %s\n' "${FILE_SHA[$f]}" "$f"; n=1; fi
    done
    [ "$n" = 1 ] || die "stage input '$p' names no file"
  done
}

# load_file_hashes: the hash of every repository file a key can name (under
# stages/, sources/, scripts/patches/ and the top directories of every
# STAGE_INPUTS and RECIPE_INPUTS), once per run (one sha256sum), before the
# keys are computed in subshells.
declare -A FILE_SHA=()
REPO_FILES=()
load_file_hashes() {
  local line roots=" stages sources scripts/patches " p s r
  for s in $(list_stages); do
    for p in $(stage_var "$s" STAGE_INPUTS); do roots+="${p%%/*} "; done
  done
  for r in $(list_recipes); do
    for p in $(recipe_line "$r" RECIPE_INPUTS); do roots+="${p%%/*} "; done
  done
  while IFS= read -r line; do
    REPO_FILES+=("${line#*  }"); FILE_SHA[${line#*  }]=${line%%  *}
  done < <(repo_files | grep -z -E "^($(tr ' ' '\n' <<<"$roots" | grep . | sort -u | paste -sd'|'))(/|$)" |
    (cd "$TOP" && xargs -0r sha256sum) | LC_ALL=C sort -k2)
}

# Each line starts with what it is (engine, setting, file, source, dep,
# host), so that --dry-run can say which input changed.
key_material() {
  local s=$1 d p inputs recipes paths distro=''
  printf 'engine %s\n' "$ENGINE_FORMAT"
  [ "$(stage_var "$s" STAGE_DISTRO)" != 1 ] || distro=distro
  settings_keyed $distro | sed 's/^/setting /'
  read -ra recipes <<<"$(stage_var "$s" STAGE_RECIPES | tr '\n' ' ')"
  read -ra inputs <<<"$(stage_var "$s" STAGE_INPUTS | tr '\n' ' ')"
  { hash_inputs "stages/$s.sh"
    [ ${#recipes[@]} -eq 0 ] || { mapfile -t paths < <(recipe_paths "${recipes[@]}"); hash_inputs "${paths[@]}"; }
    [ ${#inputs[@]} -eq 0 ] || hash_inputs "${inputs[@]}"
  } | sed 's/^/file /'
  for p in $(stage_var "$s" STAGE_SOURCES); do
    manifest_block "$p" | sed "s/^/source [$p] /"
    [ ! -d "$PATCH_DIR/$p" ] || hash_inputs "scripts/patches/$p" | sed "s/^/source [$p] patch /"
  done
  for d in $(stage_var "$s" STAGE_DEPS); do printf 'dep %s %s\n' "$d" "${KEYS[$d]:?}"; done
  printf '%s\n' "${HOST_ID:-$(host_id)}"
}

# compute_keys: the key of every stage this run needs, once, before anything
# is built (inputs edited during a long build do not confuse this run).
declare -A KEYS=() MATERIAL=()
compute_keys() {
  local s k
  load_file_hashes
  HOST_ID=$(host_id)
  for s in $(stages_for "$WANT"); do
    # Not `|| die`: that would switch set -e off inside key_material.
    MATERIAL[$s]=$(key_material "$s")
    k=$(printf '%s\n' "${MATERIAL[$s]}" | sha256sum)
    KEYS[$s]=${k:0:16}
  done
}

stage_key() {
  [ -n "${KEYS[$1]:-}" ] || die "internal error: no cache key for stage $1"
  printf '%s\n' "${KEYS[$1]}"
}

# validate_stages: every dependency names a stage that exists, every
# recipe a recipe file.
validate_stages() {
  local f s d
  for f in "$TOP"/stages/*.sh; do
    s=${f##*/}; s=${s%.sh}
    for d in $(stage_var "$s" STAGE_DEPS); do
      [ -f "$(stage_file "$d")" ] || die "stage $s depends on unknown stage '$d'"
    done
    for d in $(stage_var "$s" STAGE_RECIPES); do
      [ -f "$(recipe_file "$d")" ] || die "stage $s lists unknown recipe '$d' (sources/sections/ has: $(list_recipes | words))"
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
CPLUS_INCLUDE_PATH LIBRARY_PATH CONFIG_SITE GCC_EXEC_PREFIX COMPILER_PATH CC CXX LD_LIBRARY_PATH
INSTALL_TARGET TC_MUSL_CONFIG CCWRAP_STRIP"

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
  settings_write "$OUT/logs/$s.settings" "$([ "$(stage_var "$s" STAGE_DISTRO)" != 1 ] || echo distro)"
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
    stage_defaults
    stage_env
    # The recipes first: a stage's own function of the same name wins.
    # shellcheck disable=SC2046 # a list of names
    use_recipes "stage $s" $(stage_var "$s" STAGE_RECIPES)
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
  printf '%s\n' "${MATERIAL[$s]}" >"$result.inputs"
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
  # Files in out/ are about to change: until write_checksums runs, no
  # SHA256SUMS at all rather than one that names old contents.
  rm -f "$OUT/SHA256SUMS"
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

# release_files: the files out/TARGET/ publishes, relative to it, sorted:
# the tarballs and squashfs images the stages export, at the top of
# out/TARGET/ (STAGE_EXPORT=flat) or of a stage's directory there
# (STAGE_EXPORT=1: cross-package/), not the source tarballs beside them.
release_files() {
  local s dirs=(.)
  for s in $(list_stages); do
    if [ "$(stage_var "$s" STAGE_EXPORT)" = 1 ] && [ -d "$OUT/$s" ]; then dirs+=("$s"); fi
  done
  (cd "$OUT" && find "${dirs[@]}" -mindepth 1 -maxdepth 1 -type f \( -name '*.tar.xz' -o -name '*.sqf' \)) |
    sed 's#^\./##' | LC_ALL=C sort
}

# write_checksums: out/TARGET/SHA256SUMS, the sha256 of every release file,
# unless it already lists exactly those files. The engine writes it, not a
# stage: a run builds and exports only some stages, and the file must cover
# what every earlier run left in out/ too. export_stage removes it before it
# replaces anything, so one that is there is right for the files it names
# (and a run that stops half-way leaves none rather than a wrong one).
write_checksums() {
  local sums="$OUT/SHA256SUMS" files
  files=$(release_files)
  if [ -f "$sums" ] && [ "$(sed 's/^[0-9a-f]\{64\}  //' "$sums")" = "$files" ]; then return 0; fi
  rm -f "$sums"
  [ -n "$files" ] || return 0
  (cd "$OUT" && printf '%s\n' "$files" | xargs -d '\n' sha256sum >SHA256SUMS.tmp) ||
    die "writing $sums failed (disk full?)"
  mv "$OUT/SHA256SUMS.tmp" "$sums"
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

# clean_stale STAGE [N]: remove leftovers of interrupted runs of STAGE and
# all but its N (default KEEP_RESULTS) most recently used results; the
# current one is always kept.
clean_stale() {
  local s=$1 n=${2:-$KEEP_RESULTS} dir keep d kept=1
  dir=$(stage_dir "$s")
  keep=$(stage_result "$s")
  [ -d "$dir" ] || return 0
  rm -rf "$dir"/*.tmp
  # No result of the current key (an edit not built yet, another checkout
  # sharing the cache): the most recently used one stands in for it.
  [ -d "$keep" ] || keep=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
    sort -rn | head -n1 | cut -d' ' -f2-) || true
  while IFS= read -r d; do
    [ "$d" != "$keep" ] || continue
    if [ "$kept" -lt "$n" ]; then kept=$((kept + 1)); continue; fi
    rm -rf "$d" "$d.inputs"
  done < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | cut -d' ' -f2-)
  # Records of results that are gone.
  for d in "$dir"/*.inputs; do [ ! -e "$d" ] || [ -d "${d%.inputs}" ] || rm -f "$d"; done
}

build_stages() {
  local stages s n=0 total start result
  stages=$(stages_for "$WANT")
  total=$(printf '%s\n' "$stages" | wc -l)
  for s in $stages; do
    n=$((n + 1))
    result=$(stage_result "$s")
    if [ -d "$result" ] && [ -z "${REBUILD[$s]:-}" ]; then
      # Its mtime says when it was last used (clean_stale keeps the newest).
      touch "$result"
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
  write_checksums
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
  # Stages share sources: each is fetched (or verified) once.
  local -A fetched=()
  for s in $(stages_for "$WANT"); do
    for p in $(stage_var "$s" STAGE_SOURCES); do
      [ -z "${fetched[$p]:-}" ] || continue
      fetched[$p]=1
      source_tarball "$p"
      printf '  %-10s %s (%s)\n' "$p" "${SRC_TARBALL##*/}" "$SRC_ORIGIN"
    done
  done
}

# --- --dry-run and --gc -----------------------------------------------------------

# dry_run: each stage this command needs, cached or to be built and why;
# nothing is built or fetched.
dry_run() {
  local stages s n=0 total why
  stages=$(stages_for "$WANT")
  total=$(printf '%s\n' "$stages" | wc -l)
  for s in $stages; do
    n=$((n + 1))
    if [ -d "$(stage_result "$s")" ] && [ -z "${REBUILD[$s]:-}" ]; then
      printf '[%d/%d] %-16s cached (%s)\n' "$n" "$total" "$s" "$(stage_key "$s")"
    else
      why=$(explain "$s")
      printf '[%d/%d] %-16s to build (%s): %s\n' "$n" "$total" "$s" "$(stage_key "$s")" "$why"
    fi
  done
}

# explain STAGE: why STAGE's key is not cached, as `ninja -d explain` says
# it: the inputs that differ from its most recent result's.
explain() {
  local s=$1 dir last
  [ -z "${REBUILD[$s]:-}" ] || { printf -- '--rebuild'; return; }
  dir=$(stage_dir "$s")
  [ -d "$dir" ] || { printf 'never built'; return; }
  # The most recently used result (a cache hit touches it), and its record.
  last=$(find "$dir" -mindepth 1 -maxdepth 1 -type d ! -name '*.tmp' -printf '%T@ %p\n' |
    sort -rn | head -n1 | cut -d' ' -f2-) || true
  if [ -z "$last" ]; then printf 'never built'; return; fi
  last+=.inputs
  if [ ! -f "$last" ]; then printf 'no record of the inputs of its last result (an older engine built it)'; return; fi
  printf '%s\n' "${MATERIAL[$s]}" | input_changes "$last" | head -n 6 | paste -sd';' | sed 's/;/; /g'
}

# input_changes OLD: what differs between OLD's key material and stdin's, a
# line each ("changed sources/sections/musl.sh", "setting ...", "dep cross").
input_changes() {
  awk '
    function what(l,   f) { split(l, f, " ")
      if (f[1] == "file") return "file " f[3]
      if (f[1] == "source") return "source " f[2]
      if (f[1] == "setting") { sub(/=.*/, "", f[2]); return "setting " f[2] }
      if (f[1] == "dep") return "dependency " f[2]
      return f[1] }
    NR == FNR { old[$0] = 1; oldwhat[what($0)] = 1; next }
    { new[$0] = 1; newwhat[what($0)] = 1; if (!($0 in old)) { w = what($0); if (!(w in seen)) { seen[w] = 1
        print (w in oldwhat ? "changed " : "new ") w } } }
    END { for (l in old) if (!(l in new)) { w = what(l); if (!(w in seen) && !(w in newwhat)) {
        seen[w] = 1; print "removed " w } } }' "$1" - |
    sed 's/^changed dependency \(.*\)/dependency \1 changed/'
}

# gc: of every stage of this target (and distribution), only the current
# result stays; work directories of interrupted runs go too.
gc() {
  local s before after
  before=$(du -sk "$CACHE" | cut -f1)
  for s in $(list_stages); do clean_stale "$s" 1; done
  rm -rf "${CACHE:?}/work/$TARGET"
  after=$(du -sk "$CACHE" | cut -f1)
  printf 'gc: %s: kept the current result of each stage; freed %d MiB\n' "$CACHE" $(((before - after) / 1024))
}

# --- host prerequisites -----------------------------------------------------------

# HOST_TOOLS, HOST_TOOLS_FETCH, HOST_TOOLS_OPTIONAL: scripts/host-packages.sh
# (tests/run.sh installs the same before its first test).

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
  # A download of this shell's own (--fetch-only): stopped, its partial file gone.
  fetch_abort
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

# Every option: LONG SHORT KIND (scripts/lib/options.sh).
BUILD_OPTIONS='
  list-targets - flag
  list-distros - flag
  list-stages  - flag
  distro       - value
  rebuild      - value
  jobs         j value
  cache        - value
  out          - value
  fetch-only   - flag
  offline      - flag
  no-install   - flag
  dry-run      - flag
  gc           - flag
  version      - flag
  help         h flag'

parse_args() {
  TARGET='' WANT='' JOBS=$(nproc) FETCH_ONLY=0 NO_INSTALL=0 DISTRO=${CROSSBOOT_DISTRO:-$DEFAULT_DISTRO}
  DRY_RUN=0 GC=0
  declare -gA REBUILD=()
  load_stage_meta
  local OPT_NAMES OPT_VALUES POSITIONAL i v
  OPT_CMD=./build.sh OPT_SPEC=$BUILD_OPTIONS opts_parse "$@"
  for i in "${!OPT_NAMES[@]}"; do
    v=${OPT_VALUES[i]}
    case ${OPT_NAMES[i]} in
      list-targets) list_targets; exit 0 ;;
      list-distros) list_distros; exit 0 ;;
      list-stages) describe_stages; exit 0 ;;
      distro) [ -n "$v" ] || die "--distro needs a name"; DISTRO=$v ;;
      rebuild) [ -n "$v" ] || die "--rebuild needs a stage"; REBUILD[$v]=1 ;;
      jobs) [[ $v =~ ^[1-9][0-9]{0,3}$ ]] || die "--jobs needs a positive number, not '$v'"; JOBS=$v ;;
      cache) [ -n "$v" ] || die "--cache needs a directory"; CACHE=$v ;;
      out) [ -n "$v" ] || die "--out needs a directory"; OUT_ROOT=$v ;;
      fetch-only) FETCH_ONLY=1 ;;
      offline) OFFLINE=1 ;;
      no-install) NO_INSTALL=1 ;;
      dry-run) DRY_RUN=1 ;;
      gc) GC=1 ;;
      version) printf 'crossboot %s\n' "$(crossboot_version)"; exit 0 ;;
      help) usage; exit 0 ;;
    esac
  done
  [ ${#POSITIONAL[@]} -ge 1 ] || { usage >&2; exit 2; }
  [ ${#POSITIONAL[@]} -le 2 ] || die "too many arguments: ${POSITIONAL[*]}"
  TARGET=${POSITIONAL[0]} WANT=${POSITIONAL[1]:-$(default_stage)}
  # --gc keeps the current result of every stage.
  [ "$GC" = 0 ] || WANT=all
  case $OUT_ROOT in /*) ;; *) OUT_ROOT=$PWD/$OUT_ROOT ;; esac
}

# check_stages: the stages named on the command line exist, and every
# stage's dependencies and recipes.
check_stages() {
  local s
  for s in "$WANT" "${!REBUILD[@]}"; do
    [ "$s" = all ] || stage_var "$s" STAGE_DEPS >/dev/null
  done
  validate_stages
}

# clean_leftovers: what killed runs leave behind outside the stage results
# (half-unpacked sources, partial downloads).
clean_leftovers() {
  # Not those of another build sharing the cache: they are its work in progress.
  fetch_clean_leftovers
  unpack_clean_leftovers
}

main() {
  parse_args "$@"
  settings_set_cache "$CACHE"
  load_target "$TARGET"
  check_stages
  # Once here, so every subshell that reads the manifest knows it is valid.
  manifest_check
  # The target distribution matters only to stages made from its packages.
  if needs_distro; then load_distro "$DISTRO"; fi
  OUT="$OUT_ROOT/$TARGET"
  mark_rebuild_dependents
  if [ "$DRY_RUN" = 1 ]; then compute_keys; dry_run; exit 0; fi
  mkdir -p "$CACHE" "$OUT/logs"
  # One build per target and cache at a time.
  exec 9>"$CACHE/.lock-$TARGET"
  flock -n 9 || die "another build of $TARGET is using $CACHE"
  if [ "$GC" = 1 ]; then compute_keys; gc; exit 0; fi
  check_host
  trap on_signal INT TERM
  clean_leftovers
  if [ "$FETCH_ONLY" = 1 ]; then fetch_sources; exit 0; fi
  compute_keys
  local start=$SECONDS
  build_stages
  printf 'done: %s for %s in %s; results in %s\n' "$WANT" "$TARGET" "$(fmt_time $((SECONDS - start)))" "$OUT"
}

# Sourcing this file (the unit tests do) defines the functions without running.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
