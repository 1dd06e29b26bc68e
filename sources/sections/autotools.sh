# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe autotools (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): configure, make, make install, logged.
RECIPE_NEEDS="host-flags"

# autotools_build NAME SRC BUILD DESTDIR [CONFIGURE-ARGS...]: configure out of
# tree, make, make install (into DESTDIR when not empty); steps logged as NAME-*.
# INSTALL_TARGET (default install) may name another, such as install-strip.
autotools_build() {
  local name=$1 src=$2 build=$3 destdir=$4 cross; shift 4
  # A host of another CPU gets --build too (configure_build_arg: host-flags).
  cross=$(configure_build_arg "$@")
  [ -z "$cross" ] || set -- "$cross" "$@"
  mkdir -p "$build"
  (
    cd "$build" || exit
    run_logged "$name-configure" "$src/configure" "$@"
    run_logged "$name-make" make -j"$JOBS" MAKEINFO=true
    run_logged "$name-install" make "${INSTALL_TARGET:-install}" MAKEINFO=true ${destdir:+DESTDIR="$destdir"}
  )
}

