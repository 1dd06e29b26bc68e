#!/usr/bin/env bash
# tests/full/kernel-resume.sh [TREE]: scripts/kernel-debs.sh resumes and
# rebuilds incrementally, on the test size of TREE (default: the pinned
# Linux sources) for Debian bullseye:
#  - a build killed with kill -9 half-way leaves no process behind and its
#    lock free, and no half-written package in out/;
#  - a second build of the same tree at the same time is refused at once;
#  - the same command again finishes it, compiling only what was left;
#  - after a one-option change (--fragment) the build compiles a fraction
#    of the objects, and the packages have the option.
# Controls: the first, uninterrupted count is the reference every "only a
# fraction" check is held against.
# shellcheck disable=SC2016 # bash -c scripts are quoted on purpose
# Three kernel builds (whole, resumed, after a one-option change).
# test-timeout: 7200
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=scripts/kernel/progress.sh
. "$TOP/scripts/kernel/progress.sh"
scratch
DISTRO=bullseye
TREE=${1:-}
K=$TOP/scripts/kernel-debs.sh
LOGS="$TOP/out/tests"
mkdir -p "$LOGS"

"$TOP/build.sh" --distro "$DISTRO" aarch64 build-chroot >/dev/null 2>&1 || { not_ok "the build-chroot stage builds"; finish; }
[ -n "$TREE" ] || TREE=$(source_dir linux)
# A tree of its own (another name, so another work directory), so the other
# kernel tests' builds are not disturbed.
COPY="$SCRATCH/linux-resume"
rsync -a --exclude=.git "$TREE/" "$COPY/"
WORK="$CACHE/kernel/aarch64/linux-resume-$DISTRO-test"
rm -rf "$WORK"
trap 'rm -rf "$SCRATCH" "$WORK" "$WORK.lock" "$WORK.lock.pid"' EXIT

# compiled: objects the last run compiled (kbuild's "  CC " lines of target
# objects, not the modules' NAME.mod.o: as count_objects counts), from the
# work directory's build.log, which kernel-debs.sh starts anew each run (its
# own output has only the progress lines).
compiled() { compiled_in_log "$WORK/build.log"; }

# The reference: how many objects the whole test-size build compiles.
objects=$("$K" --distro "$DISTRO" --size test --estimate --sample 1 "$COPY" 2>"$LOGS/kernel-resume-estimate.log" |
  sed -n 's/^objects to compile: \([0-9]*\).*/\1/p') || true
if [ -z "$objects" ]; then not_ok "--estimate counts the objects (log: $LOGS/kernel-resume-estimate.log)"; finish; fi
ok "the test size compiles $objects objects (make -n)"

# Start, kill -9 once a third is compiled.
"$K" --distro "$DISTRO" --size test "$COPY" >"$LOGS/kernel-resume-1.log" 2>&1 &
pid=$!
for _ in $(seq 1800); do
  [ "$(count_objects "$WORK/out")" -lt $((objects / 3)) ] || break
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if ! kill -0 "$pid" 2>/dev/null; then not_ok "the first build was still running at a third (log: $LOGS/kernel-resume-1.log)"; finish; fi
expect_fail "a second build of the same tree while one runs is refused" 'another build of this tree is running' \
  "$K" --distro "$DISTRO" --size test "$COPY"
done_before=$(count_objects "$WORK/out")
kill -9 "$pid"; wait "$pid" 2>/dev/null || true
sleep 3
check "kill -9 of kernel-debs.sh ends the build in the chroot too (no make left in $WORK)" \
  bash -c '! pgrep -f "O=/build/[o]ut" >/dev/null'
check "no half-written package in out/aarch64/debs (no temporary)" \
  bash -c '! ls -A "$1" 2>/dev/null | grep -q "\.tmp$"' _ "$TOP/out/aarch64/debs"
note_done=$(count_objects "$WORK/out")
printf '# killed at %d of %d objects (%d on disk after the kill)\n' "$done_before" "$objects" "$note_done"

start=$SECONDS
if "$K" --distro "$DISTRO" --size test "$COPY" >"$LOGS/kernel-resume-2.log" 2>&1; then
  ok "the same command again finishes the build ($((SECONDS - start)) s)"
else
  not_ok "the resumed build (log: $LOGS/kernel-resume-2.log)"; tail -n 20 "$LOGS/kernel-resume-2.log" | sed 's/^/#   /'; finish
fi
again=$(compiled)
# What the kill left uncompiled, no more (a twentieth for those in flight),
# and not nothing: the count read from the wrong log would be 0.
if [ "$again" -lt "$objects" ] && [ "$again" -le $((objects - done_before + objects / 20)) ] &&
    [ "$again" -ge $(((objects - note_done) / 2)) ]; then
  ok "the resumed build compiled $again objects, the rest of $objects"
else not_ok "the resumed build compiled $again of $objects objects (killed at $done_before)"; fi
check "it says it resumed" grep -q 'resuming: ' "$LOGS/kernel-resume-2.log"

# One option changed: an incremental rebuild.
printf 'CONFIG_IKCONFIG=y\n' >"$SCRATCH/ikconfig.config"
start=$SECONDS
if "$K" --distro "$DISTRO" --size test --fragment "$SCRATCH/ikconfig.config" "$COPY" >"$LOGS/kernel-resume-3.log" 2>&1; then
  ok "a build with one option changed by --fragment ($((SECONDS - start)) s)"
else
  not_ok "the rebuild with --fragment (log: $LOGS/kernel-resume-3.log)"; tail -n 20 "$LOGS/kernel-resume-3.log" | sed 's/^/#   /'; finish
fi
again=$(compiled)
# Some (IKCONFIG: kernel/configs.o and what includes its header), not most.
if [ "$again" -ge 1 ] && [ "$again" -lt $((objects / 4)) ]; then ok "the rebuild compiled $again of $objects objects"
else not_ok "the rebuild compiled $again of $objects objects: not incremental, or nothing rebuilt"; fi
image=$(sed -n '/^packages in /,$p' "$LOGS/kernel-resume-3.log" | grep '^linux-image-.*\.deb$' | head -n 1)
# The config read whole into a file first: grep -q stops at the match, and
# under pipefail tar, killed writing the rest (68 KB), failed the check.
if [ -n "$image" ] && dpkg-deb --fsys-tarfile "$TOP/out/aarch64/debs/$image" |
    tar -xO --wildcards './boot/config-*' >"$SCRATCH/rebuilt.config" &&
    grep -qx 'CONFIG_IKCONFIG=y' "$SCRATCH/rebuilt.config"; then
  ok "the rebuilt package's config has the fragment's option"
else not_ok "the rebuilt linux-image ($image) lacks CONFIG_IKCONFIG=y"; fi
printf 'CONFIG_HZ_1000=y\nCONFIG_HZ=1000\n' >"$SCRATCH/undo.config"
expect_fail "a fragment that undoes a tickless setting stops before building" 'undoes the tickless setting' \
  "$K" --distro "$DISTRO" --size test --fragment "$SCRATCH/undo.config" "$COPY"
finish
