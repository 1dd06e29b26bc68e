#!/usr/bin/env bash
# crossboot-jobstart (sysimage/jobstart/), which starts each distcc job's
# sandbox: built with -Werror, its command-line and --args file checks (one
# line each, with a control), and its own process under valgrind (the job's
# side is a fork that execs bubblewrap: valgrind cannot follow it through,
# so only the starter's report is read). The sandbox's policy and the
# attacks: tests/unit/distcc-sandbox.sh.
# shellcheck disable=SC2016 # bash -c scripts are single-quoted on purpose
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
for pair in cc:gcc make:make; do
  command -v "${pair%%:*}" >/dev/null || { skip "crossboot-jobstart" "${pair%%:*} is missing (apt-get install ${pair#*:})"; finish; }
done
JS="$SCRATCH/bin/crossboot-jobstart"
check "it builds with -std=c11 -Wall -Wextra -Werror" jobstart_into "$SCRATCH/bin"
[ -x "$JS" ] || finish
check "it is built with the mandatory warnings even when CFLAGS says -w" bash -c '
  make -s -n -C "$1/sysimage/jobstart" O=/x CFLAGS="-O1 -w" | grep -q -- "-O1 .*-std=c11 -Wall -Wextra -Werror"' _ "$TOP"

# A state directory as write_sandbox_conf makes it (mode 700), a job.args in it.
STATE="$SCRATCH/state"
mkdir -m 700 "$STATE"
: >"$STATE/distccd.log"
args() { (umask 077 && printf '%s\0' "$@" >"$STATE/job.args"); }
# (started by root, a job must be given a user to run as)
AS=()
if [ "$(id -u)" = 0 ]; then AS=(--uid 65534 --gid 65534); fi
MIN=(--wall 5 --scratch /run --tmpfs size=1m --procs 10 "${AS[@]}")

expect_fail "no program after --" "usage:" "$JS" "${MIN[@]}"
expect_fail "an unknown option" "usage:" "$JS" --bogus 1 "${MIN[@]}" -- true
expect_fail "--wall 0" "--wall needs a whole number" "$JS" --wall 0 --scratch /run --tmpfs x --procs 1 -- true
expect_fail "--procs with letters" "--procs needs a whole number" "$JS" --wall 1 --scratch /run --tmpfs x --procs 1x -- true
expect_fail "--uid without --gid" "usage:" "$JS" --wall 5 --scratch /run --tmpfs size=1m --procs 10 --uid 65534 -- true
expect_fail "--allow without bits" "needs ADDR/BITS" "$JS" --allow 10.0.0.1 "${MIN[@]}" -- true
expect_fail "--allow with a bad address" "needs ADDR/BITS" "$JS" --allow 10.0.0.256/8 "${MIN[@]}" -- true

# --args: errors go to the state's log (stderr may be the connection).
args_fails() {
  local name=$1 want=$2 rc=0
  : >"$STATE/distccd.log"
  "$JS" --args "$STATE/job.args" </dev/null >"$SCRATCH/out" 2>&1 || rc=$?
  if [ "$rc" = 2 ] && grep -q -- "$want" "$STATE/distccd.log" && [ ! -s "$SCRATCH/out" ]; then ok "--args: $name"
  else not_ok "--args: $name (exit $rc; log: $(tr '\n' ' ' <"$STATE/distccd.log"); output: $(head -c 200 "$SCRATCH/out"))"; fi
}
printf 'no trailing NUL' >"$STATE/job.args"; chmod 600 "$STATE/job.args"
args_fails "a file that is not NUL-terminated words is refused in the log, nothing on the connection" "NUL-terminated words"
: >"$STATE/job.args"
args_fails "an empty file is refused" "NUL-terminated words"
args "${MIN[@]}" -- /bin/echo ran; chmod 620 "$STATE/job.args"
args_fails "a file its group can write is refused" "or others can write it"
# (a state directory others can write: not even its log is trusted)
chmod 600 "$STATE/job.args"; chmod 770 "$STATE"
: >"$STATE/distccd.log"; rc=0
"$JS" --args "$STATE/job.args" </dev/null >"$SCRATCH/out" 2>&1 || rc=$?
check "--args: a state directory its group can write is refused, silently (exit $rc)" \
  bash -c '[ "$1" = 2 ] && [ ! -s "$2" ] && [ ! -s "$3" ]' _ "$rc" "$SCRATCH/out" "$STATE/distccd.log"
chmod 700 "$STATE"
if [ "$(id -u)" = 0 ]; then
  chown nobody "$STATE/job.args"
  args_fails "a file of another user's is refused" "not this user's"
  chown root "$STATE/job.args"
else skip "another user's job.args" "needs root (chown)"; fi
: >"$STATE/distccd.log"
rc=0; out=$("$JS" --args "$STATE/job.args" </dev/null 2>/dev/null) || rc=$?
# (without user namespaces the job cannot start: then the log says why)
if [ "$rc" = 0 ]; then check "control: the same file, private again, runs the program" test "$out" = ran
else skip "control: --args runs the program" "the job did not start here (exit $rc): $(tr '\n' ' ' <"$STATE/distccd.log")"; fi

# The starter itself, run directly (the job: a shell; its messages into LOG).
if [ "$out" = ran ]; then
  LOG="$SCRATCH/job.log"
  if [ "$(id -u)" = 0 ]; then
    expect_fail "started by root without --uid" "a job never runs as root" \
      "$JS" --wall 5 --scratch /run --tmpfs size=1m --procs 10 -- /bin/echo ran
  fi
  # The job's control bytes reach the log as '?', tab and newline as they are.
  : >"$LOG"
  "$JS" "${MIN[@]}" --tag job --log "$LOG" -- /bin/sh -c 'printf "a\033[2Jb\tc\n" >&2' </dev/null || true
  check "a job's escape sequence reaches the log as '?' (log: $(od -c "$LOG" | head -n 2 | tr -s ' \n' ' '))" \
    bash -c 'grep -q "a?\[2Jb	c$" "$1" && ! grep -q $'"'"'\033'"'"' "$1"' _ "$LOG"
  # A log at the total limit (256 MiB, sparse here) grows no more; control: one below it does.
  truncate -s 256M "$LOG"
  "$JS" "${MIN[@]}" --tag job --log "$LOG" -- /bin/sh -c 'echo more >&2' </dev/null || true
  check "a log at 256 MiB is not written further (size $(stat -c %s "$LOG"))" test "$(stat -c %s "$LOG")" = 268435456
  truncate -s 255M "$LOG"
  "$JS" "${MIN[@]}" --tag job --log "$LOG" -- /bin/sh -c 'echo more >&2' </dev/null || true
  check "control: a log below the limit is written (size $(stat -c %s "$LOG"))" test "$(stat -c %s "$LOG")" -gt 267386880
  rm -f "$LOG"
  # The starter killed with -9 before the sandbox holds: the job goes with it.
  # (MARK anchored: the starter's own command line names it too)
  started() {  # started PATTERN: up to 5 s for a process whose command line matches ^PATTERN
    for _ in $(seq 50); do pgrep -f "^$1" >/dev/null && return 0; sleep 0.1; done
    return 1
  }
  alive_after_kill() {  # alive_after_kill MARK CMD...: the MARK process still runs 1 s after CMD is killed -9
    local pid rc=1
    "${@:2}" </dev/null >/dev/null 2>&1 & pid=$!
    started "(/bin/)?$1" || true
    kill -9 "$pid"; wait "$pid" 2>/dev/null || true
    sleep 1
    pgrep -f "^(/bin/)?$1" >/dev/null && rc=0
    pkill -f "^(/bin/)?$1" || true
    return "$rc"
  }
  if alive_after_kill "sleep 31.5" "$JS" "${MIN[@]}" -- /bin/sleep 31.5; then not_ok "the job outlived its starter killed with -9"
  else ok "the job dies with its starter killed with -9"; fi
  if alive_after_kill "sleep 32.5" bash -c 'sleep 32.5 & wait'; then ok "control: a shell's child outlives the shell killed with -9"
  else not_ok "control: a shell's child died with the shell: the test cannot tell"; fi
  # A program that leaves a child of its own behind, as bwrap killed during
  # its set-up does (its child never asked to die with it): the job's pid
  # namespace takes that child too. (The control is the one above.)
  if alive_after_kill "sleep 33.5" "$JS" "${MIN[@]}" -- /bin/sh -c 'sleep 33.5 & wait'; then
    not_ok "the job's grandchild outlived the starter killed with -9"
  else ok "the job's grandchild (no parent-death signal of its own) dies with the starter killed with -9"; fi
  # The same at the wall time: every process of the job ends, and the
  # starter says why.
  : >"$SCRATCH/wall.log"; rc=0
  "$JS" --wall 1 --scratch /run --tmpfs size=1m --procs 10 "${AS[@]}" --log "$SCRATCH/wall.log" \
    -- /bin/sh -c 'sleep 34.5 & wait' </dev/null >/dev/null 2>&1 || rc=$?
  left=$(pgrep -fc "^sleep 34.5" || true)
  pkill -f "^sleep 34.5" || true
  check "at its wall time the whole job ends (exit $rc, $left left): $(tr '\n' ' ' <"$SCRATCH/wall.log")" \
    bash -c '[ "$1" = 137 ] && [ "$2" = 0 ] && grep -q "wall time is over" "$3"' _ "$rc" "$left" "$SCRATCH/wall.log"
  # A host stopping sends SIGTERM to every job's processes by name (distcc-host.sh's
  # stop_host): the starter kills the job and says why; its own helper in the
  # job's side ignores it, else the job ended 143 and unexplained.
  : >"$SCRATCH/stop.log"; rc=0
  "$JS" "${MIN[@]}" --log "$SCRATCH/stop.log" -- /bin/sleep 35.5 </dev/null >/dev/null 2>&1 & pid=$!
  started /bin/sleep.35.5 || true
  # (newest first: the job's side before the starter, the order that showed it)
  pgrep -x "$(basename "$JS" | cut -c1-15)" | sort -rn | xargs -r kill -TERM || true
  wait "$pid" || rc=$?
  check "a host's stop (SIGTERM to the job's processes by name): exit $rc, $(tr '\n' ' ' <"$SCRATCH/stop.log")" \
    bash -c '[ "$1" = 137 ] && grep -q "the host is stopping" "$2"' _ "$rc" "$SCRATCH/stop.log"
  # --procs 1: the job gets one process (its helper not counted against it).
  check "--procs 1 runs a one-process job" bash -c '[ "$("$@" </dev/null 2>/dev/null)" = ran ]' _ \
    "$JS" --wall 5 --scratch /run --tmpfs size=1m --procs 1 "${AS[@]}" -- /bin/echo ran
  # A starter whose SIGCHLD is ignored (inherited through exec) still gives the job's status.
  if command -v perl >/dev/null; then
    check "control: perl passes an ignored SIGCHLD on" bash -c \
      'perl -e '"'"'$SIG{CHLD} = "IGNORE"; exec @ARGV'"'"' grep -q "^SigIgn:.*[1-9a-f]....$" /proc/self/status'
    rc=0; perl -e '$SIG{CHLD} = "IGNORE"; exec @ARGV' "$JS" "${MIN[@]}" -- /bin/sh -c 'exit 3' </dev/null 2>/dev/null || rc=$?
    check "with SIGCHLD ignored by its starter, the job's exit status comes back (exit $rc)" test "$rc" = 3
  fi
  # Job slots (--slots DIR --jobs 2): a connection that finds both taken
  # waits, and takes whichever slot frees first. One slot is held 6 s, the
  # other 1 s; the waiter knows its pid before it execs the starter, so the
  # slot it would have waited on before (a fixed one: pid % 2 + 1) is
  # always the 6 s one.
  SL="$SCRATCH/slots"
  SLOT=(--slots "$SL" --jobs 2 --wall 20 --scratch /run --tmpfs size=1m --procs 10 "${AS[@]}")
  # first_free LONG SHORT: seconds the waiter took, the slot pid % 2 + 1 held
  # LONG seconds, the other SHORT (the holders take run.1, then run.2).
  first_free() {
    rm -rf "$SL"; mkdir -m 700 "$SL"; touch "$SL"/run.{1,2} "$SL"/wait.{1,2,3,4}
    (
      if [ $((BASHPID % 2)) = 0 ]; then set -- "$1" "$2"; else set -- "$2" "$1"; fi
      "$JS" "${SLOT[@]}" -- /bin/sleep "$1" </dev/null >/dev/null 2>&1 &
      sleep 0.3
      "$JS" "${SLOT[@]}" -- /bin/sleep "$2" </dev/null >/dev/null 2>&1 &
      sleep 0.3
      date +%s%N >"$SCRATCH/t0"
      exec "$JS" "${SLOT[@]}" -- /bin/true </dev/null >/dev/null 2>&1
    )
    awk -v t0="$(cat "$SCRATCH/t0")" -v t1="$(date +%s%N)" 'BEGIN { printf "%.1f\n", (t1 - t0) / 1e9 }'
  }
  t=$(first_free 6 1)
  check "a waiting job takes the slot freed first (${t} s: the 1 s job's, not its own pid's, held 6 s)" \
    awk -v t="$t" 'BEGIN { exit !(t < 2.5) }'
  t=$(first_free 4 4)
  check "control: with no slot freed early, the waiter waits (${t} s, both held 4 s)" \
    awk -v t="$t" 'BEGIN { exit !(t >= 2.5) }'
  sleep 2  # (the 6 s holder of the first case, gone)
  # A waiter keeps every run slot open: with --jobs 1100 more than a soft
  # limit of 1024 open files, which it raises under the hard one. All 1100
  # held 2 s by perl; the waiter must get one when they free.
  if command -v perl >/dev/null && { [ "$(ulimit -H -n)" = unlimited ] || [ "$(ulimit -H -n)" -ge 1200 ]; }; then
    rm -rf "$SL"; mkdir -m 700 "$SL"
    ( cd "$SL" && touch run.{1..1100} wait.{1..2200} )
    ( ulimit -S -n "$(ulimit -H -n)"
      exec perl -e 'use Fcntl ":flock"; my @h; for (1 .. 1100) { open(my $f, "<", "$ARGV[0]/run.$_") or die;
        flock($f, LOCK_EX) or die; push @h, $f } sleep 2' "$SL" ) &
    sleep 0.5
    out=$( ulimit -S -n 1024; "$JS" --slots "$SL" --jobs 1100 --wall 20 --scratch /run --tmpfs size=1m --procs 10 \
      "${AS[@]}" -- /bin/echo ran </dev/null 2>&1 | tail -n 1 ) || true
    wait
    check "a waiter with 1100 slots and a soft limit of 1024 open files gets one ($out)" test "$out" = ran
  else skip "1100 slots" "no perl, or a hard limit on open files under 1200"; fi
else skip "the starter run directly" "the job did not start here"; fi

# valgrind: the starter's own report (one log per process: %p).
if ! command -v valgrind >/dev/null; then skip "crossboot-jobstart under valgrind" "valgrind is missing"; finish; fi
check "built -O0 -g for valgrind" make -s -C "$TOP/sysimage/jobstart" O="$SCRATCH/vg" CFLAGS="-O0 -g"
# vg_clean NAME ARGS...: the first (the starter's) process has no errors and frees all.
vg_clean() {
  local name=$1 first; shift
  rm -f "$SCRATCH"/vg.*.log
  valgrind --leak-check=full --errors-for-leak-kinds=all --log-file="$SCRATCH/vg.%p.log" \
    "$SCRATCH/vg/crossboot-jobstart" "$@" </dev/null >/dev/null 2>&1 || true
  first=$(find "$SCRATCH" -maxdepth 1 -name 'vg.*.log' | sort -t. -k2 -n | head -n 1)
  if [ -n "$first" ] && grep -q 'ERROR SUMMARY: 0 errors' "$first" && grep -q 'All heap blocks were freed' "$first"; then
    ok "valgrind: $name"
  else not_ok "valgrind: $name"; grep -E 'ERROR SUMMARY|lost|reachable' "${first:-/dev/null}" | head -n 5 | sed 's/^/#   /'; fi
}
vg_clean "a job from --args (the starter's side)" --args "$STATE/job.args"
vg_clean "a refused --args file" --args "$SCRATCH/missing/job.args"
vg_clean "a bad option" --wall x
# The control: a leak valgrind must see (the same check on a program that leaks).
printf '#include <stdlib.h>\nint main(void) { return malloc(64) == 0; }\n' >"$SCRATCH/leak.c"
cc -O0 -o "$SCRATCH/leak" "$SCRATCH/leak.c"
valgrind --leak-check=full --errors-for-leak-kinds=all --log-file="$SCRATCH/leak.log" "$SCRATCH/leak" || true
check "control: valgrind's report shows a leak where there is one" bash -c '! grep -q "All heap blocks were freed" "$1"' _ "$SCRATCH/leak.log"
finish
