# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage host-libs: gmp, mpfr and mpc as static libraries for the build host,
# so gcc never depends on the host's -dev packages or their versions.
STAGE_SUMMARY="gmp, mpfr and mpc, static, for the build host"
STAGE_DEPS=""
STAGE_SOURCES="gmp mpfr mpc"
STAGE_RECIPES="host-libs"

stage_build() {
  tc_init ""
  tc_host_libs "$STAGE_OUT"
}
