#!/usr/bin/env bash
# tests/run.sh [--full] [--resume] [--no-install]: the project's test suite.
#
# Default tier (CI): lint, unit tests, ccwrap tests, the `cross` stage built
# from source and the tests that use it. --full adds every later stage and its
# end-to-end tests (hours; resumes from the stage cache). --resume skips each
# test script that passed whole at this same commit in an earlier run (a
# clean checkout only; out/tests/passed.list), so a run stopped after hours
# goes on where it was.
# Ends with "N passed, N failed, N skipped"; exits non-zero if anything failed.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP"
FULL=0 NO_INSTALL=0 RESUME=0
for a in "$@"; do
  case $a in
    --full) FULL=1 ;;
    --resume) RESUME=1 ;;
    --no-install) NO_INSTALL=1 ;;
    -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) printf 'error: unknown option %s (use --full, --resume, --no-install)\n' "$a" >&2; exit 2 ;;
  esac
done

PASSED=0 FAILED=0 SKIPPED=0
LOGS="$TOP/out/tests"
mkdir -p "$LOGS"
# The commit whose passed test scripts --resume skips (none for a checkout
# with changes: what passed was another tree).
PASSED_LIST="$LOGS/passed.list" COMMIT=''
if git -C "$TOP" rev-parse --verify -q HEAD >/dev/null 2>&1 && [ -z "$(git -C "$TOP" status --porcelain)" ]; then
  COMMIT=$(git -C "$TOP" rev-parse HEAD)
fi
if [ "$RESUME" = 1 ] && [ -z "$COMMIT" ]; then
  printf 'note: --resume skips nothing: the checkout has changes (or is not a git checkout)\n'
fi

# build.sh's own prerequisites (HOST_TOOLS), installed before the first test:
# the unit tests run build.sh and the kernel scripts long before the first
# stage build would install them (a fresh machine failed two unit tests).
# shellcheck source=scripts/host-packages.sh
. "$TOP/scripts/host-packages.sh"
# command:Debian-package pairs the tests need beyond build.sh's own. Only
# what a package's Depends bring for certain counts as there: gpg's agent,
# pyflakes3's command and ss come from packages of their own.
TEST_TOOLS="shellcheck:shellcheck pyflakes3:pyflakes3 openssl:openssl qemu-aarch64-static:qemu-user-static valgrind:valgrind
bwrap:bubblewrap keyctl:keyutils distccd:distcc busybox:busybox-static socat:socat
clang:clang aarch64-linux-gnu-gcc-12:gcc-12-aarch64-linux-gnu aarch64-linux-gnu-g++-12:g++-12-aarch64-linux-gnu
cmake:cmake meson:meson pkg-config:pkgconf ss:iproute2 git:git
ninja:ninja-build mmdebstrap:mmdebstrap apt-ftparchive:apt-utils gpg:gpg gpg-agent:gpg-agent"
# Only --full's tests need these (the system image, the reproducibility report).
FULL_TEST_TOOLS="qemu-system-aarch64:qemu-system-arm diffoscope:diffoscope-minimal ip:iproute2"
# Files (not commands) some tests need, with their packages.
TEST_FILES="/usr/aarch64-linux-gnu/lib/libc.so:libc6-dev-arm64-cross
/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev"

# missing_packages (scripts/host-packages.sh) asks have.
have() { command -v "$1" >/dev/null 2>&1; }
missing_test_packages() {
  local tools="$HOST_TOOLS $TEST_TOOLS $TEST_FILES"
  [ "$FULL" = 0 ] || tools+=" $FULL_TEST_TOOLS"
  missing_packages "$tools"
}

install_prereqs() {
  local missing
  missing=$(missing_test_packages | sort -u | tr '\n' ' ')
  [ -n "$missing" ] || return 0
  if [ "$NO_INSTALL" = 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    printf 'installing test prerequisites: %s(apt-get)\n' "$missing"
    # shellcheck disable=SC2086 # a list of package names
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing; } \
      >"$LOGS/apt-install.log" 2>&1 || { printf 'error: apt-get install failed, see %s\n' "$LOGS/apt-install.log"; exit 1; }
  else
    printf 'note: missing test packages (tests needing them will skip): %s\n' "$missing"
  fi
}

# tally LINE...: count ok / not ok / skip lines printed by a test.
tally() {
  local line
  while IFS= read -r line; do
    case $line in
      'not ok '*) FAILED=$((FAILED + 1)) ;;
      'ok '*) PASSED=$((PASSED + 1)) ;;
      'skip '*)
        # Under CI every prerequisite is installed: a skip is a failure
        # (but for inputs the project does not ship: skip_optional).
        if [ "${CI:-}" = true ] && [[ $line != *'[optional input]' ]]; then
          printf 'not ok (CI=true: a skip counts as a failure) %s\n' "${line#skip }"; FAILED=$((FAILED + 1))
        else SKIPPED=$((SKIPPED + 1)); fi ;;
    esac
  done
}

# stop_test STATUS: this run stopped (Ctrl-C, kill): the test running is
# stopped too, and waited for (it removes its scratch), then this exits.
# timeout(1) runs a test in a process group of its own, which neither a
# terminal's Ctrl-C nor a kill of this script's group reaches: without
# this, the test went on alone. timeout passes the TERM on to its group.
TEST_PID=''
stop_test() {
  trap - TERM INT
  if [ -n "$TEST_PID" ]; then
    printf 'stopped: stopping the running test too\n' >&2
    kill -TERM "$TEST_PID" 2>/dev/null || true
    wait "$TEST_PID" 2>/dev/null || true
  fi
  exit "$1"
}
trap 'stop_test 143' TERM
trap 'stop_test 130' INT

# run_test SCRIPT: run one test script, show and count its lines. A script
# that needs longer than TEST_TIMEOUT (default 2400 s) says so on a line
# "# test-timeout: SECONDS".
run_test() {
  local t=$1 name log rc=0 start=$SECONDS limit
  name=${t#tests/}; name=${name%.sh}
  log="$LOGS/${name//\//-}.log"
  limit=$(sed -n 's/^# test-timeout: \([0-9][0-9]*\)$/\1/p' "$t" | head -n1)
  printf '== %s\n' "$name"
  if [ "$RESUME" = 1 ] && [ -n "$COMMIT" ] && grep -qxF "$COMMIT $name" "$PASSED_LIST" 2>/dev/null; then
    printf 'skip %s: passed whole at this commit in an earlier run (--resume; its log: %s)\n' "$name" "$log"
    SKIPPED=$((SKIPPED + 1)); return 0
  fi
  timeout "${TEST_TIMEOUT:-${limit:-2400}}" bash "$t" >"$log" 2>&1 </dev/null &
  TEST_PID=$!
  wait "$TEST_PID" || rc=$?
  TEST_PID=''
  grep -E '^(ok|not ok|skip) |^#' "$log" || true
  tally < <(grep -E '^(ok|not ok|skip) ' "$log")
  if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$log"; then
    printf 'not ok %s (exit %d without a failed check; log: %s)\n' "$name" "$rc" "$log"
    tail -n 15 "$log" | sed 's/^/#   /'
    FAILED=$((FAILED + 1))
  elif ! grep -qE '^(ok|not ok|skip) ' "$log"; then
    printf 'not ok %s (no checks ran; log: %s)\n' "$name" "$log"
    FAILED=$((FAILED + 1))
  elif [ "$rc" = 0 ] && [ -n "$COMMIT" ] && ! grep -qE '^(not ok|skip) ' "$log"; then
    printf '%s %s\n' "$COMMIT" "$name" >>"$PASSED_LIST"
  fi
  printf '   (%ds, log: %s)\n' $((SECONDS - start)) "$log"
}

run_dir() {
  local t
  # Test scripts are executable; lib.sh files are sourced helpers.
  for t in "$1"/*.sh; do
    if [ ! -e "$t" ] || [ "${t##*/}" = lib.sh ]; then continue; fi
    if [ -x "$t" ]; then run_test "$t"; else
      printf 'not ok %s is not executable (chmod +x)\n' "$t"; FAILED=$((FAILED + 1))
    fi
  done
}

# build STAGE [BUILD.SH-OPTION...]: one check line for building a stage.
build() {
  local stage=$1 log="$LOGS/build-$1.log" start=$SECONDS
  printf '== build %s\n' "$stage"
  local opts=("${@:2}")
  [ "$NO_INSTALL" = 0 ] || opts+=(--no-install)
  if ./build.sh "${opts[@]}" aarch64 "$stage" >"$log" 2>&1 </dev/null; then
    grep -E '^\[' "$log" || true
    printf 'ok build %s stage (%ds)\n' "$stage" $((SECONDS - start)); PASSED=$((PASSED + 1))
  else
    printf 'not ok build %s stage (log: %s)\n' "$stage" "$log"; tail -n 40 "$log" | sed 's/^/#   /'
    FAILED=$((FAILED + 1)); return 1
  fi
}

main() {
  install_prereqs
  run_test tests/lint.sh
  run_dir tests/unit
  run_dir tests/ccwrap
  if build cross-package; then
    run_dir tests/cross
  else
    printf 'skip tests/cross/*: the cross-package stage did not build\n'; SKIPPED=$((SKIPPED + 1))
  fi
  if [ "$FULL" = 1 ]; then
    # The release toolchain (static Canadian cross); its tests are in tests/full.
    build canadian-package || true
    # The native compiler (host = target = aarch64), for tests/full/native-compiler.sh.
    build native-package || true
    # The arm64 system image, for tests/full/system-image.sh.
    build sysimage || true
    # The glibc stages for Debian bullseye, the reachable stand-in for focal.
    build build-chroot --distro bullseye || true
    run_dir tests/full
    # A second, independent build of the releases: hours the first time
    # (it resumes from its own stage cache), so a longer timeout.
    TEST_TIMEOUT=${REPRO_TIMEOUT:-36000} run_test tests/reproducible.sh
  fi
  printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
  [ "$FAILED" = 0 ]
}

main
