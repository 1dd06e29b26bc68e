#!/usr/bin/env bash
# distcc-host.sh --listen ADDR --allow NET [--port N] [--cross DIR] [--jobs N] [--job-LIMIT N...]
#
# This machine as a compile host for other machines' system images (a build
# farm: their dev-environment.sh --distcc ADDR:PORT/JOBS). The one listening
# mode: socat listens on ADDR:PORT, accepts connections from NET only
# (ADDR/BITS, e.g. 192.168.1.0/24, or one address) and runs each in its own
# job sandbox (distcc-sandbox.sh, as dev-environment.sh does), at most
# 2 x JOBS connections at once, JOBS compiling. Runs until interrupted.
#
#   --listen ADDR   the IPv4 address to listen on (required: never all)
#   --allow NET     the clients allowed (required)
#   --port N        the port (default 3632)
#   --cross DIR     the cross compiler (as dev-environment.sh)
#   --jobs N        compile jobs at once (default: this host's CPUs)
#   --job-cpu S, --job-mem MB, --job-disk MB, --job-files N, --job-time S,
#   --job-procs N
#                   per-job limits (as dev-environment.sh)
#
# State and logs: distcc/run.XXXXXX/ beside this script (distccd.log, the
# jobs; socat.log, the connections, refused ones too).
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

LISTEN='' ALLOW='' PORT=3632
while [ $# -gt 0 ]; do
  case $1 in
    --listen) LISTEN=${2:-}; ipv4 "$LISTEN" || die "--listen needs an IPv4 address"; shift ;;
    --allow) ALLOW=${2:-}
      if ! ipv4 "${ALLOW%/*}" || [[ $ALLOW == */* && ! ${ALLOW#*/} =~ ^([0-9]|[12][0-9]|3[0-2])$ ]]; then
        die "--allow needs ADDR or ADDR/BITS"
      fi; shift ;;
    --port) PORT=${2:-}; [[ $PORT =~ ^[1-9][0-9]{0,4}$ && $PORT -le 65535 ]] || die "--port needs a port number (1-65535)"; shift ;;
    --cross|--jobs|--job-*) common_option "$1" "${2:-}" || die "unknown option '$1'"; shift ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$LISTEN" ] || die "--listen ADDR is required (the address clients reach this host on)"
[ -n "$ALLOW" ] || die "--allow NET is required (the clients' addresses)"
[[ $ALLOW == */* ]] || ALLOW+=/32
command -v socat >/dev/null || die "socat is missing (apt-get install socat)"

sandbox_tools
find_cross
new_state
JOBS=${JOBS:-$(nproc)}
write_sandbox_conf "$JOBS"
# socat cannot quote a program's path: it runs ./job from the state
# directory (a link to the sandbox script), which it takes as its STATE.
ln -s "$HERE/distcc-sandbox.sh" "$STATE/job"
cd "$STATE"
say "listening on $LISTEN:$PORT for $ALLOW, $JOBS jobs, compiler $CROSS (logs: $STATE)"
# -d: refused connections are logged too.
exec socat -d -lf "$STATE/socat.log" \
  "TCP4-LISTEN:$PORT,bind=$LISTEN,reuseaddr,fork,max-children=$((JOBS * 2)),range=$ALLOW" \
  EXEC:"./job ."
