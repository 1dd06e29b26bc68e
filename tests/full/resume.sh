#!/usr/bin/env bash
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
# kill -9 in the middle of gcc, then a re-run: the stage is not taken as done,
# the re-run completes, and its toolchain is the same, file for file, as the
# one built without interruption. Rebuilds the cross stage (ccache helps).
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
cd "$TOP"

OUT=out/aarch64
GCC_LOG="$OUT/logs/cross/gcc-aarch64-linux-musl-all-gcc.log"

# tree_digest DIR: one line per file (content hash) and symlink (target).
tree_digest() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
   find . -type l -printf '%p -> %l\n' | LC_ALL=C sort)
}

cache=${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}
./build.sh aarch64 cross >"$SCRATCH/first.log" 2>&1 || { not_ok "first build"; finish; }
tree_digest "$OUT/cross" >"$SCRATCH/before"
key=$(cat "$OUT/.cross.stage-key")
# As if the stage had never been built (--rebuild would keep the old result
# until the new one is complete).
rm -rf "${cache:?}/stages/aarch64/cross/$key"

setsid ./build.sh aarch64 cross >"$SCRATCH/killed.log" 2>&1 &
pid=$!
# Wait until gcc itself is compiling (its log has grown), then kill -9.
for _ in $(seq 1200); do
  [ -f "$GCC_LOG" ] && [ "$(wc -l <"$GCC_LOG")" -gt 400 ] && break
  sleep 1
done
if [ -f "$GCC_LOG" ] && [ "$(wc -l <"$GCC_LOG")" -gt 400 ]; then
  ok "gcc was compiling when the build was killed"
else not_ok "gcc never got going: $(tail -n 5 "$SCRATCH/killed.log")"; fi
kill -9 -- -"$pid" 2>/dev/null || kill -9 "$pid"
wait "$pid" 2>/dev/null || true

check "the killed stage does not count as done" test ! -d "$cache/stages/aarch64/cross/$key"
if ./build.sh aarch64 cross >"$SCRATCH/rerun.log" 2>&1 && grep -q 'cross .*built in' "$SCRATCH/rerun.log"; then
  ok "the re-run builds the stage again and completes"
else not_ok "re-run"; tail -n 30 "$SCRATCH/rerun.log" | sed 's/^/#   /'; fi
check "no leftovers of the killed run" bash -c '! ls -d "$1"/stages/aarch64/cross/*.tmp 2>/dev/null' _ "$cache"
tree_digest "$OUT/cross" >"$SCRATCH/after"
if cmp -s "$SCRATCH/before" "$SCRATCH/after"; then
  ok "the resumed build's toolchain is identical to the uninterrupted one ($(wc -l <"$SCRATCH/after") entries)"
else
  not_ok "the resumed build's toolchain differs"
  # (sed reads the whole diff: head's early exit would kill diff under pipefail)
  diff "$SCRATCH/before" "$SCRATCH/after" | sed -n '1,20s/^/#   /p' || true  # diff: 1 when they differ
fi
finish
