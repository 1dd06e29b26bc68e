# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe gcc (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): configuring and making gcc.
RECIPE_NEEDS="host-flags"

# tc_gcc_configure BUILD-SYSROOT [OPTION...]: configure gcc (C, C++) for
# TC_TARGET in $STAGE_WORK/gcc-TC_TARGET. Both sysroots use /include and /lib.
# Of the optional target libraries only libgomp (-fopenmp) is built.
tc_gcc_configure() {
  local sys=$1 src cflags; shift
  src=$(source_dir gcc)
  cflags=$(build_cflags)
  tc_host_args
  mkdir -p "$STAGE_WORK/gcc-$TC_TARGET"
  (cd "$STAGE_WORK/gcc-$TC_TARGET" && run_logged "gcc-$TC_TARGET-configure" "$src/configure" \
    --prefix= --target="$TC_TARGET" "${TC_ARGS[@]}" \
    --with-sysroot="/$TC_TARGET" --with-build-sysroot="$sys" \
    --with-native-system-header-dir=/include \
    --with-gmp="$TC_HOSTLIBS" --with-mpfr="$TC_HOSTLIBS" --with-mpc="$TC_HOSTLIBS" --without-isl \
    --enable-languages=c,c++ --disable-multilib --disable-nls --disable-werror \
    --disable-libsanitizer --disable-libitm --disable-libssp \
    --disable-libquadmath --disable-libvtv --disable-libstdcxx-pch \
    --enable-checking=release --with-pkgversion=crossboot \
    --enable-default-pie \
    CFLAGS_FOR_TARGET="$cflags" CXXFLAGS_FOR_TARGET="$cflags" MAKEINFO=true "$@")
  tc_gcc_portable_args "$STAGE_WORK/gcc-$TC_TARGET/Makefile" "$src"
}

# tc_gcc_portable_args MAKEFILE SRC: `gcc -v` prints the configure command
# line, which gcc's own configure takes from the top Makefile. There it
# loses what depends on this build: the cache path (as -ffile-prefix-map
# writes it), the source directory's name (which says where the tarball came
# from) and ccache.
tc_gcc_portable_args() {
  local mk=$1 src=$2 lines i v
  v=$(manifest_get gcc version)
  mapfile -t lines <"$mk"
  for i in "${!lines[@]}"; do
    [[ ${lines[i]} == TOPLEVEL_CONFIGURE_ARGUMENTS=* ]] || continue
    lines[i]=${lines[i]//"$src"//build/src/gcc-$v}
    lines[i]=${lines[i]//"$CACHE"//build}
    lines[i]=${lines[i]//"ccache "/}
  done
  printf '%s\n' "${lines[@]}" >"$mk"
}

# tc_gcc_make TARGET...: make targets in the gcc build directory.
tc_gcc_make() {
  local t
  for t in "$@"; do
    (cd "$STAGE_WORK/gcc-$TC_TARGET" && run_logged "gcc-$TC_TARGET-$t" make -j"$JOBS" "$t")
  done
}

