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
check build-wrapper build_ccwrap "$tmp/w"
check build-wrapper-static build_ccwrap "$tmp/s" LDFLAGS=-static
finish
