# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage host-libs: gmp, mpfr and mpc as static libraries for the build host,
# so gcc never depends on the host's -dev packages or their versions.
STAGE_DEPS=""
STAGE_SOURCES="gmp mpfr mpc"

stage_build() {
  TC_HOST='' TC_CC=$(host_cc) TC_CXX=$(host_cxx) TC_LDFLAGS=''
  tc_host_libs "$STAGE_OUT"
}
