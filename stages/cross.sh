# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage cross: the simple cross compiler. gcc (C, C++) for the target, its
# musl C library and the kernel's headers, next to cross-binutils' tools.
# Runs on the build host and from wherever it is copied.
#
# One gcc build, not two: all-gcc first, then musl's headers, a static libgcc,
# musl itself, and only then gcc's target libraries (as musl-cross-make does).
STAGE_DEPS="host-libs cross-binutils"
STAGE_SOURCES="gcc musl linux"
STAGE_EXPORT=1

stage_build() {
  local out=$STAGE_OUT T=$TARGET_TRIPLET
  local sys=$STAGE_WORK/sysroot       # headers and libc the target libraries build against
  cp -a "$(dep_dir cross-binutils)/." "$out/"
  export PATH="$out/bin:$PATH"
  mkdir -p "$sys/include" "$sys/lib" "$out/$T/include"
  # Both sysroots use /include and /lib; /usr points back to them.
  ln -sfn . "$sys/usr"
  ln -sfn . "$out/$T/usr"

  cross_linux_headers "$STAGE_WORK/kheaders"
  cp -a "$STAGE_WORK/kheaders/include/." "$sys/include/"
  cp -a "$STAGE_WORK/kheaders/include/." "$out/$T/include/"

  cross_gcc_configure "$sys"
  (cd "$STAGE_WORK/gcc" && run_logged gcc-all-gcc make -j"$JOBS" all-gcc)

  cross_musl "$sys" "$out/$T"

  (cd "$STAGE_WORK/gcc" && run_logged gcc-all make -j"$JOBS" all &&
    run_logged gcc-install make install-strip DESTDIR="$out")
  cross_tidy "$out"
}

cross_linux_headers() {
  local dest=$1 src
  src=$(source_dir linux)
  run_logged linux-headers make -C "$src" O="$STAGE_WORK/linux" ARCH="$TARGET_KARCH" \
    HOSTCC="$(host_cc)" INSTALL_HDR_PATH="$dest" headers_install
}

cross_gcc_configure() {
  local sys=$1 src cflags hostlibs
  src=$(source_dir gcc)
  cflags=$(build_cflags)
  hostlibs=$(dep_dir host-libs)
  mkdir -p "$STAGE_WORK/gcc"
  # shellcheck disable=SC2086 # TARGET_GCC_CONFIG is a list of options
  (cd "$STAGE_WORK/gcc" && run_logged gcc-configure "$src/configure" \
    --prefix= --target="$TARGET_TRIPLET" \
    --with-sysroot="/$TARGET_TRIPLET" --with-build-sysroot="$sys" \
    --with-native-system-header-dir=/include \
    --with-gmp="$hostlibs" --with-mpfr="$hostlibs" --with-mpc="$hostlibs" --without-isl \
    --enable-languages=c,c++ --disable-multilib --disable-nls --disable-werror \
    --disable-libsanitizer --disable-libgomp --disable-libitm --disable-libssp \
    --disable-libquadmath --disable-libvtv --disable-libstdcxx-pch \
    --enable-checking=release --with-pkgversion=crossboot \
    $TARGET_GCC_CONFIG \
    CC="$(host_cc)" CXX="$(host_cxx)" CFLAGS="$cflags" CXXFLAGS="$cflags" \
    CFLAGS_FOR_TARGET="$cflags" CXXFLAGS_FOR_TARGET="$cflags" MAKEINFO=true)
}

# cross_musl SYSROOT DEST: musl's headers, a static libgcc to link it with,
# musl into SYSROOT for gcc's target libraries, and musl into DEST.
cross_musl() {
  local sys=$1 dest=$2 src gccb=$STAGE_WORK/gcc
  src=$(source_dir musl)
  local xgcc="$gccb/gcc/xgcc -B $gccb/gcc"
  mkdir -p "$STAGE_WORK/musl"
  (
    cd "$STAGE_WORK/musl" || exit
    run_logged musl-configure "$src/configure" --prefix= --host="$TARGET_TRIPLET" \
      CC="$xgcc" CFLAGS="$(build_cflags)" LIBCC="$gccb/$TARGET_TRIPLET/libgcc/libgcc.a"
    run_logged musl-install-headers make install-headers DESTDIR="$sys"
    (cd "$gccb" && run_logged gcc-libgcc-static make -j"$JOBS" enable_shared=no all-target-libgcc)
    run_logged musl-make make -j"$JOBS"
    run_logged musl-install-sysroot make install DESTDIR="$sys"
    run_logged musl-install make install DESTDIR="$dest"
  )
  # musl links its loader to an absolute /lib/libc.so; make it relative so the
  # sysroot works where it is (qemu-user -L, chroots).
  ln -sfn libc.so "$dest/lib/${TARGET_MUSL_LDSO##*/}"
  ln -sfn libc.so "$sys/lib/${TARGET_MUSL_LDSO##*/}"
}

cross_tidy() {
  local out=$1
  rm -rf "$out/share" "$out/include"
  find "$out" -name '*.la' -delete
  find "$out" -type d -name install-tools -prune -exec rm -rf {} +
}
