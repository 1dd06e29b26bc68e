# shellcheck shell=bash
# Sourced by dev-environment.sh and distcc-host.sh: the cross compiler, the
# state directory and the configuration of distcc-sandbox.sh (the per-job
# sandbox every compile from the guest or a farm client runs in).
# Needs HERE (the directory of these scripts), ARCH and TRIPLET
# (target.conf), and PROG (the script's name, for messages).
#
# The scripts live in two layouts, and target.conf (written by each
# packager) says which, relative to HERE: DISTCCD, the static distccd, and
# CROSS_DEFAULT, the cross compiler when --cross is not given.
#   system image (system-image-ARCH/):         bin/distccd, ../cross-compiler-ARCH
#   release tarball (libexec/crossboot/):      distccd, ../.. (the tarball itself)
# Without them (an older target.conf), the system image's.

die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 2; }
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }

# The per-job limits, defaults in one place (dev-environment.sh and
# distcc-host.sh take --job-cpu, --job-mem, --job-disk, --job-files,
# --job-time, --job-procs to change them).
JOB_CPU=600      # CPU seconds, per process of the job
JOB_MEM=4096     # MiB of address space, per process
JOB_DISK=1024    # MiB in the job's /tmp (also the largest file)
JOB_FILES=20000  # files and directories in the job's /tmp
JOB_TIME=1800    # seconds of wall time for the whole job
JOB_PROCS=64     # processes of one job at once

# CROSS (--cross) and JOBS (--jobs, default: this host's CPUs), the same in
# every script; ALLOW: the client networks a listening host accepts
# (distcc-host.sh --allow; the sandbox checks each connection's peer).
CROSS='' JOBS='' ALLOW=()

# The versioned glibc-mode names a job may ask for: Debian-style rules ask
# for one (focal's kernel: gcc ?= gcc-9, so CC=aarch64-linux-gnu-gcc-9) and
# distcc sends the name it was called by. The same compiler: ccwrap ignores
# the version. The build chroot has the same names (stages/build-chroot.sh,
# CHROOT_GCC_VERSIONS; tests/unit/kernel-distcc.sh holds them equal).
GNU_GCC_VERSIONS="9 10 11 12"

# common_option OPTION VALUE: --cross, --jobs or a --job-* limit, set; 1
# when OPTION is none of them, dies on a bad value.
common_option() {
  local var
  case $1 in
    --cross) CROSS=${2:-}; [ -n "$CROSS" ] || die "--cross needs a directory"; return 0 ;;
    --jobs) JOBS=${2:-}; [[ $JOBS =~ ^[1-9][0-9]{0,3}$ ]] || die "--jobs needs a number"; return 0 ;;
    --job-cpu) var=JOB_CPU ;; --job-mem) var=JOB_MEM ;; --job-disk) var=JOB_DISK ;;
    --job-files) var=JOB_FILES ;; --job-time) var=JOB_TIME ;; --job-procs) var=JOB_PROCS ;;
    *) return 1 ;;
  esac
  [[ ${2:-} =~ ^[1-9][0-9]{0,8}$ ]] || die "$1 needs a whole number"
  printf -v "$var" '%s' "$2"
}

# distccd_path, cross_beside: the layout's distccd and default compiler
# directory (see the top).
distccd_path() { printf '%s\n' "$HERE/${DISTCCD:-bin/distccd}"; }
# jobstart_path: crossboot-jobstart, which starts each job's sandbox: beside distccd.
jobstart_path() { local d; d=$(distccd_path); printf '%s\n' "${d%/*}/crossboot-jobstart"; }
cross_beside() { printf '%s\n' "$HERE/${CROSS_DEFAULT:-../cross-compiler-$ARCH}"; }

# find_cross: the cross compiler's top directory, in CROSS (CROSS or
# $CROSSBOOT_CROSS if set, else the layout's (beside the image, or the
# release tarball itself), else the triplet's gcc in PATH).
find_cross() {
  local gcc
  CROSS=${CROSS:-${CROSSBOOT_CROSS:-}}
  if [ -z "$CROSS" ] && [ -x "$(cross_beside)/bin/$TRIPLET-gcc" ]; then
    CROSS=$(cross_beside)
  fi
  if [ -z "$CROSS" ] && gcc=$(command -v "$TRIPLET-gcc"); then
    CROSS=$(dirname "$(dirname "$(readlink -f "$gcc")")")
  fi
  [ -n "$CROSS" ] || die "no cross compiler: extract cross-compiler-$ARCH.tar.xz beside this directory, or pass --cross DIR"
  CROSS=$(readlink -f "$CROSS")
  # Every job sees this whole directory: never a system-wide one.
  case $CROSS in
    /|/usr|/usr/local|/opt|/home|/root|"$(readlink -f ~ 2>/dev/null)")
      die "the cross compiler's directory is $CROSS, which holds more than the compiler (every job would see it): extract cross-compiler-$ARCH.tar.xz and pass --cross DIR" ;;
  esac
  [ -x "$CROSS/bin/$TRIPLET-gcc" ] || die "$CROSS/bin/$TRIPLET-gcc is missing: --cross takes the cross-compiler-$ARCH directory"
}

# sandbox_tools: every host program the sandbox needs, or one line naming
# the missing ones and their packages (crossboot-jobstart comes with
# distccd: it does the rest).
sandbox_tools() {
  local pair missing=''
  for pair in bwrap:bubblewrap setpriv:util-linux; do
    command -v "${pair%%:*}" >/dev/null || missing+=" ${pair%%:*} (${pair#*:})"
  done
  [ -z "$missing" ] || die "missing:$missing (apt-get install the packages named)"
  # bwrap by its absolute path in every job's command line (no PATH search
  # per connection); started by root, from a directory only root can change.
  BWRAP_PATH=$(command -v bwrap)
  [[ $BWRAP_PATH == /* ]] || die "bwrap is found as $BWRAP_PATH through a relative PATH entry: put its directory in PATH by its absolute path"
  if [ "$EUID" = 0 ] && ! safe_path "${BWRAP_PATH%/*}"; then
    die "started by root, $BWRAP_PATH must be in a directory that only root can change"
  fi
  [ -x "$(jobstart_path)" ] || die "$(jobstart_path) is missing (it comes with distccd)"
}

# dir_is_own DIR: DIR is a directory (not a link) of this user's that no
# one else can write.
dir_is_own() {
  local st
  [ -d "$1" ] && [ ! -L "$1" ] && st=$(stat -c '%u %a' "$1") &&
    [ "${st% *}" = "$EUID" ] && (((8#${st#* } & 8#022) == 0))
}

# run_as: when this runs as root, setpriv's arguments for the user jobs run
# as (distcc if there is one, else nobody), one a line.
run_as() {
  local user=nobody
  [ "$EUID" = 0 ] || return 0
  if id distcc >/dev/null 2>&1; then user=distcc; fi
  printf '%s\n' "--reuid=$(id -u "$user")" "--regid=$(id -g "$user")" --clear-groups
}

# jobstart_run_as: the same user as crossboot-jobstart's --uid and --gid.
jobstart_run_as() {
  local a
  run_as | while IFS= read -r a; do
    case $a in --reuid=*) printf '%s\n' --uid "${a#*=}" ;; --regid=*) printf '%s\n' --gid "${a#*=}" ;; esac
  done
}

# own_dir DIR: DIR made (mode 700) when missing; dies when it is not
# dir_is_own: this user, maybe root, writes logs there and reads the
# sandbox configuration back.
own_dir() {
  # Several hosts started at once from one image may race to make it.
  mkdir -m 700 "$1" 2>/dev/null || [ -e "$1" ] || [ -L "$1" ] || die "cannot make $1"
  dir_is_own "$1" || die "$1 must be a directory of this user's that only it can write (not a link)"
}

# safe_path DIR: DIR and every directory above it belong to root or this
# user, and no one else can rename what is in them (not writable by group
# or others, or sticky, as /tmp).
safe_path() {
  local d st
  d=$(readlink -f "$1")
  while :; do
    st=$(stat -c '%u %a' "$d") || return 1
    [ "${st% *}" = 0 ] || [ "${st% *}" = "$EUID" ] || return 1
    if (((8#${st#* } & 8#022) != 0 && (8#${st#* } & 8#1000) == 0)); then return 1; fi
    [ "$d" != / ] || return 0
    d=${d%/*}
    d=${d:-/}
  done
}

# default_state_root: where distcc-host.sh keeps its runs without --state:
# distcc/ beside these scripts when it is there or can be made there and
# is not inside the compiler's directory; else
# $XDG_STATE_HOME/crossboot-compile-host (~/.local/state/...): the release
# tarball's scripts are inside its compiler, which every job sees whole
# (read-only), so its logs and configuration would be in every job's view;
# and an install someone else owns (a root-owned /opt) is not writable.
# Needs CROSS (find_cross).
default_state_root() {
  local d="$HERE/distcc" base
  if [ -e "$d" ] || [ -L "$d" ] || { [ -w "$HERE" ] && ! inside_cross "$HERE"; }; then
    printf '%s\n' "$d"
    return
  fi
  base=${XDG_STATE_HOME:-}
  # (the XDG specification: a relative path is invalid, ignore it)
  [[ $base == /* ]] || base="${HOME:?"HOME is not set: pass --state DIR"}/.local/state"
  printf '%s\n' "$base/crossboot-compile-host"
}

# inside_cross PATH: PATH is the compiler's directory or inside it (what
# every job sees).
inside_cross() {
  local p
  p=$(readlink -f "$1") || return 1
  [ -n "${CROSS:-}" ] && [[ $p/ == "$CROSS"/* ]]
}

# new_state ROOT: a fresh state directory for this run in STATE, under
# ROOT (dev-environment.sh: $HERE/distcc; distcc-host.sh: --state or
# default_state_root; made mode 700, its parent too when missing):
# its files are created here, never reused, so nothing planted there by a
# job or another user is followed. Started by root, which then runs these
# scripts for every job and reads the configuration back from ROOT, the
# scripts' directory and ROOT must be ones no one else can change. ROOT is
# never inside the compiler's directory (every job sees that).
new_state() {
  local root=$1
  if [ "$EUID" = 0 ] && ! safe_path "$HERE"; then
    die "started by root, $HERE and the directories above it must belong to root and be writable by no one else (or run this as a normal user)"
  fi
  # (~/.local/state may not exist yet: made private)
  [ -d "${root%/*}" ] || (umask 077 && mkdir -p "${root%/*}") || die "cannot make ${root%/*}"
  own_dir "$root"
  if [ "$EUID" = 0 ] && ! safe_path "$root"; then
    die "started by root, the state directory $root and the directories above it must belong to root and be writable by no one else"
  fi
  ! inside_cross "$root" ||
    die "the state directory $root is inside the compiler's directory $CROSS, which every job sees: choose another (--state DIR)"
  STATE=$(mktemp -d "$root/run.XXXXXX") || die "cannot make a state directory in $root"
  : >"$STATE/distccd.log"
}

# elf_x86_64 FILE: FILE is an x86-64 ELF file (e_machine 62).
elf_x86_64() {
  local h
  h=$(od -An -tx1 -N20 "$1" 2>/dev/null | tr -d ' \n') || return 1
  [[ $h == 7f454c46* && ${h:36:4} == 3e00 ]]
}

# host_libraries PATH...: the host's shared libraries (and program
# interpreter) that the x86-64 ELF programs under PATH load, one a line: a
# toolchain linked against this host's libc (the cross stage's) needs them in
# the sandbox; a static one (the release's) needs none.
host_libraries() {
  local f as=()
  command -v ldd >/dev/null || return 0
  # (ldd may run what it looks at: as the jobs' user, not root)
  mapfile -t as < <(run_as)
  find "$@" -type f \( -perm -u+x -o -name '*.so*' \) -print0 | while IFS= read -r -d '' f; do
    elf_x86_64 "$f" || continue
    if [ ${#as[@]} -gt 0 ]; then setpriv "${as[@]}" -- ldd "$f" 2>/dev/null || true
    else ldd "$f" 2>/dev/null || true; fi
  done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u
}

# write_sandbox_conf JOBS: STATE/sandbox.conf, JOBS job slots and what runs
# for each connection (STATE/job --args STATE/job.args), for the cross
# compiler CROSS, the layout's distccd and the networks in ALLOW.
write_sandbox_conf() {
  local jobs=${1:-$(nproc)} n k a v ro=() lib comp=()
  while IFS= read -r lib; do ro+=("$lib"); done < <(host_libraries "$CROSS" "$(distccd_path)")
  for n in cc gcc "$TRIPLET-gcc" "$TRIPLET-cc"; do comp+=("$n=bin/$TRIPLET-gcc"); done
  for n in c++ g++ "$TRIPLET-g++" "$TRIPLET-c++"; do comp+=("$n=bin/$TRIPLET-g++"); done
  # The glibc-mode names (ccwrap) that Debian-style builds use, the
  # kernel's CROSS_COMPILE=aarch64-linux-gnu- among them: the same compiler
  # for a preprocessed job.
  if [ -n "${GNU_TRIPLET:-}" ] && [ -e "$CROSS/bin/$GNU_TRIPLET-gcc" ]; then
    for n in gcc cc; do comp+=("$GNU_TRIPLET-$n=bin/$GNU_TRIPLET-gcc"); done
    for n in g++ c++; do comp+=("$GNU_TRIPLET-$n=bin/$GNU_TRIPLET-g++"); done
    for v in $GNU_GCC_VERSIONS; do
      comp+=("$GNU_TRIPLET-gcc-$v=bin/$GNU_TRIPLET-gcc" "$GNU_TRIPLET-g++-$v=bin/$GNU_TRIPLET-g++")
    done
  fi
  mkdir "$STATE/slots"
  for k in $(seq "$jobs"); do : >"$STATE/slots/run.$k"; done
  for k in $(seq $((jobs * 2))); do : >"$STATE/slots/wait.$k"; done
  {
    printf '# written by %s; read by distcc-sandbox.sh\n' "${0##*/}"
    printf 'SANDBOX_TOOLCHAIN=%q\n' "$CROSS"
    printf 'SANDBOX_RO=('; [ ${#ro[@]} = 0 ] || printf ' %q' "${ro[@]}"; printf ' )\n'
    printf 'SANDBOX_COMPILERS=('; printf ' %q' "${comp[@]}"; printf ' )\n'
    printf 'SANDBOX_RUN_AS=('; jobstart_run_as | while IFS= read -r a; do printf ' %q' "$a"; done; printf ' )\n'
    printf 'SANDBOX_DISTCCD=%q\n' "$(distccd_path)"
    printf 'SANDBOX_JOBSTART=%q\n' "$(jobstart_path)"
    printf 'SANDBOX_BWRAP=%q\n' "$BWRAP_PATH"
    printf 'SANDBOX_ALLOW=('; [ ${#ALLOW[@]} = 0 ] || printf ' %q' "${ALLOW[@]}"; printf ' )\n'
    printf 'SANDBOX_JOBS=%s\n' "$jobs"
    printf 'SANDBOX_CPU_SECONDS=%s\nSANDBOX_MEM_MB=%s\nSANDBOX_SCRATCH_MB=%s\n' "$JOB_CPU" "$JOB_MEM" "$JOB_DISK"
    printf 'SANDBOX_FILES=%s\nSANDBOX_WALL_SECONDS=%s\nSANDBOX_PROCS=%s\n' "$JOB_FILES" "$JOB_TIME" "$JOB_PROCS"
  } >"$STATE/sandbox.conf"
  # What runs for each connection: STATE/job (crossboot-jobstart; socat
  # cannot quote a path) --args STATE/job.args (the job's whole command
  # line, written once here).
  "$HERE/distcc-sandbox.sh" --prepare "$STATE" || die "cannot write $STATE/job.args (above)"
  ln -s "$(jobstart_path)" "$STATE/job"
  "$HERE/distcc-sandbox.sh" --check "$STATE" >/dev/null ||
    die "the job sandbox does not work here (above); the configuration is $STATE/sandbox.conf"
}
