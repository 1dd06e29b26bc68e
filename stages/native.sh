# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage native: a compiler that runs on the target itself (Aboriginal's
# native-compiler): binutils, gcc (C, C++) and GNU make built with build =
# this host and host = target = TARGET_TRIPLET by the cross stage, every
# program static and relocatable. The target libraries (musl, libgcc,
# libstdc++, ...) are the cross stage's, copied, as the canadian stage does;
# native-package adds ccwrap and packages it.
STAGE_DEPS="cross"
STAGE_SOURCES="binutils gcc gmp mpfr mpc make"
STAGE_INPUTS="scripts/canadian"
# shellcheck source=scripts/canadian/lib.sh
. "$TOP/scripts/canadian/lib.sh"

stage_build() {
  local cross
  cross=$(dep_dir cross)
  export PATH="$cross/bin:$PATH"
  canadian_toolchain "$TARGET_TRIPLET" "$cross"
  native_make "$STAGE_OUT"
  tc_tidy "$STAGE_OUT"
  check_static_host_programs "$STAGE_OUT"
}

# native_make DEST: GNU make for the target, static, as DEST/bin/make.
native_make() {
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
