#!/usr/bin/env bash
# The distcc job sandbox's policy (sysimage/distcc-sandbox.sh), without a
# build: a stand-in image made of the repository's sysimage scripts with
# Debian's distccd (dynamically linked: the sandbox must bind its
# libraries), its state made by the product's own functions (as
# dev-environment.sh makes it), and code running in a job as an attacker
# who got that far would run it: busybox (static) in the sandbox tries the
# network, a secret file, /etc/passwd, other processes, a host directory,
# more bytes, files, memory, CPU time and processes than the limits, a new
# user namespace, the toolchain, descriptors of its caller's, /tmp left by
# others. Each attempt is first made outside the sandbox, as nobody: the
# control that shows it would do harm. Then state directories planted by
# another user, or as a link, are refused, and nothing is written through
# them. tests/full/distcc-sandbox.sh attacks the real image's distccd
# through its protocol.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"

need=''
for pair in distccd:distcc bwrap:bubblewrap socat:socat busybox:busybox-static setpriv:util-linux cc:gcc make:make; do
  command -v "${pair%%:*}" >/dev/null || need+=" ${pair#*:}"
done
if [ -n "$need" ]; then skip "distcc sandbox policy" "missing:$need (tests/run.sh installs them)"; finish; fi
if [ "$(id -u)" != 0 ]; then skip "distcc sandbox policy" "needs root (the controls run as nobody)"; finish; fi
command -v keyctl >/dev/null || { skip "distcc sandbox policy" "keyctl is missing (apt-get install keyutils)"; finish; }
# A session keyring of this test's own (a key is put in it below).
if [ -z "${CROSSBOOT_TEST_KEYRING:-}" ]; then CROSSBOOT_TEST_KEYRING=1 exec keyctl session - bash "$0" "$@"; fi
# (the scratch after that exec, which would skip its EXIT trap)
scratch
# Started as root, jobs run as nobody, who must reach the toolchain.
chmod 755 "$SCRATCH"

# The stand-in image and toolchain, under a path with a space.
IMG="$SCRATCH/un packed/system-image-aarch64"
CROSS="$SCRATCH/un packed/cross-compiler-aarch64"
mkdir -p "$IMG/bin" "$CROSS/bin"
for f in run-emulator.sh dev-environment.sh distcc-sandbox.sh distcc-host.sh distcc-state.sh; do
  cp "$TOP/sysimage/$f" "$IMG/"
done
cp "$(command -v distccd)" "$IMG/bin/distccd"
jobstart_into "$IMG/bin" || { not_ok "building crossboot-jobstart (sysimage/jobstart)"; finish; }
printf 'ARCH=aarch64\nTRIPLET=aarch64-linux-musl\nQEMU=qemu-system-aarch64\n' >"$IMG/target.conf"
cp "$(type -P true)" "$CROSS/bin/aarch64-linux-musl-gcc"
cp "$(type -P true)" "$CROSS/bin/aarch64-linux-musl-g++"
# The state as dev-environment.sh makes it, with small limits.
STATE=$(bash -c 'set -euo pipefail; HERE=$1 PROG=test; . "$HERE/target.conf"
  . "$HERE/distcc-state.sh"
  CROSS=$2 JOB_CPU=5 JOB_MEM=2048 JOB_DISK=64 JOB_FILES=500 JOB_TIME=120 JOB_PROCS=60
  sandbox_tools; find_cross; new_state "$HERE/distcc"; write_sandbox_conf 2; printf "%s\n" "$STATE"' _ "$IMG" "$CROSS" 2>&1) ||
  { not_ok "making the sandbox's state: $STATE"; finish; }
check "the state directory is the user's, mode 700" test "$(stat -c '%U %a' "$STATE")" = "root 700"
check "sandbox.conf binds distccd's shared libraries (it is not static)" grep -q 'libc\.so' "$STATE/sandbox.conf"

harm_and_secret


# As if an attacker got a shell in the sandbox: busybox (static) run by
# distcc-sandbox.sh with the state's own configuration, plus busybox.

BB=$(readlink -f "$(command -v busybox)")
cp "$STATE/sandbox.conf" "$STATE/sandbox.conf.product"
# keyctl too, with the libraries it loads.
KEYCTL=$(readlink -f "$(command -v keyctl)")
{
  printf 'SANDBOX_RO+=(%q %q' "$BB" "$KEYCTL"
  ldd "$KEYCTL" | awk '$2 == "=>" && $3 ~ /^\// { printf " %s", $3 } $1 ~ /^\// { printf " %s", $1 }'
  printf ')\n'
} >>"$STATE/sandbox.conf"
CANARY=$(free_port 25632)
socat "TCP-LISTEN:$CANARY,bind=127.0.0.1,fork,reuseaddr" SYSTEM:'echo canary' &
CANARY_PID=$!
trap 'kill "$CANARY_PID" 2>/dev/null || true; rm -rf "$SCRATCH"' EXIT
for _ in $(seq 100); do [ -z "$(ss -Htln "sport = :$CANARY")" ] || break; sleep 0.1; done

# in_sandbox SCRIPT: SCRIPT run by busybox sh in a job sandbox; its output
# in SENT. in_host SCRIPT: the same without the sandbox (the control), as
# nobody.
in_sandbox() { SENT=$("$IMG/distcc-sandbox.sh" "$STATE" -- "$BB" sh -c "$1" 2>&1 </dev/null) || true; }
in_host() { SENT=$(cd /tmp && setpriv --reuid=nobody --regid=nogroup --clear-groups "$BB" sh -c "$1" 2>&1 </dev/null) || true; }

# pair NAME SCRIPT: SCRIPT prints "harm" when the attack worked.
pair() {
  in_host "$2"
  if grep -q '^harm' <<<"$SENT"; then ok "control: $1 works outside the sandbox"
  else not_ok "control: $1 did not work outside the sandbox: the test cannot tell"; printf '%s\n' "$SENT" | tail -n 3 | sed 's/^/#   /'; fi
  in_sandbox "$2"
  if grep -q '^harm' <<<"$SENT"; then not_ok "sandbox: $1 worked"; printf '%s\n' "$SENT" | tail -n 3 | sed 's/^/#   /'
  else ok "sandbox: $1 fails"; fi
}
# nc sends nothing (its input stays open, empty, until the canary has come and
# gone): a line sent to the canary, which never reads it, made socat fail on
# it and reset the connection before "canary" arrived, 1 time in 8.
pair "connecting to a host listener on 127.0.0.1" \
  "$BB sleep 2 | $BB timeout 5 $BB nc 127.0.0.1 $CANARY 2>/dev/null | grep -q canary && echo harm"
pair "reading the secret" "$BB cat '$SECRET' 2>/dev/null | grep -q $MARK && echo harm"
pair "reading /etc/passwd" "$BB grep -q '^root:' /etc/passwd 2>/dev/null && echo harm"
pair "seeing other processes" "[ \$($BB ls /proc | $BB grep -c '^[0-9]') -gt 10 ] && echo harm"
pair "writing into a host directory" "$BB touch '$HARM/x' 2>/dev/null && echo harm"
pair "writing 100 MB (limit 64)" "$BB dd if=/dev/zero of=/tmp/crossboot-big-\$\$ bs=1M count=100 2>/dev/null && echo harm; $BB rm -f /tmp/crossboot-big-\$\$"
pair "making 1000 files (limit 500)" "d=/tmp/crossboot-files-\$\$; $BB mkdir \$d; i=0; while [ \$i -lt 1000 ] && : 2>/dev/null >\$d/\$i; do i=\$((i+1)); done; [ \$i = 1000 ] && echo harm; $BB rm -rf \$d"
# The sandbox's own / and /dev are bwrap's tmpfs mounts without a size:
# three files of 40 MB there would be 120 MB past the 64 MB the job may
# write. The control is the same job in the sandbox as it was before they
# were made read-only (the policy without its --remount-ro).
sed 's|--remount-ro /dev --remount-ro / ||' "$IMG/distcc-sandbox.sh" >"$IMG/distcc-sandbox-open.sh"
chmod +x "$IMG/distcc-sandbox-open.sh"
for d in / /dev/shm; do
  big="n=0; for i in 1 2 3; do $BB dd if=/dev/zero of=${d%/}/crossboot-big-\$i bs=1M count=40 2>/dev/null && n=\$((n+1)); done; [ \$n = 3 ] && echo harm"
  SENT=$("$IMG/distcc-sandbox-open.sh" "$STATE" -- "$BB" sh -c "$big" 2>&1 </dev/null) || true
  if grep -q '^harm' <<<"$SENT"; then ok "control: 120 MB written in $d of a sandbox whose / and /dev are writable"
  else not_ok "control: 120 MB could not be written in $d of the sandbox without --remount-ro: the test cannot tell"; fi
  in_sandbox "$big"
  if grep -q '^harm' <<<"$SENT"; then not_ok "sandbox: 120 MB written in $d (limit 64)"
  else ok "sandbox: writing 120 MB in $d (limit 64) fails"; fi
done
pair "allocating 3 GB (limit 2048 MB)" "$BB dd if=/dev/zero of=/dev/null bs=3000M count=1 2>/dev/null && echo harm"
pair "running 8 s of CPU (limit 5 s)" "$BB timeout 8 $BB sh -c 'while :; do :; done'; [ \$? = 143 ] && echo harm"
pair "making a user namespace" "$BB unshare -U true 2>/dev/null && echo harm"
# Keys: one in this test's session keyring (as a login's keyring may hold
# Kerberos or fscrypt keys), and one a job leaves for the next.
KEYID=$(keyctl add user "crossboot-$$" "$MARK" @s)
pair "reading a key of its starter's session keyring" "$KEYCTL print $KEYID 2>/dev/null | grep -q $MARK && echo harm"
keyctl unlink "$KEYID" @s >/dev/null 2>&1 || true
in_host "$KEYCTL add user crossboot-left-$$ $MARK @s >/dev/null"
in_host "$KEYCTL request user crossboot-left-$$ >/dev/null 2>&1 && echo harm"
if grep -q '^harm' <<<"$SENT"; then ok "control: outside the sandbox a key one process leaves is there for the next"
else not_ok "control: a key left by one process was not found by the next: the test cannot tell"; fi
in_sandbox "$KEYCTL add user crossboot-left2-$$ $MARK @s >/dev/null; $KEYCTL add user crossboot-left2-$$ $MARK @u >/dev/null"
in_sandbox "$KEYCTL request user crossboot-left2-$$ >/dev/null 2>&1 && echo harm"
if grep -q '^harm' <<<"$SENT"; then not_ok "sandbox: a key one job left was there for the next"
else ok "sandbox: a key one job leaves (session or user keyring) is not there for the next"; fi
in_sandbox "$BB touch /crossboot/toolchain/bin/x 2>/dev/null && echo harm"
check "sandbox: the toolchain is read-only" test "$(grep -c '^harm' <<<"$SENT")" = 0
exec 7<"$SECRET"
in_sandbox "$BB ls /proc/self/fd"
exec 7<&-
check "sandbox: no descriptor but 0-3 gets in (one of the caller's was open: $(tr '\n' ' ' <<<"$SENT"))" \
  test "$(tr '\n' ' ' <<<"$SENT")" = "0 1 2 3 "
in_sandbox "$BB ls /"
check "sandbox: its root holds only the toolchain's path, /crossboot, /proc, /dev, /tmp (and what libraries need)" \
  bash -c '! grep -Eqx "etc|home|root|var|srv|mnt|run|opt|sys" <<<"$1"' _ "$SENT"
in_sandbox "$BB ls -A /tmp"
if [ -z "$SENT" ]; then ok "sandbox: /tmp is empty at the start of a job"
else not_ok "sandbox: /tmp at the start of a job holds: $SENT"; fi
# Last: the control leaves nobody's 100 processes for 2 s, which count.
pair "starting 100 processes (limit 60)" "i=0; while [ \$i -lt 100 ]; do $BB sleep 2 & i=\$((i+1)); done; [ \$i = 100 ] && echo harm"
sleep 3
kill "$CANARY_PID" 2>/dev/null || true

# --- waiting jobs ---------------------------------------------------------------------
# 2 jobs run, 4 wait (2 x --jobs); one more connection is refused at once.
for _ in 1 2 3 4 5 6; do
  "$IMG/distcc-sandbox.sh" "$STATE" -- "$BB" sleep 4 </dev/null >/dev/null 2>&1 &
done
sleep 1
start=$SECONDS
rc=0
"$IMG/distcc-sandbox.sh" "$STATE" -- "$BB" true </dev/null >/dev/null 2>&1 || rc=$?
if [ "$rc" != 0 ] && [ $((SECONDS - start)) -le 1 ] && grep -q 'refused: 4 connections already wait' "$STATE/distccd.log"; then
  ok "a connection beyond 2 running and 4 waiting is refused at once"
else not_ok "the 7th connection: exit $rc after $((SECONDS - start)) s"; tail -n 3 "$STATE/distccd.log" | sed 's/^/#   /'; fi
wait
"$IMG/distcc-sandbox.sh" "$STATE" -- "$BB" true </dev/null >/dev/null 2>&1 && rc=0 || rc=$?
check "control: once they are done, a connection is served (exit $rc)" test "$rc" = 0

# --- what qemu and socat run per connection: STATE/job --args STATE/job.args ------------
# (crossboot-jobstart with the command line write_sandbox_conf prepared; no shell)
: >"$STATE/distccd.log"
rc=0; "$STATE/job" --args "$STATE/job.args" </dev/null >/dev/null 2>&1 || rc=$?
check "job --args: distccd ran in a sandbox, its lines marked with the job's number" \
  grep -Eq '^job [0-9]+: distccd\[[0-9]+\] ' "$STATE/distccd.log"
check "job --args: distccd sees the sandbox's PATH, not the host's" grep -q "PATH is /crossboot/compilers" "$STATE/distccd.log"
# A command line others could have changed, or reached through a link: refused.
cp "$STATE/job.args" "$SCRATCH/job.args.saved"
chmod 666 "$STATE/job.args"
: >"$STATE/distccd.log"
rc=0; "$STATE/job" --args "$STATE/job.args" </dev/null >/dev/null 2>&1 || rc=$?
check "job --args: a job.args others can write is refused, saying so in the log (exit $rc)" \
  bash -c '[ "$1" = 2 ] && grep -q "or others can write it" "$2" && ! grep -q distccd "$2"' _ "$rc" "$STATE/distccd.log"
rm "$STATE/job.args"; ln -s "$SCRATCH/job.args.saved" "$STATE/job.args"
rc=0; "$STATE/job" --args "$STATE/job.args" </dev/null >/dev/null 2>&1 || rc=$?
check "job --args: a job.args that is a link is refused (exit $rc)" \
  bash -c '[ "$1" = 2 ] && grep -q "cannot open .*job.args" "$2"' _ "$rc" "$STATE/distccd.log"
rm "$STATE/job.args"; install -m 600 "$SCRATCH/job.args.saved" "$STATE/job.args"
: >"$STATE/distccd.log"
rc=0; "$STATE/job" --args "$STATE/job.args" </dev/null >/dev/null 2>&1 || rc=$?
check "control: the same job.args, the user's and private again, runs distccd" grep -q 'distccd\[' "$STATE/distccd.log"
expect_fail "crossboot-jobstart: a bad limit is one line" "needs a whole number" \
  "$IMG/bin/crossboot-jobstart" --wall 0 --scratch /run --tmpfs size=1m --procs 1 -- true
expect_fail "crossboot-jobstart: a bad --allow network is one line" "needs ADDR/BITS" \
  "$IMG/bin/crossboot-jobstart" --allow 10.0.0.0/33 --wall 1 --scratch /run --tmpfs size=1m --procs 1 -- true

# The log: at most 1 MiB a job, each line marked; the wall time kills.
: >"$STATE/distccd.log"
LINE=0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789
in_sandbox "$BB yes $LINE | $BB head -c 3000000 >&2"
size=$(stat -c %s "$STATE/distccd.log")
check "a job's messages stop at 1 MiB in the log ($size bytes for 3 MB written)" \
  bash -c '[ "$1" -gt 1000000 ] && [ "$1" -lt 1200000 ] && grep -q "log limit is reached" "$2"' _ "$size" "$STATE/distccd.log"
check "every line in the log is marked with the job's number" bash -c '! grep -Ev "^job [0-9]+: " "$1"' _ "$STATE/distccd.log"
in_host "$BB yes $LINE | $BB head -c 3000000 | $BB wc -c"
check "control: the job writes 3 MB ($SENT bytes outside the sandbox)" test "${SENT:-0}" = 3000000
sed -i 's/^SANDBOX_WALL_SECONDS=.*/SANDBOX_WALL_SECONDS=2/' "$STATE/sandbox.conf"
: >"$STATE/distccd.log"
start=$SECONDS
in_sandbox "$BB sleep 20; echo harm"
check "the wall time (2 s) ends a job and says so ($((SECONDS - start)) s)" \
  bash -c '[ "$1" -le 6 ] && ! grep -q harm <<<"$2" && grep -q "killed: its wall time is over" "$3"' _ "$((SECONDS - start))" "$SENT" "$STATE/distccd.log"
in_sandbox "$BB sleep 1; echo fine"
check "control: a job shorter than the wall time ends by itself" grep -q '^fine' <<<"$SENT"
mv "$STATE/sandbox.conf.product" "$STATE/sandbox.conf"

# --- the state and image directories -------------------------------------------------
# A state directory another user (nobody) owns, or a link: refused (this
# user would write its logs there and read the sandbox's configuration back).
PIMG="$SCRATCH/planted img"
cp -a "$IMG" "$PIMG"
rm -rf "$PIMG/distcc"; mkdir "$PIMG/distcc"; chown nobody "$PIMG/distcc"
expect_fail "dev-environment.sh refuses a state directory another user owns" "must be a directory of this user's" \
  "$PIMG/dev-environment.sh" --cross "$CROSS" --no-scratch
expect_fail "distcc-host.sh refuses it too" "must be a directory of this user's" \
  "$PIMG/distcc-host.sh" --listen 127.0.0.1 --allow 127.0.0.1 --port "$(free_port 24632)" --cross "$CROSS"
rm -rf "$PIMG/distcc" "${HARM:?}"/*; ln -s "$HARM" "$PIMG/distcc"
expect_fail "dev-environment.sh refuses a state directory that is a link" "must be a directory of this user's" \
  "$PIMG/dev-environment.sh" --cross "$CROSS" --no-scratch
check "nothing was made through the link" test -z "$(ls -A "$HARM")"
# Started by root, the image's scripts run for every job: an image directory
# another user can change is refused.
rm -f "$PIMG/distcc"
chmod 777 "$PIMG"
expect_fail "started by root, an image directory others can write is refused" "must belong to root" \
  "$PIMG/dev-environment.sh" --cross "$CROSS" --no-scratch
chmod 755 "$PIMG"; chown nobody "$PIMG"
expect_fail "started by root, an image directory of another user's is refused" "must belong to root" \
  "$PIMG/dev-environment.sh" --cross "$CROSS" --no-scratch
expect_fail "a compiler directory that is a system one (/usr) is refused" "holds more than the compiler" \
  "$IMG/distcc-host.sh" --listen 127.0.0.1 --allow 127.0.0.1 --port "$(free_port 24632)" --cross /usr
finish
