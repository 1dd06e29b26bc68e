#!/usr/bin/env bash
# sysimage/run-emulator.sh's options as they reach qemu, without booting: a
# stand-in image whose target.conf names a stand-in qemu that prints its
# arguments. --forward gives one hostfwd bound to 127.0.0.1; a malformed
# one (or one trying to add options to qemu's -netdev list) is one error
# line and no qemu.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

IMG="$SCRATCH/un packed/system-image-aarch64"
mkdir -p "$IMG"
cp "$TOP/sysimage/run-emulator.sh" "$IMG/"
cat >"$SCRATCH/qemu" <<'QEMU'
#!/bin/sh
printf '%s\n' "$@"
QEMU
chmod 755 "$SCRATCH/qemu"
printf 'ARCH=aarch64\nQEMU="%s"\nMACHINE=virt\nCPU=cortex-a57\nCONSOLE=ttyAMA0\n' "$SCRATCH/qemu" >"$IMG/target.conf"

emu() { "$IMG/run-emulator.sh" --no-scratch "$@"; }
netdev() { emu "$@" | grep '^user,id=net0'; }

plain=$(netdev || true)
if [ "$plain" = "user,id=net0,restrict=on" ]; then ok "no --forward: no hostfwd (the control)"
else not_ok "no --forward: no hostfwd (the control): '$plain'"; fi
check "--forward 2345:1234: one hostfwd, on 127.0.0.1 only" \
  test "$(netdev --forward 2345:1234)" = "user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:2345-:1234"
check "--forward twice: two" test "$(netdev --forward 1:2 --forward 65535:22 | grep -o hostfwd= | wc -l)" = 2
for bad in 0:22 70000:22 2345 2345:1234,hostfwd=tcp::22-:22 :22 2345:; do
  out=$(emu --forward "$bad" 2>&1) && rc=0 || rc=$?
  if [ "$rc" != 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q -- '--forward takes HOSTPORT:GUESTPORT' <<<"$out"; then
    ok "--forward '$bad' is refused in one line, qemu not run"
  else not_ok "--forward '$bad': exit $rc: $out"; fi
done
finish
