#!/usr/bin/env bash
# dev-environment.sh [--cross DIR] [--port N] [--jobs N] [RUN-EMULATOR-OPTION...]
#
# run-emulator.sh with the compiling sent back to this host: starts this
# image's distccd (bin/distccd, static) for the cross compiler, bound to
# 127.0.0.1 and allowing only 127.0.0.1, gives it to the guest (qemu
# forwards one guest address to it: the guest reaches nothing else), and
# stops it when the emulator exits, however it exits (it also dies with this
# script, by PR_SET_PDEATHSIG). More --distcc HOST:PORT[/JOBS] options add
# other machines' distccds (a build farm) after this one.
#
#   --cross DIR   the cross compiler (cross-compiler-ARCH from
#                 cross-compiler-ARCH.tar.xz); default: $CROSSBOOT_CROSS, else
#                 cross-compiler-ARCH beside this directory, else
#                 ARCH-linux-musl-gcc in PATH
#   --port N      distccd's port (default: the first free one from 3632)
#   --jobs N      distccd's parallel jobs (default: this host's CPUs)
#
# The compilers distccd may run are listed in DISTCC_CMDLIST (distccd's own
# whitelist directory is fixed when it is compiled; the list moves with the
# image): cc, gcc, c++, g++ and the triplet names, each mapped to the cross
# compiler's full path. Its log: distcc/PORT/distccd.log beside this script.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# target.conf: ARCH and TRIPLET (the cross compiler's) of this image.
# shellcheck source=/dev/null
. "$HERE/target.conf"

die() { printf 'dev-environment: error: %s\n' "$*" >&2; exit 2; }
say() { printf 'dev-environment: %s\n' "$*" >&2; }

CROSS=${CROSSBOOT_CROSS:-} PORT='' JOBS=$(nproc) PASS=()
while [ $# -gt 0 ]; do
  case $1 in
    --cross) CROSS=${2:?--cross needs a directory}; shift ;;
    --port) PORT=${2:-}; [[ $PORT =~ ^[1-9][0-9]{0,4}$ && $PORT -le 65535 ]] || die "--port needs a port number (1-65535)"; shift ;;
    --jobs) JOBS=${2:-}; [[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a number"; shift ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) PASS+=("$1") ;;
  esac
  shift
done

# find_cross: the cross compiler's top directory, in CROSS.
find_cross() {
  local gcc
  if [ -z "$CROSS" ] && [ -x "$HERE/../cross-compiler-$ARCH/bin/$TRIPLET-gcc" ]; then
    CROSS="$HERE/../cross-compiler-$ARCH"
  fi
  if [ -z "$CROSS" ] && gcc=$(command -v "$TRIPLET-gcc"); then
    CROSS=$(dirname "$(dirname "$(readlink -f "$gcc")")")
  fi
  [ -n "$CROSS" ] || die "no cross compiler: extract cross-compiler-$ARCH.tar.xz beside this directory, or pass --cross DIR"
  CROSS=$(readlink -f "$CROSS")
  [ -x "$CROSS/bin/$TRIPLET-gcc" ] || die "$CROSS/bin/$TRIPLET-gcc is missing: --cross takes the cross-compiler-$ARCH directory"
}

# listening PORT: something listens on TCP PORT (ss, iproute2).
listening() { [ -n "$(ss -Htln "sport = :$1")" ]; }

# free_port: the first port from 3632 nothing listens on.
free_port() {
  local p=3632
  while listening "$p"; do p=$((p + 1)); done
  printf '%s\n' "$p"
}

# compiler_list DIR: DIR holds the names a guest may ask for, as links to
# the cross compiler; their paths, one a line (DISTCC_CMDLIST).
compiler_list() {
  local dir=$1 n
  mkdir -p "$dir"
  for n in cc gcc "$TRIPLET-gcc" "$TRIPLET-cc"; do ln -sfn "$CROSS/bin/$TRIPLET-gcc" "$dir/$n"; done
  for n in c++ g++ "$TRIPLET-g++" "$TRIPLET-c++"; do ln -sfn "$CROSS/bin/$TRIPLET-g++" "$dir/$n"; done
  for n in "$dir"/*; do printf '%s\n' "$n"; done
}

# daemon_user: when this is started by root, the user distccd runs as
# (distccd will not stay root) in RUN_AS, setpriv's arguments for it; checked
# to be able to run the compiler, and given STATE and LOG.
daemon_user() {
  local user=nobody
  RUN_AS=()
  if [ "$(id -u)" != 0 ]; then return 0; fi
  if id distcc >/dev/null 2>&1; then user=distcc; fi
  RUN_AS=(--reuid="$user" --regid="$(id -g "$user")" --clear-groups)
  setpriv "${RUN_AS[@]}" test -x "$CROSS/bin/$TRIPLET-gcc" ||
    die "started as root, distccd runs as '$user', who cannot run $CROSS/bin/$TRIPLET-gcc: make its directories readable by others, or run this as a normal user"
  chown "$user" "$STATE" "$LOG"
}

command -v ss >/dev/null || die "ss is missing (apt-get install iproute2)"
command -v setpriv >/dev/null || die "setpriv is missing (apt-get install util-linux)"
find_cross
if [ -z "$PORT" ]; then PORT=$(free_port)
elif listening "$PORT"; then die "port $PORT is in use: choose another --port, or leave it out"
fi
STATE="$HERE/distcc/$PORT"
LOG="$STATE/distccd.log"
mkdir -p "$STATE"
compiler_list "$STATE/compilers" >"$STATE/cmdlist"
# Readable by the daemon's user whatever the umask (an unreadable list is a
# refused job, by scripts/patches/distcc/0002, not an open door).
chmod 644 "$STATE/cmdlist"
# Started by root, distccd would change to that user itself, and a change of
# user clears the death signal: setpriv changes it first, then sets the
# signal, then execs distccd (no shell between: the signal holds for it).
: >"$LOG"
daemon_user
DISTCC_CMDLIST="$STATE/cmdlist" DISTCC_CMDLIST_NUMWORDS=1 \
  setpriv "${RUN_AS[@]}" --pdeathsig TERM -- "$HERE/bin/distccd" --daemon --no-detach \
  --listen 127.0.0.1 --allow 127.0.0.1 --port "$PORT" --jobs "$JOBS" --log-file "$LOG" \
  --log-level info &
DAEMON=$!
trap 'kill "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# Up when it listens (ss, not a test connection: that would be a failed job
# in the log): this daemon, not another that took the port meanwhile; gone
# means it could not start (its log says why).
up=''
for _ in $(seq 50); do
  kill -0 "$DAEMON" 2>/dev/null || { cat "$LOG" >&2; die "distccd did not start (log: $LOG)"; }
  if ss -Htlnp "sport = :$PORT" | grep -q "pid=$DAEMON,"; then up=1; break; fi
  sleep 0.1
done
[ -n "$up" ] || die "distccd is not listening on 127.0.0.1:$PORT after 5 s (log: $LOG)"
say "distccd on 127.0.0.1:$PORT, $JOBS jobs, compiler $CROSS (log: $LOG)"
rc=0
"$HERE/run-emulator.sh" --distcc "127.0.0.1:$PORT/$JOBS" "${PASS[@]}" || rc=$?
exit "$rc"
