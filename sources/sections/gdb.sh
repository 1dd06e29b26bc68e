# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe gdb (sources/sections/): the debugger for TARGET_TRIPLET that runs on
# the host (static, relocatable, with ncurses, expat, gmp and mpfr linked in)
# and a static gdbserver that runs on the target.
RECIPE_NEEDS="host-flags host-libs autotools"

# gdb is configured for this prefix, which is never used: gdb finds its data
# directory and its sysroot relative to its own binary when both are under
# the prefix (gdb's "relocatable" directories), as gcc does with --prefix=.
GDB_PREFIX=/crossboot

# musl's SIGRTMIN is a function (35: it keeps three for itself) and it has
# no __SIGRTMIN, so gdb would number real-time signals from 35 on the target
# and from 32 on glibc: the kernel's range, 32 to 64, is what gdb means.
GDB_SIGNAL_FLAGS="-DREALTIME_LO=32 -DREALTIME_HI=65"

# gdb_ncurses PREFIX: static ncursesw for TC_HOST (readline's termcap and the
# TUI), reading the host's terminfo database (Debian's and most others'
# directories) at run time; no programs, no database of its own.
gdb_ncurses() {
  local src
  src=$(source_dir ncurses)
  tc_host_args
  autotools_build ncurses "$src" "$STAGE_WORK/ncurses" "" --prefix="$1" "${TC_ARGS[@]}" \
    --with-build-cc=gcc --without-shared --without-cxx-binding --without-ada \
    --without-manpages --without-progs --without-tests --without-debug --enable-widec \
    --disable-db-install --disable-home-terminfo \
    --with-terminfo-dirs=/etc/terminfo:/lib/terminfo:/usr/share/terminfo \
    --with-default-terminfo-dir=/usr/share/terminfo
}

# gdb_expat PREFIX: static expat for TC_HOST (gdb reads the target's register
# descriptions and library lists as XML). CMake, not configure: Debian's
# tarball (the fallback) is a git archive without a configure script.
gdb_expat() {
  local src cc=${TC_CC%% -static*} launcher=()
  src=$(source_dir expat)
  if [[ $cc == "ccache "* ]]; then launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache); cc=${cc#ccache }; fi
  run_logged expat-configure cmake -S "$src" -B "$STAGE_WORK/expat" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_INSTALL_PREFIX="$1" -DCMAKE_INSTALL_LIBDIR=lib -DCMAKE_C_COMPILER="$cc" "${launcher[@]}" \
    -DCMAKE_C_FLAGS="$(build_cflags)" -DEXPAT_SHARED_LIBS=OFF -DEXPAT_BUILD_TOOLS=OFF \
    -DEXPAT_BUILD_EXAMPLES=OFF -DEXPAT_BUILD_TESTS=OFF -DEXPAT_BUILD_DOCS=OFF \
    -DEXPAT_BUILD_FUZZERS=OFF -DEXPAT_BUILD_PKGCONFIG=OFF
  run_logged expat-make cmake --build "$STAGE_WORK/expat" -j "$JOBS"
  run_logged expat-install cmake --install "$STAGE_WORK/expat"
}

# gdb_configure NAME [OPTION...]: gdb's top-level configure in
# $STAGE_WORK/NAME for TARGET_TRIPLET, with what neither gdb needs left out.
gdb_configure() {
  local name=$1 src cross; shift
  src=$(source_dir gdb)
  cross=$(configure_build_arg "$@")
  [ -z "$cross" ] || set -- "$cross" "$@"
  mkdir -p "$STAGE_WORK/$name"
  (cd "$STAGE_WORK/$name" && run_logged "$name-configure" "$src/configure" \
    --prefix="$GDB_PREFIX" --target="$TARGET_TRIPLET" \
    --disable-nls --disable-werror --disable-sim --disable-binutils --disable-ld \
    --disable-gas --disable-gold --disable-gprof --disable-gprofng \
    --without-python --without-guile --without-babeltrace --without-debuginfod \
    --without-lzma --without-zstd --without-xxhash --without-intel-pt \
    --disable-source-highlight --without-system-readline --without-system-zlib \
    MAKEINFO=true "$@")
}

# gdb_host DEST LIBS: TARGET_TRIPLET-gdb for TC_HOST (static, by TC_CC) with
# LIBS (ncurses, expat, gmp, mpfr) into DEST: bin/ and share/gdb/, its
# sysroot the toolchain's TARGET_TRIPLET/ wherever DEST is moved.
gdb_host() {
  local dest=$1 libs=$2 cflags
  cflags="$(build_cflags) $GDB_SIGNAL_FLAGS"
  gdb_configure gdb --host="$TC_HOST" CC="$TC_CC" CXX="$TC_CXX" CFLAGS="$cflags" CXXFLAGS="$cflags" \
    CPPFLAGS="-I$libs/include -I$libs/include/ncursesw" LDFLAGS="$TC_LDFLAGS -L$libs/lib" \
    --with-sysroot="$GDB_PREFIX/$TARGET_TRIPLET" --disable-gdbserver --enable-tui --with-curses \
    --with-expat --with-libexpat-prefix="$libs" --with-libgmp-prefix="$libs" \
    --with-mpfr --with-libmpfr-prefix="$libs"
  (cd "$STAGE_WORK/gdb" && run_logged gdb-make make -j"$JOBS" all-gdb MAKEINFO=true &&
    run_logged gdb-install make install-strip-gdb MAKEINFO=true DESTDIR="$STAGE_WORK/gdb-install")
  grep -q '^#define HAVE_LIBEXPAT 1' "$STAGE_WORK/gdb/gdb/config.h" || die "gdb was built without expat"
  grep -q '^#define HAVE_LIBMPFR 1' "$STAGE_WORK/gdb/gdb/config.h" || die "gdb was built without mpfr"
  mkdir -p "$dest/bin" "$dest/share"
  cp -a "$STAGE_WORK/gdb-install$GDB_PREFIX/bin/$TARGET_TRIPLET-gdb" "$dest/bin/"
  cp -a "$STAGE_WORK/gdb-install$GDB_PREFIX/share/gdb" "$dest/share/"
}

# gdb_server DEST: gdbserver for the target, static, by TARGET_TRIPLET-gcc
# (in PATH), as DEST/bin/gdbserver.
gdb_server() {
  local dest=$1 cflags T=$TARGET_TRIPLET
  cflags="$(build_cflags) $GDB_SIGNAL_FLAGS"
  # No in-process agent: it is a shared library, and fast tracepoints are
  # all that need it.
  gdb_configure gdbserver --host="$T" --disable-gdb --enable-gdbserver --disable-inprocess-agent \
    CC="$T-gcc" CXX="$T-g++" CFLAGS="$cflags" CXXFLAGS="$cflags" LDFLAGS="-static"
  (cd "$STAGE_WORK/gdbserver" && run_logged gdbserver-make make -j"$JOBS" all-gdbserver MAKEINFO=true)
  mkdir -p "$dest/bin"
  install -m 755 -s --strip-program="$T-strip" "$STAGE_WORK/gdbserver/gdbserver/gdbserver" "$dest/bin/gdbserver"
}
