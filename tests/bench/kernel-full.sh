#!/usr/bin/env bash
# tests/bench/kernel-full.sh [--distro NAME] [--change SETTING] [--source FILE] [--kill-at PERCENT] TREE
#
# The full-size kernel measurement (too long for any test tier: hours on 2
# cores), on an Ubuntu tree such as the focal snapshot, with DRM_AMDGPU off
# by a fragment (the snapshot lacks some of its headers), in four phases:
#  1. first:  scripts/kernel-debs.sh --size full, killed with kill -9 in the
#             middle of compiling the modules: once PERCENT of the
#             expected objects are compiled (default 60; kbuild compiles
#             each directory's built-in and module objects together and
#             links vmlinux after them all, so most of those compiled
#             then are the modules');
#  2. resume: the same command again, to the end;
#  3. check:  scripts/kernel-check.sh on the packages (sizes against the
#             reference's, perf in the booted guest, BTF);
#  4. change: one setting changed (default CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE=0x1,
#             which one source file reads) and the packages built again;
#  5. source: one source file of the tree (default kernel/sched/core.c)
#             touched, as an edit would, and the packages built again (the
#             same setting kept); its time is put back afterwards.
# Each phase's wall time, objects compiled and log go to
# out/bench/kernel-full/; a phase already done is not run again, and one cut
# short (a lost session) adds its time to the next try's, so the whole
# measurement resumes as the builds do. Prints a summary; gates nothing.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=scripts/kernel/progress.sh
. "$TOP/scripts/kernel/progress.sh"

USAGE="usage: tests/bench/kernel-full.sh [--distro NAME] [--change SETTING] [--source FILE] [--kill-at PERCENT] TREE"
DISTRO=bullseye CHANGE=CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE=0x1 SOURCE=kernel/sched/core.c KILL_AT=60 TREE=''
while [ $# -gt 0 ]; do
  case $1 in
    --distro) DISTRO=${2:?--distro needs a name}; shift ;;
    --change) CHANGE=${2:?--change needs CONFIG_X=VALUE}; shift ;;
    --source) SOURCE=${2:?--source needs a file of the tree}; shift ;;
    --kill-at) KILL_AT=${2:-}; [[ $KILL_AT =~ ^[1-9][0-9]?$ ]] || die "--kill-at takes 1 to 99"; shift ;;
    -*) die "$USAGE" ;;
    *) [ -z "$TREE" ] || die "$USAGE"; TREE=$1 ;;
  esac
  shift
done
if [ -z "$TREE" ] || [ ! -d "$TREE" ]; then die "$USAGE"; fi
[[ $CHANGE =~ ^CONFIG_[A-Za-z0-9_]+=[^[:space:]]+$ ]] || die "--change takes CONFIG_X=VALUE"
[ -f "$TREE/$SOURCE" ] || die "--source: no file $SOURCE in $TREE"

K="$TOP/scripts/kernel-debs.sh"
B="$TOP/out/bench/kernel-full"
RESULTS="$B/results"
mkdir -p "$B"
touch "$RESULTS"
printf '# CONFIG_DRM_AMDGPU is not set\n' >"$B/no-amdgpu.config"
printf '%s\n' "$CHANGE" >"$B/change.config"
BUILD=("$K" --distro "$DISTRO" --size full --fragment "$B/no-amdgpu.config" "$TREE")

done_phase() { grep -qx "$1 done" "$RESULTS"; }
# spent PHASE: the seconds this phase's tries took so far.
spent() { awk -v p="$1" '$1 == p && $2 ~ /^[0-9]+$/ { s += $2 } END { print s + 0 }' "$RESULTS"; }
# compiled: target objects kbuild compiled in the last run (kernel-debs.sh
# starts the work directory's build.log anew each run), not the modules'
# NAME.mod.o (made after compiling).
compiled() { compiled_in_log "$(work_dir)/build.log"; }

# carry PHASE: the time a try of PHASE cut short (a lost session) had
# spent, from PHASE.partial into RESULTS, so that the next try adds to it.
carry() {
  if [ -s "$B/$1.partial" ]; then printf '%s %d\n' "$1" "$(cat "$B/$1.partial")" >>"$RESULTS"; fi
  rm -f "$B/$1.partial"
}

# timed PHASE CMD...: CMD, its wall time appended to RESULTS (while it
# runs, kept in PHASE.partial: a try cut short still counts), the phase
# marked done by the caller when it succeeds.
timed() {
  local phase=$1 start=$SECONDS pid rc=0; shift
  carry "$phase"
  "$@" >>"$B/$phase.log" 2>&1 &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 5
    printf '%d\n' $((SECONDS - start)) >"$B/$phase.partial"
  done
  wait "$pid" || rc=$?
  rm -f "$B/$phase.partial"
  printf '%s %d\n' "$phase" $((SECONDS - start)) >>"$RESULTS"
  return "$rc"
}

# obj_dir WORK: where the build's objects are (an Ubuntu tree builds in
# its debian/build/build-FLAVOUR, other trees in WORK/out).
obj_dir() {
  local d
  for d in "$1"/src/debian/build/build-*; do [ -d "$d" ] && { printf '%s\n' "$d"; return 0; }; done
  printf '%s\n' "$1/out"
}

# breakdown PHASE: from the progress lines of PHASE's log (a line a minute:
# phase, objects, elapsed), how long each build phase lasted and how long
# the build ran after its last new object: linking, modpost, BTF, the tools
# and packaging, what stays on this machine with a build farm (issue 20's
# local share). Minutes, to the progress lines' resolution; the tries of a
# phase cut short by a lost session are laid end to end.
breakdown() {
  awk '
    function secs(t,   s, n) {
      s = 0
      if (match(t, /[0-9]+h/)) { n = substr(t, RSTART, RLENGTH - 1); s += n * 3600 }
      if (match(t, /[0-9]+m/)) { n = substr(t, RSTART, RLENGTH - 1); s += n * 60 }
      if (match(t, /^[0-9]+s$/)) s += substr(t, 1, length(t) - 1)
      return s
    }
    /^progress: / {
      t = secs($NF == "elapsed" ? $(NF - 1) : "")
      # a try after a lost session starts its clock again: continue the first
      if (t + base < end) base = end
      t += base
      p = $2; sub(/[,;]$/, "", p)
      if (!(p in first)) { first[p] = t; order[++k] = p }
      last[p] = t
      if (match($0, /, [0-9]+\/[0-9]+ objects/)) {
        n = substr($0, RSTART + 2, RLENGTH - 2); sub(/\/.*/, "", n); n += 0
        if (n > top) { top = n; newest = t }
      }
      end = t
    }
    END {
      if (k == 0) { print "    (no progress lines)"; exit }
      for (i = 1; i <= k; i++)
        printf "    %-10s from %4d min to %4d min\n", order[i], first[order[i]] / 60, last[order[i]] / 60
      printf "    last new object at %d min, then %d min without one (linking, modpost, BTF, tools, packaging)\n", newest / 60, (end - newest) / 60
    }' "$B/$1.log"
}

# work_dir: the build's work directory (kernel-debs.sh names it on its first line).
work_dir() { sed -n 's/^.* size, for [^ ]*, in \(.*\)$/\1/p' "$B/first.log" | tail -n 1; }

# first_phase: the build, killed with kill -9 once KILL_AT% of the expected
# objects are compiled.
# A try cut short (the session lost) left its time in first.partial.
first_phase() {
  local pid expected work objs start=$SECONDS
  carry first
  "${BUILD[@]}" >>"$B/first.log" 2>&1 &
  pid=$!
  # If this script dies, so does the build it started (not left running on).
  # shellcheck disable=SC2064 # pid is meant to be expanded now
  trap "kill -9 $pid 2>/dev/null || true" EXIT
  while kill -0 "$pid" 2>/dev/null; do
    sleep 20
    printf '%d\n' $((SECONDS - start)) >"$B/first.partial"
    work=$(work_dir)
    [ -n "$work" ] || continue
    # shellcheck disable=SC2012 # names are objects-SHA256
    # (no count yet until the config is settled: not an error, under set -e)
    expected=$(cat "$(ls -t "$work"/state/objects-* 2>/dev/null | head -n 1)" 2>/dev/null) || expected=0
    [ "${expected:-0}" -gt 0 ] || continue
    objs=$(obj_dir "$work")
    [ "$(count_objects "$objs")" -ge $((expected * KILL_AT / 100)) ] || continue
    msg "first: kill -9 at $(count_objects "$objs") of $expected objects"
    kill -9 "$pid"
    rm -f "$B/first.partial"
    wait "$pid" 2>/dev/null || true
    trap - EXIT
    printf 'first %d killed at %d of %d objects\n' $((SECONDS - start)) "$(count_objects "$objs")" \
      "$expected" >>"$RESULTS"
    printf 'first done\n' >>"$RESULTS"
    return 0
  done
  wait "$pid" && die "first: the build ended before $KILL_AT% of its objects were compiled (see $B/first.log)"
  printf 'first %d\n' $((SECONDS - start)) >>"$RESULTS"
  die "first: the build failed (see $B/first.log)"
}

if ! done_phase first; then
  msg "first: ${BUILD[*]} (log: $B/first.log)"
  first_phase
fi
if ! done_phase resume; then
  msg "resume: the same command again (log: $B/resume.log)"
  timed resume "${BUILD[@]}" || die "resume: the build failed (see $B/resume.log)"
  printf 'resume-objects %d\n' "$(compiled)" >>"$RESULTS"
  printf 'resume done\n' >>"$RESULTS"
fi
if ! done_phase check; then
  msg "check: scripts/kernel-check.sh (log: $B/check.log)"
  debs=$(sed -n '/^packages in /,$p' "$B/resume.log" | grep '\.deb$' | sed "s|^|$TOP/out/aarch64/debs/|")
  [ -n "$debs" ] || die "check: no packages listed at the end of $B/resume.log"
  # shellcheck disable=SC2086 # a list of paths without spaces (out/aarch64/debs)
  timed check "$TOP/scripts/kernel-check.sh" --distro "$DISTRO" $debs || warn "check: not every check passed (see $B/check.log)"
  printf 'check done\n' >>"$RESULTS"
fi
if ! done_phase change; then
  msg "change: $CHANGE (log: $B/change.log)"
  timed change "${BUILD[@]:0:${#BUILD[@]}-1}" --fragment "$B/change.config" "$TREE" ||
    die "change: the build failed (see $B/change.log)"
  printf 'change-objects %d\n' "$(compiled)" >>"$RESULTS"
  printf 'change done\n' >>"$RESULTS"
fi
if ! done_phase source; then
  # The file's own time, kept across tries, put back when the phase ends.
  [ -s "$B/source.mtime" ] || stat -c %Y "$TREE/$SOURCE" >"$B/source.mtime"
  msg "source: $SOURCE touched (log: $B/source.log)"
  touch "$TREE/$SOURCE"
  rc=0
  timed source "${BUILD[@]:0:${#BUILD[@]}-1}" --fragment "$B/change.config" "$TREE" || rc=$?
  touch -d "@$(cat "$B/source.mtime")" "$TREE/$SOURCE"
  [ "$rc" = 0 ] || die "source: the build failed (see $B/source.log)"
  rm -f "$B/source.mtime"
  printf 'source-objects %d\n' "$(compiled)" >>"$RESULTS"
  printf 'source done\n' >>"$RESULTS"
fi

printf 'full-size kernel build (%s, %s cores):\n' "${TREE##*/}" "$(nproc)"
printf '  first build until kill -9: %s (%s)\n' "$(duration "$(spent first)")" \
  "$(sed -n 's/^first [0-9]* \(killed .*\)$/\1/p' "$RESULTS" | tail -n 1)"
printf '  resumed build to the end:  %s (%s objects compiled)\n' "$(duration "$(spent resume)")" \
  "$(awk '$1 == "resume-objects" { print $2 }' "$RESULTS" | tail -n 1)"
printf '  the two together:          %s\n' "$(duration $(($(spent first) + $(spent resume))))"
printf '  after %s: %s (%s objects compiled)\n' "$CHANGE" "$(duration "$(spent change)")" \
  "$(awk '$1 == "change-objects" { print $2 }' "$RESULTS" | tail -n 1)"
printf '  after touching %s: %s (%s objects compiled)\n' "$SOURCE" "$(duration "$(spent source)")" \
  "$(awk '$1 == "source-objects" { print $2 }' "$RESULTS" | tail -n 1)"
printf '  the resumed build, by phase:\n'
breakdown resume
printf '  the rebuild after the change, by phase:\n'
breakdown change
printf '  kernel-check: %s ok, %s not ok (%s)\n' "$(grep -c '^ok' "$B/check.log" || true)" \
  "$(grep -c '^not ok' "$B/check.log" || true)" "$B/check.log"
