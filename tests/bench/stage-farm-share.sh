#!/usr/bin/env bash
# tests/bench/stage-farm-share.sh [--target NAME] [--cache DIR] [--summary] [STAGE...]
#
# Would a build farm (issue 20's compile hosts) pay for the toolchain's own
# stages, as it does for the kernel? For each STAGE (default: cross, the
# gcc built by the build machine's gcc, and native, the gcc built by the
# cross stage's aarch64 compiler), the stage is built again with every
# compile redone (ccache's recache mode, its log kept) and the log read:
#  - wall time, and how much of it no compile a host could take was
#    running (configure, links, generator programs, compiles by other
#    compilers, install): no farm lowers it;
#  - each compile's compiler: a compile host serves only the release's
#    TRIPLET-gcc/g++, never the build machine's gcc or a compiler the stage
#    is still building (gcc's xgcc for libgcc), so those stay local;
#  - configure's test programs (conftest.c) apart: serial and tiny;
#  - preprocessing (ccache runs it apart, as distcc's client does; it
#    stays local) against the whole compile;
# and, from those, the least wall time any number of hosts could give:
# that floor + the preprocessing of the compiles sent away, spread over this
# machine's cores: for the product's compile hosts, and for hosts that also
# had the build machine's compilers (plain distcc with the same gcc
# everywhere). A model: make's own serial points inside the compiling, and
# the compiles that removing others would let overlap, are not in it. The
# stage's compiles ccache does not see (the target libraries, by the xgcc
# the stage builds) count as no compile: no host has that compiler.
# --summary prints the figures again from the logs a run kept.
# It rebuilds the stages in the cache (the same bits: the engine's keys do
# not change), so run it on a quiet machine. Gates nothing.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

USAGE="usage: tests/bench/stage-farm-share.sh [--target NAME] [--cache DIR] [--summary] [STAGE...]"
TARGET=aarch64 CACHE_ARGS=() STAGES=() SUMMARY=0
while [ $# -gt 0 ]; do
  case $1 in
    --target) TARGET=${2:?--target needs a name}; shift ;;
    --cache) CACHE_ARGS=(--cache "${2:?--cache needs a directory}"); shift ;;
    --summary) SUMMARY=1 ;;
    -*) die "$USAGE" ;;
    *) [[ $1 =~ ^[a-z][a-z0-9-]*$ ]] || die "not a stage name: $1"; STAGES+=("$1") ;;
  esac
  shift
done
[ ${#STAGES[@]} -gt 0 ] || STAGES=(cross native)
[ -f "$TOP/targets/$TARGET" ] || die "unknown target $TARGET (targets/)"
have ccache || die "ccache is needed (apt-get install ccache): its log times each compile"
TRIPLET=$(sed -n 's/^TARGET_TRIPLET=\([^ ]*\).*/\1/p' "$TOP/targets/$TARGET")
B="$TOP/out/bench/stage-farm-share"
mkdir -p "$B"
CORES=$(nproc)

# jobs LOG: one line a compile ccache ran: START END PREPROCESSING KIND, the
# times in seconds (from the log's timestamps), KIND "farm" (the release's
# compiler), "local" (any other) or "conftest". Each process's lines are
# followed by its pid; a compile ends at the first line after its
# "Executing" (ccache then stores the result).
jobs() {
  awk -v triplet="$TRIPLET" '
    # days_from_civil: days since 1970-01-01 (Howard Hinnant).
    function days(y, m, d,   era, yoe, doy, doe) {
      y -= (m <= 2); era = int((y >= 0 ? y : y - 399) / 400); yoe = y - era * 400
      doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
      doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
      return era * 146097 + doe - 719468
    }
    function ts(s,   y, m, d) {   # [2026-12-07T09:16:58.018852
      y = substr(s, 2, 4); m = substr(s, 7, 2); d = substr(s, 10, 2)
      return days(y + 0, m + 0, d + 0) * 86400 + substr(s, 13, 2) * 3600 + substr(s, 16, 2) * 60 + substr(s, 19)
    }
    function finish(p,   kind, exe) {
      if (cs[p] != "" && ce[p] != "") {
        exe = ex[p]; sub(/.*\//, "", exe)
        kind = (src[p] ~ /(^|\/)conftest\.c/) ? "conftest" : (exe ~ ("^" triplet "-(gcc|g\\+\\+|cc|c\\+\\+)$") ? "farm" : "local")
        printf "%.6f %.6f %.6f %s\n", cs[p], ce[p], (pe[p] != "" && ps[p] != "" ? pe[p] - ps[p] : 0), kind
      }
      delete cs[p]; delete ce[p]; delete ps[p]; delete pe[p]; delete ex[p]; delete src[p]; delete wait[p]
    }
    {
      # "[TIME PID ] MESSAGE", or "[TIME PID] MESSAGE" once the pid is wide
      p = $2; sub(/\]$/, "", p); t = ts($1); line = substr($0, index($0, "]") + 2)
      if (wait[p]) { ce[p] = t; wait[p] = 0 }
      if (line ~ /^Command line: /) { finish(p); cs[p] = ""; ce[p] = "" }
      else if (line ~ /^Source file: /) src[p] = substr(line, 14)
      else if (line ~ /^Running preprocessor/) ps[p] = t
      else if (line ~ /^Got result key from preprocessor/) pe[p] = t
      else if (line ~ /^Running real compiler/) cs[p] = t
      else if (line ~ /^Executing / && cs[p] != "" && ex[p] == "") { split(line, w, " "); ex[p] = w[2]; wait[p] = 1 }
      else if (line ~ /^Result: /) finish(p)
    }
    END { for (p in cs) finish(p) }' "$1"
}

# summarize STAGE WALL LOG: the figures above, from jobs LOG, for two
# farms: the product's compile hosts (the release compiler only), and
# hosts that would also have the build machine's own compilers.
summarize() {
  jobs "$3" | sort -n | awk -v stage="$1" -v wall="$2" -v cores="$CORES" '
    # add SET START END: the union of the intervals of SET, in busy[SET].
    function add(k, a, b) {
      if (!(k in end) || a > end[k]) { if (k in end) busy[k] += end[k] - start[k]; start[k] = a; end[k] = b }
      else if (b > end[k]) end[k] = b
    }
    function total(k) { return (k in end) ? busy[k] + end[k] - start[k] : 0 }
    function bound(name, k, pre,   floor, best) {
      floor = wall - total(k); if (floor < 0) floor = 0
      best = floor + pre / cores
      printf "  %s: %.0f s with none of those compiles running; with hosts enough, at least %.0f s (%.2fx at most)\n", name, floor, best, wall / (best > 0 ? best : 1)
    }
    {
      n[$4]++; sum[$4] += $2 - $1; pp[$4] += $3
      if ($4 == "farm") add("farm", $1, $2)
      if ($4 != "conftest") add("any", $1, $2)
    }
    END {
      printf "%s: %d s wall on %d cores; compiles (ccache saw them; preprocessing stays here):\n", stage, wall, cores
      printf "  by the release compiler (what a compile host serves): %5d, %6.0f s, preprocessing %5.0f s\n", n["farm"], sum["farm"], pp["farm"]
      printf "  by other compilers (the build machine'"'"'s):              %5d, %6.0f s, preprocessing %5.0f s\n", n["local"], sum["local"], pp["local"]
      printf "  configure'"'"'s test programs (serial, tiny):              %5d, %6.0f s\n", n["conftest"], sum["conftest"]
      bound("the product'"'"'s compile hosts", "farm", pp["farm"])
      bound("hosts with the build machine'"'"'s compilers too", "any", pp["farm"] + pp["local"])
    }'
}

# --summary: the figures again from the logs a run kept; nothing built.
if [ "$SUMMARY" = 1 ]; then
  for s in "${STAGES[@]}"; do
    if [ ! -s "$B/$s.ccache.log" ] || [ ! -s "$B/$s.wall" ]; then die "$s: no kept log in $B (run without --summary)"; fi
    summarize "$s" "$(cat "$B/$s.wall")" "$B/$s.ccache.log"
  done
  exit 0
fi

for s in "${STAGES[@]}"; do
  log="$B/$s.ccache.log"
  rm -f "$log"
  msg "$s: ./build.sh --rebuild $s $TARGET $s, every compile redone (build log: $B/$s.build.log)"
  start=$SECONDS
  CCACHE_RECACHE=1 CCACHE_LOGFILE=$log "$TOP/build.sh" "${CACHE_ARGS[@]}" --rebuild "$s" "$TARGET" "$s" \
    >"$B/$s.build.log" 2>&1 || die "$s: the build failed (see $B/$s.build.log)"
  wall=$((SECONDS - start))
  [ -s "$log" ] || die "$s: ccache logged nothing (is ccache in the stage's compilers?)"
  printf '%s\n' "$wall" >"$B/$s.wall"
  summarize "$s" "$wall" "$log" | tee "$B/$s.summary"
done
