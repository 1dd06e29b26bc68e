#!/usr/bin/env bash
# scripts/kernel-debs.sh --distcc (scripts/kernel/distcc.sh) without a
# kernel build: the option's parsing and its errors, make's -j following
# the hosts' slots, the scripts the build chroot would run (distcc's
# environment in the build steps only), the compiler names that go through
# distcc (the target's, not the build machine's gcc), the summary of
# distcc's log, and a small make run through the generated environment with
# distcc's client and every host unreachable: it finishes locally, every
# target compile preprocessed apart (-no-integrated-cpp), and the summary
# says where the jobs went. The compiles sent to real hosts and the same
# bits from hosts and local fallback: tests/full/build-farm.sh.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
S=$SCRATCH
K=$TOP/scripts/kernel-debs.sh
CPUS=$(nproc)

# parsed ARG...: kernel-debs.sh's options parsed (the script sourced, its
# main not run): JOBS=N, then the hosts, one a line.
parsed() {
  bash -c 'set -euo pipefail; . "$1"; shift; parse_args "$@"; printf "JOBS=%s\n" "$JOBS"
    [ ${#DISTCC[@]} -eq 0 ] || printf "%s\n" "${DISTCC[@]}"' _ "$K" "$@" 2>&1
}

# --- the option -----------------------------------------------------------------
mkdir -p "$S/ktree/scripts/package"; printf 'VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION =\n' >"$S/ktree/Makefile"
got=$(parsed --distcc '10.0.0.2/8 10.0.0.3:3700' --distcc=10.0.0.4/2,lzo "$S/ktree")
want="JOBS=$((8 + 4 + 2 + CPUS))"$'\n10.0.0.2:3632/8\n10.0.0.3:3700/4\n10.0.0.4:3632/2,lzo'
if [ "$got" = "$want" ]; then ok "--distcc: hosts normalised (port 3632, 4 jobs by default, ,lzo kept), repeatable; -j = their slots + this machine's $CPUS CPUs"
else not_ok "--distcc parsing"; printf '#   want: %q\n#   got:  %q\n' "$want" "$got"; fi
check "--jobs given wins over the hosts' slots" test "$(parsed --jobs 3 --distcc 10.0.0.2/8 "$S/ktree" | head -n1)" = JOBS=3
check "without --distcc, -j is this machine's CPUs" test "$(parsed "$S/ktree")" = "JOBS=$CPUS"
check "a host name is resolved here (the chroot may not resolve it): localhost is a compile host on 127.0.0.1" \
  test "$(parsed --distcc localhost:4000/2 "$S/ktree" 2>&1 | sed -n 2p)" = 127.0.0.1:4000/2
expect_fail "a name that does not resolve is one clear error" "cannot resolve host.invalid to an IPv4 address" \
  parsed --distcc host.invalid "$S/ktree"
expect_fail "a malformed host is one clear error" "'10.0.0.2:x' is not ADDR\[:PORT\]\[/JOBS\]" parsed --distcc 10.0.0.2:x "$S/ktree"
expect_fail "port 0 is refused" "the port is 1-65535" parsed --distcc 10.0.0.2:0 "$S/ktree"
expect_fail "port 70000 is refused" "the port is 1-65535" parsed --distcc 10.0.0.2:70000 "$S/ktree"
expect_fail "0 jobs is refused" "JOBS is at least 1" parsed --distcc 10.0.0.2/0 "$S/ktree"
expect_fail "an address out of range is refused" "cannot resolve 10.0.0.300" parsed --distcc 10.0.0.300 "$S/ktree"
expect_fail "an empty --distcc is refused" "--distcc needs hosts" parsed --distcc ' ' "$S/ktree"
expect_fail "pump mode (,cpp) is refused" "is not ADDR" parsed --distcc 10.0.0.2/4,cpp "$S/ktree"
expect_fail "--estimate with --distcc is refused" "measures this machine's compiling" \
  parsed --estimate --distcc 10.0.0.2 "$S/ktree"
expect_fail "the command: a bad --distcc stops it before anything is built" "is not ADDR" \
  "$K" --distcc '10.0.0.2/4 bad,host' "$S/ktree"

# --- the scripts the build chroot runs ---------------------------------------------
# script KIND ARG...: the build script kernel-debs.sh writes for an upstream
# (KIND upstream) or Ubuntu tree (KIND ubuntu), with ARG... as options.
script() {
  bash -c 'set -euo pipefail; . "$1"; kind=$2; shift 2; parse_args "$@"; kernel_load_target "$TARGET"
    VERSION=6.1.0 WORK=/nonexistent USER_SETTINGS=
    if [ "$kind" = upstream ]; then upstream_build_script; upstream_config_script
    else . "$KDIR/ubuntu.sh"; { build_env; ubuntu_target_script binary-tickless; }; fi' _ "$K" "$@" "$S/ktree"
}
up=$(script upstream --distcc '10.0.0.2/8 10.0.0.3/8')
jobs=$((16 + CPUS))
check "upstream: make -j$jobs bindeb-pkg" grep -q -- "-j$jobs KDEB_PKGVERSION=6.1.0-1 bindeb-pkg" <<<"$up"
check "upstream: the -S chooser first in PATH, then the masquerade directory, then the -no-integrated-cpp one" \
  grep -qx "PATH='/build/distcc/pre':'/build/distcc/masq':'/build/distcc/cc':\"\$PATH\"" <<<"$up"
check "upstream: DISTCC_HOSTS: this machine's limits, then the hosts" \
  grep -qx "export PATH DISTCC_HOSTS='--localslots=$CPUS --localslots_cpp=$((2 * CPUS)) 10.0.0.2:3632/8 10.0.0.3:3632/8' DISTCC_LOG='/build/distcc.log'" <<<"$up"
check "upstream: local fallback on, no rewriting of the compiler's name" \
  grep -qx 'export DISTCC_FALLBACK=1 DISTCC_NO_REWRITE_CROSS=1' <<<"$up"
check "upstream: distcc's environment comes before make" \
  bash -c 'awk "/DISTCC_HOSTS/ { d = NR } /bindeb-pkg/ { m = NR } END { exit !(d && m && d < m) }" <<<"$1"' _ "$up"
check "upstream: CROSS_COMPILE names the target's compiler (what the masquerade directory holds)" \
  grep -q 'CROSS_COMPILE=aarch64-linux-gnu-' <<<"$up"
config_part=$(sed -n '/crossboot-phase: config/,$p' <<<"$up")
check "upstream: the configuration step has no distcc (it compiles nothing to send)" \
  bash -c '! grep -q DISTCC <<<"$1"' _ "$config_part"
check "upstream: without --distcc, no distcc at all" bash -c '! grep -q distcc <<<"$1"' _ "$(script upstream)"
ub=$(script ubuntu --distcc 10.0.0.2/6)
check "ubuntu: the tree's rules get the hosts' slots (DEB_BUILD_OPTIONS parallel=$((6 + CPUS)))" \
  grep -q "DEB_BUILD_OPTIONS=\"parallel=$((6 + CPUS)) nocheck\"" <<<"$ub"
check "ubuntu: distcc's environment, then dpkg-buildpackage" \
  bash -c 'awk "/DISTCC_HOSTS/ { d = NR } /dpkg-buildpackage/ { m = NR } END { exit !(d && m && d < m) }" <<<"$1"' _ "$ub"
printf '%s\n' "$up" >"$S/upstream.sh"
check "the generated script is valid sh" sh -n "$S/upstream.sh"

# --- which compilers go through distcc ----------------------------------------------
# shellcheck source=scripts/lib.sh
CACHE=$S/cache . "$TOP/scripts/lib.sh"
KDIR=$TOP/scripts/kernel
# shellcheck source=scripts/kernel/distcc.sh
. "$KDIR/distcc.sh"
mkdir "$S/bin"
for n in gcc g++ cc c++ cpp gcc-9 g++-12 cpp-9 gcc-ar gcc-nm ld as objcopy; do touch "$S/bin/aarch64-linux-gnu-$n"; done
touch "$S/bin/gcc" "$S/bin/aarch64-linux-musl-gcc" "$S/bin/aarch64-linux-gnuX-gcc"
names=$(distcc_compiler_names "$S/bin" aarch64-linux-gnu | tr '\n' ' ')
check "through distcc: the target's gcc, cc, g++, c++ and versioned names; not cpp, gcc-ar, ld, the build machine's gcc ($names)" \
  test "$names" = "aarch64-linux-gnu-c++ aarch64-linux-gnu-cc aarch64-linux-gnu-g++ aarch64-linux-gnu-g++-12 aarch64-linux-gnu-gcc aarch64-linux-gnu-gcc-9 "
# shellcheck disable=SC2034 # read by the sourced files
chroot_versions=$(TOP=$TOP bash -c '. "$TOP/stages/build-chroot.sh"; echo "$CHROOT_GCC_VERSIONS"')
# shellcheck disable=SC2034
host_versions=$(bash -c 'die() { :; }; . "$1/sysimage/distcc-state.sh"; echo "$GNU_GCC_VERSIONS"' _ "$TOP")
check "the compile hosts serve the versioned names the build chroot has ($chroot_versions)" \
  test "$chroot_versions" = "$host_versions"

# --- distcc's log, summed up ----------------------------------------------------------
# Lines as distcc 3.4 writes them (DISTCC_LOG: info level); pid 7 is reused.
cat >"$S/distcc.log" <<'EOF'
distcc[5] compile from a.c to a.o
distcc[6] compile from b.c to b.o
distcc[5] exec on 10.0.0.2:3632/8: aarch64-linux-gnu-gcc-9 -O2 -c a.c -o a.o
distcc[6] exec on 10.0.0.3:3632/8: aarch64-linux-gnu-gcc-9 -O2 -c b.c -o b.o
distcc[6] ERROR: nonblocking connect to 10.0.0.3:3632 failed: Connection refused
distcc[6] Warning: failed to distribute b.c to 10.0.0.3:3632/8, running locally instead
distcc[5] 106 bytes from a.c compiled on 10.0.0.2 in 0.1887s, rate 1kB/s
distcc[5] (dcc_exit) exit: code 0; self: 0.01 user 0.00 sys; children: 0.06 user 0.03 sys
distcc[6] exec on localhost: aarch64-linux-gnu-gcc-9 -O2 -c b.c -o b.o
distcc[6] compile b.c on localhost completed ok
distcc[6] (dcc_exit) exit: code 0; self: 0.01 user 0.00 sys; children: 0.06 user 0.03 sys
distcc[7] compile from c.c to c.o
distcc[7] exec on 10.0.0.3:3632/8: aarch64-linux-gnu-gcc-9 -O2 -c c.c -o c.o
distcc[7] ERROR: nonblocking connect to 10.0.0.3:3632 failed: Connection refused
distcc[7] Warning: failed to distribute c.c to 10.0.0.3:3632/8, running locally instead
distcc[7] exec on 10.0.0.2:3632/8: aarch64-linux-gnu-gcc-9 -O2 -c c.c -o c.o
distcc[7] (dcc_exit) exit: code 0; self: 0.01 user 0.00 sys; children: 0.06 user 0.03 sys
distcc[7] (dcc_scan_args) called for link?  i give up
distcc[7] exec on localhost: aarch64-linux-gnu-gcc-9 -o prog a.o b.o c.o
distcc[7] (dcc_exit) exit: code 0; self: 0.01 user 0.00 sys; children: 0.06 user 0.03 sys
distcc[8] compile from d.c to d.o
distcc[8] (dcc_build_somewhere) Warning: failed to distribute, running locally instead
distcc[8] exec on localhost: aarch64-linux-gnu-gcc-9 -O2 -c d.c -o d.o
distcc[8] (dcc_exit) exit: code 1; self: 0.01 user 0.00 sys; children: 0.06 user 0.03 sys
distcc[9] compile from e.c to e.o
distcc[9] exec on 10.0.0.3:3632/8: aarch64-linux-gnu-gcc-9 -O2 -c e.c -o e.o
distcc[9] ERROR: unexpected eof on fd3
distcc[9] exec on 10.0.0.2:3632/8: aarch64-linux-gnu-gcc-9 -O2 -c e.c -o e.o
distcc[9] (dcc_exit) exit: code 0; self: 0.01 user 0.00 sys; children: 0.06 user 0.03 sys
distcc[10] compile from f.c to f.o
distcc[10] exec on 10.0.0.3:3632/8: aarch64-linux-gnu-gcc-9 -O2 -c f.c -o f.o
distcc[10] ERROR: failed to read: Connection reset by peer
distcc[10] exec on localhost: aarch64-linux-gnu-gcc-9 -O2 -c f.c -o f.o
distcc[10] (dcc_exit) exit: code 0; self: 0.01 user 0.00 sys; children: 0.06 user 0.03 sys
distcc[11] compile from g.c to g.o
distcc[11] exec on 10.0.0.2:3632/8: aarch64-linux-gnu-gcc-9 -O2 -c g.c -o g.o
distcc[11] Warning: remote compilation of 'g.c' failed, retrying locally
distcc[11] Warning: failed to distribute g.c to 10.0.0.2:3632/8, running locally instead
distcc[11] exec on localhost: aarch64-linux-gnu-gcc-9 -O2 -c g.c -o g.o
distcc[11] (dcc_exit) exit: code 1; self: 0.01 user 0.00 sys; children: 0.06 user 0.03 sys
EOF
# pids 9 and 10: a host gone mid-job, which distcc 3.4 logs only as an error
# and the same process's next "exec on" (it picks a host again); pid 11: a
# compile error on a host, which is not the host's failure. (Before, the
# summary counted neither of the first two as 10.0.0.3's: the counts are
# the control.)
summary=$(distcc_summary "$S/distcc.log" 10.0.0.2:3632/8 10.0.0.3:3632/8 10.0.0.4:3632/2)
printf '%s\n' "$summary" | sed 's/^/#   /'
check "summary: 7 compile jobs (the link is none), 2 failed" grep -qx 'distcc: 7 compile jobs this run, 2 failed' <<<"$summary"
check "summary: 10.0.0.2 compiled 3 (two after 10.0.0.3 failed) and failed none (a compile error is not the host's)" \
  grep -Eq '^  10\.0\.0\.2:3632 +3 compiled$' <<<"$summary"
check "summary: 10.0.0.3 compiled none and failed 4 times (refused twice, gone mid-job twice)" \
  grep -Eq '^  10\.0\.0\.3:3632 +0 compiled, 4 failed' <<<"$summary"
check "summary: 10.0.0.4, never used, is named" grep -Eq '^  10\.0\.0\.4:3632 +0 compiled \(unreachable' <<<"$summary"
check "summary: 4 here: 2 after a host failed, 1 with no host free, 1 retried after a compile error" \
  grep -Eq '^  here +4 compiled \(after a host failed: 2; no host free of failures: 1; retried after an error on a host: 1\)' <<<"$summary"

# --- a make run through the generated environment --------------------------------------
if ! command -v distcc >/dev/null || ! command -v make >/dev/null; then
  skip "a build through the generated environment" "needs distcc and make (apt-get install distcc make)"
  finish
fi
P1=$(free_port 26632); P2=$(free_port $((P1 + 1)))
# The chroot's paths, here: the work directory and the target compiler's
# names (a stand-in that records its arguments), both with a space.
W="$S/work dir" REAL="$S/real bin"
mkdir -p "$W/proj" "$REAL"
cat >"$REAL/aarch64-linux-gnu-gcc-9" <<'EOF'
#!/bin/sh
# A stand-in compiler: records its arguments; -E prints the source, else
# the output file gets a line.
printf '%s\n' "$*" >>"$CALLS"
out='' src='' e=0 prev=''
for a in "$@"; do
  case $prev in -o) out=$a ;; esac
  case $a in -E) e=1 ;; *.c) src=$a ;; esac
  prev=$a
done
if [ "$e" = 1 ]; then if [ -n "$out" ]; then cat "$src" >"$out"; else cat "$src"; fi; exit 0; fi
printf 'object\n' >"${out:-a.out}"
EOF
chmod 755 "$REAL/aarch64-linux-gnu-gcc-9"
DISTCC_CHROOT_WORK=$W DISTCC_REAL_BIN=$REAL
distcc_setup "$W/distcc" "$(command -v distcc)" aarch64-linux-gnu-gcc-9
mapfile -t HOSTS < <(distcc_hosts "127.0.0.1:$P1/2 127.0.0.1:$P2/2")
distcc_env_script "$(distcc_hosts_var 2 "${HOSTS[@]}")" >"$W/env.sh"
for f in a b c; do printf 'int %s(void) { return 1; }\n' "$f" >"$W/proj/$f.c"; done
printf 'int d(void) { return 4; }\n' >"$W/proj/d.c"
# d.s: assembly output, as kbuild's -fverbose-asm .s files (compiled here).
printf '%s\n' 'prog: a.o b.o c.o d.s' $'\t$(CC) -o $@ a.o b.o c.o' '%.o: %.c' $'\t$(CC) -O2 -g -c $< -o $@' \
  '%.s: %.c' $'\t$(CC) -O2 -fverbose-asm -S $< -o $@' >"$W/proj/Makefile"
export CALLS="$S/calls"
# (DISTCC_DIR: /tmp/distcc, as in the chroot; here a scratch one)
run_build() {
  sh -c '. "$1/env.sh"; export DISTCC_DIR="$2"; mkdir -p "$2"; command -v gcc >"$1/gcc-is"
    make -s -C "$1/proj" -j4 CC=aarch64-linux-gnu-gcc-9' _ "$W" "$S/distcc-dir"
}
if run_build >"$S/build.log" 2>&1; then ok "make -j4 with every host unreachable: it finishes (local fallback)"
else not_ok "make with every host unreachable failed"; sed 's/^/#   /' "$S/build.log"; fi
check "the three objects, the assembly and the program are there" \
  test -s "$W/proj/a.o" -a -s "$W/proj/b.o" -a -s "$W/proj/c.o" -a -s "$W/proj/d.s" -a -s "$W/proj/prog"
check "the assembly (-S) was compiled, with -no-integrated-cpp" \
  grep -q -- '^-no-integrated-cpp -O2 -fverbose-asm -S d.c -o d.s$' "$CALLS"
check "the compiler ran through the -no-integrated-cpp script (every call: $(wc -l <"$CALLS"))" \
  bash -c '[ "$(grep -c -- "^-no-integrated-cpp " "$1")" = "$(wc -l <"$1")" ]' _ "$CALLS"
check "the build machine's gcc does not go through distcc ($(cat "$W/gcc-is"))" \
  bash -c '[[ $(cat "$1") != "$2"/distcc/* ]]' _ "$W/gcc-is" "$W"
summary=$(distcc_summary "$W/distcc.log" "${HOSTS[@]}")
printf '%s\n' "$summary" | sed 's/^/#   /'
check "summary: 3 compile jobs (the objects; the -S compile not one), all here" grep -qx 'distcc: 3 compile jobs this run' <<<"$summary"
check "summary: 3 compiled here" grep -Eq '^  here +3 compiled' <<<"$summary"
check "summary: a host that refused the connection is named as failed" grep -Eq 'compiled, [0-9]+ failed' <<<"$summary"
# The control: the same -S compile through distcc's link itself is a job.
sh -c '. "$1/env.sh"; export DISTCC_DIR="$2"; cd "$1/proj"; "$1/distcc/masq/aarch64-linux-gnu-gcc-9" -O2 -S d.c -o e.s' \
  _ "$W" "$S/distcc-dir" >/dev/null 2>&1 || true
check "control: -S through distcc's link is a distcc job (4 in its log)" \
  grep -qx 'distcc: 4 compile jobs this run' <<<"$(distcc_summary "$W/distcc.log" "${HOSTS[@]}")"
finish
