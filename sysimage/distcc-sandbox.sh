#!/usr/bin/env bash
# distcc-sandbox.sh --prepare STATE
# distcc-sandbox.sh STATE [-- PROGRAM [ARG...]]
# distcc-sandbox.sh --check STATE
#
# The policy of one distcc job's sandbox: what it sees and its limits.
# --prepare writes it once as crossboot-jobstart's command line (STATE/
# job.args); qemu (a guestfwd "cmd:" forward) or socat (a listening compile
# host) runs `crossboot-jobstart --args STATE/job.args` once per connection,
# with the connection on stdin and stdout: the image's distccd --inetd for
# that one job inside bubblewrap, gone when the job ends. (No shell a job:
# its start-up was most of what the sandbox cost.) STATE alone does the
# same through this script.
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
# reports what failed. crossboot-jobstart (sysimage/jobstart/) carries out
# what this decides: see its main.c.
set -euo pipefail
# Until the log is open, stderr is the connection: nothing of the host's
# goes to the guest.
case ${1:-} in --check|--prepare) ;; *) exec 2>/dev/null ;; esac

PROG=distcc-sandbox
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 2; }

MODE=job
case ${1:-} in --check) MODE=check; shift ;; --prepare) MODE=prepare; shift ;; esac
STATE=${1:-}
[ -n "$STATE" ] || die "usage: distcc-sandbox.sh [--check|--prepare] STATE [-- PROGRAM ARG...]"
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

# Every message goes to the log, opened here, as the user who started the
# image, before any change of user. The job's own go through a pipe of
# crossboot-jobstart's (below), which marks each line with the job's
# number and lets a job log at most 1 MiB: the job holds no descriptor of
# a host file it could reopen through /proc.
if [ "$MODE" = job ]; then exec 2>>"$STATE/distccd.log"; fi

# sandbox.conf sets: SANDBOX_TOOLCHAIN (bound at /crossboot/toolchain),
# SANDBOX_DISTCCD (at /crossboot/bin/distccd), SANDBOX_RO (more paths bound
# read-only at their own place), SANDBOX_COMPILERS (NAME=PATH in the
# toolchain), SANDBOX_JOBSTART (crossboot-jobstart), SANDBOX_BWRAP (bwrap,
# by its absolute path), SANDBOX_RUN_AS
# (its --uid and --gid, to leave root, when started by root), SANDBOX_JOBS,
# SANDBOX_CPU_SECONDS, SANDBOX_MEM_MB, SANDBOX_SCRATCH_MB, SANDBOX_FILES,
# SANDBOX_WALL_SECONDS, SANDBOX_PROCS, SANDBOX_ALLOW (the client networks,
# ADDR/BITS; empty: not checked).
SANDBOX_RO=() SANDBOX_COMPILERS=() SANDBOX_RUN_AS=() SANDBOX_ALLOW=()
# shellcheck source=/dev/null
. "$CONF"
: "${SANDBOX_TOOLCHAIN:?} ${SANDBOX_DISTCCD:?} ${SANDBOX_JOBSTART:?} ${SANDBOX_BWRAP:?} ${SANDBOX_JOBS:?} ${SANDBOX_CPU_SECONDS:?} ${SANDBOX_MEM_MB:?}"
: "${SANDBOX_SCRATCH_MB:?} ${SANDBOX_FILES:?} ${SANDBOX_WALL_SECONDS:?} ${SANDBOX_PROCS:?}"

# bwrap_args PROGRAM...: bubblewrap's arguments for one job running
# PROGRAM, in BWRAP; the command list in CMDLIST.
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
  # The command list, copied in from fd 3 (crossboot-jobstart --cmdlist).
  # Then the sandbox's own / and /dev read-only: bwrap makes them tmpfs
  # mounts without a size, which the job's user owns; writable, a job could
  # fill the host's memory past every limit. /tmp (the bounded tmpfs) and
  # the device nodes are mounts of their own and stay as they are.
  BWRAP+=(--ro-bind-data 3 /crossboot/cmdlist --remount-ro /dev --remount-ro / "$@")
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

scratch_point

# jobstart PROGRAM...: crossboot-jobstart's command line for a job running
# PROGRAM in a new sandbox, in JOBSTART (without the program's own name).
# It checks the client's address against SANDBOX_ALLOW (a listening host's
# networks: socat filters on one range only), takes a job slot (at most
# JOBS run and 2 x JOBS wait; more connections are refused at once), sets
# the limits every process of the job inherits (CPU seconds, address space
# and file size, no core files), leaves root (SANDBOX_RUN_AS), gives the
# job a new session keyring (the one it was started with, and so its keys,
# stays out), then an unprivileged user namespace of the job's own with a
# /tmp that is a tmpfs bounded in bytes and in files (bwrap's own --tmpfs
# has no file limit) and the process limit (counted there), and execs
# bwrap, which builds the sandbox around it, as pid 1 of a pid namespace
# of the job's own. At the wall time, or killed itself, it takes that
# namespace down, and with it every process of the job (bwrap's own
# --die-with-parent leaves a child behind if bwrap is killed early). The
# job gets only the connection (0, 1), a pipe for its messages (2: each
# line marked with the job's number, at most 1 MiB, into STATE/distccd.log)
# and the command list (3).
jobstart() {
  local net
  bwrap_args "$@"
  JOBSTART=(--wall "$SANDBOX_WALL_SECONDS" --scratch "$SCRATCH_POINT"
    --tmpfs "size=${SANDBOX_SCRATCH_MB}m,nr_inodes=$SANDBOX_FILES,mode=1777"
    --procs "$SANDBOX_PROCS" --cpu "$SANDBOX_CPU_SECONDS" --mem "$SANDBOX_MEM_MB"
    --file "$SANDBOX_SCRATCH_MB" "${SANDBOX_RUN_AS[@]}" --cmdlist "$CMDLIST")
  if [ "$MODE" != check ]; then
    JOBSTART+=(--tag job --log "$STATE/distccd.log" --slots "$STATE/slots" --jobs "$SANDBOX_JOBS")
    for net in "${SANDBOX_ALLOW[@]}"; do JOBSTART+=(--allow "$net"); done
  fi
  JOBSTART+=(-- "$SANDBOX_BWRAP" --bind "$SCRATCH_POINT" /tmp "${BWRAP[@]}")
}

DISTCCD_JOB=(/crossboot/bin/distccd --inetd --log-stderr --log-level info)
case $MODE in
  check)
    rc=0
    jobstart /crossboot/bin/distccd --version
    "$SANDBOX_JOBSTART" "${JOBSTART[@]}" || rc=$?
    if [ "$rc" = 0 ]; then
      jobstart "/crossboot/compilers/${SANDBOX_COMPILERS[0]%%=*}" --version
      "$SANDBOX_JOBSTART" "${JOBSTART[@]}" || rc=$?
    fi
    [ "$rc" = 0 ] || die "cannot make a job sandbox, or the compiler does not run in one (exit $rc; the message above): it needs bubblewrap 0.8 or later, unprivileged user namespaces (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, AppArmor's restrict_unprivileged_userns), and a compiler the jobs' user can reach" ;;
  prepare)
    # Written anew, never through a link: STATE is this user's alone. Its
    # paths absolute: qemu and socat run it from anywhere.
    STATE=$(cd "$STATE" && pwd -P)
    jobstart "${DISTCCD_JOB[@]}"
    rm -f "$STATE/job.args"
    (umask 077 && printf '%s\0' "${JOBSTART[@]}" >"$STATE/job.args") ;;
  job)
    if [ $# -gt 0 ]; then jobstart "$@"; else jobstart "${DISTCCD_JOB[@]}"; fi
    exec "$SANDBOX_JOBSTART" "${JOBSTART[@]}" ;;
esac
