# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe binutils (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): binutils for TC_TARGET.
RECIPE_NEEDS="host-flags autotools"

# tc_binutils DEST: binutils for TC_TARGET, running on TC_HOST, into DEST.
# An empty prefix plus DESTDIR keeps every path relative to the install dir;
# --with-sysroot lets ccwrap's glibc mode pass --sysroot to ld.
tc_binutils() {
  local dest=$1 src INSTALL_TARGET=install-strip
  src=$(source_dir binutils)
  tc_host_args
  autotools_build "binutils-$TC_TARGET" "$src" "$STAGE_WORK/binutils-$TC_TARGET" "$dest" \
    --prefix= --target="$TC_TARGET" --with-sysroot="/$TC_TARGET" \
    --disable-nls --disable-werror --disable-multilib --disable-gprofng --disable-gdb \
    --disable-sim --without-zstd --without-debuginfod --enable-deterministic-archives \
    "${TC_ARGS[@]}"
  rm -rf "$dest/share" "$dest/lib/bfd-plugins"
}

