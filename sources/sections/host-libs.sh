# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe host-libs (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): gmp, mpfr and mpc, static, for the host the compiler runs on.
RECIPE_NEEDS="host-flags autotools"

# tc_host_libs PREFIX: static gmp, mpfr and mpc for the host.
tc_host_libs() {
  local prefix=$1 gmp mpfr mpc
  gmp=$(source_dir gmp)
  mpfr=$(source_dir mpfr)
  mpc=$(source_dir mpc)
  tc_host_args
  local common=(--prefix="$prefix" --disable-shared --enable-static "${TC_ARGS[@]}")
  # --enable-fat: pick CPU-specific code at run time, not for this build host's CPU.
  autotools_build gmp "$gmp" "$STAGE_WORK/gmp" "" "${common[@]}" --enable-fat
  autotools_build mpfr "$mpfr" "$STAGE_WORK/mpfr" "" "${common[@]}" --with-gmp="$prefix"
  autotools_build mpc "$mpc" "$STAGE_WORK/mpc" "" "${common[@]}" --with-gmp="$prefix" \
    --with-mpfr="$prefix"
  rm -rf "$prefix/share" "$prefix"/lib/*.la
}

