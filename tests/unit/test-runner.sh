#!/usr/bin/env bash
# tests/unit/test-runner.sh: tests/run.sh itself. A run stopped (kill, or
# Ctrl-C) stops the test it is running too, which cleans up and ends before
# the run does: timeout(1) runs each test in a process group of its own,
# which a stop of the run does not reach by itself. Checked on a copy of
# run.sh whose first test is a stand-in that waits to be stopped. And the
# prerequisites run.sh installs (or names) before its first test include
# build.sh's own, which the unit tests need.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

# stand_in DIR: DIR/tests/run.sh (this checkout's) and a lint.sh stand-in
# that records its pid, waits, and on TERM records that it was stopped.
stand_in() {
  mkdir -p "$1/tests" "$1/scripts"
  cp "$TOP/tests/run.sh" "$1/tests/run.sh"
  cp "$TOP/scripts/host-packages.sh" "$1/scripts/"
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

# path_without DIR NAME...: DIR holds links to every command on PATH but the NAMEs.
path_without() {
  local dir=$1 p d f n; shift
  local -A hide=()
  for n in "$@"; do hide[$n]=1; done
  mkdir -p "$dir"
  IFS=: read -ra p <<<"$PATH"
  for d in "${p[@]}"; do
    for f in "$d"/*; do
      n=${f##*/}
      if [ -x "$f" ] && [ ! -e "$dir/$n" ] && [ -z "${hide[$n]-}" ]; then ln -s "$f" "$dir/$n"; fi
    done
  done
}

# missing_named DIR PATH: the packages run.sh --no-install names as missing
# with PATH, one a line (its first test a stand-in that passes).
missing_named() {
  stand_in "$1"
  printf '#!/usr/bin/env bash\nexit 0\n' >"$1/tests/lint.sh"
  PATH=$2 bash "$1/tests/run.sh" --no-install >"$1/run.log" 2>&1 </dev/null || true
  sed -n 's/^note: missing test packages (tests needing them will skip): //p' "$1/run.log" | tr ' ' '\n'
}

path_without "$SCRATCH/bin-without" rsync autoreconf
named=$(missing_named "$SCRATCH/prereqs" "$SCRATCH/bin-without")
check "build.sh's prerequisites are named before the first test: rsync (hidden)" grep -qx rsync <<<"$named"
check "build.sh's prerequisites are named before the first test: autoconf (hidden)" grep -qx autoconf <<<"$named"
# The control: with both on PATH, neither is named.
path_without "$SCRATCH/bin-all"
named=$(missing_named "$SCRATCH/prereqs-control" "$SCRATCH/bin-all")
check "control: with rsync and autoreconf on PATH neither is named" test -z "$(grep -xE 'rsync|autoconf' <<<"$named")"

# Under CI=true a skip is a failure (every prerequisite is installed there),
# but not one for an input the project does not ship (skip_optional): run.sh's
# tally, fed a test's lines.
# tally_of CI LINE...: "PASSED FAILED SKIPPED" and what tally printed.
tally_of() {
  bash -c 'eval "$(sed -n "/^tally() {/,/^}/p" "$1")"; PASSED=0 FAILED=0 SKIPPED=0 CI=$2; shift 2
    tally < <(printf "%s\n" "$@"); echo "$PASSED $FAILED $SKIPPED"' _ "$TOP/tests/run.sh" "$@"
}
out=$(tally_of true 'ok a' 'skip b: valgrind is not installed' 'skip c: no focal tree [optional input]')
check "CI=true: a skip for a missing prerequisite counts as a failure, named" \
  grep -qx 'not ok (CI=true: a skip counts as a failure) b: valgrind is not installed' <<<"$out"
check "CI=true: an optional input's skip stays a skip (1 passed, 1 failed, 1 skipped)" grep -qx '1 1 1' <<<"$out"
check "control: without CI both are skips (1 passed, 0 failed, 2 skipped)" \
  grep -qx '1 0 2' <<<"$(tally_of '' 'ok a' 'skip b: valgrind is not installed' 'skip c: no focal tree [optional input]')"
finish
