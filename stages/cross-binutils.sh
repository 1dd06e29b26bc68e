# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage cross-binutils: assembler, linker and friends for the target, running
# on the build host. The cross stage merges them into its toolchain.
STAGE_SUMMARY="binutils for the target, running on the build host"
STAGE_DEPS=""
STAGE_SOURCES="binutils"
STAGE_RECIPES="binutils"

stage_build() {
  tc_init "$TARGET_TRIPLET"
  tc_binutils "$STAGE_OUT"
}
