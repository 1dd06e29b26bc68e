# shellcheck shell=bash
# Shared helpers for the ccwrap test scripts (sourced, not run).
# The ok/not_ok/skip/check/finish helpers come from tests/testlib.sh.

# shellcheck source=tests/testlib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../testlib.sh"
CCWRAP_SRC=${CCWRAP_SRC:-$TOP/ccwrap}

# quiet CMD...: CMD without its stdout.
quiet() { "$@" >/dev/null; }

# A temp dir removed on exit; sets $tmp. No space in its name: make cannot
# take O= paths with spaces (install.sh tests installs in such paths).
make_tmp() {
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
}

# build_ccwrap DIR [make vars...]: build the wrapper (and more) into DIR.
build_ccwrap() {
	local dir=$1
	shift
	make -s -C "$CCWRAP_SRC" O="$dir" "$@" >"$dir.build.log" 2>&1 ||
		{ cat "$dir.build.log" >&2; return 1; }
}

T=aarch64-linux-musl
GNU=aarch64-linux-gnu
V=12.2.0

# make_fake_install TOP CCWRAP_BINARY: the layout the toolchain stage
# produces, with empty crt/lib files and stub compilers that print their
# argv (one per line) instead of compiling.
make_fake_install() {
	local top=$1 bin=$2 f
	mkdir -p "$top/bin" "$top/libexec/ccwrap" "$top/libexec/gcc/$T/$V" \
		"$top/lib/gcc/$T/$V/include" "$top/$T/lib" "$top/$T/include" \
		"$top/$T/bin" "$top/sysroot/$GNU/usr/lib/$GNU" \
		"$top/sysroot/$GNU/usr/include/$GNU"
	cp "$bin" "$top/bin/$T-gcc"
	for f in cc g++ c++ cpp; do ln -s "$T-gcc" "$top/bin/$T-$f"; done
	for f in gcc cc g++ c++ cpp; do ln -s "$T-gcc" "$top/bin/$GNU-$f"; done
	for f in gcc g++; do
		# shellcheck disable=SC2016 # $0 and $@ belong to the stub
		printf '#!/bin/sh\nprintf "%%s\\n" "$0" "$@"\n' >"$top/libexec/ccwrap/$f"
		chmod +x "$top/libexec/ccwrap/$f"
	done
	for f in crtbegin.o crtbeginS.o crtbeginT.o crtend.o crtendS.o \
		libgcc.a libgcc_eh.a; do
		: >"$top/lib/gcc/$T/$V/$f"
	done
	for f in crt1.o Scrt1.o rcrt1.o crti.o crtn.o libc.a libc.so libgcc_s.so; do
		: >"$top/$T/lib/$f"
		: >"$top/sysroot/$GNU/usr/lib/$GNU/$f"
	done
}
