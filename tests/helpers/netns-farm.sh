# shellcheck shell=bash
# tests/helpers/netns-farm.sh: sourced by tests that need a build farm of
# compile hosts on one machine (tests/full/build-farm.sh). Every machine of
# the farm is a network namespace of this test's own, named
# crossboot-farm-PID-NAME: the client ("c") holds a bridge (farm0,
# FARM_NET.1/24), each other node a veth pair into that bridge and one
# address FARM_NET.N. Nothing is made in the namespace the test runs in, no
# namespace has a route beyond FARM_NET.0/24 and none is connected to
# anything else: no packet of the farm can leave this machine, or even
# reach its own network stack. IPv6 is off in the farm (its neighbour
# discovery would only add noise to the byte counts).
#
#   farm_why_not              why a farm cannot be made here (no output: it can)
#   farm_create               the client namespace and its bridge
#   farm_node NAME N          a namespace NAME with address FARM_NET.N on the bridge
#   farm_in NAME CMD...       CMD run in NAME's namespace
#   farm_start_host NAME CMD LOG OPTION...
#                             a compile host started in NAME (in the
#                             background, its output in LOG), listening on
#                             NAME's address: CMD is a system image's
#                             distcc-host.sh or a release tarball's
#                             bin/crossboot-compile-host
#   farm_wait_host NAME [S]   it listens; its state directory (distccd.log,
#                             socat.log) in FARM_STATE[NAME]
#   farm_kill NAME            every process in NAME's namespace killed (the machine dies)
#   farm_bytes NAME           bytes received and sent by NAME's interface ("RX TX")
#   farm_teardown             every process killed and every namespace deleted
#   farm_reap_stale           namespaces a killed earlier run left, deleted
#
# Needs root and iproute2 (ip netns, veth, bridge). The caller sets an EXIT
# trap that runs farm_teardown.

FARM_NET=10.213.0
FARM_PREFIX="crossboot-farm-$$"
FARM_NAMESPACES=()
declare -A FARM_ADDR=() FARM_STATE=() FARM_PID=() FARM_PORT=() FARM_LOG=()
FARM_ADDR[c]=$FARM_NET.1

farm_why_not() {
  if [ "$(id -u)" != 0 ]; then echo "needs root (network namespaces)"; return 0; fi
  if ! command -v ip >/dev/null; then echo "needs ip (apt-get install iproute2)"; return 0; fi
  # A throwaway namespace tells whether this kernel and container allow them.
  local probe="$FARM_PREFIX-probe"
  if ! ip netns add "$probe" 2>/dev/null; then echo "cannot make a network namespace here"; return 0; fi
  if ! ip -n "$probe" link add farm-probe type bridge 2>/dev/null ||
    ! ip -n "$probe" link add farm-v0 type veth peer name farm-v1 2>/dev/null; then
    ip netns del "$probe"
    echo "no bridge or veth support in this kernel"
    return 0
  fi
  ip netns del "$probe"
}

farm_ns() { printf '%s-%s' "$FARM_PREFIX" "$1"; }

farm_in() {
  local ns
  ns=$(farm_ns "$1"); shift
  ip netns exec "$ns" "$@"
}

# farm_new_ns NAME: the namespace, recorded first (so teardown finds even a
# half-made one), with loopback up and IPv6 off.
farm_new_ns() {
  local ns
  ns=$(farm_ns "$1")
  FARM_NAMESPACES+=("$ns")
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  farm_in "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

farm_create() {
  local c
  c=$(farm_ns c)
  farm_new_ns c
  ip -n "$c" link add farm0 type bridge
  farm_in c sysctl -qw net.ipv6.conf.farm0.disable_ipv6=1
  ip -n "$c" addr add "${FARM_ADDR[c]}/24" dev farm0
  ip -n "$c" link set farm0 up
}

farm_node() {
  local name=$1 n=$2 ns c
  [[ $name =~ ^[a-z0-9]{1,8}$ ]] || { echo "farm_node: bad name '$name'" >&2; return 1; }
  ns=$(farm_ns "$name") c=$(farm_ns c)
  farm_new_ns "$name"
  # Both ends are made inside the farm: the pair is created in the client's
  # namespace, its peer moved straight into the node's.
  ip -n "$c" link add "p-$name" type veth peer name eth0 netns "$ns"
  ip -n "$c" link set "p-$name" master farm0 up
  FARM_ADDR[$name]=$FARM_NET.$n
  ip -n "$ns" addr add "${FARM_ADDR[$name]}/24" dev eth0
  ip -n "$ns" link set eth0 up
}

# farm_listening NAME PORT: something listens on NAME's address and PORT.
farm_listening() {
  [ -n "$(farm_in "$1" ss -Htln "src ${FARM_ADDR[$1]}:$2")" ]
}

farm_start_host() {
  local name=$1 cmd=$2 log=$3 prev='' a
  shift 3
  FARM_PORT[$name]=3632 FARM_LOG[$name]=$log
  # (the port, if the options name one: the listener is waited for there)
  for a in "$@"; do
    if [ "$prev" = --port ]; then FARM_PORT[$name]=$a; fi
    prev=$a
  done
  farm_in "$name" "$cmd" --listen "${FARM_ADDR[$name]}" "$@" >"$log" 2>&1 &
  FARM_PID[$name]=$!
}

# farm_wait_host NAME [SECONDS]: NAME's host listens within SECONDS
# (default 120: it checks its sandbox first, slow on a loaded machine); its
# state directory in FARM_STATE[NAME]. 1 if it does not, or it exited (it
# refused to start: the caller shows its log). FARM_PID[NAME] is the
# subshell that runs the host (its exit status is the host's); the host's
# own process (ip netns exec execs it) is that subshell's child.
farm_wait_host() {
  local name=$1 deadline=$((SECONDS + ${2:-120}))
  until farm_listening "$name" "${FARM_PORT[$name]}"; do
    kill -0 "${FARM_PID[$name]}" 2>/dev/null || return 1
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
  # distcc-host.sh names its state directory: "... (logs: STATE)".
  FARM_STATE[$name]=$(sed -n 's/.*(logs: \(.*\))$/\1/p' "${FARM_LOG[$name]}" | tail -n 1)
  [ -d "${FARM_STATE[$name]}" ]
}

# farm_kill NAME: SIGKILL to every process of the namespace, again until
# none is left (a process can fork while the first ones die). A job's
# sandbox has a network namespace of its own, so it is not listed; it is
# pid 1 of a pid namespace whose starter, killed here, takes it down.
farm_kill() {
  local ns pids _
  ns=$(farm_ns "$1")
  for _ in $(seq 50); do
    pids=$(ip netns pids "$ns" 2>/dev/null) || return 0
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086 # a list of pids
    kill -9 $pids 2>/dev/null || true
    sleep 0.1
  done
  return 1
}

farm_bytes() {
  local ns
  ns=$(farm_ns "$1")
  printf '%s %s\n' "$(ip netns exec "$ns" cat /sys/class/net/eth0/statistics/rx_bytes)" \
    "$(ip netns exec "$ns" cat /sys/class/net/eth0/statistics/tx_bytes)"
}

# farm_teardown: safe to run twice, and on a half-made farm. Deleting a
# namespace destroys its interfaces, and a veth pair goes with either end.
farm_teardown() {
  local ns i pid
  for ((i = ${#FARM_NAMESPACES[@]} - 1; i >= 0; i--)); do
    ns=${FARM_NAMESPACES[i]}
    farm_kill "${ns#"$FARM_PREFIX"-}" || true
    ip netns del "$ns" 2>/dev/null || true
  done
  FARM_NAMESPACES=()
  # (the hosts' "ip netns exec" children, reaped)
  for pid in "${FARM_PID[@]}"; do wait "$pid" 2>/dev/null || true; done
  FARM_PID=()
}

# farm_reap_stale: a run killed with SIGKILL cannot tear down; the next one
# removes farms whose test process is gone (only names of this helper's
# pattern, only when that process no longer exists).
farm_reap_stale() {
  local ns pid pids rest
  while read -r ns rest; do
    [[ $ns =~ ^crossboot-farm-([0-9]+)-[a-z0-9]+$ ]] || continue
    pid=${BASH_REMATCH[1]}
    if [ "$pid" = $$ ] || kill -0 "$pid" 2>/dev/null; then continue; fi
    pids=$(ip netns pids "$ns" 2>/dev/null || true)
    # shellcheck disable=SC2086 # a list of pids
    if [ -n "$pids" ]; then kill -9 $pids 2>/dev/null || true; fi
    ip netns del "$ns" 2>/dev/null || true
  done < <(ip netns list 2>/dev/null)
}
