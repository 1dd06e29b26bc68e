# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage distccd: distcc's daemon and client for x86_64 Linux, static (built
# by host-cc, so they run on any x86_64 Linux whatever its libc, an older
# distribution's chroot included), from the pinned distcc with the
# project's patches (scripts/patches/distcc/: the daemon's second wall).
# distccd serves the compile hosts: the system image's (sysimage) and the
# release tarball's (canadian-package, bin/crossboot-compile-host); the
# client is what scripts/kernel-debs.sh --distcc runs in the build chroot.
# Result: bin/distccd, bin/distcc (out/TARGET/distccd/).
STAGE_SUMMARY="static x86_64 distccd and distcc: compile hosts, the kernel build's client"
STAGE_DEPS="host-cc"
STAGE_SOURCES="distcc"
STAGE_RECIPES="distcc"
STAGE_EXPORT=1

stage_build() {
  local hostcc p
  hostcc=$(dep_dir host-cc)
  export PATH="$hostcc/bin:$PATH"
  distcc_build x86_64-linux-musl "$STAGE_WORK/distcc-host"
  mkdir -p "$STAGE_OUT/bin"
  for p in distccd distcc; do
    install -m 755 -s --strip-program=x86_64-linux-musl-strip "$STAGE_WORK/distcc-host/usr/bin/$p" "$STAGE_OUT/bin/$p"
  done
  check_static_x86_64 "$STAGE_OUT/bin/distccd" "$STAGE_OUT/bin/distcc"
}

# check_static_x86_64 FILE...: each is an x86-64 executable that loads
# nothing (no program interpreter, no shared library).
check_static_x86_64() {
  local f info
  for f in "$@"; do
    info=$(readelf -hldW "$f") || die "$f is not an ELF file"
    [[ $info == *'Machine:'*'X86-64'* ]] || die "$f is not an x86-64 program"
    [[ $info != *'program interpreter'* && $info != *'(NEEDED)'* ]] || die "$f is not static"
  done
}
