# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage canadian-package: the product, out/TARGET/cross-compiler-ARCH.tar.xz.
# The canadian stage's static toolchain and the gdb stage's debugger, with
# ccwrap built static by host-cc.
STAGE_SUMMARY="the product: cross-compiler-ARCH.tar.xz"
STAGE_DEPS="canadian gdb host-cc"
STAGE_SOURCES="binutils gcc musl gmp mpfr mpc linux gdb ncurses expat"
STAGE_RECIPES="package"
STAGE_EXPORT=flat

stage_build() {
  package_toolchain "$(dep_dir canadian)" "$(dep_dir host-cc)/bin/x86_64-linux-musl-gcc" \
    "-flto works without a linker plugin (a static ld cannot load one): gcc's collect2 runs the LTO step. Archives of LTO objects need -ffat-lto-objects, as ar cannot index slim LTO objects without the plugin." "$(dep_dir gdb)"
}
