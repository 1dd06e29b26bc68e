#!/usr/bin/env bash
# The kernel through the build farm (issue 20): the test-size packages of
# the pinned Linux 6.1 (as tests/full/kernel-packages.sh gets it) for Debian
# bullseye, their modules signed with a fixed test key made here (openssl:
# an RSA key and its certificate in one PEM, as --signing-key takes; the
# throw-away key of a build without one would make every build differ):
#  - built locally twice with --fresh and the same SOURCE_DATE_EPOCH, each
#    in a work directory of its own (kernel-debs.sh names it after the tree,
#    so each build gets the tree under another name: hard links, no copy):
#    the .debs are sha256-identical; where not, the test names them and
#    shows what differs (diffoscope, else the ar members, the listings and
#    the files that differ). The control: the second tree built again with
#    another key (a relink and re-sign) gives other .debs;
#  - built with --distcc through the three compile hosts of
#    tests/full/build-farm.sh (tests/helpers/farm-hosts.sh: network
#    namespaces of the test's own, no route beyond them; their compiler the
#    release tarball that the build chroot has, checked by its sha256),
#    kernel-debs.sh run in the client's namespace; h2 killed (every process of its namespace)
#    once its distccd log shows jobs it served and while it holds one: the
#    build completes, every host served jobs, the build's summary counts
#    h2's failed jobs, and the .debs are sha256-identical to the local
#    build's;
#  - a client at an address the hosts do not allow is refused (the control:
#    the same job from the client is served).
# aarch64 binfmt emulation is off while the kernels build, as in
# kernel-packages.sh (a generator built for the wrong machine must fail, not
# run under qemu), and back as it was after. Skips without root (network
# namespaces), the farm's packages, openssl, the tarballs (out/aarch64: the
# system image, the release cross compiler) or the Linux source.
# Three test-size kernel builds and a relink; one through hosts that share
# this machine's two cores.
# test-timeout: 10800
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"
# shellcheck source=tests/helpers/farm-hosts.sh
. "$TOP/tests/helpers/farm-hosts.sh"
DISTRO=bullseye
K=$TOP/scripts/kernel-debs.sh
LOGS="$TOP/out/tests"
# (CROSSBOOT_TEST_OUT: another out/ARCH directory holding the tarballs)
OUT=${CROSSBOOT_TEST_OUT:-$TOP/out/aarch64}
# Where kernel-debs.sh publishes the packages (it reads CROSSBOOT_OUT too).
DEBS="$OUT_ROOT/aarch64/debs"
# h2 is killed once it has served this many jobs (the test size compiles
# several hundred objects).
KILL_AFTER=30
NAME="kernel through the build farm"
mkdir -p "$LOGS"

why=$(farm_hosts_why_not)
if [ -z "$why" ] && ! command -v openssl >/dev/null; then why="needs openssl (apt-get install openssl)"; fi
for t in system-image-aarch64.tar.xz cross-compiler-aarch64.tar.xz; do
  # (the cross compiler of the build chroot: canadian-package's, not cross-package's)
  if [ -z "$why" ] && [ ! -s "$OUT/$t" ]; then why="no $OUT/$t (./build.sh aarch64 sysimage builds both)"; fi
done
if [ -n "$why" ]; then skip "$NAME" "$why"; finish; fi

# The work directories to remove, and binfmt's state to put back, on exit.
WORKS=()
BINFMT_WAS=$(head -n 1 /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null || true)
farm_hosts_scratch
# shellcheck disable=SC2317 # run by the EXIT trap (farm_hosts_cleanup)
farm_cleanup_hook() {
  local w
  [ "$BINFMT_WAS" != enabled ] || binfmt_aarch64 >/dev/null || true
  for w in "${WORKS[@]}"; do rm -rf "$w" "$w.lock" "$w.lock.pid"; done
}

if ! TREE=$(source_dir linux 2>"$LOGS/build-farm-kernel-source.log"); then
  skip "$NAME" "no Linux source: $(tail -n 1 "$LOGS/build-farm-kernel-source.log")"; finish
fi
echo "# the tree: $TREE; SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH"

# --- the farm, first (it fails in seconds, a kernel build takes minutes) -----------------
farm_hosts_unpack "$OUT"
farm_hosts_network
farm_hosts_start "${HOSTS[@]}" || finish
farm_hosts_check_setup
# One plain job from the outsider's address, then from the client's.
mkdir "$SCRATCH/job"
printf 'int twice(int x) { return 2 * x; }\n' >"$SCRATCH/job/a.c"
farm_check_refused "$SCRATCH/job" a.c

# --- the builds --------------------------------------------------------------------------
# make_key NAME: SCRATCH/NAME.pem, a new RSA key and its certificate.
make_key() {
  openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 -subj "/CN=crossboot farm test $1" \
    -newkey rsa:2048 -keyout "$SCRATCH/$1.key" -out "$SCRATCH/$1.crt" 2>/dev/null
  cat "$SCRATCH/$1.key" "$SCRATCH/$1.crt" >"$SCRATCH/$1.pem"
}

# tree_as NAME: the tree as SCRATCH/NAME, hard links where they can be made
# (kernel-debs.sh only reads its tree), else a copy; its work directory
# (CACHE/kernel/aarch64/NAME-bullseye-test) is removed on exit.
tree_as() {
  local dest="$SCRATCH/$1"
  if ! cp -al "$TREE" "$dest" 2>/dev/null; then
    rm -rf "$dest"
    rsync -a --exclude=.git "$TREE/" "$dest/"
  fi
  WORKS+=("$CACHE/kernel/aarch64/$1-$DISTRO-test")
}

# drop_work NAME: NAME's work directory removed now (a few GB each).
drop_work() { rm -rf "$CACHE/kernel/aarch64/$1-$DISTRO-test"; }

# kdebs RUN KEY TREE [OPTION...]: kernel-debs.sh, test size, signed with
# SCRATCH/KEY.pem, the tree SCRATCH/TREE, run through the command prefix
# KDEBS_IN (none: here); its log LOGS/build-farm-kernel-RUN.log.
KDEBS_IN=()
kdebs() {
  local run=$1 key=$2 tree=$3
  shift 3
  "${KDEBS_IN[@]}" "$K" --distro "$DISTRO" --size test --signing-key "$SCRATCH/$key.pem" "$@" "$SCRATCH/$tree" \
    >"$LOGS/build-farm-kernel-$run.log" 2>&1
}

# collect RUN: the packages RUN's log names (after "packages in"), copied
# from out/ to SCRATCH/debs-RUN (the next build overwrites them there);
# their sha256 in SCRATCH/RUN.sums.
collect() {
  local run=$1 d="$SCRATCH/debs-$1" f
  mkdir "$d"
  while IFS= read -r f; do
    cp "$DEBS/$f" "$d/"
  done < <(sed -n '/^packages in /,$p' "$LOGS/build-farm-kernel-$run.log" | grep '\.deb$')
  (cd "$d" && find . -name '*.deb' -printf '%P\0' | LC_ALL=C sort -z | xargs -0r sha256sum) >"$SCRATCH/$run.sums"
  [ -s "$SCRATCH/$run.sums" ]
}

# local_build RUN KEY TREE [OPTION...]: one check line for a build here.
local_build() {
  local run=$1 start=$SECONDS
  if kdebs "$@" && collect "$run"; then
    ok "$run: the test-size packages build here ($((SECONDS - start)) s: $(wc -l <"$SCRATCH/$run.sums") packages)"
  else
    not_ok "$run: kernel-debs.sh (log: $LOGS/build-farm-kernel-$run.log)"
    tail -n 20 "$LOGS/build-farm-kernel-$run.log" | sed 's/^/#   /'
    return 1
  fi
}

# deb_differences A B: what differs between two .debs, for the log (never
# fails): diffoscope's report (its start; the whole in LOGS), else the ar
# members' headers, the listings (names, modes, owners, times) and the
# files whose bytes differ.
deb_differences() {
  local a=$1 b=$2 d report
  report="$LOGS/build-farm-kernel-$(basename "${b%/*}")-${a##*/}.diffoscope.txt"
  if command -v diffoscope >/dev/null; then
    timeout 600 diffoscope --text "$report" "$a" "$b" >/dev/null 2>&1 || true
    if [ -s "$report" ]; then head -n 40 "$report"; echo "(the whole report: $report)"; return 0; fi
    echo "(diffoscope wrote no report)"
  fi
  if command -v ar >/dev/null; then diff <(ar tv "$a") <(ar tv "$b") | sed -n '/^[<>]/p' | head -n 6 || true; fi
  diff <(dpkg-deb -c "$a") <(dpkg-deb -c "$b") | sed -n '/^[<>]/p' | head -n 20 || true
  d=$(mktemp -d "$SCRATCH/debdiff.XXXXXX")
  if dpkg-deb -R "$a" "$d/a" && dpkg-deb -R "$b" "$d/b"; then (cd "$d" && diff -rq a b) | head -n 20 || true; fi
  rm -rf "$d"
}

# same_debs WHAT A B: one check line: runs A and B made sha256-identical
# packages; else which differ, and how.
same_debs() {
  local what=$1 a=$2 b=$3 f
  if cmp -s "$SCRATCH/$a.sums" "$SCRATCH/$b.sums"; then
    ok "$what: the $(wc -l <"$SCRATCH/$a.sums") packages are sha256-identical to $a's"; return 0
  fi
  not_ok "$what: the packages differ from $a's"
  diff "$SCRATCH/$a.sums" "$SCRATCH/$b.sums" | sed -n 's/^[<>]/#   &/p' || true
  for f in "$SCRATCH/debs-$a"/*.deb; do
    [ -f "$SCRATCH/debs-$b/${f##*/}" ] || continue
    cmp -s "$f" "$SCRATCH/debs-$b/${f##*/}" || deb_differences "$f" "$SCRATCH/debs-$b/${f##*/}" | sed "s|^|#   ${f##*/}: |"
  done
  return 0
}

# module_signer RUN: the signer of a module in RUN's linux-image package:
# the issuer's CN in the PKCS#7 signature sign-file appended to it (the
# module ends "~Module signature appended~"); "" if it is not signed.
module_signer() {
  local d deb ko
  d=$(mktemp -d "$SCRATCH/signer.XXXXXX")
  deb=$(find "$SCRATCH/debs-$1" -name 'linux-image-[0-9]*.deb' -print -quit)
  [ -z "$deb" ] || dpkg-deb -x "$deb" "$d"
  ko=$(find "$d" -name '*.ko' -print -quit)
  if [ -n "$ko" ] && [ "$(tail -c 28 "$ko")" = "~Module signature appended~" ]; then
    tail -c 4096 "$ko" | grep -ao 'crossboot farm test [a-z]*' | head -n 1 || true
  fi
  rm -rf "$d"
}

# signed_by RUN KEY: one check line: RUN's modules are signed with KEY.
signed_by() {
  local signer
  signer=$(module_signer "$1")
  check "$1: the modules are signed with the key given (signer: ${signer:-none})" test "$signer" = "crossboot farm test $2"
}

make_key test
make_key other
tree_as linux-farmk-local1
tree_as linux-farmk-local2
tree_as linux-farmk-farm
# Emulation off for the builds (the EXIT trap puts it back as it was).
binfmt_disable qemu-aarch64
check "aarch64 binfmt emulation is off during the builds" bash -c '! grep -qx enabled /proc/sys/fs/binfmt_misc/qemu-aarch64'

local_build local1 test linux-farmk-local1 --fresh || finish
signed_by local1 test
drop_work linux-farmk-local1
# (the build chroot is there now: kernel-debs.sh builds it first)
check "the build chroot's compiler is the hosts' (the release tarball's sha256 in its TOOLCHAIN)" \
  grep -q "^$(sha256_of "$CROSS_TAR")  " "$OUT_ROOT/aarch64/build-chroot/TOOLCHAIN"
local_build local2 test linux-farmk-local2 --fresh || finish
same_debs "a second local build (another work directory, the same command)" local1 local2
# The control: the same tree and work directory, another key: the kernel
# embeds the other certificate and the modules carry other signatures.
if local_build local2-other other linux-farmk-local2; then
  n=$(diff "$SCRATCH/local1.sums" "$SCRATCH/local2-other.sums" | grep -c '^>' || true)
  check "control: with another signing key the packages differ ($n of them)" test "$n" -gt 0
  signed_by local2-other other
fi
drop_work linux-farmk-local2

# --- through the farm, h2 killed in the middle -----------------------------------------------
# kernel-debs.sh starts the distccd stage's client itself: built here first,
# where the stage cache and the network are (the client's namespace has
# neither beyond the farm).
if ! "$TOP/build.sh" aarch64 distccd >"$LOGS/build-farm-kernel-distccd.log" 2>&1; then
  not_ok "the distccd stage (distcc's client) builds (log: $LOGS/build-farm-kernel-distccd.log)"; finish
fi

# farm_build: kernel-debs.sh --distcc in the client's namespace, in the
# background; once h2 has served KILL_AFTER jobs and compiles one (its
# compiler runs: farm_compiling, so the client waits for that result),
# every process in h2's namespace is killed: the machine is gone, mid-job.
# KILLED says whether it was, KILLED_AT after how many of h2's jobs.
farm_build() {
  local pid rc=0 n
  KILLED=no KILLED_AT=0
  KDEBS_IN=(farm_in c)
  kdebs farm test linux-farmk-farm --fresh --distcc "${FARM_ADDR[h1]}/2 ${FARM_ADDR[h2]}/2 ${FARM_ADDR[h3]}/2" &
  pid=$!
  KDEBS_IN=()
  while kill -0 "$pid" 2>/dev/null; do
    n=$(farm_jobs_served h2)
    if [ "$n" -ge "$KILL_AFTER" ] && farm_compiling h2; then
      farm_kill h2
      KILLED=yes KILLED_AT=$n
      break
    fi
    sleep 0.2
  done
  wait "$pid" || rc=$?
  return "$rc"
}
# (the jobs of the refused check above are not the build's)
declare -A before=()
for h in "${HOSTS[@]}"; do before[$h]=$(farm_jobs_served "$h"); done
KILL_AFTER=$((KILL_AFTER + before[h2]))
start=$SECONDS
if farm_build && collect farm; then
  ok "kernel-debs.sh --distcc through the three hosts: the build completes ($((SECONDS - start)) s)"
else
  not_ok "the build through the farm (log: $LOGS/build-farm-kernel-farm.log)"
  tail -n 20 "$LOGS/build-farm-kernel-farm.log" | sed 's/^/#   /'
fi
check "h2 was killed while it compiled a job, after serving $((KILLED_AT - before[h2])) (killed: $KILLED)" test "$KILLED" = yes
check "h2's namespace has no process left" test "$(farm_pids_in h2)" = 0
for h in "${HOSTS[@]}"; do
  n=$(($(farm_jobs_served "$h") - before[$h]))
  check "$h (${FARM_ADDR[$h]}) served jobs ($n COMPILE_OK in its distccd log)" test "$n" -gt 0
done
sed -n '/^distcc: [0-9]* compile jobs/,/^  here /p' "$LOGS/build-farm-kernel-farm.log" | sed 's/^/# /'
check "the build's summary counts h2's failed jobs (redone elsewhere)" \
  grep -Eq "^  ${FARM_ADDR[h2]//./\\.}:3632 +[0-9]+ compiled, [0-9]+ failed" "$LOGS/build-farm-kernel-farm.log"
[ ! -s "$SCRATCH/farm.sums" ] || same_debs "through the farm, h2 killed" local1 farm
finish
