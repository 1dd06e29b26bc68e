#!/usr/bin/env bash
# tc_gcc_portable_args (recipe gcc, sources/sections/gcc.sh): the configure line that `gcc -v`
# prints loses the cache path, the source directory's name and ccache, and
# the rest of gcc's top Makefile is left as it was. Paths with a space.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

CACHE_DIR="$SCRATCH/my cache"
SRC="$CACHE_DIR/src/gcc-12.2.0-534fc50d945e"
MK="$SCRATCH/Makefile"
{
  printf 'SHELL = /bin/sh\n'
  printf "TOPLEVEL_CONFIGURE_ARGUMENTS=%s/configure --prefix= CC='ccache x86_64-linux-musl-gcc -static' --with-gmp=%s/work/aarch64/canadian/host-libs\n" "$SRC" "$CACHE_DIR"
  printf 'tools:\n\t@echo "%s" \\\n\t  done\n' "$CACHE_DIR"
} >"$MK"
cp "$MK" "$SCRATCH/before"
bash -c 'set -euo pipefail; TOP=$1 CACHE=$2; . "$TOP/scripts/lib.sh"; use_recipes test gcc; tc_gcc_portable_args "$3" "$4"' \
  _ "$TOP" "$CACHE_DIR" "$MK" "$SRC"
want="TOPLEVEL_CONFIGURE_ARGUMENTS=/build/src/gcc-12.2.0/configure --prefix= CC='x86_64-linux-musl-gcc -static' --with-gmp=/build/work/aarch64/canadian/host-libs"
check "the configure line names no build path and no ccache" test "$(sed -n 2p "$MK")" = "$want"
check "every other line is unchanged" cmp <(sed 2d "$SCRATCH/before") <(sed 2d "$MK")
finish
