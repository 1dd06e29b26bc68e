#!/usr/bin/env bash
# ccwrap against the real thing: Debian's aarch64-linux-gnu-gcc-12 as the
# "real compiler" inside a fake $top of symlinks into Debian's cross
# toolchain.  Compares the crt files, libraries and linker flags of the
# final link (gcc -###), the header search lists, and the objects
# produced; then builds hello programs and runs them under qemu.
# Needs: gcc-12-aarch64-linux-gnu g++-12-aarch64-linux-gnu
# libc6-dev-arm64-cross qemu-user-static.
set -euo pipefail
# shellcheck source=tests/ccwrap/lib.sh
. "$(dirname "$0")/lib.sh"
make_tmp

dgcc=aarch64-linux-gnu-gcc-12
dgxx=aarch64-linux-gnu-g++-12
dsys=/usr/aarch64-linux-gnu
dlib=/usr/lib/gcc-cross/aarch64-linux-gnu/12
for tool in "$dgcc" "$dgxx" qemu-aarch64-static; do
	if ! command -v "$tool" >/dev/null; then
		skip compare-gcc "$tool not installed"
		finish
	fi
done
if [ ! -e "$dsys/lib/libc.so" ] || [ ! -d "$dsys/include/c++/12" ]; then
	skip compare-gcc "libc6-dev-arm64-cross / libstdc++ headers not installed"
	finish
fi

# Debian's gcc defaults to PIE, so this ccwrap must too.
build_ccwrap "$tmp/b" DEFAULT_PIE=1 || { not_ok build; finish; }

# symlink_dir SRC DST: DST is a new dir of symlinks to SRC's entries.
symlink_dir() {
	local e
	mkdir -p "$2"
	for e in "$1"/*; do ln -s "$e" "$2/${e##*/}"; done
}

top="$tmp/top"
mkdir -p "$top/bin" "$top/libexec/ccwrap" "$top/libexec/gcc/$T" \
	"$top/lib/gcc/$T" "$top/$T/usr"
cp "$tmp/b/ccwrap" "$top/bin/$T-gcc"
for n in "$T-g++" "$GNU-gcc" "$GNU-g++"; do ln -s "$T-gcc" "$top/bin/$n"; done
ln -s "$(command -v "$dgcc")" "$top/libexec/ccwrap/gcc"
ln -s "$(command -v "$dgxx")" "$top/libexec/ccwrap/g++"
ln -s "$dlib" "$top/libexec/gcc/$T/$V"
ln -s "$dlib" "$top/lib/gcc/$T/$V"
ln -s "$dsys/bin" "$top/$T/bin"
ln -s "$dsys/lib" "$top/$T/lib"
# libc.so is a linker script naming $dsys/lib/...; make that exist inside
# the musl-flavour sysroot too.
ln -s "$dsys" "$top/$T$dsys"
symlink_dir "$dsys/include" "$top/$T/include"
rm "$top/$T/include/c++"
symlink_dir "$dsys/include/c++/12" "$top/$T/include/c++/$V"
ln -s "$dsys/include/c++/12/$GNU" "$top/$T/include/c++/$V/$T"

musl_gcc="$top/bin/$T-gcc"
musl_gxx="$top/bin/$T-g++"
gnu_gcc="$top/bin/$GNU-gcc"
export CCWRAP_SYSROOT=$dsys      # glibc flavour: Debian's flat layout
export CCWRAP_DYNAMIC_LINKER=/lib/ld-linux-aarch64.so.1 # for the musl names

cd "$tmp"
printf '#include <stdio.h>\nint main(void){puts("hello");return 0;}\n' >hello.c
printf '#include <iostream>\nint main(){std::cout<<"hello++"<<std::endl;}\n' >hello.cc
"$dgcc" -c hello.c -o h.o
"$dgxx" -c hello.cc -o hxx.o

# linkline CC ARGS...: the final link's crt files (canonical paths),
# libraries and mode flags in order, and the dynamic linker.  A library
# repeated after crtn.o is dropped: the real gcc behind ccwrap appends
# -lgomp, -lgcov etc. after all inputs (ccwrap's crt files included) even
# though ccwrap already put them where gcc would.
linkline() {
	local tok dl='' keep=() end=''
	while IFS= read -r tok; do
		case $tok in
		-plugin* | -L*) ;;
		*crtn.o) keep+=("crt $(realpath -m "$tok")") end=1 ;;
		*crt1.o | *crti.o | *crtbegin*.o | *crtend*.o)
			keep+=("crt $(realpath -m "$tok")") ;;
		-l*)
			[ -n "$end" ] && printf '%s\n' "${keep[@]}" | grep -qxF -- "$tok" ||
				keep+=("$tok") ;;
		--start-group | --end-group | --push-state | --pop-state | \
			--as-needed | --no-as-needed | -Bstatic | -Bdynamic | -pie | \
			-static | -shared | -r | --no-dynamic-linker)
			keep+=("$tok") ;;
		-dynamic-linker) dl=next ;;
		*) [ "$dl" = next ] && dl=$tok ;;
		esac
	done < <("$@" -### 2>&1 | grep collect2 | xargs printf '%s\n')
	printf '%s\n' "${keep[@]}" "dynamic-linker $dl"
}

# same_link NAME DEBIAN_CC OUR_CC ARGS...
same_link() {
	local name=$1 theirs=$2 ours=$3
	shift 3
	if diff <(linkline "$theirs" "$@") <(linkline "$ours" "$@") \
		>"$tmp/diff" 2>&1; then
		ok "link-$name"
	else
		cat "$tmp/diff"
		not_ok "link-$name"
	fi
}

for flavour in musl glibc; do
	[ $flavour = musl ] && ours=$musl_gcc || ours=$gnu_gcc
	same_link "$flavour-dynamic" "$dgcc" "$ours" h.o
	same_link "$flavour-no-pie" "$dgcc" "$ours" -no-pie h.o
	same_link "$flavour-static" "$dgcc" "$ours" -static h.o
	same_link "$flavour-static-pie" "$dgcc" "$ours" -static-pie h.o
	same_link "$flavour-shared" "$dgcc" "$ours" -shared h.o
	same_link "$flavour-static-libgcc" "$dgcc" "$ours" -static-libgcc h.o
	same_link "$flavour-pthread" "$dgcc" "$ours" -pthread h.o
	same_link "$flavour-r" "$dgcc" "$ours" -r h.o
	same_link "$flavour-nostdlib" "$dgcc" "$ours" -nostdlib h.o
	same_link "$flavour-nodefaultlibs" "$dgcc" "$ours" -nodefaultlibs h.o
	same_link "$flavour-fopenmp" "$dgcc" "$ours" -fopenmp h.o
	same_link "$flavour-parallelize-loops" "$dgcc" "$ours" \
		-ftree-parallelize-loops=2 h.o
	same_link "$flavour-fgnu-tm" "$dgcc" "$ours" -fgnu-tm h.o
	same_link "$flavour-coverage" "$dgcc" "$ours" --coverage h.o
	same_link "$flavour-coverage-nodefaultlibs" "$dgcc" "$ours" \
		-nodefaultlibs -fprofile-generate h.o
	same_link "$flavour-fopenmp-nostdlib" "$dgcc" "$ours" -nostdlib -fopenmp h.o
	same_link "$flavour-pg" "$dgcc" "$ours" -pg h.o
done
same_link cxx-dynamic "$dgxx" "$musl_gxx" hxx.o
same_link cxx-static "$dgxx" "$musl_gxx" -static hxx.o
same_link cxx-shared "$dgxx" "$musl_gxx" -shared hxx.o
same_link cxx-static-libstdc++ "$dgxx" "$musl_gxx" -static-libstdc++ hxx.o
same_link cxx-static-libgcc "$dgxx" "$musl_gxx" -static-libgcc hxx.o
same_link cxx-fopenmp "$dgxx" "$musl_gxx" -fopenmp hxx.o
same_link cxx-coverage "$dgxx" "$musl_gxx" --coverage hxx.o

# incdirs CC ARGS...: the <...> header search list, canonical paths.
# Debian's cross gcc also searches the *host's* /usr/include; ccwrap
# deliberately does not, so that entry is dropped.
incdirs() {
	"$@" -E -v - </dev/null 2>&1 >/dev/null |
		sed -n '/<\.\.\.> search starts/,/End of search/p' |
		sed '1d;$d' | while read -r d; do realpath -m "$d"; done |
		grep -vx /usr/include
}
check headers-glibc-c diff <(incdirs "$dgcc" -x c) <(incdirs "$gnu_gcc" -x c)
# musl puts gcc's own dir after libc (gcc's musl INCLUDE_DEFAULTS); the
# fake tree's include dirs are real dirs of symlinks, so map them back.
check headers-musl-cxx diff <(incdirs "$dgxx" -x c++ | sort) \
	<(incdirs "$musl_gxx" -x c++ |
		sed "s#^$top/$T/include/c++/$V#$dsys/include/c++/12#;
		     s#^$top/$T/include#$dsys/include#" | sort)

# Same compiler, same headers: identical objects.
"$gnu_gcc" -c hello.c -o ours-h.o
check object-glibc-c cmp h.o ours-h.o
"$musl_gxx" -c hello.cc -o ours-hxx.o
check object-musl-cxx cmp hxx.o ours-hxx.o

# run NAME EXPECTED PROGRAM
run() {
	local out
	out=$(qemu-aarch64-static -L "$dsys" "./$3" 2>&1) || true
	check "$1" test "$out" = "$2"
}
"$gnu_gcc" hello.c -o hello-glibc && run run-glibc-c hello hello-glibc
"$gnu_gcc" -static hello.c -o hello-static && run run-glibc-static hello hello-static
"$musl_gxx" hello.cc -o hello-cxx && run run-cxx hello++ hello-cxx
finish
