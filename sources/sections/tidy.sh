# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe tidy (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): what a toolchain does not ship, removed.
RECIPE_NEEDS=""

# tc_tidy DEST: drop documentation, libtool archives and fixincludes' tools,
# and the debug info libgcc builds with regardless of CFLAGS (-g): its paths
# name the build, and a release is the same from any build directory.
# TC_TARGET's strip must be in PATH and run here (the cross stage's does).
# What the target libraries install stays: their archives (libgomp.a too)
# lose only debug info, the shared ones were stripped by install-strip, and
# their headers (omp.h) are in lib/gcc/T/V/include, not the include/ removed.
tc_tidy() {
  local dest=$1
  rm -rf "$dest/share" "$dest/include"
  find "$dest" -name '*.la' -delete
  find "$dest" -type d -name install-tools -prune -exec rm -rf {} +
  find "$dest/lib/gcc/$TC_TARGET" "$dest/$TC_TARGET/lib" \( -name '*.a' -o -name '*.o' \) -type f \
    -exec "$TC_TARGET-strip" --strip-debug -D {} +
}
