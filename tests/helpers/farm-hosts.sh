# shellcheck shell=bash
# tests/helpers/farm-hosts.sh: sourced, after tests/testlib.sh, by the
# build farm tests (tests/full/build-farm.sh, build-farm-kernel.sh): the
# farm of three compile hosts and an outsider, each a network namespace of
# the test's own (tests/helpers/netns-farm.sh), set up and checked the same
# way in both. h1 runs distcc-host.sh from the extracted system image with
# the extracted cross compiler, h2 and h3 the extracted release tarball's
# own compile host (bin/crossboot-compile-host); each allows the client's
# address only, and x sits on the same wire at an address none allows.
#
#   farm_hosts_why_not        why the farm cannot run here (a missing
#                             package, no namespaces); no output: it can
#   farm_hosts_scratch        SCRATCH made (testlib's scratch) and readable
#                             by all; on exit the farm torn down, then the
#                             test's farm_cleanup_hook run if it has one,
#                             then SCRATCH removed; stale farms reaped
#   farm_hosts_unpack OUT     the image and the cross compiler of OUT
#                             (out/ARCH) extracted and brought up to the
#                             checkout's scripts where they are older; sets
#                             IMG, CROSS, IMG_TAR, CROSS_TAR, GCC (the
#                             compiler's name) and CH (the compile host)
#   farm_hosts_network        the client's namespace, h1-h3 and x; checks
#                             that none has a route beyond the farm
#   farm_hosts_start NAME...  those hosts started, each with a state
#                             directory of its own, and waited for
#   farm_hosts_check_setup    h2, h3 are the tarball's host; each host
#                             listens on its own address only
#   farm_jobs_served HOST     COMPILE_OK lines in HOST's distccd log so far
#                             (0 before it has one)
#   farm_pids_in HOST         processes in HOST's namespace
#   farm_holds_job HOST       HOST serves a connection now
#   farm_compiling HOST       HOST's compiler runs for a job now
#   farm_check_refused DIR FILE
#                             one job (FILE, a C file in DIR) from x is
#                             refused by h1; the control: from the client
#                             it is served

# shellcheck source=tests/helpers/netns-farm.sh
. "$TOP/tests/helpers/netns-farm.sh"

HOSTS=(h1 h2 h3)

farm_hosts_why_not() {
  local need='' pair
  for pair in distcc:distcc bwrap:bubblewrap socat:socat make:make ip:iproute2 keyctl:keyutils; do
    command -v "${pair%%:*}" >/dev/null || need+=" ${pair#*:}"
  done
  if [ -n "$need" ]; then echo "missing:$need (tests/run.sh --full installs them)"; return 0; fi
  farm_why_not
}

farm_hosts_scratch() {
  scratch
  # Started as root, the hosts' jobs run as nobody, who must reach the compiler.
  chmod 755 "$SCRATCH"
  trap farm_hosts_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  farm_reap_stale
}

# shellcheck disable=SC2317 # the EXIT trap
farm_hosts_cleanup() {
  farm_teardown
  if declare -F farm_cleanup_hook >/dev/null; then farm_cleanup_hook || true; fi
  rm -rf "$SCRATCH"
}

farm_hosts_unpack() {
  local out=$1 f
  unpack_image_and_cross "$out"
  GCC=$(sed -n 's/^TRIPLET=//p' "$IMG/target.conf")-gcc
  # An image built before the checkout's distcc scripts changed: the test is
  # of those scripts (the image's distccd stays), and says so.
  for f in distcc-host.sh distcc-sandbox.sh distcc-state.sh; do
    if ! cmp -s "$TOP/sysimage/$f" "$IMG/$f"; then
      echo "# ${IMG_TAR##*/}'s $f differs from the checkout's (built before it): the checkout's is used"
      cp "$TOP/sysimage/$f" "$IMG/$f"
    fi
  done
  if [ ! -x "$IMG/bin/crossboot-jobstart" ]; then
    echo "# ${IMG_TAR##*/} has no crossboot-jobstart (built before it): the checkout's is built"
    jobstart_into "$IMG/bin"
  fi
  CH="$CROSS/bin/crossboot-compile-host"
  if [ ! -x "$CH" ]; then
    # The same files canadian-package ships, from this checkout.
    echo "# ${CROSS_TAR##*/} has no compile host (built before it): installed from the checkout's recipe, with the image's distccd"
    # shellcheck disable=SC2016 # the inner script's variables
    bash -c 'set -euo pipefail; TOP=$1; CACHE=/nonexistent; . "$TOP/scripts/lib.sh"; load_target aarch64
      use_recipes build-farm compile-host; STAGE_WORK=$(mktemp -d); compile_host_install "$2" "$3"; rm -rf "$STAGE_WORK"' \
      _ "$TOP" "$CROSS" "$IMG/bin/distccd"
  fi
  check "the release tarball's compile host is there (bin/crossboot-compile-host)" test -x "$CH"
}

# shellcheck disable=SC2317 # called through check
farm_routes_inside() {
  local n
  for n in c x "${HOSTS[@]}"; do
    [ -z "$(farm_in "$n" ip route show default)" ] || return 1
    # (a route lookup only: nothing is sent)
    if farm_in "$n" ip route get 192.0.2.1 >/dev/null 2>&1; then return 1; fi
  done
}

farm_hosts_network() {
  local i
  farm_create
  for i in "${!HOSTS[@]}"; do farm_node "${HOSTS[i]}" $((i + 2)); done
  # An outsider on the same wire, at an address the hosts do not allow.
  farm_node x 66
  check "no namespace of the farm has a route beyond $FARM_NET.0/24" farm_routes_inside
}

# farm_hosts_start NAME...: each host's compile host, at once (h1 the
# image's, the others the tarball's, each with a state directory of its
# own); waits for them all; 1 if one did not listen (a not ok line each).
farm_hosts_start() {
  local h bad=0
  for h in "$@"; do
    if [ "$h" = h1 ]; then
      farm_start_host "$h" "$IMG/distcc-host.sh" "$SCRATCH/host-$h.log" --allow "${FARM_ADDR[c]}" --cross "$CROSS" --jobs 2
    else
      farm_start_host "$h" "$CH" "$SCRATCH/host-$h.log" --allow "${FARM_ADDR[c]}" --jobs 2 --state "$SCRATCH/state-$h"
    fi
  done
  for h in "$@"; do
    if ! farm_wait_host "$h"; then
      not_ok "$h: its compile host did not listen on ${FARM_ADDR[$h]}"; sed 's/^/#   /' "$SCRATCH/host-$h.log"
      bad=1
    fi
  done
  return "$bad"
}

# shellcheck disable=SC2317 # called through check
farm_tarball_hosts() {
  local h
  for h in "${HOSTS[@]:1}"; do
    echo "$h: ${FARM_STATE[$h]}"
    grep -qxF "SANDBOX_TOOLCHAIN=$(printf %q "$CROSS")" "${FARM_STATE[$h]}/sandbox.conf" || return 1
    grep -qxF "SANDBOX_DISTCCD=$(printf %q "$CROSS/libexec/crossboot/distccd")" "${FARM_STATE[$h]}/sandbox.conf" || return 1
    [[ ${FARM_STATE[$h]} == "$SCRATCH/state-$h"/run.* ]] || return 1
  done
}

# shellcheck disable=SC2317 # called through check
farm_listens_own_address_only() {
  local h addrs
  for h in "${HOSTS[@]}"; do
    addrs=$(farm_in "$h" ss -Htln | awk '{ print $4 }' | sort -u | tr '\n' ' ')
    [ "$addrs" = "${FARM_ADDR[$h]}:3632 " ] || { echo "$h listens on $addrs"; return 1; }
  done
}

farm_hosts_check_setup() {
  check "h2, h3: the tarball's compile host (its distccd, the tarball as the jobs' compiler, the state asked for)" farm_tarball_hosts
  check "each host listens on its own farm address only" farm_listens_own_address_only
}

farm_jobs_served() {
  local n
  n=$(grep -c 'COMPILE_OK' "${FARM_STATE[$1]}/distccd.log" 2>/dev/null) || true
  echo "${n:-0}"
}

farm_pids_in() { ip netns pids "$(farm_ns "$1")" | wc -l; }

# farm_holds_job HOST: HOST serves a connection now: its listener (socat)
# has forked for one. (An idle host has two processes in its namespace, its
# script and socat; a job's sandbox has a network namespace of its own.)
farm_holds_job() {
  local p
  for p in $(farm_listeners "$1"); do [ -z "$(pgrep -P "$p")" ] || return 0; done
  return 1
}

# farm_listeners HOST: the pids of HOST's listener (socat) processes.
farm_listeners() {
  local p
  for p in $(ip netns pids "$(farm_ns "$1")"); do
    [ "$(ps -o comm= -p "$p")" != socat ] || printf '%s\n' "$p"
  done
}

# farm_compiling HOST: a compiler (cc1, cc1plus, as) runs for one of HOST's
# jobs now, so its client waits for the result: below HOST's listener by
# parentage (a job's sandbox has namespaces of its own, so it is not among
# HOST's network namespace's processes). A forked listener alone may be a
# job already answered.
farm_compiling() {
  local roots
  roots=$(farm_listeners "$1" | tr '\n' ' ')
  [ -n "$roots" ] || return 1
  ps -e -o pid=,ppid=,comm= | awk -v roots="$roots" '
    BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) listener[r[i]] = 1 }
    { parent[$1] = $2; comm[$1] = $3 }
    END {
      for (p in comm) {
        if (comm[p] !~ /^(cc1|cc1plus|as)$/) continue
        for (q = parent[p]; q > 1 && (q in parent); q = parent[q]) if (q in listener) exit 0
      }
      exit 1
    }'
}

# farm_one_job NODE DIR FILE OUT [VAR=VALUE...]: FILE compiled to OUT in
# DIR by h1, from NODE's namespace, no fallback; distcc's state in
# SCRATCH/distcc-dir.NODE.
# shellcheck disable=SC2317 # called through the checks below
farm_one_job() {
  local node=$1 dir=$2 file=$3 o=$4
  shift 4
  mkdir -p "$SCRATCH/distcc-dir.$node"
  (cd "$dir" && farm_in "$node" env PATH="$CROSS/bin:$PATH" DISTCC_DIR="$SCRATCH/distcc-dir.$node" \
    DISTCC_HOSTS="${FARM_ADDR[h1]}" DISTCC_FALLBACK=0 DISTCC_NO_REWRITE_CROSS=1 DISTCC_IO_TIMEOUT=30 "$@" \
    distcc "$GCC" -O2 -c "$file" -o "$o")
}

# shellcheck disable=SC2317 # called through check
farm_outsider_refused() {
  local dir=$1 file=$2 n rc=0
  n=$(farm_jobs_served h1)
  farm_one_job x "$dir" "$file" refused.o || rc=$?
  echo "distcc exit $rc"
  [ "$rc" != 0 ] && [ ! -e "$dir/refused.o" ] && [ "$(farm_jobs_served h1)" = "$n" ]
}

# shellcheck disable=SC2317 # called through check
farm_client_served() {
  local dir=$1 file=$2 n
  n=$(farm_jobs_served h1)
  farm_one_job c "$dir" "$file" allowed.o DISTCC_SKIP_LOCAL_RETRY=1 DISTCC_IO_TIMEOUT=60
  [ -s "$dir/allowed.o" ] && [ "$(farm_jobs_served h1)" = $((n + 1)) ]
}

farm_check_refused() {
  local dir=$1 file=$2
  check "a client at ${FARM_ADDR[x]} (not allowed) is refused: no object, no job on h1" farm_outsider_refused "$dir" "$file"
  check "h1's socat.log records the refused connection" grep -q "refusing connection from AF=2 ${FARM_ADDR[x]}:" \
    "${FARM_STATE[h1]}/socat.log"
  check "control: the same job from the allowed client (${FARM_ADDR[c]}) is served by h1" farm_client_served "$dir" "$file"
  rm -f "$dir/refused.o" "$dir/allowed.o"
}
