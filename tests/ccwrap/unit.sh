#!/usr/bin/env bash
# Builds and runs the table-driven unit tests of ccwrap's rewriting.
set -euo pipefail
# shellcheck source=tests/ccwrap/lib.sh
. "$(dirname "$0")/lib.sh"
make_tmp

if build_ccwrap "$tmp/b" "$tmp/b/unit_tests"; then
	ok build-unit-tests
	if "$tmp/b/unit_tests"; then ok unit-tests; else not_ok unit-tests; fi
else
	not_ok build-unit-tests
fi
# CFLAGS / EXTRA_CFLAGS from the caller add flags but cannot turn off the
# mandatory warnings and -std=c11.
# shellcheck disable=SC2317 # called through check()
flags_kept() {
	local cmd
	cmd=$(CFLAGS='-O1 -w -Wno-error -std=gnu89' make -s -n -C "$CCWRAP_SRC" \
		O="$tmp/n" EXTRA_CFLAGS='-Wno-extra -fno-common' "$tmp/n/ccwrap") &&
		grep -q -- ' -O1 .*-fno-common .*-std=c11 -Wall -Wextra -Werror ' <<<"$cmd" &&
		! grep -q -- ' -w ' <<<"$cmd"
}
check makefile-keeps-warnings flags_kept
check build-wrapper build_ccwrap "$tmp/w"
check build-wrapper-static build_ccwrap "$tmp/s" LDFLAGS=-static
finish
