# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage gdb: the debugger. TARGET_TRIPLET-gdb for x86_64 hosts, static (built
# by host-cc, like the canadian stage's programs) and relocatable, and a
# static gdbserver for the target (built by the cross stage), which the
# release tarball and the system image ship.
STAGE_SUMMARY="gdb for the host and a static gdbserver for the target"
STAGE_DEPS="host-cc cross"
STAGE_SOURCES="gdb ncurses expat gmp mpfr mpc"
STAGE_RECIPES="gdb"

HOST_TRIPLET=x86_64-linux-musl

stage_build() {
  local libs="$STAGE_WORK/host-libs"
  local hostcc cross
  hostcc=$(dep_dir host-cc)
  cross=$(dep_dir cross)
  PATH="$hostcc/bin:$cross/bin:$PATH"
  # The compilers known to ccache by their stages' keys (see stages/canadian.sh).
  CCACHE_COMPILERCHECK="string:host-cc ${hostcc##*/} cross ${cross##*/} $(gcc -v 2>&1 | tail -n 1)"
  export CCACHE_COMPILERCHECK
  tc_init_static "$TARGET_TRIPLET" "$HOST_TRIPLET" "$libs"
  tc_host_libs "$libs"
  gdb_ncurses "$libs"
  gdb_expat "$libs"
  gdb_host "$STAGE_OUT" "$libs"
  gdb_server "$STAGE_OUT/$TARGET_TRIPLET/debug-root/usr"
  check_static "$STAGE_OUT/bin/$TARGET_TRIPLET-gdb" "$STAGE_OUT/$TARGET_TRIPLET/debug-root/usr/bin/gdbserver"
}

# check_static FILE...: each is a static ELF executable.
check_static() {
  local f info
  for f in "$@"; do
    info=$(readelf -ldW "$f") || die "not an ELF file: $f"
    [[ $info != *'program interpreter'* && $info != *'(NEEDED)'* ]] || die "not static: $f"
  done
}
