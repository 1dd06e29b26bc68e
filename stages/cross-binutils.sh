# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage cross-binutils: assembler, linker and friends for the target, running
# on the build host. The cross stage merges them into its toolchain.
STAGE_DEPS=""
STAGE_SOURCES="binutils"

stage_build() {
  TC_TARGET=$TARGET_TRIPLET TC_HOST='' TC_CC=$(host_cc) TC_CXX=$(host_cxx) TC_LDFLAGS=''
  tc_binutils "$STAGE_OUT"
}
