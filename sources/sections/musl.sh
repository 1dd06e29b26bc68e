# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe musl (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): the musl C library, with the static libgcc it links against.
RECIPE_NEEDS="host-flags"

# tc_musl SYSROOT DEST: musl's headers, a static libgcc to link it with, musl
# into SYSROOT (for gcc's target libraries) and into DEST.
tc_musl() {
  local sys=$1 dest=$2 src gccb="$STAGE_WORK/gcc-$TC_TARGET" ldso
  src=$(source_dir musl)
  mkdir -p "$STAGE_WORK/musl-$TC_TARGET"
  (
    cd "$STAGE_WORK/musl-$TC_TARGET" || exit
    # shellcheck disable=SC2086 # TC_MUSL_CONFIG is a list of options
    run_logged musl-configure "$src/configure" --prefix= --host="$TC_TARGET" \
      CC="$gccb/gcc/xgcc -B $gccb/gcc" CFLAGS="$(build_cflags)" \
      LIBCC="$gccb/$TC_TARGET/libgcc/libgcc.a" ${TC_MUSL_CONFIG:-}
    run_logged musl-install-headers make install-headers DESTDIR="$sys"
    # enable_shared=no only for libgcc's own make (as musl-cross-make does):
    # on make's command line it would reach libgcc's configure too, and the
    # full build later would then never make libgcc_s.
    (cd "$gccb" && run_logged gcc-libgcc-static make -j"$JOBS" MAKE="make enable_shared=no" all-target-libgcc)
    run_logged musl-make make -j"$JOBS"
    run_logged musl-install-sysroot make install DESTDIR="$sys"
    run_logged musl-install make install DESTDIR="$dest"
  )
  # musl links its loader to an absolute /lib/libc.so; relative, the sysroot
  # works where it is (qemu-user -L, chroots).
  for ldso in "$sys"/lib/ld-musl-*.so.1 "$dest"/lib/ld-musl-*.so.1; do
    ln -sfn libc.so "$ldso"
  done
}

