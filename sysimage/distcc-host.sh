#!/usr/bin/env bash
# distcc-host.sh --listen ADDR --allow NET [--allow NET]... [--port N] [--cross DIR]
#                [--jobs N] [--state DIR] [--job-LIMIT N...]
#
# This machine as a compile host for other machines (a build farm: their
# dev-environment.sh --distcc ADDR:PORT/JOBS, scripts/kernel-debs.sh
# --distcc ADDR:PORT/JOBS, any distcc client). The one listening mode:
# socat listens on ADDR:PORT, accepts connections from the networks NET only
# (ADDR/BITS, e.g. 192.168.1.0/24, or one address) and runs each in its own
# job sandbox (distcc-sandbox.sh, as dev-environment.sh does), at most
# 2 x JOBS connections at once, JOBS compiling. Runs until interrupted
# (Ctrl-C, SIGTERM, SIGHUP): then the listener and every job still running
# are stopped, and it exits 0. The release tarball's
# bin/crossboot-compile-host runs this with its own compiler.
#
#   --listen ADDR   the IPv4 address to listen on (required: never all)
#   --allow NET     the clients allowed (required; repeat it for more networks)
#   --port N        the port (default 3632)
#   --cross DIR     the cross compiler (as dev-environment.sh)
#   --jobs N        compile jobs at once (default: this host's CPUs)
#   --state DIR     where each run's state and logs go (default: distcc/
#                   beside this script if that can be made and is not inside
#                   the compiler's directory, else
#                   $XDG_STATE_HOME/crossboot-compile-host, by default
#                   ~/.local/state/crossboot-compile-host)
#   --job-cpu S, --job-mem MB, --job-disk MB, --job-files N, --job-time S,
#   --job-procs N
#                   per-job limits (as dev-environment.sh)
#
# State and logs: run.XXXXXX/ in the state directory, made fresh for each
# run (distccd.log, the jobs: one COMPILE_OK line each; socat.log, the
# connections, refused ones too).
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
PROG=distcc-host
# shellcheck source=/dev/null
. "$HERE/target.conf"
# shellcheck source=sysimage/distcc-state.sh
. "$HERE/distcc-state.sh"

ipv4() { [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] &&
  [ "${BASH_REMATCH[1]}" -le 255 ] && [ "${BASH_REMATCH[2]}" -le 255 ] &&
  [ "${BASH_REMATCH[3]}" -le 255 ] && [ "${BASH_REMATCH[4]}" -le 255 ]; }

# ip_num ADDR: a dotted IPv4 address as a number.
# shellcheck disable=SC2086 # split on the dots
ip_num() { local IFS=.; set -- $1; printf '%d\n' $(((10#$1 << 24) + (10#$2 << 16) + (10#$3 << 8) + 10#$4)); }

# covering_range NET...: the smallest ADDR/BITS holding every NET (ADDR/BITS).
covering_range() {
  local net bits=32 first='' n mask
  for net in "$@"; do
    [ "${net#*/}" -ge "$bits" ] || bits=${net#*/}
    n=$(ip_num "${net%/*}")
    [ -n "$first" ] || first=$n
    # Shorten the prefix until this network's address shares it.
    while [ "$bits" -gt 0 ] && [ $(( (n ^ first) >> (32 - bits) )) -ne 0 ]; do bits=$((bits - 1)); done
  done
  mask=$(( bits == 0 ? 0 : (0xffffffff << (32 - bits)) & 0xffffffff ))
  n=$((first & mask))
  printf '%d.%d.%d.%d/%d\n' $((n >> 24 & 255)) $((n >> 16 & 255)) $((n >> 8 & 255)) $((n & 255)) "$bits"
}

# allow_net NET: NET (ADDR or ADDR/BITS) checked, as ADDR/BITS.
allow_net() {
  if ! ipv4 "${1%/*}" || [[ $1 == */* && ! ${1#*/} =~ ^([0-9]|[12][0-9]|3[0-2])$ ]]; then
    die "--allow needs ADDR or ADDR/BITS, not '$1'"
  fi
  if [[ $1 == */* ]]; then printf '%s\n' "$1"; else printf '%s/32\n' "$1"; fi
}

LISTEN='' PORT=3632 STATE_ROOT=''
while [ $# -gt 0 ]; do
  case $1 in
    --listen) LISTEN=${2:-}; ipv4 "$LISTEN" || die "--listen needs an IPv4 address"
      [ "$LISTEN" != 0.0.0.0 ] || die "--listen needs one address of this host, not 0.0.0.0 (every one)"; shift ;;
    --allow) ALLOW+=("$(allow_net "${2:-}")"); shift ;;
    --port) PORT=${2:-}; [[ $PORT =~ ^[1-9][0-9]{0,4}$ && $PORT -le 65535 ]] || die "--port needs a port number (1-65535)"; shift ;;
    --state) STATE_ROOT=${2:-}; [ -n "$STATE_ROOT" ] || die "--state needs a directory"; shift ;;
    --cross|--jobs|--job-*) common_option "$1" "${2:-}" || die "unknown option '$1'"; shift ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$LISTEN" ] || die "--listen ADDR is required (the address clients reach this host on)"
[ ${#ALLOW[@]} -gt 0 ] || die "--allow NET is required (the clients' addresses)"
command -v socat >/dev/null || die "socat is missing (apt-get install socat)"
case $STATE_ROOT in ''|/*) ;; *) STATE_ROOT=$PWD/$STATE_ROOT ;; esac

# descendants PID: PID's children, theirs, and so on, from /proc (a job's
# processes in their pid namespaces too: this one sees them), "PID NAME" a
# line; not the subshell this runs in.
# shellcheck disable=SC2317 # called by stop_host, the signals' trap
descendants() {
  local f line rest ppid pid todo=("$1") i
  local -A kids=() name=()
  for f in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null <"$f" || continue
    pid=${line%% *}
    # "PID (NAME) STATE PPID ...": the name may hold spaces and parentheses
    rest=${line##*) }
    ppid=${rest#* }; ppid=${ppid%% *}
    kids[$ppid]+=" $pid"
    rest=${line#* (}
    name[$pid]=${rest%) *}
  done
  for ((i = 0; i < ${#todo[@]}; i++)); do
    for pid in ${kids[${todo[i]}]:-}; do
      [ "$pid" != "$BASHPID" ] || continue
      todo+=("$pid")
      printf '%s %s\n' "$pid" "${name[$pid]:-}"
    done
  done
}

# stop_host: the listener and every job it started are stopped, and
# nothing of this host goes on running. The listener is paused first, so
# that no connection is forked while the processes are listed. SIGTERM goes
# to the listener and to each job's starter (crossboot-jobstart, run as
# ./job), which kills the job's sandbox, logs what the job wrote and how it
# ended, and exits; the connection's socat ends with it. (SIGTERM to a
# connection's socat would end the starter at once, unlogged.) What is left
# after 3 s gets SIGKILL.
# shellcheck disable=SC2317 # the signals' trap
stop_host() {
  trap - INT TERM HUP
  local procs=() pids=() term=("$LISTENER") left=() p _
  kill -STOP "$LISTENER" 2>/dev/null || true
  mapfile -t procs < <(descendants "$$")
  for p in "${procs[@]}"; do
    pids+=("${p%% *}")
    [ "${p#* }" != job ] || term+=("${p%% *}")
  done
  kill -TERM "${term[@]}" 2>/dev/null || true
  kill -CONT "$LISTENER" 2>/dev/null || true
  for _ in $(seq 30); do
    left=()
    for p in "${pids[@]}"; do if kill -0 "$p" 2>/dev/null; then left+=("$p"); fi; done
    [ ${#left[@]} -gt 0 ] || break
    sleep 0.1
  done
  if [ ${#left[@]} -gt 0 ]; then kill -KILL "${left[@]}" 2>/dev/null || true; fi
  wait "$LISTENER" 2>/dev/null || true
  say "stopped; $(grep -c COMPILE_OK "$STATE/distccd.log" || true) jobs compiled this run (logs: $STATE)"
  exit 0
}

sandbox_tools
find_cross
[ -n "$STATE_ROOT" ] || STATE_ROOT=$(default_state_root)
new_state "$STATE_ROOT"
JOBS=${JOBS:-$(nproc)}
write_sandbox_conf "$JOBS"
# socat cannot quote a program's path: it runs ./job (crossboot-jobstart)
# from the state directory with the job's command line (write_sandbox_conf).
cd "$STATE"
# socat filters on one range: the smallest that holds every --allow network;
# with more than one, the sandbox checks each connection's peer against the
# list itself (sandbox.conf's SANDBOX_ALLOW).
range=$(covering_range "${ALLOW[@]}")
say "listening on $LISTEN:$PORT for ${ALLOW[*]}, $JOBS jobs, compiler $CROSS (logs: $STATE)"
# -d: refused connections are logged too. --pdeathsig: killed with
# SIGKILL, this script cannot stop the listener; the kernel does.
setpriv --pdeathsig TERM socat -d -lf "$STATE/socat.log" \
  "TCP4-LISTEN:$PORT,bind=$LISTEN,reuseaddr,fork,max-children=$((JOBS * 2)),range=$range" \
  EXEC:"./job --args ./job.args" &
LISTENER=$!
trap stop_host INT TERM HUP
rc=0
wait "$LISTENER" || rc=$?
# Here only when socat ended by itself: it could not listen (the address is
# not this host's, the port is taken).
die "the listener ended (exit $rc): $(tail -n 3 "$STATE/socat.log" | tr '\n' ' ')"
