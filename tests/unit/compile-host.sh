#!/usr/bin/env bash
# The release tarball's compile host (bin/crossboot-compile-host, issue 20)
# without a build: a stand-in toolchain made into one by the package's own
# recipe (sources/sections/compile-host.sh), under a path with a space, with
# a stand-in distccd (busybox, static: it logs its start and waits, so a
# job stays running). Its layout (the system image's scripts, one copy of
# the sandbox's policy); the command's options; it listens where it is told,
# runs each connection in the job sandbox with the tarball as the compiler
# and its own distccd, and stops cleanly on SIGTERM with a job running; its
# state goes to --state or ~/.local/state (the scripts are inside the
# compiler every job sees), never inside the compiler, never to a directory
# another user owns or can change; more than one --allow network is
# enforced per connection; a normal user runs it without root; the system
# image's distcc-host.sh falls back to ~/.local/state when the image
# directory is not its user's. Compiling through it: tests/full/build-farm.sh.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
# Started as root, jobs run as nobody, who must reach the compiler.
chmod 755 "$SCRATCH"

need=''
for pair in busybox:busybox-static bwrap:bubblewrap socat:socat setpriv:util-linux keyctl:keyutils ss:iproute2 cc:gcc make:make; do
  command -v "${pair%%:*}" >/dev/null || need+=" ${pair#*:}"
done
if [ -n "$need" ]; then skip "compile host" "missing:$need (tests/run.sh installs them)"; finish; fi
if [ "$(id -u)" != 0 ]; then skip "compile host" "needs root (states of another user's, the nobody user)"; finish; fi

# --- the tarball's layout, made by the recipe ---------------------------------------
T="$SCRATCH/un packed/cross-compiler-aarch64"
mkdir -p "$T/bin"
for n in gcc g++; do cp "$(type -P true)" "$T/bin/aarch64-linux-musl-$n"; ln -s "aarch64-linux-musl-$n" "$T/bin/aarch64-linux-gnu-$n"; done
printf 'README of the toolchain\n' >"$T/README"
printf '# component version origin licence\n' >"$T/MANIFEST"
# The stand-in distccd, run by the busybox inside the toolchain (all a job sees).
cp "$(readlink -f "$(command -v busybox)")" "$T/bin/busybox"
cat >"$SCRATCH/distccd" <<'EOF'
#!/crossboot/toolchain/bin/busybox sh
if [ "$1" = --version ]; then echo "stand-in distccd"; exit 0; fi
echo "stand-in distccd: inetd server started" >&2
exec /crossboot/toolchain/bin/busybox sleep 30
EOF
chmod 755 "$SCRATCH/distccd"
jobstart_into "$SCRATCH" || { not_ok "building crossboot-jobstart (sysimage/jobstart)"; finish; }
if ! out=$(bash -c 'set -euo pipefail; TOP=$1; CACHE=/nonexistent; . "$TOP/scripts/lib.sh"; load_target aarch64
    use_recipes test compile-host; STAGE_WORK=$(mktemp -d); compile_host_install "$2" "$3"; rm -rf "$STAGE_WORK"' \
    _ "$TOP" "$T" "$SCRATCH/distccd" 2>&1); then
  not_ok "the compile-host recipe: $out"; finish
fi
L="$T/libexec/crossboot"
CH="$T/bin/crossboot-compile-host"
check "bin/crossboot-compile-host and libexec/crossboot/ (distccd, crossboot-jobstart, the scripts, target.conf)" \
  test -x "$CH" -a -x "$L/distccd" -a -x "$L/crossboot-jobstart" -a -x "$L/distcc-host.sh" -a -x "$L/distcc-sandbox.sh" -a -f "$L/distcc-state.sh" -a -f "$L/target.conf"
check "the scripts are the system image's, unchanged" bash -c 'for f in distcc-host.sh distcc-sandbox.sh distcc-state.sh; do
  cmp -s "$1/sysimage/$f" "$2/$f" || exit 1; done' _ "$TOP" "$L"
check "target.conf: the tarball's layout (distccd beside the scripts, the compiler two up)" \
  bash -c 'grep -qx DISTCCD=distccd "$1" && grep -qx CROSS_DEFAULT=../.. "$1" && grep -qx GNU_TRIPLET=aarch64-linux-gnu "$1"' _ "$L/target.conf"
check "the README has the compile host's section" grep -q 'bin/crossboot-compile-host --listen' "$T/README"
check "the MANIFEST names the compile host" grep -q '^crossboot-compile-host ' "$T/MANIFEST"
check "its licence NOTICE ships" grep -q "^Licence: this project's licence" "$T/share/licenses/crossboot-compile-host/NOTICE"
check "--help describes it" bash -c '"$1" --help | grep -q -- "--allow NET"' _ "$CH"
expect_fail "a bad --allow is one clear error" "--allow needs ADDR or ADDR/BITS, not '10.0.0.0/33'" \
  "$CH" --listen 127.0.0.1 --allow 127.0.0.1 --allow 10.0.0.0/33
expect_fail "--cross is refused: it serves its own tarball" "serves this tarball's compiler" "$CH" --cross /usr --listen 127.0.0.1 --allow 127.0.0.1

listening() { [ -n "$(ss -Htln "sport = :$1")" ]; }

# start NAME CMD...: CMD (a compile host) in the background, its output in
# SCRATCH/NAME.log, its pid in PID; waits until it listens on PORT. Its
# state directory (from its "(logs: DIR)") in STATE. 1 if it did not.
start() {
  local name=$1 _; shift
  LOG="$SCRATCH/$name.log"
  "$@" >"$LOG" 2>&1 &
  PID=$!
  for _ in $(seq 300); do
    if listening "$PORT"; then STATE=$(sed -n 's/.*(logs: \(.*\))$/\1/p' "$LOG" | head -n 1); return 0; fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  sed 's/^/#   /' "$LOG"
  return 1
}
# stop: SIGTERM to the host; its exit status in STOPPED (124: still there after 10 s).
stop() {
  local _
  kill -TERM "$PID" 2>/dev/null || true
  STOPPED=124
  for _ in $(seq 100); do
    if ! kill -0 "$PID" 2>/dev/null; then STOPPED=0; wait "$PID" || STOPPED=$?; return 0; fi
    sleep 0.1
  done
}
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
  [ -z "${PID:-}" ] || kill -TERM "$PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
sandboxes() { pgrep -f "^[^ ]*/bwrap .*--ro-bind $T /crossboot/toolchain" || true; }

# --- listening, a job, a clean stop ---------------------------------------------------
PORT=$(free_port 27632)
mkdir -m 700 "$SCRATCH/state"
if start host "$CH" --listen 127.0.0.1 --allow 127.0.0.1 --port "$PORT" --jobs 2 --state "$SCRATCH/state"; then
  ok "crossboot-compile-host listens on 127.0.0.1:$PORT"
else not_ok "crossboot-compile-host did not listen"; finish; fi
addrs=$(ss -Htln "sport = :$PORT" | awk '{ print $4 }' | sort -u | tr '\n' ' ')
check "it listens on the address it was given only ($addrs)" test "$addrs" = "127.0.0.1:$PORT "
check "its state is a fresh run directory in --state, mode 700" \
  bash -c '[[ $1 == "$2"/run.* ]] && [ "$(stat -c %a "$1")" = 700 ]' _ "$STATE" "$SCRATCH/state"
conf="$STATE/sandbox.conf"
check "the jobs' compiler is the tarball itself" grep -qxF "SANDBOX_TOOLCHAIN=$(printf %q "$T")" "$conf"
check "the jobs' distccd is the tarball's (libexec/crossboot/distccd)" grep -qxF "SANDBOX_DISTCCD=$(printf %q "$L/distccd")" "$conf"
check "the glibc names a Debian-style build asks for are served (aarch64-linux-gnu-gcc-9)" \
  grep -q 'aarch64-linux-gnu-gcc-9=bin/aarch64-linux-gnu-gcc' "$conf"
# A connection held open: its job waits in a sandbox for the request.
sleep 30 | socat - "TCP:127.0.0.1:$PORT" >/dev/null 2>&1 &
HELD=$!
for _ in $(seq 100); do [ -z "$(sandboxes)" ] || break; sleep 0.1; done
check "a connection runs distccd in a job sandbox with the tarball as its compiler" test -n "$(sandboxes)"
stop
kill "$HELD" 2>/dev/null || true
check "SIGTERM with a job running: it exits 0 (status $STOPPED)" test "$STOPPED" = 0
check "it says it stopped" grep -q '^distcc-host: stopped;' "$LOG"
sleep 0.5
check "no job sandbox is left" test -z "$(sandboxes)"
check "nothing listens on the port any more" bash -c '! ss -Htln "sport = :$1" | grep -q .' _ "$PORT"
# (the job's lines reach the log when it ends: awk may read its input in blocks)
check "the run's log stays, with the stopped job's lines" grep -q 'stand-in distccd: inetd server started' "$STATE/distccd.log"
check "the job's sandbox logged how it ended" grep -q 'distcc-sandbox: job ended with exit' "$STATE/distccd.log"

# --- where the state goes -------------------------------------------------------------
mkdir -p "$SCRATCH/home"
if start default env -u XDG_STATE_HOME HOME="$SCRATCH/home" "$CH" --listen 127.0.0.1 --allow 127.0.0.1 --port "$PORT"; then
  check "without --state: ~/.local/state/crossboot-compile-host (the scripts are inside the compiler)" \
    bash -c '[[ $1 == "$2"/.local/state/crossboot-compile-host/run.* ]]' _ "$STATE" "$SCRATCH/home"
  stop
else not_ok "started without --state"; fi
check "nothing was made inside the tarball" test ! -e "$L/distcc"
if start xdg env XDG_STATE_HOME="$SCRATCH/xdg" HOME="$SCRATCH/home" "$CH" --listen 127.0.0.1 --allow 127.0.0.1 --port "$PORT"; then
  check "with XDG_STATE_HOME: there" bash -c '[[ $1 == "$2"/crossboot-compile-host/run.* ]]' _ "$STATE" "$SCRATCH/xdg"
  stop
else not_ok "started with XDG_STATE_HOME"; fi
# shellcheck disable=SC2317 # called through expect_fail
hold() { "$CH" --listen 127.0.0.1 --allow 127.0.0.1 --port "$PORT" "$@"; }
expect_fail "a --state inside the compiler is refused (every job sees it)" "inside the compiler's directory" \
  hold --state "$T/state"
mkdir "$SCRATCH/theirs"; chown nobody "$SCRATCH/theirs"
expect_fail "a --state of another user's is refused" "must be a directory of this user's" hold --state "$SCRATCH/theirs"
mkdir -m 1777 "$SCRATCH/harm"
ln -s "$SCRATCH/harm" "$SCRATCH/link"
expect_fail "a --state that is a link is refused" "must be a directory of this user's" hold --state "$SCRATCH/link"
check "nothing was made through the link" test -z "$(ls -A "$SCRATCH/harm")"
mkdir -m 777 "$SCRATCH/open"
expect_fail "started by root, a --state in a directory others can write is refused" "must belong to root" \
  hold --state "$SCRATCH/open/state"

# --- more than one network ------------------------------------------------------------
if start nets "$CH" --listen 127.0.0.1 --allow 10.20.0.0/16 --allow 127.0.0.1 --port "$PORT" --state "$SCRATCH/state"; then
  check "both networks are in the sandbox's configuration" grep -qxF 'SANDBOX_ALLOW=( 10.20.0.0/16 127.0.0.1/32 )' "$STATE/sandbox.conf"
  # shellcheck disable=SC2317 # called through check
  job() { SOCAT_PEERADDR=$1 "$L/distcc-sandbox.sh" "$STATE" -- /crossboot/toolchain/bin/aarch64-linux-musl-gcc </dev/null >/dev/null 2>&1; }
  check "a peer in the second network is served" job 10.20.3.4
  expect_fail "a peer in neither is refused" '' job 10.21.0.1
  check "the refusal is in the log" grep -q 'refused: 10.21.0.1 is not in the allowed networks' "$STATE/distccd.log"
  echo | timeout 10 socat - "TCP:127.0.0.1:$PORT,bind=127.0.0.2" >/dev/null 2>&1 || true
  sleep 0.5
  check "through the listener: a connection from 127.0.0.2 is refused" \
    grep -q 'refused: 127.0.0.2 is not in the allowed networks' "$STATE/distccd.log"
  stop
else not_ok "started with two --allow networks"; fi
# socat's own filter: the smallest range holding both (a peer outside it
# never reaches the sandbox; one inside but in neither network does).
if start near "$CH" --listen 127.0.0.1 --allow 127.0.0.1 --allow 127.0.0.3 --port "$PORT" --state "$SCRATCH/state"; then
  check "socat listens for 127.0.0.0/30, the smallest range holding both" \
    bash -c 'pgrep -a socat | grep -q "range=127.0.0.0/30"'
  for peer in 127.0.0.9 127.0.0.2; do
    echo | timeout 10 socat - "TCP:127.0.0.1:$PORT,bind=$peer" >/dev/null 2>&1 || true
  done
  sleep 0.5
  if grep -q 'refused: 127.0.0.2 is not in the allowed networks' "$STATE/distccd.log" &&
     ! grep -q '127.0.0.9' "$STATE/distccd.log"; then
    ok "127.0.0.9 is refused by socat (the sandbox never runs), 127.0.0.2 by the sandbox"
  else not_ok "127.0.0.9 refused by socat, 127.0.0.2 by the sandbox"; sed 's/^/#   /' "$STATE/distccd.log" | tail -n 5; fi
  stop
else not_ok "started with two --allow networks in one /30"; fi
expect_fail "--listen 0.0.0.0 (every address) is refused" "not 0.0.0.0" \
  "$CH" --listen 0.0.0.0 --allow 127.0.0.1

# --- a normal user ---------------------------------------------------------------------
AS_NOBODY=(setpriv --reuid=nobody "--regid=$(id -g nobody)" --clear-groups)
mkdir "$SCRATCH/nobody"; chown nobody "$SCRATCH/nobody"
if ! "${AS_NOBODY[@]}" unshare --user --map-root-user true 2>/dev/null; then
  skip "a normal user's compile host" "this kernel does not let a normal user make a user namespace"
elif start nobody "${AS_NOBODY[@]}" env -u XDG_STATE_HOME HOME="$SCRATCH/nobody" "$CH" --listen 127.0.0.1 --allow 127.0.0.1 --port "$PORT"; then
  ok "a normal user (nobody) runs it: no root needed"
  check "its state is in its home" bash -c '[[ $1 == "$2"/.local/state/crossboot-compile-host/run.* ]]' _ "$STATE" "$SCRATCH/nobody"
  check "its jobs need no change of user" grep -qx 'SANDBOX_RUN_AS=( )' "$STATE/sandbox.conf"
  stop
  check "it stops on SIGTERM too (status $STOPPED)" test "$STOPPED" = 0
else not_ok "a normal user could not start it"; fi

# --- the system image's layout: an image directory not the user's ----------------------
IMG="$SCRATCH/image/system-image-aarch64"
mkdir -p "$IMG/bin"
for f in distcc-host.sh distcc-sandbox.sh distcc-state.sh; do cp "$TOP/sysimage/$f" "$IMG/"; done
cp "$SCRATCH/distccd" "$SCRATCH/crossboot-jobstart" "$IMG/bin/"
printf 'ARCH=aarch64\nTRIPLET=aarch64-linux-musl\nDISTCCD=bin/distccd\nCROSS_DEFAULT=../cross-compiler-aarch64\n' >"$IMG/target.conf"
if start image "${AS_NOBODY[@]}" env -u XDG_STATE_HOME HOME="$SCRATCH/nobody" "$IMG/distcc-host.sh" --listen 127.0.0.1 \
    --allow 127.0.0.1 --port "$PORT" --cross "$T"; then
  check "image not writable by its user: the state goes to ~/.local/state" \
    bash -c '[[ $1 == "$2"/.local/state/crossboot-compile-host/run.* ]]' _ "$STATE" "$SCRATCH/nobody"
  stop
else skip "the image layout as a normal user" "it did not start (see above)"; fi
if start image-root "$IMG/distcc-host.sh" --listen 127.0.0.1 --allow 127.0.0.1 --port "$PORT" --cross "$T"; then
  check "its own user: distcc/ beside the scripts, as before" bash -c '[[ $1 == "$2"/distcc/run.* ]]' _ "$STATE" "$IMG"
  stop
else not_ok "the image layout as root"; fi
finish
