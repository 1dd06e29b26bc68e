# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage canadian-package: the product, out/TARGET/cross-compiler-ARCH.tar.xz.
# The canadian stage's static toolchain and the gdb stage's debugger, with
# ccwrap built static by host-cc, and the compile host (recipe
# compile-host): bin/crossboot-compile-host serves this toolchain to distcc
# clients with the distccd stage's static daemon, each job in the system
# image's sandbox.
STAGE_SUMMARY="the product: cross-compiler-ARCH.tar.xz"
STAGE_DEPS="canadian gdb host-cc distccd"
STAGE_SOURCES="binutils gcc musl gmp mpfr mpc linux distcc gdb ncurses expat"
STAGE_RECIPES="package compile-host"
STAGE_EXPORT=flat

stage_build() {
  package_toolchain "$(dep_dir canadian)" "$(dep_dir host-cc)/bin/x86_64-linux-musl-gcc" \
    "-flto works without a linker plugin (a static ld cannot load one): gcc's collect2 runs the LTO step. Archives of LTO objects need -ffat-lto-objects, as ar cannot index slim LTO objects without the plugin." \
    canadian_compile_host "$(dep_dir gdb)"
}

# canadian_compile_host TREE: package_toolchain's extra step.
canadian_compile_host() { compile_host_install "$1" "$(dep_dir distccd)/bin/distccd"; }
