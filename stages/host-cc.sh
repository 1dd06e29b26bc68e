# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage host-cc: an x86_64-linux-musl cross compiler (C, C++) from the same
# pinned sources, used only to build the static host programs of the
# Canadian cross (a gcc linked against the build host's glibc would not run
# on an older one).
STAGE_SUMMARY="an x86_64-linux-musl compiler for the static host programs"
STAGE_DEPS="host-libs"
STAGE_SOURCES="binutils gcc musl linux"
STAGE_RECIPES="binutils cross-toolchain"

stage_build() {
  tc_init x86_64-linux-musl "$(dep_dir host-libs)"
  # musl's older malloc: cc1 linked against the default one (mallocng) took
  # 1.21x the CPU time of Debian's glibc-hosted gcc on a kernel workload; with
  # oldmalloc 1.02x (tests/bench/compile-speed.sh, median of 5). The host
  # programs are compilers and linkers: speed matters more here than
  # mallocng's hardening. (mimalloc measured 1.00x but is one more source.)
  TC_MUSL_CONFIG=--with-malloc=oldmalloc
  tc_binutils "$STAGE_OUT"
  # No libgomp: nothing built with this compiler uses OpenMP.
  tc_cross_toolchain "$STAGE_OUT" x86 --disable-libgomp
}
