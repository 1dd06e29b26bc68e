#!/usr/bin/env bash
# dev-environment.sh [--cross DIR] [--jobs N] [--job-LIMIT N...] [RUN-EMULATOR-OPTION...]
#
# run-emulator.sh with the compiling sent back to this host's cross
# compiler through distcc, every compile job in a sandbox of its own
# (distcc-sandbox.sh: bubblewrap; the job sees the compiler read-only and an
# empty private /tmp, nothing else of this host, no network). Nothing
# listens on this host: qemu starts the sandbox for each connection the
# guest makes to 10.0.2.100:3632. More --distcc HOST:PORT[/JOBS] options add
# other machines' distccds (a build farm, see distcc-host.sh) after it.
#
#   --cross DIR     the cross compiler (cross-compiler-ARCH from
#                   cross-compiler-ARCH.tar.xz); default: $CROSSBOOT_CROSS,
#                   else cross-compiler-ARCH beside this directory, else
#                   ARCH-linux-musl-gcc in PATH
#   --jobs N        compile jobs at once (default: this host's CPUs)
#   --job-cpu S     CPU seconds per process of a job (default 600)
#   --job-mem MB    address space per process of a job (default 4096)
#   --job-disk MB   a job's /tmp, and its largest file (default 1024)
#   --job-files N   files in a job's /tmp (default 20000)
#   --job-time S    wall time of a job (default 1800)
#   --job-procs N   processes of a job at once (default 64)
#
# State and the log of this run: distcc/run.XXXXXX/ beside this script
# (distccd.log: one COMPILE_OK line per job), made fresh for each run,
# mode 700, owned by the user running it.
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
PROG=dev-environment
# target.conf: ARCH and TRIPLET (the cross compiler's) of this image.
# shellcheck source=/dev/null
. "$HERE/target.conf"
# shellcheck source=sysimage/distcc-state.sh
. "$HERE/distcc-state.sh"

PASS=()
while [ $# -gt 0 ]; do
  case $1 in
    --cross|--jobs|--job-*) common_option "$1" "${2:-}" || die "unknown option '$1'"; shift ;;
    -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) PASS+=("$1") ;;
  esac
  shift
done

sandbox_tools
find_cross
new_state "$HERE/distcc"
JOBS=${JOBS:-$(nproc)}
write_sandbox_conf "$JOBS"
say "compile jobs in a sandbox each, $JOBS at once, compiler $CROSS (log: $STATE/distccd.log)"
exec "$HERE/run-emulator.sh" --distcc-sandbox "$STATE" "${PASS[@]}"
