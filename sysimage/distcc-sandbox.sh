#!/usr/bin/env bash
# distcc-sandbox.sh STATE [-- PROGRAM [ARG...]]
# distcc-sandbox.sh --check STATE
#
# One distcc job in a sandbox of its own. qemu (a guestfwd "cmd:" forward)
# or socat (a listening compile host) starts this once per connection, with
# the connection on stdin and stdout; it runs the image's distccd --inetd
# for that one job inside bubblewrap and is gone when the job ends.
#
# What the job sees: the toolchain read-only at /crossboot/toolchain (it is
# relocatable) and distccd at /crossboot/bin (with the host libraries they
# link, if they are not static, at their own paths), the compiler names it
# may ask for (/crossboot/compilers, listed in DISTCC_CMDLIST), a private empty
# /tmp (tmpfs of its own, bounded in bytes and files), its own /proc and a
# minimal /dev. Nothing else of the host: no /etc, /home, /tmp, the share,
# the caches, STATE. No network (a namespace with only its own loopback),
# no other processes (pid namespace), no new user namespaces, no
# capabilities, a new session and a new, empty session keyring, no
# descriptor but its connection's. Bounded: CPU seconds and address space per
# process, bytes per file, bytes and files in /tmp, processes, wall time,
# lines it can log; at most JOBS run and 2 x JOBS wait at once (more
# connections are refused at once). Started by root, it runs as an
# unprivileged user (nobody, or distcc if that user exists).
#
# STATE holds sandbox.conf (written by dev-environment.sh or
# distcc-host.sh), the job slots and distccd.log; it must belong to the
# user running this and be writable by nobody else.
# -- PROGRAM runs PROGRAM (inside one of the read-only paths) in the same
# sandbox instead of distccd (the tests' attacker). --check makes one
# sandbox running distccd --version and the compiler's --version, and
# reports what failed.
set -euo pipefail
# Until the log is open, stderr is the connection: nothing of the host's
# goes to the guest.
[ "${1:-}" = --check ] || exec 2>/dev/null

PROG=distcc-sandbox
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 2; }

CHECK=0
if [ "${1:-}" = --check ]; then CHECK=1; shift; fi
STATE=${1:-}
[ -n "$STATE" ] || die "usage: distcc-sandbox.sh [--check] STATE [-- PROGRAM ARG...]"
shift
if [ $# -gt 0 ]; then
  if [ "$1" != -- ] || [ $# -lt 2 ]; then die "after STATE only -- PROGRAM [ARG...]"; fi
  shift
fi

# The configuration is read from STATE, maybe as root: only from a
# directory no one else can change.
# (readlink only for distcc-host.sh's link: this runs once per job)
SELF=${BASH_SOURCE[0]}
if [ -L "$SELF" ]; then SELF=$(readlink -f "$SELF"); fi
# shellcheck source=sysimage/distcc-state.sh
. "${SELF%/*}/distcc-state.sh"
dir_is_own "$STATE" || die "$STATE is not a directory of this user's that only it can write"
CONF="$STATE/sandbox.conf"
if [ ! -f "$CONF" ] || [ -L "$CONF" ] || [ ! -O "$CONF" ]; then
  die "$CONF is missing or not this user's"
fi

# Every message of a job goes to the log, opened here, as the user who
# started the image, before any change of user, and through a pipe: the job
# holds no descriptor of a host file it could reopen through /proc. Each
# line is marked with the job's number, and a job logs at most 1 MiB.
# (keyctl's "Joined session keyring" line, one a job, is left out.)
if [ "$CHECK" = 0 ]; then
  exec 2> >(exec awk -v job="job $$" '/^Joined session keyring: [0-9]+$/ { next }
    { n += length($0) + 1; if (n > 1048576) exit; print job ": " $0; fflush() }' >>"$STATE/distccd.log")
else
  exec 2> >(exec grep -v '^Joined session keyring: [0-9]*$' >&2)
fi

# sandbox.conf sets: SANDBOX_TOOLCHAIN (bound at /crossboot/toolchain),
# SANDBOX_DISTCCD (at /crossboot/bin/distccd), SANDBOX_RO (more paths bound
# read-only at their own place), SANDBOX_COMPILERS (NAME=PATH in the
# toolchain), SANDBOX_RUN_AS (setpriv's
# arguments to leave root, when started by root), SANDBOX_JOBS,
# SANDBOX_CPU_SECONDS, SANDBOX_MEM_MB, SANDBOX_SCRATCH_MB, SANDBOX_FILES,
# SANDBOX_WALL_SECONDS, SANDBOX_PROCS, SANDBOX_ALLOW (the client networks,
# ADDR/BITS; empty: not checked).
SANDBOX_RO=() SANDBOX_COMPILERS=() SANDBOX_RUN_AS=() SANDBOX_ALLOW=()
# shellcheck source=/dev/null
. "$CONF"
: "${SANDBOX_TOOLCHAIN:?} ${SANDBOX_DISTCCD:?} ${SANDBOX_JOBS:?} ${SANDBOX_CPU_SECONDS:?} ${SANDBOX_MEM_MB:?}"
: "${SANDBOX_SCRATCH_MB:?} ${SANDBOX_FILES:?} ${SANDBOX_WALL_SECONDS:?} ${SANDBOX_PROCS:?}"

# ipv4_int ADDR: ADDR (dotted quad) as a number in IPV4_INT; 1 if it is none.
# (No subshells: this runs once per connection.)
ipv4_int() {
  [[ $1 =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || return 1
  local a=$((10#${BASH_REMATCH[1]})) b=$((10#${BASH_REMATCH[2]})) c=$((10#${BASH_REMATCH[3]})) d=$((10#${BASH_REMATCH[4]}))
  ((a <= 255 && b <= 255 && c <= 255 && d <= 255)) || return 1
  IPV4_INT=$(((a << 24) | (b << 16) | (c << 8) | d))
}

# peer_allowed ADDR: ADDR is in one of SANDBOX_ALLOW's networks (ADDR/BITS).
peer_allowed() {
  local net peer mask
  ipv4_int "$1" || return 1
  peer=$IPV4_INT
  for net in "${SANDBOX_ALLOW[@]}"; do
    ipv4_int "${net%/*}" || continue
    mask=$(((0xffffffff << (32 - ${net#*/})) & 0xffffffff))
    if (((peer & mask) == (IPV4_INT & mask))); then return 0; fi
  done
  return 1
}

# A listening compile host (distcc-host.sh) lists the client networks it
# accepts: socat can filter on one range only, so each connection's peer
# (socat's SOCAT_PEERADDR) is checked here against all of them, before
# anything else is done for it. qemu's forwards (dev-environment.sh) list
# none: the guest is the only client.
if [ "$CHECK" = 0 ] && [ ${#SANDBOX_ALLOW[@]} -gt 0 ] && ! peer_allowed "${SOCAT_PEERADDR:-}"; then
  die "refused: ${SOCAT_PEERADDR:-a client of unknown address} is not in the allowed networks (${SANDBOX_ALLOW[*]})"
fi

# bwrap_args PROGRAM...: bubblewrap's arguments for one job running
# PROGRAM, in BWRAP; the command list in CMDLIST. (No subshells: this runs
# once per compile job.)
bwrap_args() {
  local p entry
  BWRAP=(--unshare-all --unshare-user --disable-userns --die-with-parent --new-session
    --cap-drop ALL --uid 65534 --gid 65534 --hostname crossboot-job
    --proc /proc --dev /dev --chdir /tmp --dir /crossboot/compilers
    --clearenv --setenv PATH /crossboot/compilers --setenv TMPDIR /tmp --setenv HOME /tmp
    --setenv LC_ALL C --setenv DISTCC_CMDLIST /crossboot/cmdlist
    --setenv DISTCC_CMDLIST_NUMWORDS 1)
  BWRAP+=(--ro-bind "$SANDBOX_TOOLCHAIN" /crossboot/toolchain --ro-bind "$SANDBOX_DISTCCD" /crossboot/bin/distccd)
  for p in "${SANDBOX_RO[@]}"; do BWRAP+=(--ro-bind "$p" "$p"); done
  CMDLIST=''
  for entry in "${SANDBOX_COMPILERS[@]}"; do
    BWRAP+=(--symlink "/crossboot/toolchain/${entry#*=}" "/crossboot/compilers/${entry%%=*}")
    CMDLIST+="/crossboot/compilers/${entry%%=*}"$'\n'
  done
  # The command list, copied in from fd 3 (a here-string below).
  BWRAP+=(--ro-bind-data 3 /crossboot/cmdlist "$@")
}

# scratch_point: where the job's tmpfs is mounted before bwrap binds it to
# /tmp, in a mount namespace of the job's own: a standard directory that
# holds none of the paths the job is given (the mount hides what is under
# it, there only).
scratch_point() {
  local d p
  for d in /run /mnt /srv /media /var/tmp /opt /tmp; do
    if [ ! -d "$d" ] || [ -L "$d" ]; then continue; fi
    for p in "$SANDBOX_TOOLCHAIN" "$SANDBOX_DISTCCD" "${SANDBOX_RO[@]}"; do
      [[ $p == "$d" || $p == "$d"/* ]] && continue 2
    done
    SCRATCH_POINT=$d
    return 0
  done
  die "no directory to mount the job's /tmp on (all hold the toolchain)"
}

# lock_one KIND N: a lock on one of STATE/slots/KIND.1 … KIND.N without
# waiting, its descriptor in the variable LOCK_FD; 1 when all are taken.
lock_one() {
  local k
  for ((k = 1; k <= $2; k++)); do
    exec {LOCK_FD}<"$STATE/slots/$1.$k"
    if flock -n "$LOCK_FD"; then return 0; fi
    exec {LOCK_FD}<&-
  done
  return 1
}

# take_slot: at most 2 x JOBS connections wait (more are refused at once),
# and at most JOBS run: a waiting one blocks on one run slot (flock -w, no
# polling) after trying them all. The locks' descriptors: WAIT_FD, SLOT_FD.
take_slot() {
  if lock_one run "$SANDBOX_JOBS"; then SLOT_FD=$LOCK_FD; return 0; fi
  lock_one wait $((SANDBOX_JOBS * 2)) || die "refused: $((SANDBOX_JOBS * 2)) connections already wait"
  # shellcheck disable=SC2034 # held open: the lock is the descriptor
  WAIT_FD=$LOCK_FD
  exec {SLOT_FD}<"$STATE/slots/run.$((RANDOM % SANDBOX_JOBS + 1))"
  flock -w "$SANDBOX_WALL_SECONDS" "$SLOT_FD" || die "no free job slot in $SANDBOX_WALL_SECONDS s"
}

scratch_point

# Limits every process of the job inherits (bash's ulimit: -v and -f in
# KiB). The process limit is set inside the job's user namespace, where it
# counts the job's processes only.
ulimit -c 0 -n 1024 -t "$SANDBOX_CPU_SECONDS" -v $((SANDBOX_MEM_MB * 1024)) \
  -f $((SANDBOX_SCRATCH_MB * 1024))

# run_job PROGRAM...: PROGRAM in a new sandbox; its status in rc.
# A new session keyring first (keyctl: the one this was started with, and so
# its keys, stays out), then an unprivileged user namespace of the job's own
# gives it a /tmp that is a tmpfs bounded in bytes and in files (bwrap's own
# --tmpfs has no file limit) and its process limit, then bwrap builds the
# sandbox around it. The wall-time limit kills bwrap, whose pid namespace
# takes every process of the job with it. The slots stay locked by this
# shell; the job does not get their descriptors.
run_job() {
  bwrap_args "$@"
  rc=0
  (
    # Only the connection (0, 1), the log (2) and the command list (3) go
    # in: every other descriptor this was started with is closed.
    for fd in /proc/self/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd<&-" 2>/dev/null || true; fi
    done
    # shellcheck disable=SC2016 # expanded by that bash
    exec timeout -s KILL "$SANDBOX_WALL_SECONDS" \
      setpriv "${SANDBOX_RUN_AS[@]}" --inh-caps=-all -- keyctl session - \
      unshare --user --map-root-user --mount --propagation private -- \
      "$BASH" -c 'ulimit -u "$3" && mount -t tmpfs -o "$1" crossboot-job "$2" && shift 3 && exec bwrap "$@"' \
      sh "size=${SANDBOX_SCRATCH_MB}m,nr_inodes=$SANDBOX_FILES,mode=1777,nosuid,nodev" "$SCRATCH_POINT" \
      "$SANDBOX_PROCS" --bind "$SCRATCH_POINT" /tmp "${BWRAP[@]}" 3<<<"$CMDLIST"
  ) || rc=$?
}

if [ "$CHECK" = 1 ]; then
  run_job /crossboot/bin/distccd --version
  [ "$rc" != 0 ] || run_job "/crossboot/compilers/${SANDBOX_COMPILERS[0]%%=*}" --version
  [ "$rc" = 0 ] || die "cannot make a job sandbox, or the compiler does not run in one (exit $rc; the message above): it needs bubblewrap 0.8 or later, unprivileged user namespaces (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, AppArmor's restrict_unprivileged_userns), and a compiler the jobs' user can reach"
  exit 0
fi
take_slot
if [ $# -gt 0 ]; then run_job "$@"
else run_job /crossboot/bin/distccd --inetd --log-stderr --log-level info; fi
[ "$rc" = 0 ] || printf 'distcc-sandbox: job ended with exit %s%s\n' "$rc" \
  "$([ "$rc" = 137 ] && printf ' (killed: wall time %s s or a limit)' "$SANDBOX_WALL_SECONDS")" >&2
exit "$rc"
