# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage native: a compiler that runs on the target itself (Aboriginal's
# native-compiler): binutils, gcc (C, C++) and GNU make built with build =
# this host and host = target = TARGET_TRIPLET by the cross stage, every
# program static and relocatable. The target libraries (musl, libgcc,
# libstdc++, ...) are the cross stage's, copied, as the canadian stage does;
# native-package adds ccwrap and packages it.
STAGE_SUMMARY="a static compiler that runs on the target (gcc, binutils, make)"
STAGE_DEPS="cross"
STAGE_SOURCES="binutils gcc gmp mpfr mpc make"
STAGE_RECIPES="canadian make tidy"

stage_build() {
  local cross
  cross=$(dep_dir cross)
  export PATH="$cross/bin:$PATH"
  canadian_toolchain "$TARGET_TRIPLET" "$cross"
  make_build "$STAGE_OUT"
  tc_tidy "$STAGE_OUT"
  check_static_host_programs "$STAGE_OUT"
}
