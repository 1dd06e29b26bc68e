# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage host-cc: an x86_64-linux-musl cross compiler (C, C++) from the same
# pinned sources, used only to build the static host programs of the
# Canadian cross (a gcc linked against the build host's glibc would not run
# on an older one).
STAGE_DEPS="host-libs"
STAGE_SOURCES="binutils gcc musl linux"

stage_build() {
  TC_TARGET=x86_64-linux-musl TC_HOST='' TC_CC=$(host_cc) TC_CXX=$(host_cxx) TC_LDFLAGS=''
  TC_HOSTLIBS=$(dep_dir host-libs)
  tc_binutils "$STAGE_OUT"
  tc_cross_toolchain "$STAGE_OUT" x86
}
