#!/usr/bin/env bash
# A build farm of x86_64 compile hosts (issue 20), on this one machine:
# three hosts, each a network namespace of this test's own with a veth pair
# into a bridge in the client's namespace (10.213.0.0/24, no route beyond
# it, nothing made in the namespace the test runs in: no packet can leave;
# tests/helpers/netns-farm.sh; the hosts: tests/helpers/farm-hosts.sh,
# shared with build-farm-kernel.sh), allowing the client's address only: h1 runs
# distcc-host.sh from the extracted system image with the extracted cross
# compiler, h2 and h3 the extracted release tarball's own compile host
# (bin/crossboot-compile-host: its distccd, the tarball as the compiler; a
# tarball older than the compile host gets it from the checkout's recipe,
# sources/sections/compile-host.sh, with the image's distccd, and says so).
# A small C project (12 files: -g in some, one in a
# subdirectory, __FILE__, a static inline used twice) is built with make -j6
# through the three hosts, and:
#  - every host served jobs, every object was compiled remotely;
#  - the objects and the linked program are sha256-identical to a local
#    build of the same tree at the same path;
#  - a host killed in the middle of a job: the build still completes (the
#    job goes to another host or runs locally), with the same bits;
#  - a client address the hosts do not allow is refused (the control: the
#    allowed one is served);
#  - SIGTERM stops a tarball host: exit 0, no process left in its namespace.
# Same bits with -g need -no-integrated-cpp in the flags (local builds and
# the farm's): distcc's server compiles the client's preprocessed text, in
# which the code after a macro expansion (__FILE__ too) has other columns
# than in the source, and -g records columns (and, around expansions, line
# rows) in .debug_line; -no-integrated-cpp makes a local gcc compile
# preprocessed text too. The control below shows the difference without it.
# test-timeout: 900
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=tests/helpers/farm-hosts.sh
. "$TOP/tests/helpers/farm-hosts.sh"

why=$(farm_hosts_why_not)
if [ -n "$why" ]; then skip "build farm" "$why"; finish; fi

farm_hosts_scratch

# (CROSSBOOT_TEST_OUT: another out/ARCH directory holding the tarballs)
OUT=${CROSSBOOT_TEST_OUT:-$TOP/out/aarch64}
farm_hosts_unpack "$OUT"

# --- the farm ------------------------------------------------------------------------
farm_hosts_network
if ! farm_hosts_start "${HOSTS[@]}" || [ "$FAILED" != 0 ]; then finish; fi
farm_hosts_check_setup

# --- the project ----------------------------------------------------------------------
PROJ="$SCRATCH/farm project"

# worker K: a C file whose 40 functions take gcc -O2 about half a second,
# so that a job is still running when a host is killed.
worker() {
  local k=$1 i
  printf '#include "inl.h"\n'
  for i in $(seq 40); do
    printf 'unsigned w%d_%d(const unsigned *v, unsigned n) {\n  unsigned s = %du;\n' "$k" "$i" "$i"
    printf '  for (unsigned i = 0; i < n; i++) s = mix(s ^ v[i], i * %du + %du);\n' $((k * 7 + i)) "$k"
    printf '  for (unsigned j = 0; j < (n & 63u); j++) s += (s >> (j & 7u)) * %du;\n  return s;\n}\n' $((i * 13 + 1))
  done
  printf 'unsigned w%d(const unsigned *v, unsigned n) {\n  unsigned s = 0;\n' "$k"
  for i in $(seq 40); do printf '  s += w%d_%d(v, n);\n' "$k" "$i"; done
  printf '  return s;\n}\n'
}

write_project() {
  local k calls=''
  mkdir -p "$PROJ/sub"
  printf 'static inline unsigned mix(unsigned a, unsigned b) { return (a * 2654435761u) ^ (b + (a >> 13)); }\n' \
    >"$PROJ/inl.h"
  printf '#include "inl.h"\nunsigned fa(unsigned x) { return mix(x, 1) + mix(x, 2); }\n' >"$PROJ/a.c"
  printf '#include "inl.h"\nunsigned fb(unsigned x) { unsigned y = mix(x, 3); return mix(y, x); }\n' >"$PROJ/b.c"
  # __FILE__ and a macro, each longer than its expansion or shorter, with
  # code after them on the same line: -g records that code's column.
  cat >"$PROJ/where.c" <<'EOF'
#define TWICE(x) ((x) + (x))
const char *where(void) { static const char f[] = __FILE__; return f; }
int line(int a) { int b = TWICE(a); return b + __LINE__; }
EOF
  cat >"$PROJ/sub/deep.c" <<'EOF'
#include <string.h>
unsigned deep(const char *s) { unsigned n = (unsigned)strlen(__FILE__); return n + (unsigned)strlen(s); }
EOF
  for k in 1 2 3 4 5 6 7; do
    worker "$k" >"$PROJ/w$k.c"
    calls+="  s += w$k(v, 16);"$'\n'
  done
  cat >"$PROJ/main.c" <<EOF
#include <stdio.h>
unsigned fa(unsigned), fb(unsigned), deep(const char *);
const char *where(void);
int line(int);
$(for k in 1 2 3 4 5 6 7; do printf 'unsigned w%d(const unsigned *, unsigned);\n' "$k"; done)
int main(void) {
  static const unsigned v[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  unsigned s = fa(1) + fb(2) + deep(where()) + (unsigned)line(3);
$calls  printf("%u\n", s);
  return 0;
}
EOF
  # Relative paths only: the tree's own path has a space. -g on some files.
  # shellcheck disable=SC2016 # make's variables
  printf '%s\n' 'CC = cc' 'EXTRA =' 'CFLAGS = -O2 -Wall $(EXTRA)' \
    'OBJS = main.o a.o b.o where.o sub/deep.o w1.o w2.o w3.o w4.o w5.o w6.o w7.o' \
    'prog: $(OBJS)' $'\t$(CC) $(CFLAGS) -static -o $@ $(OBJS)' \
    'a.o where.o sub/deep.o: CFLAGS += -g' \
    '%.o: %.c inl.h' $'\t$(CC) $(CFLAGS) -c $< -o $@' \
    'clean:' $'\trm -f prog $(OBJS)' >"$PROJ/Makefile"
}
write_project
check "the project has 12 C files" test "$(find "$PROJ" -name '*.c' | wc -l)" = 12

# sums FILE: the sha256 of every object and of the program, by name.
sums() {
  (cd "$PROJ" && find . \( -name '*.o' -o -name prog \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) >"$1"
}

# client NAME [VAR=VALUE...] CMD...: CMD in the client's namespace with the
# cross compiler in PATH and distcc's client settings, the three hosts, a
# fresh DISTCC_DIR (no host's lock or backoff carried over); distcc's
# messages in SCRATCH/client-NAME.log.
# shellcheck disable=SC2317 # called through build and check
client() {
  local dir="$SCRATCH/client-$1"
  shift
  rm -rf "$dir" "$dir.log"
  mkdir "$dir"
  farm_in c env PATH="$CROSS/bin:$PATH" DISTCC_DIR="$dir" \
    DISTCC_HOSTS="${FARM_ADDR[h1]}/2 ${FARM_ADDR[h2]}/2 ${FARM_ADDR[h3]}/2" DISTCC_NO_REWRITE_CROSS=1 \
    DISTCC_SKIP_LOCAL_RETRY=1 DISTCC_IO_TIMEOUT=60 DISTCC_LOG="$dir.log" "$@"
}

# build NAME MAKE-ARG...: make clean, then the project built; its output in
# SCRATCH/NAME.log, the sums in SCRATCH/NAME.sums, the seconds in TOOK.
build() {
  local name=$1 start=$SECONDS rc=0
  shift
  make -s -C "$PROJ" clean
  "$@" >"$SCRATCH/$name.log" 2>&1 || rc=$?
  TOOK=$((SECONDS - start))
  sums "$SCRATCH/$name.sums"
  return "$rc"
}
SAME_BITS=(EXTRA=-no-integrated-cpp)

# The reference: a local build of the same tree at the same path.
if build local env PATH="$CROSS/bin:$PATH" make -C "$PROJ" -j2 CC="$GCC" "${SAME_BITS[@]}"; then
  ok "a local build of the project (${TOOK} s)"
else
  not_ok "a local build of the project"; tail -n 20 "$SCRATCH/local.log" | sed 's/^/#   /'
fi

# --- through the farm: every host serves, the same bits -----------------------------------
declare -A before=()
for h in "${HOSTS[@]}"; do before[$h]=$(farm_jobs_served "$h"); done
bytes_before=$(for h in "${HOSTS[@]}"; do farm_bytes "$h"; done)
# No fallback: every object must come from the farm.
if build farm client farm DISTCC_FALLBACK=0 make -C "$PROJ" -j6 CC="distcc $GCC" "${SAME_BITS[@]}"; then
  ok "make -j6 through the three hosts (${TOOK} s)"
else
  not_ok "make -j6 through the three hosts"; tail -n 20 "$SCRATCH/farm.log" | sed 's/^/#   /'
fi
total=0
for h in "${HOSTS[@]}"; do
  n=$(($(farm_jobs_served "$h") - before[$h]))
  total=$((total + n))
  check "$h (${FARM_ADDR[$h]}) served jobs ($n)" test "$n" -gt 0
done
check "every object was compiled by the farm ($total COMPILE_OK for 12 files)" test "$total" = 12
check "farm build: objects and program sha256-identical to the local build" diff "$SCRATCH/local.sums" "$SCRATCH/farm.sums"
# The network's share, from the hosts' interface counters (host received /
# sent, per job; the preprocessed files sum to the first).
i_bytes=$(cd "$PROJ" && for f in *.c sub/*.c; do "$CROSS/bin/$GCC" -O2 -E "$f"; done | wc -c)
paste <(printf '%s\n' "$bytes_before") <(for h in "${HOSTS[@]}"; do farm_bytes "$h"; done) |
  awk -v n="$total" -v i="$i_bytes" '{ rx += $3 - $1; tx += $4 - $2 }
    END { printf "# network: hosts received %d B and sent %d B for %d jobs (%d B / %d B a job; the .i files: %d B in all)\n", rx, tx, n, rx / n, tx / n, i }'

# Without -no-integrated-cpp, the control: a -g object through the farm
# differs from the local one (the column of the code after __FILE__ or a
# macro, in .debug_line; see the header).
# shellcheck disable=SC2317 # called through check
control_columns() {
  (cd "$PROJ" && "$CROSS/bin/$GCC" -O2 -g -c where.c -o where-local.o)
  (cd "$PROJ" && client columns DISTCC_FALLBACK=0 distcc "$GCC" -O2 -g -c where.c -o where-farm.o)
  test -s "$PROJ/where-farm.o"
  ! cmp -s "$PROJ/where-local.o" "$PROJ/where-farm.o"
}
check "control: without -no-integrated-cpp a -g object compiled by the farm differs from the local one" control_columns
rm -f "$PROJ"/where-*.o

# --- a client the hosts do not allow --------------------------------------------------------
# One job, no fallback, from the outsider's address, then from the client's.
farm_check_refused "$PROJ" a.c

# --- a host killed in the middle ----------------------------------------------------------
# make runs in the background; once h2 holds a connection (its listener has
# forked for one: farm_holds_job), everything in h2's namespace is killed:
# the machine is gone, mid-job.
killed_build() {
  local rc=0 start=$SECONDS deadline=$((SECONDS + 120)) make_pid
  KILLED=no
  build killed client killed make -C "$PROJ" -j6 CC="distcc $GCC" "${SAME_BITS[@]}" &
  make_pid=$!
  while kill -0 "$make_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    if farm_holds_job h2; then
      farm_kill h2
      KILLED=yes
      break
    fi
    sleep 0.05
  done
  wait "$make_pid" || rc=$?
  TOOK=$((SECONDS - start))
  return "$rc"
}
if killed_build; then ok "h2 killed mid-build (killed: $KILLED): the build completes (${TOOK} s)"
else not_ok "h2 killed mid-build (killed: $KILLED): the build failed"; tail -n 20 "$SCRATCH/killed.log" | sed 's/^/#   /'; fi
check "h2 was killed while it held a job" test "$KILLED" = yes
check "h2's namespace has no process left" test "$(farm_pids_in h2)" = 0
KLOG="$SCRATCH/client-killed.log"
# redone: each job that failed on h2 (a distcc process that logged an
# error after "exec on" h2), and where it went next: "FILE:HOST" for another
# host, "FILE:locally", or "FILE:-" when it was not done again.
redone() {
  local pid last file h2=${FARM_ADDR[h2]//./\\.}
  while read -r pid; do
    grep -q "^distcc\[$pid\] .*ERROR" "$KLOG" || continue
    file=$(grep -m1 "^distcc\[$pid\] exec on " "$KLOG" | sed 's/.* -c \([^ ]*\) .*/\1/')
    last=$(grep -E "^distcc\[$pid\] (exec on |.*running locally)" "$KLOG" | tail -n 1)
    case $last in
      *"exec on ${FARM_ADDR[h2]}/"*) printf '%s:-\n' "$file" ;;
      *'exec on '*) last=${last#*exec on }; printf '%s:%s\n' "$file" "${last%%/*}" ;;
      *) printf '%s:locally\n' "$file" ;;
    esac
  done < <(sed -n "s|^distcc\[\([0-9]*\)\] exec on $h2/.*|\1|p" "$KLOG" | sort -u)
}
REDONE=$(redone)
check "the jobs h2 held failed on the client and were done again: $(tr '\n' ' ' <<<"$REDONE")" \
  test -n "$REDONE" -a "$(grep -c ':-$' <<<"$REDONE")" = 0
check "killed-host build: objects and program sha256-identical to the local build" \
  diff "$SCRATCH/local.sums" "$SCRATCH/killed.sums"
# --- a tarball host stopped ----------------------------------------------------------------
# (SIGTERM to the host's own process, the child of the subshell started in
# this shell: that subshell's status is the host's)
kill -TERM "$(pgrep -P "${FARM_PID[h3]}")"
for _ in $(seq 100); do kill -0 "${FARM_PID[h3]}" 2>/dev/null || break; sleep 0.1; done
rc=0
wait "${FARM_PID[h3]}" || rc=$?
left=$(farm_pids_in h3)
if [ "$rc" = 0 ] && [ "$left" = 0 ] && grep -q '^distcc-host: stopped;' "$SCRATCH/host-h3.log"; then
  ok "h3 (crossboot-compile-host) stopped by SIGTERM: exit 0, no process left in its namespace"
else
  not_ok "h3 stopped by SIGTERM: exit $rc, $left processes left in its namespace"; sed 's/^/#   /' "$SCRATCH/host-h3.log"
fi
# (this farm's sandboxes only: they bind this test's compiler)
sleep 1
if pgrep -f "^[^ ]*/bwrap .*--ro-bind $CROSS /crossboot/toolchain" >/dev/null; then not_ok "a job sandbox is left running"
else ok "no job sandbox left running"; fi
finish
