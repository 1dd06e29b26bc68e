# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe cross-toolchain (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): gcc, musl and kernel headers for TC_TARGET in one gcc build.
RECIPE_NEEDS="linux-headers gcc musl tidy"

# tc_cross_toolchain DEST KARCH [GCC-OPTION...]: gcc (C, C++), musl and the
# kernel headers for TC_TARGET into DEST, where TC_TARGET's binutils already
# are. One gcc build, not two: all-gcc first, then musl's headers, a static
# libgcc, musl itself, and only then gcc's target libraries (libgcc,
# libstdc++, libatomic, libgomp: its omp.h, openacc.h and acc_prof.h go to
# lib/gcc/T/V/include, libgomp.so, .a and .spec to T/lib).
tc_cross_toolchain() {
  local dest=$1 karch=$2 T=$TC_TARGET; shift 2
  local sys="$STAGE_WORK/sysroot-$T"   # what the target libraries build against
  export PATH="$dest/bin:$PATH"
  mkdir -p "$sys/include" "$sys/lib" "$dest/$T/include" "$dest/$T/lib"
  ln -sfn . "$sys/usr"
  ln -sfn . "$dest/$T/usr"
  # gcc installs 64-bit target libraries into lib64; the musl loader and
  # ccwrap look in lib, so both are one directory.
  ln -sfn lib "$sys/lib64"
  ln -sfn lib "$dest/$T/lib64"
  tc_linux_headers "$karch" "$STAGE_WORK/kheaders-$T"
  cp -a "$STAGE_WORK/kheaders-$T/include/." "$sys/include/"
  cp -a "$STAGE_WORK/kheaders-$T/include/." "$dest/$T/include/"
  tc_gcc_configure "$sys" "$@"
  tc_gcc_make all-gcc
  tc_musl "$sys" "$dest/$T"
  tc_gcc_make all
  (cd "$STAGE_WORK/gcc-$T" && run_logged "gcc-$T-install" make install-strip DESTDIR="$dest")
  tc_tidy "$dest"
}

