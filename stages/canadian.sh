# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage canadian: the cross compiler users get. binutils and gcc (C, C++)
# built with build = this host, host = x86_64-linux-musl (host-cc), target =
# TARGET_TRIPLET, every host program static: it runs on any x86_64 Linux,
# whatever its libc, including an older distribution's chroot. The target
# libraries (musl, libgcc, libstdc++, ...) are the cross stage's, copied, not
# rebuilt: the same gcc sources and options make the same files.
STAGE_SUMMARY="the static cross compiler users get (runs on any x86_64 Linux)"
STAGE_DEPS="host-cc cross"
STAGE_SOURCES="binutils gcc gmp mpfr mpc"
STAGE_RECIPES="canadian tidy"

HOST_TRIPLET=x86_64-linux-musl

stage_build() {
  local hostcc cross
  hostcc=$(dep_dir host-cc)
  cross=$(dep_dir cross)
  # host-cc's tools make host programs; cross's are the target's as and ld,
  # which gcc's configure asks what they support.
  export PATH="$hostcc/bin:$cross/bin:$PATH"
  # ccache knows the compilers by the keys of the stages that made them: a
  # host-cc rebuilt from the same inputs (a new mtime) still hits, and one
  # whose cc1 changed misses even where its driver is byte for byte the same
  # (ccache's "content" check hashes the driver only); the build machine's
  # gcc (the generator programs') by its version line.
  CCACHE_COMPILERCHECK="string:host-cc ${hostcc##*/} cross ${cross##*/} $(gcc -v 2>&1 | tail -n 1)"
  export CCACHE_COMPILERCHECK
  canadian_toolchain "$HOST_TRIPLET" "$cross"
  tc_tidy "$STAGE_OUT"
  check_static_host_programs "$STAGE_OUT"
}
