#!/usr/bin/env bash
# run-emulator.sh [OPTION...]: boot this system image under qemu.
#
#   --cpus N            virtual CPUs, at most 8 (the virt machine's GICv2
#                       and the kernel's limit; default: this host's, up to 8)
#   --mem MB            memory (default 2048)
#   --share DIR         host directory shared over 9p at /mnt/share
#                       (security_model=mapped-file; default: none)
#   --scratch FILE      ext4 scratch disk at /home, made (sparse) if missing
#                       (default scratch.img beside this script)
#   --scratch-size SIZE size of a new scratch disk (default 4G)
#   --no-scratch        no scratch disk (/home is then in memory)
#   --distcc-sandbox STATE  compile jobs on this host, each in a sandbox of
#                       its own: qemu runs STATE/job --args STATE/job.args
#                       (crossboot-jobstart, see distcc-sandbox.sh) for every
#                       connection to 10.0.2.100:3632 (nothing listens on
#                       the host; dev-environment.sh makes STATE)
#   --distcc HOST:PORT[/JOBS]  another machine's distccd (a compile host,
#                       distcc-host.sh), repeatable: 10.0.2.(100+i):3632 in
#                       the guest, after the sandbox if there is one,
#                       forwarded by qemu (user networking, restrict=on: the
#                       guest reaches nothing else) through socat; the
#                       guest's DISTCC_HOSTS lists them all
#   --forward HOSTPORT:GUESTPORT  127.0.0.1:HOSTPORT on this host reaches the
#                       guest's GUESTPORT (TCP; repeatable): gdbserver in
#                       the guest, for one (127.0.0.1 only, but every local
#                       user can connect there: only while you debug)
#   --append ARGS       more kernel arguments
#   --run SCRIPT        non-interactive: run SCRIPT, a path relative to the
#                       --share directory (required), with bash in the guest,
#                       power off, exit with its status
#   --timeout SECONDS   with --run: stop the guest after this long (exit 124)
#   --console-log FILE  with --run: the console output (default: a temporary file)
#   --verbose           the kernel's boot messages too
# Exit status: the --run script's, 124 on --timeout, 125 when the guest
# stopped without reporting one; else qemu's.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)

die() { printf 'run-emulator: error: %s\n' "$*" >&2; exit 2; }

# distcc_spec_ok SPEC: SPEC is HOST:PORT[/JOBS], HOST a plain name or IPv4
# address (it goes into qemu's -netdev list: no commas or spaces).
distcc_spec_ok() {
  [[ $1 =~ ^[A-Za-z0-9._-]+:([0-9]{1,5})(/[1-9][0-9]*)?$ ]] && [ "${BASH_REMATCH[1]}" -ge 1 ] &&
    [ "${BASH_REMATCH[1]}" -le 65535 ]
}

port_ok() { [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }

# target.conf: ARCH, QEMU, MACHINE, CPU, CONSOLE of this image.
# shellcheck source=/dev/null
. "$HERE/target.conf"

MAX_CPUS=8
CPUS=$(nproc); [ "$CPUS" -le "$MAX_CPUS" ] || CPUS=$MAX_CPUS
MEM=2048 SHARE='' SCRATCH="$HERE/scratch.img" SCRATCH_SIZE=4G APPEND='' RUN=''
TIMEOUT='' CONSOLE_LOG='' QUIET=quiet DISTCC=() SANDBOX='' FORWARD=()
while [ $# -gt 0 ]; do
  case $1 in
    --cpus) CPUS=${2:-}; [[ $CPUS =~ ^[1-9][0-9]*$ && $CPUS -le $MAX_CPUS ]] ||
      die "--cpus needs a number from 1 to $MAX_CPUS"; shift ;;
    --mem) MEM=${2:-}; [[ $MEM =~ ^[1-9][0-9]*$ ]] || die "--mem needs megabytes"; shift ;;
    --share) SHARE=${2:?--share needs a directory}; [ -d "$SHARE" ] || die "no directory $SHARE"; shift ;;
    --scratch) SCRATCH=${2:?--scratch needs a file}; shift ;;
    --scratch-size) SCRATCH_SIZE=${2:?--scratch-size needs a size}; shift ;;
    --no-scratch) SCRATCH='' ;;
    --distcc-sandbox) SANDBOX=${2:?--distcc-sandbox needs a state directory}
      if [ ! -f "$SANDBOX/sandbox.conf" ] || [ ! -f "$SANDBOX/job.args" ]; then
        die "no $SANDBOX/sandbox.conf or job.args: dev-environment.sh makes them"
      fi; shift ;;
    --distcc) distcc_spec_ok "${2:-}" || die "--distcc takes HOST:PORT[/JOBS] (host: letters, digits, . - _)"
      DISTCC+=("$2"); shift ;;
    --forward)
      if ! [[ ${2:-} =~ ^([0-9]{1,5}):([0-9]{1,5})$ ]] || ! port_ok "${BASH_REMATCH[1]}" ||
         ! port_ok "${BASH_REMATCH[2]}"; then
        die "--forward takes HOSTPORT:GUESTPORT (1-65535)"
      fi
      FORWARD+=("$2"); shift ;;
    --append) APPEND+=" ${2:?--append needs arguments}"; shift ;;
    --run) RUN=${2:?--run needs a script}; shift ;;
    --timeout) TIMEOUT=${2:-}; [[ $TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "--timeout needs seconds"; shift ;;
    --console-log) CONSOLE_LOG=${2:?--console-log needs a file}; shift ;;
    --verbose) QUIET='' ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done

command -v "$QEMU" >/dev/null || die "$QEMU is missing (Debian/Ubuntu: apt-get install qemu-system-arm)"
[ ${#DISTCC[@]} = 0 ] || command -v socat >/dev/null ||
  die "socat is missing (apt-get install socat): qemu runs it to forward distcc connections"

# qemu_escape VALUE: VALUE inside a qemu -option list (a comma doubled).
qemu_escape() { printf '%s' "${1//,/,,}"; }

# cmd_quote WORD: WORD quoted for a guestfwd "cmd:" (libslirp splits it as
# g_shell_parse_argv does: sh's single quotes).
cmd_quote() { local q="'\\''"; printf "'%s'" "${1//\'/$q}"; }

# The --run script: inside the share, which must be named (the guest gets
# write access to it: never a directory chosen implicitly).
RUN_REL=''
if [ -n "$RUN" ]; then
  [ -n "$SHARE" ] || die "--run needs --share DIR, the directory that holds the script"
  [[ $RUN == /* ]] || RUN="$SHARE/$RUN"
  [ -f "$RUN" ] || die "no script $RUN"
  RUN=$(readlink -f "$RUN")
  SHARE=$(readlink -f "$SHARE")
  [[ $RUN == "$SHARE"/* ]] || die "the --run script must be inside the --share directory"
  RUN_REL=${RUN#"$SHARE"/}
  [[ $RUN_REL != *[[:space:]]* ]] || die "the --run script's path in the share has a space: the kernel command line cannot carry it"
fi

args=(-M "$MACHINE" -cpu "$CPU" -smp "$CPUS" -m "$MEM" -no-reboot
  -kernel "$HERE/Image" -initrd "$HERE/initramfs.cpio.gz"
  -device virtio-rng-pci)
cmdline="console=$CONSOLE panic=-1 $QUIET"

# Network: user mode, restricted; one guestfwd per distcc host, each a
# command qemu starts per connection (a "cmd:" forward, not a listener).
net="user,id=net0,restrict=on" guest_hosts=()
if [ -n "$SANDBOX" ]; then
  SANDBOX=$(readlink -f "$SANDBOX")
  jobs=$(sed -n 's/^SANDBOX_JOBS=\([1-9][0-9]*\)$/\1/p' "$SANDBOX/sandbox.conf")
  net+=",guestfwd=tcp:10.0.2.100:3632-cmd:$(qemu_escape "$(cmd_quote "$SANDBOX/job") --args $(cmd_quote "$SANDBOX/job.args")")"
  guest_hosts+=("10.0.2.100:3632${jobs:+/$jobs}")
fi
for spec in "${DISTCC[@]}"; do
  jobs='' addr="10.0.2.$((100 + ${#guest_hosts[@]}))"
  [[ $spec != */* ]] || { jobs=/${spec#*/}; spec=${spec%/*}; }
  # socat's messages would reach the guest in the data stream: not logged.
  net+=",guestfwd=tcp:$addr:3632-cmd:socat -lf /dev/null - TCP:${spec%:*}:${spec##*:}"
  guest_hosts+=("$addr:3632$jobs")
done
for spec in "${FORWARD[@]}"; do
  net+=",hostfwd=tcp:127.0.0.1:${spec%:*}-:${spec#*:}"
done
args+=(-netdev "$net" -device "virtio-net-pci,netdev=net0")
if [ ${#guest_hosts[@]} -gt 0 ]; then
  cmdline+=" crossboot.distcc=$(IFS=+; printf '%s' "${guest_hosts[*]}")"
fi

# Disks, found by the guest by their serial numbers.
if [ -f "$HERE/native-compiler-$ARCH.sqf" ]; then
  args+=(-drive "if=none,id=compiler,format=raw,readonly=on,file=$(qemu_escape "$HERE/native-compiler-$ARCH.sqf")"
    -device "virtio-blk-pci,drive=compiler,serial=crossboot-compiler")
fi
if [ -n "$SCRATCH" ]; then
  # qemu writes to the scratch disk as whoever runs this (maybe root): only
  # a plain file of that user's, never a link someone else planted (made
  # with O_EXCL when new).
  if [ -e "$SCRATCH" ] || [ -L "$SCRATCH" ]; then
    if [ -L "$SCRATCH" ] || [ ! -f "$SCRATCH" ] || [ ! -O "$SCRATCH" ]; then
      die "the scratch disk $SCRATCH must be a plain file of this user's (not a link): remove it, or use --scratch FILE"
    fi
  else
    command -v mkfs.ext4 >/dev/null || PATH=$PATH:/sbin:/usr/sbin
    command -v mkfs.ext4 >/dev/null || die "mkfs.ext4 is missing (apt-get install e2fsprogs)"
    (set -C; : >"$SCRATCH") 2>/dev/null || die "cannot create $SCRATCH"
    truncate -s "$SCRATCH_SIZE" "$SCRATCH"
    mkfs.ext4 -q -F -L scratch -E root_owner=0:0 "$SCRATCH" || { rm -f "$SCRATCH"; die "cannot make $SCRATCH"; }
  fi
  args+=(-drive "if=none,id=scratch,format=raw,file=$(qemu_escape "$SCRATCH")"
    -device "virtio-blk-pci,drive=scratch,serial=crossboot-scratch")
fi
if [ -n "$SHARE" ]; then
  args+=(-virtfs "local,path=$(qemu_escape "$SHARE"),mount_tag=share,security_model=mapped-file,id=share")
fi
[ -z "$RUN_REL" ] || cmdline+=" crossboot.run=$RUN_REL"
cmdline+=$APPEND

if [ -z "$RUN" ]; then
  exec "$QEMU" "${args[@]}" -nographic -append "$cmdline"
fi

# Non-interactive: the console to stdout and a log; the status from its
# "crossboot-exit-status: N" line.
if [ -z "$CONSOLE_LOG" ]; then
  CONSOLE_LOG=$(mktemp "${TMPDIR:-/tmp}/crossboot-console.XXXXXX")
  trap 'rm -f "$CONSOLE_LOG"' EXIT
fi
rc=0
${TIMEOUT:+timeout --foreground -k 10 "$TIMEOUT"} "$QEMU" "${args[@]}" -display none -monitor none \
  -serial stdio -append "$cmdline" </dev/null | tee "$CONSOLE_LOG" || rc=$?
if [ "$rc" = 124 ]; then printf 'run-emulator: stopped after %s s (--timeout)\n' "$TIMEOUT" >&2; exit 124; fi
status=$(sed -n 's/^crossboot-exit-status: \([0-9]*\).*/\1/p' "$CONSOLE_LOG" | tail -n 1)
if [ -z "$status" ]; then
  printf 'run-emulator: the guest stopped without an exit status (qemu exit %s)\n' "$rc" >&2
  exit 125
fi
exit "$status"
