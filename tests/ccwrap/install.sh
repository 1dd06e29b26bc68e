#!/usr/bin/env bash
# The built wrapper in a fake install tree (stub compilers print their
# arguments): finding itself through symlinks, symlink farms, relative
# paths, paths with spaces and read-only trees; names; environment;
# error messages.
set -euo pipefail
# shellcheck source=tests/ccwrap/lib.sh
. "$(dirname "$0")/lib.sh"
make_tmp

build_ccwrap "$tmp/b" || { not_ok build; finish; }
top="$tmp/install dir"
make_fake_install "$top" "$tmp/b/ccwrap"
mkdir "$tmp/farm"
ln -s "../install dir/bin/$T-gcc" "$tmp/farm/gcc"
ln -s "../install dir/bin/$T-g++" "$tmp/farm/g++"
ln -s "$top/bin/$GNU-gcc" "$tmp/farm/cc"
ln -s "$top/bin/$T-cpp" "$tmp/farm/cpp"
ln -s "$top/bin/$T-gcc" "$tmp/elsewhere-gcc"

# has OUTPUT LINE: OUTPUT contains LINE as a whole line.
# shellcheck disable=SC2317 # called through check()
has() { grep -qxF -- "$2" <<<"$1"; }

# expect_top NAME OUTPUT: the stub ran from this install, musl flavour.
expect_top() {
	check "$1" has "$2" "-B$top/libexec/gcc/$T/$V/"
}

out=$("$top/bin/$T-gcc" -c x.c)
expect_top absolute-path "$out"
check compile-adds-headers has "$out" "$top/$T/include"
out=$(cd "$top" && ./bin/"$T"-gcc -c x.c)
expect_top relative-path "$out"
out=$(PATH="$top/bin:$PATH" "$T-gcc" -c x.c)
expect_top via-PATH "$out"
out=$("$tmp/elsewhere-gcc" -c x.c)
expect_top symlink-elsewhere "$out"
out=$(PATH="$tmp/farm:$PATH" gcc -c x.c)
expect_top farm-gcc "$out"
check farm-gcc-is-c has "$out" "$top/libexec/ccwrap/gcc"
out=$(PATH="$tmp/farm:$PATH" g++ -c x.c)
check farm-g++-is-cxx has "$out" "$top/libexec/ccwrap/g++"
out=$(PATH="$tmp/farm:$PATH" cpp x.h)
check farm-cpp-adds-E has "$out" "-E"
out=$(PATH="$tmp/farm:$PATH" cc -c x.c)
check farm-cc-to-gnu-name-is-glibc has "$out" "--sysroot=$top/sysroot/$GNU"
out=$("$top/bin/$GNU-gcc" x.o)
check gnu-name-is-glibc has "$out" "$top/sysroot/$GNU/usr/lib/$GNU/crt1.o"
check gnu-dynamic-linker has "$out" "-Wl,-dynamic-linker,/lib/ld-linux-aarch64.so.1"
out=$(CCWRAP_SYSROOT="$top/sysroot/$GNU" PATH="$tmp/farm:$PATH" gcc -c x.c)
check sysroot-env-selects-glibc has "$out" "--sysroot=$top/sysroot/$GNU"

out=$("$top/bin/$T-gcc" x.o)
check link-crt1 has "$out" "$top/$T/lib/crt1.o"
check link-crtend has "$out" "$top/lib/gcc/$T/$V/crtend.o"
check dumpmachine test "$("$top/bin/$T-gcc" -dumpmachine)" = "$T"
check print-file-name test "$("$top/bin/$T-gcc" -print-file-name=libgcc.a)" = \
	"$top/lib/gcc/$T/$V/libgcc.a"

# Without /proc (a private mount namespace with an empty tmpfs on /proc):
# ccwrap must find its install dir by searching $PATH and following the
# symlinks itself.  noproc DIR CMD...: run CMD in DIR there.
noproc_unshare=(unshare --mount --propagation private)
[ "$(id -u)" -eq 0 ] ||
	noproc_unshare=(unshare --user --map-root-user --mount --propagation private)
noproc() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	"${noproc_unshare[@]}" sh -c \
		'mount -t tmpfs none /proc && cd "$1" && shift && exec "$@"' sh "$@"
}
mkdir "$tmp/farm2"
ln -s ../farm/gcc "$tmp/farm2/gcc"
ln -s farm2 "$tmp/farmlink"
if ! command -v unshare >/dev/null; then
	skip no-proc "unshare not installed"
elif ! why=$(noproc / sh -c '! test -e /proc/self/exe' 2>&1); then
	skip no-proc "cannot hide /proc with ${noproc_unshare[*]}: ${why:-no reason given}"
else
	libc="$top/$T/lib/libc.so"
	check no-proc-hidden noproc / sh -c '! test -e /proc/self/exe'
	out=$(noproc / env PATH="$tmp/farm:$PATH" gcc -print-file-name=libc.so)
	check no-proc-PATH-unprefixed test "$out" = "$libc"
	out=$(noproc "$tmp" env PATH="farm2:$PATH" gcc -print-file-name=libc.so)
	check no-proc-relative-PATH-entry test "$out" = "$libc"
	out=$(noproc "$tmp" ./farm/gcc -print-file-name=libc.so)
	check no-proc-relative-farm test "$out" = "$libc"
	out=$(noproc "$tmp" ./farmlink/gcc -print-file-name=libc.so)
	check no-proc-relative-farm-chain test "$out" = "$libc"
	out=$(noproc "$tmp/farm" ./gcc -print-file-name=libc.so)
	check no-proc-relative-dot test "$out" = "$libc"
	out=$(noproc "$tmp/farm2" ../farm/cc -print-sysroot)
	check no-proc-relative-gnu-flavour test "$out" = "$top/sysroot/$GNU"
	err=$(noproc "$tmp" env CCWRAP_DEBUG=1 PATH="$tmp/farm:$PATH" \
		g++ -c x.cc 2>&1 >/dev/null)
	check no-proc-debug-absolute-top has "$err" \
		"ccwrap: '$top/libexec/ccwrap/g++' '-B$top/libexec/gcc/$T/$V/' '-B$top/$T/bin/' '--sysroot=$top/$T' -nostdinc -nostdlib -c x.cc -isystem '$top/$T/include/c++/$V' -isystem '$top/$T/include/c++/$V/$T' -isystem '$top/$T/include/c++/$V/backward' -isystem '$top/$T/include' -isystem '$top/lib/gcc/$T/$V/include'"
	out=$(noproc "$tmp" ./farm/gcc x.o)
	check no-proc-link-crt1 has "$out" "$top/$T/lib/crt1.o"
fi

# rsp files are read from the file system
printf '%s\n' "-c 'my file.c'" >"$tmp/args.rsp"
out=$("$top/bin/$T-gcc" "@$tmp/args.rsp")
check rsp-expanded has "$out" "my file.c"

# environment
out=$(CCWRAP_DYNAMIC_LINKER=/lib/other.so "$top/bin/$T-gcc" x.o)
check env-dynamic-linker has "$out" "-Wl,-dynamic-linker,/lib/other.so"
mkdir -p "$tmp/other/$T/include"
out=$(CCWRAP_TOPDIR="$tmp/other" "$top/bin/$T-gcc" -c x.c)
check env-topdir-headers has "$out" "$tmp/other/$T/include"
expect_top env-topdir-keeps-compiler "$out"
out=$(CCWRAP_CC="echo" "$top/bin/$T-gcc" -c x.c)
check env-cc-from-PATH test "${out#"-B$top/libexec/gcc/$T/$V/ "}" != "$out"
err=$(CCWRAP_DEBUG=1 "$top/bin/$T-gcc" -c x.c 2>&1 >/dev/null)
check env-debug-shell-quoted has "$err" \
	"ccwrap: '$top/libexec/ccwrap/gcc' '-B$top/libexec/gcc/$T/$V/' '-B$top/$T/bin/' '--sysroot=$top/$T' -nostdinc -nostdlib -c x.c -isystem '$top/$T/include' -isystem '$top/lib/gcc/$T/$V/include'"

# errors: one line, exit 1
expect_error() {
	local name=$1 want=$2 rc=0 err
	shift 2
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	check "$name" test "$rc:$err" = "1:$want"
}
expect_error error-missing-cc-env \
	"ccwrap: real compiler not found (looked in /nonexistent/gcc)" \
	env CCWRAP_CC=/nonexistent/gcc "$top/bin/$T-gcc" -c x.c
expect_error error-missing-cc-in-PATH \
	"ccwrap: real compiler not found (looked in \$PATH)" \
	env CCWRAP_CC=no-such-compiler-here "$top/bin/$T-gcc" -c x.c
expect_error error-pg-without-gcrt1 \
	"ccwrap: gcrt1.o not found (looked in $top/lib/gcc/$T/$V:$top/$T/lib)" \
	"$top/bin/$T-gcc" -pg x.o

# read-only install (ccwrap never writes; as root this only shows that)
chmod -R a-w "$top"
out=$("$top/bin/$T-gcc" x.o)
expect_top read-only-install "$out"
chmod -R u+w "$top"
rm "$top/$T/lib/crt1.o"
expect_error error-missing-crt1 \
	"ccwrap: crt1.o not found (looked in $top/lib/gcc/$T/$V:$top/$T/lib)" \
	"$top/bin/$T-gcc" x.o
rm "$top/libexec/ccwrap/gcc"
expect_error error-missing-real-gcc \
	"ccwrap: real compiler not found (looked in $top/libexec/ccwrap/gcc)" \
	"$top/bin/$T-gcc" -c x.c
finish
