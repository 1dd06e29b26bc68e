#!/usr/bin/env bash
# A self-test of the release toolchain beyond hello-world: the pinned GMP
# (C, C++ with --enable-cxx, and aarch64 assembly) cross-built with it, static,
# then GMP's own test suite (`make check`, a few hundred programs) run under
# qemu-aarch64 through binfmt_misc.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

T=aarch64-linux-musl
TARBALL="$TOP/out/aarch64/cross-compiler-aarch64.tar.xz"
if ! why=$(binfmt_aarch64); then skip "GMP's test suite under qemu" "$why"; finish; fi
# GMP's configure, like most, cannot take a compiler path with spaces: this
# test works in a directory without (the other tests cover such paths).
WORK=$(mktemp -d)
trap 'rm -rf "$SCRATCH" "$WORK"' EXIT
tar -xf "$TARBALL" -C "$WORK"
TC="$WORK/cross-compiler-aarch64/bin"
src=$(source_dir gmp)
# configure's C++ check links without LDFLAGS, dynamically: qemu (through
# binfmt_misc) finds the musl loader and libraries in the toolchain's sysroot.
export QEMU_LD_PREFIX="$WORK/cross-compiler-aarch64/aarch64-linux-musl"
B="$WORK/gmp-build"
mkdir -p "$B"
cd "$B"
if "$src/configure" --host="$T" --enable-cxx --disable-shared CC="$TC/$T-gcc" CXX="$TC/$T-g++" \
    CFLAGS=-O2 CXXFLAGS=-O2 LDFLAGS=-static >"$WORK/configure.log" 2>&1; then
  ok "GMP configures for $T with the release toolchain"
else not_ok "GMP configure"; tail -n 20 "$WORK/configure.log" | sed 's/^/#   /'; finish; fi
check "GMP chose aarch64 assembly (mpn/arm64)" grep -q "mpn/arm64" "$WORK/configure.log" config.log
if make -j"$(nproc)" >"$SCRATCH/make.log" 2>&1; then ok "GMP builds (C, C++, assembly)"
else not_ok "GMP build"; tail -n 20 "$SCRATCH/make.log" | sed 's/^/#   /'; finish; fi
rc=0
make -j"$(nproc)" check >"$SCRATCH/check.log" 2>&1 || rc=$?
# Automake's summaries, one per test directory: "# PASS:  n", "# FAIL:  n".
pass=$(awk '/^# PASS:/ { s += $3 } END { print s + 0 }' "$SCRATCH/check.log")
fail=$(awk '/^# (FAIL|ERROR|XPASS):/ { s += $3 } END { print s + 0 }' "$SCRATCH/check.log")
if [ "$rc" = 0 ] && [ "$fail" = 0 ] && [ "$pass" -gt 100 ]; then
  ok "GMP's test suite passes under qemu-aarch64: $pass tests (C and C++)"
else
  not_ok "GMP's test suite: exit $rc, $pass passed, $fail failed"
  grep -E '^(FAIL|ERROR):' "$SCRATCH/check.log" | head -n 20 | sed 's/^/#   /'
fi
check "GMP's C++ tests ran" grep -q 'PASS: t-ostream' "$SCRATCH/check.log"
finish
