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
mkdir -p "$SCRATCH/tree/scripts/package"
printf 'all:\n' >"$SCRATCH/tree/Makefile"
expect_fail "--estimate with --check is refused" 'builds no packages to --check' \
  "$TOP/scripts/kernel-debs.sh" --estimate --check "$SCRATCH/tree"
finish
