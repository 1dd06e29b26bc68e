# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe make (sources/sections/): GNU make for the target.
RECIPE_NEEDS="host-flags autotools"

# make_build DEST: GNU make for the target, static, as DEST/bin/make.
make_build() {
  local src
  src=$(source_dir make)
  # Debian's make-dfsg tarball (the fallback source) has no configure script
  # and no doc/: generate it in a copy (the source cache is shared), with the
  # two fixes Debian's own diff makes (configure.ac names Makefile twice; no
  # manual page, which is not shipped anyway).
  if [ ! -x "$src/configure" ]; then
    rm -rf "$STAGE_WORK/make-src"
    cp -a "$src" "$STAGE_WORK/make-src"
    src="$STAGE_WORK/make-src"
    sed -i 's|po/Makefile.in Makefile \\|po/Makefile.in \\|' "$src/configure.ac"
    sed -i 's|^man_MANS *=.*|man_MANS =|' "$src/Makefile.am"
    (cd "$src" && run_logged make-autoreconf autoreconf -fi)
  fi
  tc_host_args
  INSTALL_TARGET=install-strip autotools_build make "$src" "$STAGE_WORK/make" "$1" \
    --prefix= --disable-nls --without-guile "${TC_ARGS[@]}" STRIP="$TARGET_TRIPLET-strip"
}
