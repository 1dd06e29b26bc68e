#!/usr/bin/env bash
# The system image (sysimage stage), extracted with the release cross
# compiler under a path with a space and moved before use:
#  - boots under qemu-system-aarch64, runs a command, reports its status;
#    the boot time is printed;
#  - the native compiler in the guest builds C and C++ programs that run;
#  - through dev-environment.sh, with DISTCC_FALLBACK=0, the same programs
#    are compiled by the host's distccd (its log shows one job per object),
#    and with no distccd to reach the compile fails instead of running
#    locally;
#  - zlib (pinned source) is configured, built through distcc and passes
#    its own tests in the guest; every object it built is a job in the log;
#  - nothing listens on the host while a guest runs (qemu starts a job
#    sandbox per connection), and the guest reaches the forwarded port and
#    nothing else on the host or beyond.
# bash -c scripts and guest scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=tests/helpers/licenses.sh
. "$TOP/tests/helpers/licenses.sh"
scratch
# Started as root, compile jobs run as nobody, who must reach the compiler.
chmod 755 "$SCRATCH"

OUT="$TOP/out/aarch64"
IMG_TAR="$OUT/system-image-aarch64.tar.xz"
CROSS_TAR="$OUT/cross-compiler-aarch64.tar.xz"
# Without the release (static) compiler, the cross stage's package (it links
# this host's libc; the job sandbox then binds those libraries).
[ -s "$CROSS_TAR" ] || CROSS_TAR="$OUT/cross-package/cross-compiler-aarch64.tar.xz"
check "system image tarball exists" test -s "$IMG_TAR"
check "cross compiler tarball exists" test -s "$CROSS_TAR"
[ "$FAILED" = 0 ] || finish
# What is in the image (kernel, busybox, bash, distcc, gdbserver, linked
# with musl and libgcc) carries its licence texts.
mkdir -p "$SCRATCH/licenses"
tar -xf "$IMG_TAR" -C "$SCRATCH/licenses" system-image-aarch64/share/licenses
licenses_shipped "system image" "$SCRATCH/licenses/system-image-aarch64" linux busybox bash distcc musl gcc gdb
if ! command -v qemu-system-aarch64 >/dev/null || ! command -v socat >/dev/null; then
  skip "the system image under qemu" "qemu-system-aarch64 or socat is missing (apt-get install qemu-system-arm socat)"
  finish
fi

mkdir "$SCRATCH/unpacked"
tar -xf "$IMG_TAR" -C "$SCRATCH/unpacked"
tar -xf "$CROSS_TAR" -C "$SCRATCH/unpacked"
mv "$SCRATCH/unpacked" "$SCRATCH/moved here"
IMG="$SCRATCH/moved here/system-image-aarch64"
SHARE="$SCRATCH/moved here/share dir"
mkdir -p "$SHARE/out"
cp "$TOP/tests/programs/hello.c" "$TOP/tests/programs/exceptions.cpp" "$SHARE/"
LOG="$SCRATCH/console.log"

# guest NAME [RUN-EMULATOR-OPTION...] <SCRIPT: SCRIPT run in the guest
# (run-emulator.sh --run), its status in RC, the console in LOG.
guest() {
  local name=$1; shift
  cat >"$SHARE/$name.sh"
  RC=0
  "$IMG/run-emulator.sh" --share "$SHARE" --run "$name.sh" --timeout 1200 --console-log "$LOG" "$@" \
    >/dev/null 2>&1 || RC=$?
}

# guest_dev NAME [OPTION...] <SCRIPT: the same through dev-environment.sh.
guest_dev() {
  local name=$1; shift
  cat >"$SHARE/$name.sh"
  RC=0
  "$IMG/dev-environment.sh" --share "$SHARE" --run "$name.sh" --timeout 1800 --console-log "$LOG" "$@" \
    >"$SCRATCH/dev-env.log" 2>&1 || RC=$?
}


# distccd_log: the log of the compile jobs of the dev-environment.sh run last
# started (each run below starts with no $IMG/distcc).
distccd_log() { find "$IMG/distcc" -name distccd.log 2>/dev/null | head -n 1; }

show_console() { tail -n 25 "$LOG" | sed 's/^/#   /'; }

# same_output NAME FILE EXPECTED: the guest wrote the expected output.
same_output() {
  if cmp -s "$2" "$3"; then ok "$1"; else not_ok "$1"; diff "$3" "$2" 2>&1 | sed 's/^/#   /' | tail -n 10; fi
}

# --- boot, a command, the exit status -------------------------------------
start=$SECONDS
guest boot --no-scratch <<'EOF'
echo "uname: $(uname -m) $(uname -r)"
EOF
wall=$((SECONDS - start))
if [ "$RC" = 0 ] && grep -q '^uname: aarch64 6\.1\.' "$LOG"; then
  ok "boots from the moved directory and runs a command ($(grep -o 'uname: .*' "$LOG" | tr -d '\r'))"
else not_ok "boot and run a command (exit $RC)"; show_console; fi
ready=$(sed -n 's/.*crossboot: ready in \([0-9.]*\) s.*/\1/p' "$LOG" | head -n 1)
printf '# boot: init ready %s s after the kernel started; boot, command and power-off: %s s wall\n' \
  "${ready:-?}" "$wall"

guest status --no-scratch <<'EOF'
exit 7
EOF
check "the script's exit status (7) is run-emulator's" test "$RC" = 7

# Interactive: a prompt on the console, a command typed at it, exit powers off.
# (exec: run-emulator.sh execs qemu, so EMU_PID is qemu's, to kill if it hangs)
coproc EMU { exec "$IMG/run-emulator.sh" --no-scratch 2>&1; }
# shellcheck disable=SC2153 # EMU_PID is set by coproc
emu_pid=$EMU_PID prompt="" chunk=""
while IFS= read -r -d '#' -t 120 chunk <&"${EMU[0]}"; do
  if [[ $chunk == *'(crossboot) '* ]]; then prompt=$chunk; break; fi
done
if [ -n "$prompt" ]; then
  printf 'echo typed-$((6*7))\nexit\n' >&"${EMU[1]}"
  rest=$(timeout 60 cat <&"${EMU[0]}" || true)
else rest=''; fi
# cat has seen qemu's end of output, or waited 60 s: a qemu still running did
# not power off.
if kill -0 "$emu_pid" 2>/dev/null; then kill "$emu_pid" 2>/dev/null || true; fi
erc=0
wait "$emu_pid" || erc=$?
if [ -n "$prompt" ] && grep -q '^typed-42' <<<"${rest//$'\r'/}" && [ "$erc" = 0 ]; then
  ok "interactive: a prompt, a typed command runs, exit powers off"
else not_ok "interactive: prompt '${prompt: -30}', exit $erc"; printf '%s\n' "$rest" | tail -n 5 | sed 's/^/#   /'; fi

# --- the native compiler in the guest ----------------------------------------
guest native <<'EOF'
set -e
cd /home && rm -rf native && mkdir native && cd native
gcc -O2 -o hello /mnt/share/hello.c
g++ -O2 -o exceptions /mnt/share/exceptions.cpp
./hello >/mnt/share/out/native-hello.txt
./exceptions >/mnt/share/out/native-exceptions.txt
EOF
check "native: gcc and g++ in the guest build (exit $RC)" test "$RC" = 0
same_output "native: the C program runs" "$SHARE/out/native-hello.txt" "$TOP/tests/programs/hello.expected"
same_output "native: the C++ program runs" "$SHARE/out/native-exceptions.txt" "$TOP/tests/programs/exceptions.expected"

# --- distcc ---------------------------------------------------------------------
DISTCC_SCRIPT='set -e
export DISTCC_FALLBACK=0
[ "$(command -v gcc)" = /usr/distcc/gcc ] || { echo "gcc is not distcc: $(command -v gcc)"; exit 3; }
cd /home && rm -rf distcc && mkdir distcc && cd distcc
gcc -O2 -c /mnt/share/hello.c -o hello.o
g++ -O2 -c /mnt/share/exceptions.cpp -o exceptions.o
gcc -o hello hello.o
g++ -o exceptions exceptions.o
./hello >/mnt/share/out/distcc-hello.txt
./exceptions >/mnt/share/out/distcc-exceptions.txt'
rm -rf "$IMG/distcc"
guest_dev distcc --cross "$SCRATCH/moved here/cross-compiler-aarch64" <<<"$DISTCC_SCRIPT"
DLOG=$(distccd_log)
check "distcc: built in the guest with DISTCC_FALLBACK=0 (exit $RC)" test "$RC" = 0
same_output "distcc: the C program runs" "$SHARE/out/distcc-hello.txt" "$TOP/tests/programs/hello.expected"
same_output "distcc: the C++ program runs" "$SHARE/out/distcc-exceptions.txt" "$TOP/tests/programs/exceptions.expected"
if [ -n "$DLOG" ] && [ "$(grep -c 'COMPILE_OK' "$DLOG")" = 2 ] &&
  grep -q 'COMPILE_OK .*[ /]hello\.c$' "$DLOG" && grep -q 'COMPILE_OK .*[ /]exceptions\.cpp$' "$DLOG"; then
  ok "distccd's log: one job for each of the 2 objects"
else not_ok "distccd's log (${DLOG:-none}) should show 2 jobs"; sed 's/^/#   /' "${DLOG:-/dev/null}" | tail -n 10; fi
[ "$RC" = 0 ] || { sed 's/^/#   /' "$SCRATCH/dev-env.log" | tail -n 10; show_console; }

# A job that would run a program on the host (gcc's -wrapper) is refused by
# distccd; the same job without it compiles (the control). probe.i is already
# preprocessed: the guest sends it as it is, nothing runs there.
MARK="/tmp/crossboot-wrapper-probe-$$"
rm -f "$MARK" "$SHARE/out/unsafe.txt"
rm -rf "$IMG/distcc"
guest_dev unsafe --no-scratch --cross "$SCRATCH/moved here/cross-compiler-aarch64" <<EOF
export DISTCC_FALLBACK=0
cd /tmp && echo 'int probe(void) { return 42; }' >probe.i
gcc -c probe.i -o control.o; echo "control: \$?" >/mnt/share/out/unsafe.txt
gcc -wrapper /bin/sh,-c,"touch $MARK" -c probe.i -o wrapped.o; echo "wrapper: \$?" >>/mnt/share/out/unsafe.txt
EOF
DLOG=$(distccd_log)
check "distcc control: a preprocessed file compiles on the host" grep -qx 'control: 0' "$SHARE/out/unsafe.txt"
if grep -q '^wrapper: [1-9]' "$SHARE/out/unsafe.txt" && [ ! -e "$MARK" ] &&
  grep -q -- '-wrapper refused' "${DLOG:-/dev/null}"; then
  ok "distccd refuses a job with -wrapper: nothing ran on the host"
else
  not_ok "distccd and -wrapper ($(tr '\n' ' ' <"$SHARE/out/unsafe.txt" 2>/dev/null); marker: $(ls "$MARK" 2>&1))"
  tail -n 5 "${DLOG:-/dev/null}" | sed 's/^/#   /'
fi
rm -f "$MARK"

# No distccd behind the forwarded port: DISTCC_FALLBACK=0 must fail the compile.
closed=$(free_port 20000)
guest nodistcc --no-scratch --distcc "127.0.0.1:$closed" <<'EOF'
export DISTCC_FALLBACK=0
cd /tmp && gcc -c /mnt/share/hello.c -o hello.o
EOF
# The script's own failure (its status reported by the guest), with distcc's
# error on the console: not run-emulator's, not a timeout.
if [ "$RC" != 0 ] && grep -q "^crossboot-exit-status: $RC\b" "$LOG" && grep -q 'distcc\[[0-9]*\]' "$LOG"; then
  ok "distcc: with no distccd to reach, the compile fails (exit $RC), no silent local fallback"
else not_ok "distcc: with no distccd to reach, the compile should fail (exit $RC)"; show_console; fi

# No job sandbox outlives the emulator (each lives as long as one
# connection of the guest's). (pgrep here, not in a bash -c whose own
# arguments would match the pattern)
for _ in $(seq 50); do pgrep -f '^[^ ]*/bwrap .*--unshare-all' >/dev/null || break; sleep 0.1; done
if pgrep -f '^[^ ]*/bwrap .*--unshare-all' >/dev/null; then not_ok "a job sandbox is left after the emulator exited"
else ok "no job sandbox left after the emulator exited"; fi

# --- a real package through distcc: zlib, with its own tests ------------------
zsrc=$(bash -c 'set -euo pipefail; TOP=$1
  . "$TOP/scripts/lib.sh"; source_dir zlib' _ "$TOP" 2>"$SCRATCH/zlib-fetch.log" | tail -n 1) || zsrc=''
if [ -z "$zsrc" ] || [ ! -f "$zsrc/zlib.h" ]; then
  not_ok "zlib source (pinned): $(tail -n 1 "$SCRATCH/zlib-fetch.log")"
else
  cp -a "$zsrc" "$SHARE/zlib"
  rm -rf "$IMG/distcc"
  guest_dev zlib --cross "$SCRATCH/moved here/cross-compiler-aarch64" <<'EOF'
set -e
export DISTCC_FALLBACK=0
cd /home && rm -rf zlib && cp -a /mnt/share/zlib zlib && cd zlib
CC=gcc ./configure >/mnt/share/out/zlib-configure.txt 2>&1
make -j4 >/mnt/share/out/zlib-make.txt 2>&1
make test >/mnt/share/out/zlib-test.txt 2>&1
find . -name '*.o' -o -name '*.lo' | sort >/mnt/share/out/zlib-objects.txt
EOF
  DLOG=$(distccd_log)
  check "zlib: configure, make and make test in the guest through distcc (exit $RC)" test "$RC" = 0
  zt="$SHARE/out/zlib-test.txt"
  if [ -f "$zt" ] && grep -q '\*\*\* zlib test OK \*\*\*' "$zt" && grep -q '\*\*\* zlib shared test OK \*\*\*' "$zt"; then
    ok "zlib: its tests pass in the guest ($(grep -c 'test OK' "$zt") test OK lines)"
  else not_ok "zlib: its tests"; tail -n 15 "$zt" 2>/dev/null | sed 's/^/#   /'; show_console; fi
  # Jobs for zlib's objects, static (.o) and shared (.lo); configure's
  # compile tests are jobs too.
  objs=$(wc -l <"$SHARE/out/zlib-objects.txt" 2>/dev/null || echo 0)
  jobs=$(grep 'COMPILE_OK' "${DLOG:-/dev/null}" | grep -vc ' ztest[^ ]*\.c$' || true)
  if [ "$objs" -gt 20 ] && [ "$jobs" = "$objs" ]; then
    ok "zlib: distccd's log has one job for each of the $objs objects built"
  else not_ok "zlib: $objs objects built, $jobs jobs in distccd's log (${DLOG:-none})"; fi
fi

# --- security ---------------------------------------------------------------------
# Nothing listens on this host for the guest: the TCP listeners while
# dev-environment.sh runs a guest are those from before it (the control: a
# listener this test starts shows up the same way). In the guest, only the
# forwarded port answers: not another forwarded address, not a listener on
# the host's loopback, not an address beyond the host (a network namespace
# made here, with a listener on this host's end of its veth).
listeners() { ss -Htln | awk '{ print $4 }' | sort -u; }
before=$(listeners)
beyond=''
if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then
  NS="crossboot-test-$$"
  # shellcheck disable=SC2317 # called by the EXIT trap
  cleanup_ns() { ip netns del "$NS" 2>/dev/null || true; ip link del "cbt$$a" 2>/dev/null || true; }
  trap 'cleanup_ns; kill $(jobs -p) 2>/dev/null || true; rm -rf "$SCRATCH"' EXIT
  ip netns add "$NS"
  ip link add "cbt$$a" type veth peer name "cbt$$b" netns "$NS"
  ip addr add 10.231.77.1/30 dev "cbt$$a"
  ip link set "cbt$$a" up
  ip netns exec "$NS" ip addr add 10.231.77.2/30 dev "cbt$$b"
  ip netns exec "$NS" ip link set "cbt$$b" up
  beyond=10.231.77.1
else
  skip "an address beyond the host" "needs root and iproute2 to make a network namespace"
fi
canary=$(free_port 20200)
socat "TCP-LISTEN:$canary,bind=${beyond:-127.0.0.1},fork,reuseaddr" SYSTEM:'echo canary' &
socat "TCP-LISTEN:$((canary + 1)),bind=127.0.0.1,fork,reuseaddr" SYSTEM:'echo canary' &

rm -rf "$IMG/distcc" "$SHARE/go" "$SHARE/out/reach.txt"
guest_dev security --no-scratch --cross "$SCRATCH/moved here/cross-compiler-aarch64" <<EOF &
for i in \$(seq 600); do [ -e /mnt/share/go ] && break; sleep 0.5; done
reach() { if echo | nc -w 5 "\$1" "\$2" >/dev/null 2>&1; then echo "\$1:\$2 open"; else echo "\$1:\$2 closed"; fi; }
{
  reach 10.0.2.100 3632
  reach 10.0.2.101 3632
  reach 10.0.2.2 $((canary + 1))
  ${beyond:+reach $beyond $canary}
} >/mnt/share/out/reach.txt
EOF
GUEST=$!
started=no
for _ in $(seq 300); do
  if pgrep -f "qemu-system-.*$(basename "$IMG")" >/dev/null && [ -n "$(distccd_log)" ]; then started=yes; break; fi
  sleep 0.2
done
sleep 2
new=$(comm -13 <(printf '%s\n' "$before") <(listeners) | tr '\n' ' ')
if [ "$started" = no ]; then not_ok "the guest did not start for the security checks"
else
  check "control: a listener started by this test shows among the new ones ($new)" \
    grep -q ":$((canary + 1)) " <<<"$new "
  others=$(sed -e "s/[^ ]*:$canary //" -e "s/[^ ]*:$((canary + 1)) //" <<<"$new " | xargs)
  check "while dev-environment.sh runs a guest, nothing else listens on this host (${others:-none})" \
    test -z "${others// /}"
fi
touch "$SHARE/go"
wait "$GUEST" || true
reach="$SHARE/out/reach.txt"
check "guest: the forwarded distcc port answers" grep -qx '10.0.2.100:3632 open' "$reach"
check "guest: no other forwarded address answers" grep -qx '10.0.2.101:3632 closed' "$reach"
check "guest: a listener on the host's loopback is not reachable" grep -qx "10.0.2.2:$((canary + 1)) closed" "$reach"
[ -z "$beyond" ] || check "guest: an address beyond the host is not reachable" grep -qx "$beyond:$canary closed" "$reach"
finish
