#!/usr/bin/env bash
# tests/unit/test-runner.sh: tests/run.sh itself. A run stopped (kill, or
# Ctrl-C) stops the test it is running too, which cleans up and ends before
# the run does: timeout(1) runs each test in a process group of its own,
# which a stop of the run does not reach by itself. Checked on a copy of
# run.sh whose first test is a stand-in that waits to be stopped.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

# stand_in DIR: DIR/tests/run.sh (this checkout's) and a lint.sh stand-in
# that records its pid, waits, and on TERM records that it was stopped.
stand_in() {
  mkdir -p "$1/tests"
  cp "$TOP/tests/run.sh" "$1/tests/run.sh"
  cat >"$1/tests/lint.sh" <<'EOF'
#!/usr/bin/env bash
d=$(cd "$(dirname "$0")" && pwd)
trap 'echo stopped >"$d/lint.stopped"; exit 143' TERM
echo $$ >"$d/lint.pid"
for _ in $(seq 600); do sleep 0.1; done
EOF
  chmod 755 "$1/tests/run.sh" "$1/tests/lint.sh"
}

# wait_for FILE: up to 10 s for FILE to exist.
wait_for() {
  local _
  for _ in $(seq 100); do [ ! -e "$1" ] || return 0; sleep 0.1; done
  return 1
}

# gone PID: PID has ended within 10 s.
gone() {
  local _
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

# stop_run SIGNAL: a run started as an interactive shell starts a command
# (job control: its own process group, SIGINT not ignored), stopped with
# SIGNAL once its stand-in test runs; whether the stand-in ended, and was
# stopped rather than killed.
stop_run() {
  local d="$SCRATCH/$1" pid rc=0 tpid
  stand_in "$d"
  set -m
  bash "$d/tests/run.sh" --no-install >"$d/run.log" 2>&1 </dev/null &
  pid=$!
  set +m
  if ! wait_for "$d/tests/lint.pid"; then not_ok "$1: the stand-in test started"; return; fi
  tpid=$(cat "$d/tests/lint.pid")
  kill -"$1" "$pid"
  wait "$pid" || rc=$?
  check "$1 to the run: it ends with status $rc (128 + the signal)" test "$rc" -gt 128
  check "$1 to the run: the test it ran ends too" gone "$tpid"
  check "$1 to the run: the test was stopped (its TERM trap ran), not left alone" test -f "$d/tests/lint.stopped"
  check "$1 to the run: it says so" grep -q '^stopped: stopping the running test too' "$d/run.log"
  kill -KILL "$tpid" 2>/dev/null || true
}

stop_run TERM
stop_run INT

# The control: the same stand-in under timeout(1) outlives a kill of the
# shell that started it (what run.sh did before it passed the stop on).
d="$SCRATCH/control"
mkdir -p "$d"
stand_in "$d"
set -m
bash -c 'timeout 60 bash "$1" </dev/null >/dev/null 2>&1' _ "$d/tests/lint.sh" &
pid=$!
set +m
if wait_for "$d/tests/lint.pid"; then
  tpid=$(cat "$d/tests/lint.pid")
  kill -TERM "$pid"
  wait "$pid" || true
  sleep 1
  check "control: a test under timeout(1) goes on after the shell that started it is killed" kill -0 "$tpid"
  kill -TERM "$tpid" 2>/dev/null || true
  gone "$tpid" || true
else
  not_ok "control: the stand-in test started"
fi
finish
