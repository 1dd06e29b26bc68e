#!/usr/bin/env bash
# The distcc job sandbox (sysimage/distcc-sandbox.sh), attacked as a guest
# (or another local user) would: jobs sent with distcc's own client to the
# system image's distccd on loopback, served the product's way (each job in
# its own sandbox, here through distcc-host.sh's listener, the same sandbox
# qemu starts per connection) and, as the control that shows each attack
# does harm, the same distccd (or, for the pump protocol, Debian's unpatched
# one) serving unsandboxed. Every attack class of issue 17:
#  - reading a host file: assembler .incbin, C #include;
#  - writing a host file with chosen content: -MD -MF -MT, -aux-info,
#    -fdump-tree-…=PATH, the assembler's listing through --for-assembler;
#  - running a program: --prefix (gcc's long -B) with an "as" planted,
#    -wrapper (control: Debian's distccd, which lets it through);
#  - the pump protocol: a directory made anywhere through ".." in CDIR;
#  - one job's files visible to the next;
#  - a planted scratch disk link (run-emulator.sh refuses it);
# and the sandbox started by root and by a normal user. Code running in a
# job and planted state directories: tests/unit/distcc-sandbox.sh.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
# Started as root, jobs run as nobody, who must reach the compiler.
chmod 755 "$SCRATCH"
# (CROSSBOOT_TEST_OUT: another out/ARCH directory holding the tarballs)
OUT=${CROSSBOOT_TEST_OUT:-$TOP/out/aarch64}

need=''
for pair in distcc:distcc bwrap:bubblewrap socat:socat; do
  command -v "${pair%%:*}" >/dev/null || need+=" ${pair#*:}"
done
if [ -n "$need" ]; then skip "distcc sandbox" "missing:$need (tests/run.sh --full installs them)"; finish; fi
if [ "$(id -u)" != 0 ]; then skip "distcc sandbox" "needs root (the control daemon and the nobody user)"; finish; fi

# The image and a cross compiler, extracted under a path with a space. The
# release compiler is static; the cross stage's package links this host's
# libc, so the sandbox must bind its libraries (both are the product's cases).
unpack_image_and_cross "$OUT"
TRIPLET=$(sed -n 's/^TRIPLET=//p' "$IMG/target.conf")
GCC="$TRIPLET-gcc"

harm_and_secret
W="$SCRATCH/work"
mkdir "$W"
export DISTCC_DIR="$SCRATCH/distcc-client" DISTCC_FALLBACK=0 DISTCC_SKIP_LOCAL_RETRY=1 \
  DISTCC_BACKOFF_PERIOD=0 DISTCC_NO_REWRITE_CROSS=1 DISTCC_IO_TIMEOUT=60
mkdir -p "$DISTCC_DIR"


# wait_listen PORT: something listens on 127.0.0.1:PORT within 10 s.
wait_listen() {
  local _
  for _ in $(seq 100); do [ -z "$(ss -Htln "sport = :$1")" ] || return 0; sleep 0.1; done
  return 1
}

# The product: distcc-host.sh on loopback (its jobs sandboxed), small limits.
SPORT=$(free_port 23632)
"$IMG/distcc-host.sh" --listen 127.0.0.1 --allow 127.0.0.1 --port "$SPORT" --cross "$CROSS" --jobs 2 \
  --job-cpu 5 --job-mem 2048 --job-disk 64 --job-files 500 --job-time 120 --job-procs 60 \
  >"$SCRATCH/host.log" 2>&1 &
HOST_PID=$!
# The control: the same distccd, the same compilers, no sandbox.
CPORT=$(free_port $((SPORT + 1)))
mkdir -m 755 "$SCRATCH/control"
printf '%s\n' "$CROSS/bin/$GCC" >"$SCRATCH/control/cmdlist"
DISTCC_CMDLIST="$SCRATCH/control/cmdlist" DISTCC_CMDLIST_NUMWORDS=1 TMPDIR=/tmp \
  "$IMG/bin/distccd" --daemon --no-detach --listen 127.0.0.1 --allow 127.0.0.1 --port "$CPORT" \
  --log-stderr --log-level info 2>"$SCRATCH/control/distccd.log" &
CONTROL_PID=$!
# shellcheck disable=SC2317 # the EXIT trap
cleanup() {
  kill "$HOST_PID" "$CONTROL_PID" ${PUMP_PID:+"$PUMP_PID"} ${WRAP_PID:+"$WRAP_PID"} 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$SCRATCH" "/tmp/crossboot-persist-$$" "/tmp/crossboot-ran-$$"
}
trap cleanup EXIT
wait_listen "$SPORT" || { not_ok "distcc-host.sh did not listen"; sed 's/^/#   /' "$SCRATCH/host.log"; finish; }
wait_listen "$CPORT" || { not_ok "the control distccd did not listen"; finish; }
SLOG=$(find "$IMG/distcc" -name distccd.log | head -n 1)
addrs=$(ss -Htln "sport = :$SPORT" | awk '{ print $4 }' | sort -u | tr '\n' ' ')
check "distcc-host.sh listens on 127.0.0.1:$SPORT only ($addrs)" test "$addrs" = "127.0.0.1:$SPORT "

# send PORT ARG...: one job sent with distcc's client to 127.0.0.1:PORT from
# W; its messages in W/sent.log, its status in RC.
send() {
  local port=$1; shift
  RC=0
  (cd "$W" && DISTCC_HOSTS="127.0.0.1:$port" distcc "$GCC" "$@") >"$W/sent.log" 2>&1 || RC=$?
}

# raw PORT INPUT ARG...: one job in distcc's plain protocol (version 1) as
# a guest can send it, without distcc's client (which drops some options,
# -MD -MF among them, before sending): ARG... the command, INPUT the file
# sent as its input; the server's whole answer (messages, object) in ANSWER.
ANSWER="$W/answer"
raw() {
  local port=$1 input=$2 a LC_ALL=C; shift 2
  {
    printf 'DIST00000001ARGC%08x' $#
    for a in "$@"; do printf 'ARGV%08x%s' "${#a}" "$a"; done
    printf 'DOTI%08x' "$(wc -c <"$input")"
    cat "$input"
  } | timeout 60 socat -t 30 - "TCP:127.0.0.1:$port,shut-none" >"$ANSWER" 2>/dev/null || true
}

# both NAME HARM-TEST INPUT ARG...: the job sent to the control (HARM-TEST,
# a command, must then succeed: the attack works) and to the sandbox (it
# must then fail). Files HARM-TEST looks at are removed before each.
both() {
  local name=$1 harm=$2; shift 2
  rm -rf "${HARM:?}"/* "$ANSWER"
  raw "$CPORT" "$@"
  if eval "$harm"; then ok "control: $name does harm without the sandbox"
  else not_ok "control: $name did no harm without the sandbox: the test cannot tell"
    tr -c '[:print:]\n' ' ' <"$ANSWER" | tail -n 5 | sed 's/^/#   /'; fi
  rm -rf "${HARM:?}"/* "$ANSWER"
  raw "$SPORT" "$@"
  if eval "$harm"; then not_ok "sandbox: $name did harm"; tr -c '[:print:]\n' ' ' <"$ANSWER" | tail -n 5 | sed 's/^/#   /'
  else ok "sandbox: $name does nothing on the host"; fi
}

# Controls for the sandboxed server itself: an ordinary job compiles.
printf 'int probe(void) { return 42; }\n' >"$W/plain.i"
send "$SPORT" -c plain.i -o plain.o
check "sandbox: an ordinary job compiles (exit $RC)" test -s "$W/plain.o" || sed 's/^/#   /' "$W/sent.log"

# Reading host files.
printf 'asm(".section .rodata\\n.incbin \\"%s\\"\\n.previous");\n' "$SECRET" >"$W/incbin.i"
both "reading a host file with .incbin" 'grep -aq "$MARK" "$ANSWER"' "$W/incbin.i" "$GCC" -c incbin.i -o incbin.o
printf '#include "%s"\n' "$SECRET" >"$W/include.i"
both "reading a host file with #include (-x c)" 'grep -aq "$MARK" "$ANSWER"' "$W/include.i" "$GCC" -x c -c include.i -o include.o

# Writing host files with chosen content.
printf 'int f(int a) { return a; }\n' >"$W/write.i"
both "writing a file with -MD -MF -MT" 'grep -q chosen-text "$HARM/dep" 2>/dev/null' "$W/write.i" \
  "$GCC" -x c -MD -MF "$HARM/dep" -MT chosen-text -c write.i -o write.o
both "writing a file with -Wp,-MD,PATH" 'test -e "$HARM/dep"' "$W/write.i" \
  "$GCC" -x c "-Wp,-MD,$HARM/dep" -c write.i -o write.o
both "writing a file with -aux-info" 'test -e "$HARM/aux"' "$W/write.i" \
  "$GCC" -x c -aux-info "$HARM/aux" -c write.i -o write.o
both "writing dump files (-fdump-tree-original=)" 'test -e "$HARM/dump"' "$W/write.i" \
  "$GCC" -fdump-tree-original="$HARM/dump" -c write.i -o write.o
both "writing dump files (-fdump-rtl-expand=)" 'test -e "$HARM/rtl"' "$W/write.i" \
  "$GCC" -fdump-rtl-expand="$HARM/rtl" -c write.i -o write.o
both "writing the assembler's listing (--for-assembler=-aln=)" 'test -e "$HARM/listing"' "$W/write.i" \
  "$GCC" --for-assembler=-aln="$HARM/listing" -c write.i -o write.o

# Running a program: gcc reads "specs" from a --prefix directory (through
# ccwrap too) and a plain gcc driver runs its "as": both planted, each
# runs touch on a marker (its path without spaces: specs split on them).
RAN="/tmp/crossboot-ran-$$"
mkdir -m 755 "$SCRATCH/prefix"
printf '#!/bin/sh\ntouch %s\nexit 1\n' "$RAN" >"$SCRATCH/prefix/as"
printf '*invoke_as:\n-o %%|.s |\n /usr/bin/touch %s\n\n' "$RAN" >"$SCRATCH/prefix/specs"
chmod 755 "$SCRATCH/prefix/as"
chmod 644 "$SCRATCH/prefix/specs"
rm -f "$RAN"
both "running a program through --prefix (specs and an 'as' planted)" 'test -e "$RAN" && rm -f "$RAN"' \
  "$W/write.i" "$GCC" --prefix="$SCRATCH/prefix/" -c write.i -o write.o

# Running a program: gcc's -wrapper runs the given program in front of cc1.
# The image's distccd refuses it (its deny-list, the second wall), so the
# control is Debian's unpatched distccd, unsandboxed, running the same
# compiler (--enable-tcp-insecure: no masquerade directory needed).
wrapper() { raw "$1" "$W/write.i" "$GCC" -wrapper "/bin/sh,-c,touch $RAN" -c write.i -o write.o; }
if [ -x /usr/bin/distccd ]; then
  WPORT=$(free_port $((CPORT + 2)))
  PATH="$CROSS/bin:$PATH" TMPDIR=/tmp /usr/bin/distccd --daemon --no-detach --enable-tcp-insecure \
    --listen 127.0.0.1 --allow 127.0.0.1 --port "$WPORT" --log-stderr 2>"$SCRATCH/wrapper-control.log" &
  WRAP_PID=$!
  if wait_listen "$WPORT"; then
    rm -f "$RAN"; wrapper "$WPORT"
    if [ -e "$RAN" ]; then ok "control: without the sandbox, -wrapper runs a program on the host (Debian's distccd)"
    else not_ok "control: -wrapper ran nothing through Debian's distccd: the test cannot tell"
      tr -c '[:print:]\n' ' ' <"$ANSWER" | tail -n 5 | sed 's/^/#   /'; fi
  else not_ok "control: Debian's distccd did not start"; fi
  kill "$WRAP_PID" 2>/dev/null || true
else skip "control: -wrapper" "no /usr/bin/distccd (apt-get install distcc)"; fi
rm -f "$RAN"; wrapper "$SPORT"
check "sandbox: -wrapper runs nothing on the host" test ! -e "$RAN"
check "the sandboxed server's log says -wrapper was refused" grep -q -- '-wrapper refused' "$SLOG"

# One job's files seen by the next: job 1 writes /tmp/…, job 2 includes it.
PERSIST="/tmp/crossboot-persist-$$"
printf '#include "%s"\n' "$PERSIST" >"$W/persist.i"
persist() {
  raw "$1" "$W/write.i" "$GCC" -x c -MD -MF "$PERSIST" -MT "persist-$MARK" -c write.i -o write.o
  raw "$1" "$W/persist.i" "$GCC" -x c -c persist.i -o persist.o
}
rm -f "$PERSIST"; persist "$CPORT"
if grep -aq "persist-$MARK" "$ANSWER"; then ok "control: without the sandbox a job reads what the previous one left"
else not_ok "control: a job did not see the previous job's file: the test cannot tell"; fi
rm -f "$PERSIST"; persist "$SPORT"
if grep -aq "persist-$MARK" "$ANSWER" || [ -e "$PERSIST" ]; then not_ok "sandbox: a job saw the previous job's file"
else ok "sandbox: nothing a job leaves is there for the next"; fi

# The pump protocol: "DIST00000003", then CDIR with ".." makes directories
# anywhere before any check (removed again when the job ends: looked for
# while the connection is still open). Control: Debian's distccd, unpatched.
pump() {
  local cdir="/../../../../../../..$HARM/pump-made" sender _
  PUMPED=no
  { printf 'DIST00000003CDIR%08x%s' "${#cdir}" "$cdir"; sleep 3; } |
    timeout 10 socat - "TCP:127.0.0.1:$1" >/dev/null 2>&1 &
  sender=$!
  for _ in $(seq 25); do [ ! -d "$HARM/pump-made" ] || { PUMPED=yes; break; }; sleep 0.1; done
  wait "$sender" || true
}
if [ -x /usr/bin/distccd ]; then
  PPORT=$(free_port $((CPORT + 1)))
  TMPDIR=/tmp /usr/bin/distccd --daemon --no-detach --listen 127.0.0.1 --allow 127.0.0.1 --port "$PPORT" \
    --log-stderr 2>"$SCRATCH/pump-control.log" &
  PUMP_PID=$!
  if wait_listen "$PPORT"; then
    rm -rf "${HARM:?}"/*; pump "$PPORT"
    if [ "$PUMPED" = yes ]; then ok "control: Debian's distccd makes a directory anywhere through the pump protocol"
    else not_ok "control: the pump request made nothing: the test cannot tell"; fi
  else not_ok "control: Debian's distccd did not start"; fi
  kill "$PUMP_PID" 2>/dev/null || true
else skip "control: pump protocol" "no /usr/bin/distccd (apt-get install distcc)"; fi
rm -rf "${HARM:?}"/*; pump "$CPORT"
check "the image's distccd, even unsandboxed, refuses the pump protocol" test "$PUMPED" = no
check "its log says so" grep -q 'protocol version 3 refused' "$SCRATCH/control/distccd.log"
rm -rf "${HARM:?}"/*; pump "$SPORT"
check "sandbox: the pump protocol makes nothing" test "$PUMPED" = no

# --- the scratch disk -------------------------------------------------------------
# (Code running in a job, and planted state directories: tests/unit/distcc-sandbox.sh.)
VICTIM="$SCRATCH/victim"
printf 'untouched\n' >"$VICTIM"
PIMG="$SCRATCH/planted img"
cp -a "$IMG" "$PIMG"
# The scratch disk qemu writes to, planted as a link: refused before qemu runs.
rm -rf "$PIMG/distcc"
ln -s "$VICTIM" "$PIMG/scratch.img"
expect_fail "run-emulator.sh refuses a scratch disk that is a link" "must be a plain file of this user's" \
  timeout 30 "$PIMG/run-emulator.sh" --cpus 1
check "the file behind the planted scratch disk is untouched" grep -qx untouched "$VICTIM"
ln -s "$VICTIM" "$SCRATCH/planted-link-control"
printf 'written through\n' >"$SCRATCH/planted-link-control"
check "control: a plain write follows such a link" grep -qx 'written through' "$VICTIM"

# --- started by a normal user -------------------------------------------------------
# The image owned by nobody, distcc-host.sh run as nobody: jobs compile.
NIMG="$SCRATCH/nobody-img"
cp -a "$IMG" "$NIMG"; rm -rf "$NIMG/distcc"; chown -R nobody "$NIMG"
NPORT=$(free_port $((CPORT + 3)))
setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/tmp "$NIMG/distcc-host.sh" --listen 127.0.0.1 \
  --allow 127.0.0.1 --port "$NPORT" --cross "$CROSS" --jobs 1 >"$SCRATCH/nobody-host.log" 2>&1 &
NOBODY_PID=$!
if wait_listen "$NPORT"; then
  send "$NPORT" -c plain.i -o plain-nobody.o
  check "started by a normal user, a sandboxed job compiles (exit $RC)" test -s "$W/plain-nobody.o"
  rm -rf "${HARM:?}"/*
  raw "$NPORT" "$W/write.i" "$GCC" -x c -MD -MF "$HARM/dep" -MT chosen-text -c write.i -o write.o
  check "started by a normal user, -MF writes nothing on the host (the same job did, without the sandbox, above)" \
    test ! -e "$HARM/dep"
else not_ok "distcc-host.sh as nobody did not listen"; sed 's/^/#   /' "$SCRATCH/nobody-host.log"; fi
kill "$NOBODY_PID" 2>/dev/null || true

# Every sandboxed job is in the product's log, and none is left running.
check "the sandboxed server's log names each refused protocol" grep -q 'protocol version 3 refused' "$SLOG"
sleep 1
# (pgrep here, not in a bash -c whose own arguments would match the pattern)
for _ in $(seq 50); do pgrep -f '^[^ ]*/bwrap .*--unshare-all' >/dev/null || break; sleep 0.1; done
if pgrep -f '^[^ ]*/bwrap .*--unshare-all' >/dev/null; then not_ok "a job sandbox is left running"
else ok "no job sandbox left running"; fi
finish
