#!/usr/bin/env bash
# The licenses recipe (sources/sections/licenses.sh) on fake sources: each
# component's licence texts land in share/licenses/COMPONENT/ with their
# paths (files and whole directories), a component without any gets a
# NOTICE, a text missing from its source stops it with one line naming both,
# a component missing from the table too; and the real table has a line for
# every source of every stage that ships one.
# bash -c scripts are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

R="$SCRATCH/sections"
mkdir -p "$R/licenses" "$SCRATCH/src/alpha/doc/legal" "$SCRATCH/src/beta"
cp "$TOP/sources/sections/licenses.sh" "$R/"
printf 'read me\n' >"$R/licenses/README"
cat >"$R/licenses/components" <<'EOF'
# test table
alpha: MIT AND BSD-2-Clause | COPYING doc/legal
beta: GPL-2.0-only | LICENSE
own: this project's licence |
EOF
printf 'alpha licence\n' >"$SCRATCH/src/alpha/COPYING"
printf 'legal\n' >"$SCRATCH/src/alpha/doc/legal/BSD"
# run CMD...: CMD with the recipe loaded, source_dir the fake sources, the
# shell options scripts/lib.sh sets.
run() {
  bash -c 'set -euo pipefail; shopt -s inherit_errexit; RECIPE_DIR=$1 SRC=$2; shift 2
    die() { printf "error: %s\n" "$*" >&2; exit 1; }
    source_dir() { printf "%s/%s\n" "$SRC" "$1"; }
    . "$RECIPE_DIR/licenses.sh"; "$@"' _ "$R" "$SCRATCH/src" "$@"
}

check "license_spdx gives the SPDX expression" test "$(run license_spdx alpha)" = "MIT AND BSD-2-Clause"
T1="$SCRATCH/tree one"
run ship_licenses "$T1" alpha own
check "files and directories land with their source paths" bash -c '
  [ "$(cat "$1/share/licenses/alpha/COPYING")" = "alpha licence" ] &&
  [ "$(cat "$1/share/licenses/alpha/doc/legal/BSD")" = legal ]' _ "$T1"
check "the README explaining them is there" test -s "$T1/share/licenses/README"
check "a component without licence paths gets a NOTICE naming its licence" \
  grep -q "^Licence: this project's licence" "$T1/share/licenses/own/NOTICE"
expect_fail "a licence text missing from its source is one line naming it" \
  "^error: beta: licence text LICENSE is not in its source" run ship_licenses "$SCRATCH/tree two" beta
expect_fail "a component missing from the table is one line naming the table" \
  "^error: no licence for 'gamma' in sources/sections/licenses/components$" run ship_licenses "$SCRATCH/tree three" gamma

# Every source of the stages that ship licence texts has its line.
missing=""
for s in cross-package canadian-package native-package sysimage glibc-runtime; do
  # shellcheck disable=SC2013 # the value is a list of words
  for p in $(sed -n 's/^STAGE_SOURCES="\(.*\)"$/\1/p' "$TOP/stages/$s.sh"); do
    grep -q "^$p: [^|]* | [^ ]" "$TOP/sources/sections/licenses/components" || missing+=" $s:$p"
  done
done
if [ -z "$missing" ]; then ok "the licence table has every shipped source, with its licence texts"
else not_ok "the licence table lacks:$missing"; fi
finish
