#!/usr/bin/env bash
# scripts/kernel/estimate.sh (kernel-debs.sh --estimate): the report scales
# the sample's time per object up to every object and says what it left
# out; a sample that built nothing is an error; the chroot script is valid
# shell and compiles the sample it draws; --estimate with --check is refused.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

report() {
  bash -c 'set -euo pipefail; JOBS=2 SAMPLE=200; . "$1/scripts/kernel/estimate.sh"; estimate_report "$2"' \
    _ "$TOP" "$1"
}
printf '%s\n' 'prepare_seconds 60' 'objects 15000' 'sample 200' 'sample_built 200' 'sample_seconds 60' \
  >"$SCRATCH/est.txt"
out=$(report "$SCRATCH/est.txt")
check "0.30 s an object" grep -q '0.30 s an object' <<<"$out"
check "15000 objects x 0.3 s = 75 min" grep -q 'estimated compile time: 1.2 h (75 min)' <<<"$out"
check "it says what it leaves out" grep -q 'without linking, modpost and packaging: 1.3 h' <<<"$out"
sed -i 's/^sample_built .*/sample_built 0/' "$SCRATCH/est.txt"
expect_fail "a sample that built nothing is an error" 'no sample object was built' report "$SCRATCH/est.txt"
script=$(bash -c 'JOBS=2 SAMPLE=7; . "$1/targets/aarch64"; . "$1/scripts/kernel/estimate.sh"; estimate_script /build/kcfg/.config' _ "$TOP")
check "the chroot script is valid sh" sh -n <<<"$script"
check "it draws SAMPLE objects with a fixed seed" grep -q 'shuf -n 7 --random-source=' <<<"$script"

# The farm model: the report's arithmetic, and farm_script on a kbuild-like
# directory (paths moved from /build into the scratch directory).
farm() {
  bash -c 'set -euo pipefail; JOBS=2 SAMPLE=200; . "$1/scripts/kernel/estimate.sh"; farm_report "$2" 15000 2' \
    _ "$TOP" "$1"
}
printf '%s\n' '0.40 0.10 0.30 800000 120000 40000 10000' '0.40 0.10 0.30 800000 120000 40000 10000' >"$SCRATCH/farm"
out=$(farm "$SCRATCH/farm")
check "farm: preprocessing is 25% of a compile" grep -q 'preprocessing 0.100 s (25%, stays here)' <<<"$out"
# here: 15000 * 0.4 / 2 = 50 min; 1 host: max(0.05, 0.15) -> 37.5 min; 4: 0.0375 -> 12.5 (0.05 bounds: 12.5)
check "farm: 50 min here, 38 with one host, 12 with 4 (preprocessing bounds it from then on)" \
  grep -q 'here alone 50 min; with compile hosts of 2 cores: 1: 38 min 4: 12 min 16: 12 min 64: 12 min' <<<"$out"
check "farm: the network payload a job" grep -q '781 KiB source out (117 KiB gzip -1), 39 KiB object back (10 KiB gzip -1)' <<<"$out"
# (The chroot's /build has no space; sed puts this path in unquoted.)
B=$(mktemp -d /tmp/crossboot-farm.XXXXXX)
trap 'rm -rf "$SCRATCH" "$B"' EXIT
mkdir -p "$B/est/dir"
printf '#define TWO 2\n' >"$B/est/dir/inc.h"
printf 'int f(void) { return ONE + TWO; }\n' >"$B/est/dir/x.c"
printf 'int g(void) { return 3; }\n' >"$B/est/dir/y.c"
(cd "$B/est" && gcc -c -o dir/x.o -DONE=1 -include dir/inc.h dir/x.c && gcc -c -o dir/y.o dir/y.c)
printf 'cmd_dir/x.o := gcc -Wp,-MMD,dir/.x.o.d -DONE=1 -include dir/inc.h -c -o dir/x.o dir/x.c\n' >"$B/est/dir/.x.o.cmd"
printf 'cmd_dir/y.o := gcc -S dir/y.c\n' >"$B/est/dir/.y.o.cmd"   # control: not a -c -o compile
printf 'dir/x.o\ndir/y.o\ndir/none.o\n' >"$B/est-sample"
bash -c '. "$1/scripts/kernel/estimate.sh"; farm_script' _ "$TOP" | sed "s|/build|$B|g" >"$SCRATCH/farm.sh"
check "farm_script runs" sh "$SCRATCH/farm.sh"
# shellcheck disable=SC2016 # an awk program
check "farm_script: one line, for the one -c -o compile, with 7 fields and a preprocessed size" \
  awk 'END { exit !(NR == 1 && NF == 7 && $4 > 0 && $6 > 0) }' "$B/est-farm"
check "farm_script drops kbuild's -Wp,-MMD (no dependency file written)" test ! -e "$B/est/dir/.x.o.d"
check "farm_script leaves no temporary file" test ! -e "$B/farm.o" -a ! -e "$B/farm.i" -a ! -e "$B/farm-whole.o"
mkdir -p "$SCRATCH/tree/scripts/package"
printf 'all:\n' >"$SCRATCH/tree/Makefile"
expect_fail "--estimate with --check is refused" 'builds no packages to --check' \
  "$TOP/scripts/kernel-debs.sh" --estimate --check "$SCRATCH/tree"
finish
