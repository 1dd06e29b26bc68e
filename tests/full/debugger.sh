#!/usr/bin/env bash
# The debugger in the release tarball, extracted and then moved elsewhere:
#  - TARGET-gdb is a static x86-64 program that finds its data directory and
#    the toolchain's sysroot relative to itself; gdbserver is static aarch64;
#  - programs run by qemu-aarch64 -g (a Unix socket: nothing listens on the
#    network) are debugged by it in batch mode: a breakpoint, a backtrace
#    through two functions, a local's value, a C++ exception catchpoint, and
#    a dynamic program's libraries found in the toolchain's sysroot;
#  - gdbserver in the system image's guest, reached through a port forward
#    on 127.0.0.1, is debugged the same way.
# Each check has a control that shows it can fail: the same commands on a
# program without debug information, or with another sysroot.
# bash -c scripts and gdb's output patterns are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

T=aarch64-linux-musl
QEMU=qemu-aarch64-static
OUT="$TOP/out/aarch64"
TARBALL="$OUT/cross-compiler-aarch64.tar.xz"
check "release tarball exists" test -s "$TARBALL"
[ "$FAILED" = 0 ] || finish
mkdir "$SCRATCH/first place" "$SCRATCH/moved here"
tar -xf "$TARBALL" -C "$SCRATCH/first place"
mv "$SCRATCH/first place/cross-compiler-aarch64" "$SCRATCH/moved here/"
TC="$SCRATCH/moved here/cross-compiler-aarch64"
GDB="$TC/bin/$T-gdb"
SERVER="$TC/$T/debug-root/usr/bin/gdbserver"
W="$SCRATCH/work"
mkdir "$W"

# --- the programs -------------------------------------------------------------
check "gdb is a static x86-64 program" bash -c \
  'file -b "$1" | grep -q "x86-64.*statically linked"' _ "$GDB"
check "gdbserver is a static aarch64 program" bash -c \
  'file -b "$1" | grep -q "ARM aarch64.*statically linked"' _ "$SERVER"
[ "$FAILED" = 0 ] || finish
check "gdb finds its data directory beside it (moved after unpacking)" bash -c \
  '"$1" -batch -nx -ex "show data-directory" | grep -qF "\"$2/share/gdb\""' _ "$GDB" "$TC"
check "gdb's sysroot is the toolchain's, where it was moved" bash -c \
  '"$1" -batch -nx -ex "show sysroot" | grep -qF "\"$2/aarch64-linux-musl\""' _ "$GDB" "$TC"
# XML target descriptions need expat: gdb turns one into C (the control: a
# file that is not XML).
printf '%s\n' '<?xml version="1.0"?>' '<!DOCTYPE target SYSTEM "gdb-target.dtd">' \
  '<target><architecture>aarch64</architecture></target>' >"$W/tdesc.xml"
printf 'not xml\n' >"$W/bad.xml"
# (Not "gdb | grep -q": under pipefail gdb's SIGPIPE would fail the match.)
tdesc_to_c() { [[ $("$GDB" -batch -nx -ex "maint print c-tdesc $1" 2>&1) == *'THIS FILE IS GENERATED'* ]]; }
check "gdb reads XML target descriptions (built with expat)" tdesc_to_c "$W/tdesc.xml"
if ! tdesc_to_c "$W/bad.xml"; then ok "control: a file that is not XML gives no description"
else not_ok "control: a file that is not XML gives no description"; fi

# tc_compile DRIVER ARG...: the tarball's TARGET-DRIVER.
# shellcheck disable=SC2317 # called through check
tc_compile() { "$TC/bin/$T-$1" "${@:2}"; }
check "compile debugme.c -g -O0, static" tc_compile gcc -g -O0 -static "$TOP/tests/programs/debugme.c" -o "$W/debugme"
check "compile debugme.c, no debug information (the control)" tc_compile gcc -O0 -s -static \
  "$TOP/tests/programs/debugme.c" -o "$W/debugme-nodebug"
check "compile debugme.c -g -O0, dynamic" tc_compile gcc -g -O0 "$TOP/tests/programs/debugme.c" -o "$W/debugme-dyn"
check "compile exceptions.cpp -g -O0, static" tc_compile g++ -g -O0 -static "$TOP/tests/programs/exceptions.cpp" -o "$W/exceptions"
for p in debugme debugme-nodebug debugme-dyn exceptions; do [ -x "$W/$p" ] || finish; done

# under_qemu PROG [QEMU-OPTION...] -- GDB-COMMAND...: PROG run by qemu with
# its gdb stub on a Unix socket; gdb's batch output in $W/gdb.out.
under_qemu() {
  local prog=$1 sock="$W/gdb.sock" qargs=() gargs=() qpid i
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do qargs+=("$1"); shift; done
  shift
  for i in "$@"; do gargs+=(-ex "$i"); done
  rm -f "$sock"
  "$QEMU" "${qargs[@]}" -g "$sock" "$prog" >"$W/prog.out" 2>&1 &
  qpid=$!
  for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
  timeout 120 "$GDB" -batch -nx "$prog" -ex "target remote | socat STDIO UNIX-CONNECT:'$sock'" \
    "${gargs[@]}" -ex kill >"$W/gdb.out" 2>&1 || true
  kill "$qpid" 2>/dev/null || true
  wait "$qpid" 2>/dev/null || true
}

# says NAME PATTERN / says_not NAME PATTERN: gdb's output matches (or not)
# the extended regular expression PATTERN.
says() {
  if grep -Eq -- "$2" "$W/gdb.out"; then ok "$1"; else
    not_ok "$1 (no /$2/ in gdb's output)"; tail -n 15 "$W/gdb.out" | sed 's/^/#   /'; fi
}
says_not() {
  if ! grep -Eq -- "$2" "$W/gdb.out"; then ok "$1"; else
    not_ok "$1 (/$2/ in gdb's output)"; tail -n 15 "$W/gdb.out" | sed 's/^/#   /'; fi
}

BREAK=("break inner" continue next bt "info locals" "print local")
under_qemu "$W/debugme" -- "${BREAK[@]}"
says "qemu: the breakpoint in inner() is hit" '^Breakpoint 1, inner \(x=7\) at .*debugme\.c'
says "qemu: the backtrace goes through outer() to main()" '^#1 .* outer \(y=6\) at .*debugme\.c:[0-9]+'
says "qemu: ... and main()" '^#2 .* main \(\) at .*debugme\.c:[0-9]+'
says "qemu: info locals shows local = 42" '^local = 42$'
says "qemu: print local is 42" '^\$1 = 42$'
under_qemu "$W/debugme-nodebug" -- "${BREAK[@]}"
says_not "control, no debug information: no local = 42" '^\$1 = 42$|^local = 42$'

under_qemu "$W/exceptions" -- "catch throw" continue bt
says "qemu: the C++ catchpoint stops at the throw" 'Catchpoint 1 \(exception thrown\)'
says "qemu: ... in depth(n=0)" 'depth \(n=0\) at .*exceptions\.cpp'
says "qemu: ... called by depth(n=1)" 'depth \(n=1\) at .*exceptions\.cpp'

under_qemu "$W/debugme-dyn" -L "$TC/$T" -- "break inner" continue "info sharedlibrary"
says "qemu, dynamic: the breakpoint is hit" '^Breakpoint 1, inner \(x=7\)'
says "qemu, dynamic: musl's loader is read from the toolchain's sysroot" "^0x[0-9a-f]+ .*Yes.* $TC/$T/lib/"
under_qemu "$W/debugme-dyn" -L "$TC/$T" -- "set sysroot $W/nowhere" "break inner" continue "info sharedlibrary"
says_not "control, another sysroot: the toolchain's libraries are not found" "Yes.* $TC/$T/lib/"

# --- gdbserver in the system image --------------------------------------------
IMG_TAR="$OUT/system-image-aarch64.tar.xz"
if [ ! -s "$IMG_TAR" ]; then
  not_ok "gdbserver in the guest: no $IMG_TAR (tests/run.sh --full builds sysimage first)"
  finish
fi
tar -xf "$IMG_TAR" -C "$SCRATCH/moved here"
IMG="$SCRATCH/moved here/system-image-aarch64"
SHARE="$SCRATCH/share"
mkdir -p "$SHARE/out"
cp "$W/debugme" "$SHARE/"
# (an address, not ":2345": gdbserver's static musl asks DNS for an empty
# host name, and the guest has no DNS: "cannot resolve name")
cat >"$SHARE/gdbserver.sh" <<'EOF'
command -v gdbserver >/dev/null 2>&1 || { echo 'no gdbserver in the guest'; exit 3; }
gdbserver --once 0.0.0.0:2345 /mnt/share/debugme >/mnt/share/out/gdbserver.log 2>&1 &
sleep 2
echo ready >/mnt/share/out/ready
wait
EOF
port=$(free_port 23450)
"$IMG/run-emulator.sh" --no-scratch --share "$SHARE" --run gdbserver.sh --timeout 900 \
  --forward "$port:2345" --console-log "$SCRATCH/console.log" >/dev/null 2>&1 &
emu=$!
for _ in $(seq 600); do [ -e "$SHARE/out/ready" ] && break; kill -0 "$emu" 2>/dev/null || break; sleep 1; done
if [ -e "$SHARE/out/ready" ]; then
  timeout 300 "$GDB" -batch -nx "$W/debugme" -ex "target remote 127.0.0.1:$port" \
    -ex "break inner" -ex continue -ex next -ex bt -ex "print local" -ex continue >"$W/gdb.out" 2>&1 || true
  says "guest gdbserver: the breakpoint in inner() is hit" '^Breakpoint 1, inner \(x=7\) at .*debugme\.c'
  says "guest gdbserver: the backtrace reaches main()" '^#2 .* main \(\) at .*debugme\.c:[0-9]+'
  says "guest gdbserver: print local is 42" '^\$1 = 42$'
  says "guest gdbserver: the program runs to its end" 'exited normally'
else
  not_ok "gdbserver in the guest did not start"; tail -n 20 "$SCRATCH/console.log" | sed 's/^/#   /'
fi
rc=0; wait "$emu" || rc=$?
check "the guest's script ended with gdbserver (exit $rc)" test "$rc" = 0
finish
