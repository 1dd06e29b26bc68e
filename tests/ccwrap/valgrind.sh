#!/usr/bin/env bash
# The unit tests and the wrapper binary under valgrind: no memory errors,
# no leaks.  Exec'd runs use a stub compiler; since valgrind stops watching
# at exec, those count as clean when valgrind printed nothing.
set -euo pipefail
# shellcheck source=tests/ccwrap/lib.sh
. "$(dirname "$0")/lib.sh"
make_tmp

if ! command -v valgrind >/dev/null; then
	skip valgrind "valgrind not installed"
	finish
fi
vg=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=all)
build_ccwrap "$tmp/b" CFLAGS="-O1 -g -Wall -Wextra -Werror" "$tmp/b/unit_tests" "$tmp/b/ccwrap" ||
	{ not_ok build; finish; }
top="$tmp/top"
make_fake_install "$top" "$tmp/b/ccwrap"
cc="$top/bin/$T-gcc"

check unit-tests quiet "${vg[@]}" "$tmp/b/unit_tests"

# vg_clean NAME EXPECTED_RC ARGS...: valgrind's own output must be empty.
vg_clean() {
	local name=$1 want=$2 rc=0
	shift 2
	"${vg[@]}" --log-file="$tmp/vg.log" "$@" >/dev/null 2>&1 || rc=$?
	check "$name" test "$rc:$(cat "$tmp/vg.log")" = "$want:"
}
vg_clean print-file-name 0 "$cc" -print-file-name=libgcc.a
vg_clean print-search-dirs 0 "$cc" -print-search-dirs
vg_clean dumpmachine 0 "$top/bin/$GNU-gcc" -dumpmachine
vg_clean error-missing-crt 1 "$cc" -pg x.o
vg_clean error-missing-arg 1 "$cc" x.c -o
vg_clean exec-compile 0 "$cc" -c x.c -o x.o
vg_clean exec-link-cxx 0 "$top/bin/$T-g++" -static x.o -lfoo
vg_clean exec-glibc-link 0 "$top/bin/$GNU-gcc" -shared x.o
CCWRAP_CC=/bin/true CCWRAP_DEBUG=1 vg_clean exec-true 0 "$cc" x.o
printf '%s\n' "-c 'a b.c'" "@$tmp/nested.rsp" >"$tmp/args.rsp"
printf '%s\n' "-DX=1" >"$tmp/nested.rsp"
vg_clean exec-rsp 0 "$cc" "@$tmp/args.rsp"
CCWRAP_CC=/nonexistent vg_clean exec-missing-compiler 1 "$cc" -c x.c
finish
