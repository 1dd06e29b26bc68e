# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage cross: the simple cross compiler. gcc (C, C++) for the target, its
# musl C library and the kernel's headers, next to cross-binutils' tools.
# Runs on the build host and from wherever it is copied.
STAGE_SUMMARY="the simple cross compiler: gcc, musl, kernel headers (build host only)"
STAGE_DEPS="host-libs cross-binutils"
STAGE_SOURCES="gcc musl linux"
STAGE_RECIPES="cross-toolchain"
STAGE_EXPORT=1

stage_build() {
  cp -a "$(dep_dir cross-binutils)/." "$STAGE_OUT/"
    # A copy at a fixed path: gcc's compile commands name it, and ccache only
  # hits when they stay the same from one host-libs key to the next.
  tc_init "$TARGET_TRIPLET" "$STAGE_WORK/host-libs"
  cp -a "$(dep_dir host-libs)" "$TC_HOSTLIBS"
  # shellcheck disable=SC2086 # TARGET_GCC_CONFIG is a list of options
  tc_cross_toolchain "$STAGE_OUT" "$TARGET_KARCH" $TARGET_GCC_CONFIG
}
