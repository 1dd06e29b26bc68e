#!/usr/bin/env bash
# Bounded libFuzzer run (ASan+UBSan) of the rewriting library.
# CCWRAP_FUZZ_TIME sets the seconds (default 60).
set -euo pipefail
# shellcheck source=tests/ccwrap/lib.sh
. "$(dirname "$0")/lib.sh"
make_tmp

if ! command -v clang >/dev/null; then
	skip fuzz "clang not installed"
	finish
fi
if build_ccwrap "$tmp/b" "$tmp/b/fuzz_rewrite"; then
	ok build-fuzzer
	mkdir "$tmp/corpus"
	if "$tmp/b/fuzz_rewrite" -max_total_time="${CCWRAP_FUZZ_TIME:-60}" \
		-max_len=2048 -timeout=10 -rss_limit_mb=2048 \
		"$tmp/corpus" tests/ccwrap/fuzz-seeds >"$tmp/fuzz.log" 2>&1; then
		ok "fuzz ($(grep -o 'Done [0-9]* runs' "$tmp/fuzz.log"))"
	else
		tail -40 "$tmp/fuzz.log"
		not_ok fuzz
	fi
else
	not_ok build-fuzzer
fi
finish
