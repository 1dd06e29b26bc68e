# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage cross-binutils: assembler, linker and friends for the target, running
# on the build host. The cross stage merges them into its toolchain.
STAGE_DEPS=""
STAGE_SOURCES="binutils"

stage_build() {
  local cflags src
  cflags=$(build_cflags)
  src=$(source_dir binutils)
  # An empty prefix plus DESTDIR keeps every path relative to the install dir.
  # --with-sysroot lets ccwrap's glibc mode pass --sysroot to ld.
  autotools_build binutils "$src" "$STAGE_WORK/binutils" "$STAGE_OUT" \
    --prefix= --target="$TARGET_TRIPLET" --with-sysroot="/$TARGET_TRIPLET" \
    --disable-nls --disable-werror --disable-multilib --disable-gprofng --disable-gdb \
    --disable-sim --without-zstd --without-debuginfod --enable-deterministic-archives \
    CC="$(host_cc)" CXX="$(host_cxx)" CFLAGS="$cflags" CXXFLAGS="$cflags"
  rm -rf "$STAGE_OUT/share" "$STAGE_OUT/lib/bfd-plugins"
}
