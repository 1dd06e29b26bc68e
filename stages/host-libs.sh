# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage host-libs: gmp, mpfr and mpc as static libraries for the build host,
# so gcc never depends on the host's -dev packages or their versions.
STAGE_DEPS=""
STAGE_SOURCES="gmp mpfr mpc"

stage_build() {
  local prefix=$STAGE_OUT cc cxx cflags gmp mpfr mpc
  cc=$(host_cc)
  cxx=$(host_cxx)
  cflags=$(build_cflags)
  gmp=$(source_dir gmp)
  mpfr=$(source_dir mpfr)
  mpc=$(source_dir mpc)
  local common=(--prefix="$prefix" --disable-shared --enable-static
    CC="$cc" CXX="$cxx" CFLAGS="$cflags" CXXFLAGS="$cflags")
  # --enable-fat: pick CPU-specific code at run time, not for this build host's CPU.
  autotools_build gmp "$gmp" "$STAGE_WORK/gmp" "" "${common[@]}" --enable-fat
  autotools_build mpfr "$mpfr" "$STAGE_WORK/mpfr" "" "${common[@]}" --with-gmp="$prefix"
  autotools_build mpc "$mpc" "$STAGE_WORK/mpc" "" "${common[@]}" --with-gmp="$prefix" \
    --with-mpfr="$prefix"
  rm -rf "$prefix/share" "$prefix"/lib/*.la
}
