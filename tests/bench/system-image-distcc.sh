#!/usr/bin/env bash
# tests/bench/system-image-distcc.sh [--cpus N] [--jobs N] [--runs N]
#
# One fixed workload, no configure step: the 17 C files of zlib 1.2.13 (the
# pinned source: the library and its two test programs), each compiled with
# -O2 -c, N at a time, built three ways in one run:
#  - native: in the system image under qemu (TCG), its own compiler;
#  - distcc: in the same guest through dev-environment.sh, DISTCC_FALLBACK=0:
#    preprocessing in the guest, compiling by the host's distccd, each job
#    in a sandbox of its own (the product);
#  - distcc without the sandbox (the reference for its cost): the same
#    distccd as one daemon on 127.0.0.1, reached through run-emulator.sh's
#    --distcc forward;
#  - cross: on this host with the release cross compiler.
# And, to show what limits distcc, the same files only preprocessed in the
# guest (distcc's share of the work that stays there). The guest times
# itself (from /proc/uptime), boot excluded. Prints the times and the
# ratios, and what one job's sandbox costs (made and gone 20 times as a
# connection starts it, against distccd run bare). The two distcc ways run
# RUNS times (default 3), interleaved, each with JOBS at once; their medians
# are compared (single runs vary by ~0.5 s). Not a test: it gates nothing.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

# At most 8: the limit of qemu's virt machine (GICv2) and of the image's kernel.
CPUS=$(nproc); [ "$CPUS" -le 8 ] || CPUS=8
JOBS='' RUNS=3
while [ $# -gt 0 ]; do
  case $1 in
    --cpus) CPUS=${2:?--cpus needs a number}; shift ;;
    --jobs) JOBS=${2:?--jobs needs a number}; shift ;;
    --runs) RUNS=${2:-}; [[ $RUNS =~ ^[1-9][0-9]?$ ]] || die "--runs takes 1 to 99"; shift ;;
    *) die "usage: tests/bench/system-image-distcc.sh [--cpus N] [--jobs N] [--runs N]" ;;
  esac
  shift
done
JOBS=${JOBS:-$((CPUS * 2))}
# (CROSSBOOT_TEST_OUT: another out/ARCH directory holding the tarballs, as for the tests)
OUT=${CROSSBOOT_TEST_OUT:-$TOP/out/aarch64}
CROSS_TAR="$OUT/cross-compiler-aarch64.tar.xz"
# Without the release (static) compiler, the cross stage's package.
[ -s "$CROSS_TAR" ] || CROSS_TAR="$OUT/cross-package/cross-compiler-aarch64.tar.xz"
for f in "$OUT/system-image-aarch64.tar.xz" "$CROSS_TAR"; do
  [ -s "$f" ] || die "$f is missing: ./build.sh aarch64 sysimage (and canadian-package) first"
done

# Not under the cache: started by root, distccd runs as nobody, who must
# reach the compiler (and ~root is closed to others).
WORK=$(mktemp -d "${TMPDIR:-/tmp}/crossboot-bench.XXXXXX")
# Kept when something failed: the error names logs in it.
# (and the reference daemon stopped, if it runs)
trap 'rc=$?; [ -z "${plain_pid:-}" ] || kill "$plain_pid" 2>/dev/null || true
  if [ "$rc" = 0 ]; then rm -rf "$WORK"; else printf "kept %s for its logs\n" "$WORK" >&2; fi' EXIT
chmod 755 "$WORK"
mkdir -p "$WORK/share"
tar -xf "$OUT/system-image-aarch64.tar.xz" -C "$WORK"
tar -xf "$CROSS_TAR" -C "$WORK"
zsrc=$(source_dir zlib)
mkdir "$WORK/share/zlib"
cp "$zsrc"/*.c "$zsrc"/*.h "$zsrc"/test/example.c "$zsrc"/test/minigzip.c "$WORK/share/zlib/"
FILES=$(find "$WORK/share/zlib" -name '*.c' | wc -l)
FLAGS=(-O2 -D_LARGEFILE64_SOURCE=1 -DHAVE_HIDDEN -I.)

# The guest's script: compile every file, print the seconds it took.
cat >"$WORK/share/bench.sh" <<EOF
set -e
rm -rf /tmp/b && cp -a /mnt/share/zlib /tmp/b && cd /tmp/b
s=\$(cut -d' ' -f1 /proc/uptime)
ls ./*.c | xargs -P $JOBS -n 1 gcc ${FLAGS[*]} -c
e=\$(cut -d' ' -f1 /proc/uptime)
[ "\$(ls ./*.o | wc -l)" = $FILES ]
echo "bench-seconds: \$(echo "\$s \$e" | awk '{ printf "%.1f", \$2 - \$1 }')"
EOF

# The preprocessing-only variant of the script ($0 is for the guest's sh).
# shellcheck disable=SC2016
sed 's|gcc \(.*\) -c$|sh -c '"'"'gcc \1 -E -o /dev/null "$0"'"'"'|; /wc -l/d' "$WORK/share/bench.sh" \
  >"$WORK/share/cpp.sh"

# seconds_from LOG: the guest's "bench-seconds:" figure.
seconds_from() { sed -n 's/^bench-seconds: \([0-9.]*\).*/\1/p' "$1" | tail -n 1; }

msg "native in the guest ($CPUS CPUs, -P $JOBS)"
"$WORK/system-image-aarch64/run-emulator.sh" --cpus "$CPUS" --no-scratch --share "$WORK/share" \
  --run bench.sh --timeout 3600 --console-log "$WORK/native.log" >/dev/null ||
  die "the native run failed (log: $WORK/native.log)"
msg "preprocessing only, in the guest"
"$WORK/system-image-aarch64/run-emulator.sh" --cpus "$CPUS" --no-scratch --share "$WORK/share" \
  --run cpp.sh --timeout 3600 --console-log "$WORK/cpp.log" >/dev/null ||
  die "the preprocessing run failed (log: $WORK/cpp.log)"
sed -i '1a export DISTCC_FALLBACK=0' "$WORK/share/bench.sh"
IMGDIR="$WORK/system-image-aarch64"

# sandboxed RUN: the guest's distcc through dev-environment.sh, each job in
# its sandbox; as many jobs at once as the reference daemon below takes
# (dev-environment.sh's default is this host's CPUs): the two differ only
# in the sandbox. Prints the guest's seconds.
sandboxed() {
  local log
  "$IMGDIR/dev-environment.sh" --cross "$WORK/cross-compiler-aarch64" --cpus "$CPUS" --jobs "$JOBS" \
    --no-scratch --share "$WORK/share" --run bench.sh --timeout 3600 --console-log "$WORK/distcc.$1.log" \
    >/dev/null 2>"$WORK/dev-env.err" || die "the distcc run failed (log: $WORK/distcc.$1.log)"
  # (each run a state directory of its own; the logs emptied after each run,
  # not removed: a job needs its file)
  cat "$IMGDIR"/distcc/*/distccd.log >"$WORK/distccd.$1.log"
  for log in "$IMGDIR"/distcc/*/distccd.log; do : >"$log"; done
  [ "$(grep -c COMPILE_OK "$WORK/distccd.$1.log" || true)" = "$FILES" ] ||
    die "distccd ran not $FILES jobs (see $WORK/distccd.$1.log)"
  seconds_from "$WORK/distcc.$1.log"
}

# The reference: the same distccd as one daemon on 127.0.0.1, no sandbox,
# reached through run-emulator.sh's --distcc forward.
triplet=$(sed -n 's/^TRIPLET=//p' "$IMGDIR/target.conf")
plain_state=$(mktemp -d "$WORK/plain.XXXXXX")
chmod 755 "$plain_state"
for n in cc gcc c++ g++ "$triplet-gcc" "$triplet-g++" "$triplet-cc" "$triplet-c++"; do
  case $n in *++) t=g++ ;; *) t=gcc ;; esac
  ln -s "$WORK/cross-compiler-aarch64/bin/$triplet-$t" "$plain_state/$n"
  printf '%s\n' "$plain_state/$n"
done >"$WORK/plain.cmdlist"
chmod 644 "$WORK/plain.cmdlist"
# (started by root, that distccd runs as nobody: its log must be writable)
install -m 666 /dev/null "$WORK/plain-distccd.log"
plain_port=$(awk 'BEGIN { srand(); print 24000 + int(rand() * 4000) }')
DISTCC_CMDLIST="$WORK/plain.cmdlist" DISTCC_CMDLIST_NUMWORDS=1 "$IMGDIR/bin/distccd" --daemon --no-detach \
  --listen 127.0.0.1 --allow 127.0.0.1 --port "$plain_port" --jobs "$JOBS" \
  --log-file "$WORK/plain-distccd.log" --log-level info &
plain_pid=$!
sleep 1
# plain RUN: the guest's distcc through the reference daemon; its seconds.
plain() {
  local before
  before=$(grep -c COMPILE_OK "$WORK/plain-distccd.log" || true)
  "$IMGDIR/run-emulator.sh" --cpus "$CPUS" --no-scratch --share "$WORK/share" \
    --distcc "127.0.0.1:$plain_port/$JOBS" --run bench.sh --timeout 3600 --console-log "$WORK/plain.$1.log" \
    >/dev/null || die "the unsandboxed distcc run failed (log: $WORK/plain.$1.log)"
  [ $(($(grep -c COMPILE_OK "$WORK/plain-distccd.log" || true) - before)) = "$FILES" ] ||
    die "the reference distccd ran not $FILES jobs (see $WORK/plain-distccd.log)"
  seconds_from "$WORK/plain.$1.log"
}

# Interleaved, RUNS times each; medians.
distcc_runs=() plain_runs=()
for r in $(seq "$RUNS"); do
  msg "run $r/$RUNS: distcc from the guest, sandboxed ($CPUS CPUs, -P $JOBS, DISTCC_FALLBACK=0)"
  t=$(sandboxed "$r"); distcc_runs+=("$t")
  msg "run $r/$RUNS: distcc without the sandbox: one distccd daemon on 127.0.0.1 (the reference)"
  t=$(plain "$r"); plain_runs+=("$t")
done
kill "$plain_pid" 2>/dev/null || true
wait "$plain_pid" 2>/dev/null || true
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
distcc_s=$(median "${distcc_runs[@]}")
plain_s=$(median "${plain_runs[@]}")

# One job's sandbox as qemu starts it for a connection (STATE/job --args
# STATE/job.args: distccd --inetd in it, reading an empty connection),
# made and gone 20 times: its wall and CPU milliseconds, against distccd
# --version run bare.
state=$(dirname "$(find "$IMGDIR/distcc" -name job.args | head -n 1)")
# (distccd on an empty connection exits non-zero: that is not a failure here)
ms_of() { local s e; s=$(date +%s%N); for _ in $(seq 20); do "$@" >/dev/null 2>&1 </dev/null || true; done; e=$(date +%s%N); echo $(( (e - s) / 20000000 )); }
# (the children's user + system time, from bash's times)
cpu_ms_of() {
  ( for _ in $(seq 20); do "$@" >/dev/null 2>&1 </dev/null || true; done; times ) | tail -n 1 |
    awk '{ t = 0; for (i = 1; i <= 2; i++) { split($i, a, /[ms]/); t += a[1] * 60 + a[2] } printf "%d", t * 1000 / 20 }'
}
sandbox_ms=$(ms_of "$state/job" --args "$state/job.args")
sandbox_cpu=$(cpu_ms_of "$state/job" --args "$state/job.args")
bare_ms=$(ms_of "$IMGDIR/bin/distccd" --version)
bare_cpu=$(cpu_ms_of "$IMGDIR/bin/distccd" --version)
msg "cross on this host (-P $JOBS)"
cross_s=$(cd "$WORK/share/zlib" && s=$(date +%s.%N) &&
  printf '%s\0' ./*.c | xargs -0 -P "$JOBS" -n 1 "$WORK/cross-compiler-aarch64/bin/aarch64-linux-musl-gcc" \
    "${FLAGS[@]}" -c &&
  awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')

native_s=$(seconds_from "$WORK/native.log")
cpp_s=$(seconds_from "$WORK/cpp.log")
printf '%d files of zlib %s, -O2, -P %s; guest: %s CPUs under TCG (%s)\n' "$FILES" \
  "$(manifest_get zlib version)" "$JOBS" "$CPUS" "$(sed -n 's/^CPU=//p' "$WORK/system-image-aarch64/target.conf")"
printf '%-18s %8s s\n' native "$native_s" "distcc (sandboxed)" "$distcc_s" \
  "distcc (no sandbox)" "$plain_s" cross "$cross_s" "cpp-only" "$cpp_s"
printf 'distcc runs (median of %s, interleaved): sandboxed %s s; no sandbox %s s\n' "$RUNS" \
  "${distcc_runs[*]}" "${plain_runs[*]}"
awk -v d="$distcc_s" -v u="$plain_s" 'BEGIN {
  printf "sandbox / no sandbox: %.3f (%+.1f%% of the distcc time)\n", d / u, 100 * (d - u) / u }'
printf 'one job sandbox as a connection starts it (distccd in it), made and gone: %s ms (%s ms CPU); distccd --version alone: %s ms (%s ms CPU)\n' \
  "$sandbox_ms" "$sandbox_cpu" "$bare_ms" "$bare_cpu"
awk -v n="$native_s" -v d="$distcc_s" -v c="$cross_s" -v p="$cpp_s" 'BEGIN {
  printf "native / distcc: %.1f\nnative / cross:  %.1f\ndistcc / cross:  %.1f\n", n / d, n / c, d / c
  printf "preprocessing in the guest: %.0f%% of the distcc time; distcc can be at most %.1fx native\n",
    100 * p / d, n / p }'
