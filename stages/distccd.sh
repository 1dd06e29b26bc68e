# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage distccd: distcc's daemon and client for x86_64 Linux, static (built
# by host-cc, so they run on any x86_64 Linux whatever its libc, an older
# distribution's chroot included), from the pinned distcc with the
# project's patches (scripts/patches/distcc/: the daemon's second wall).
# distccd serves the compile hosts: the system image's (sysimage) and the
# release tarball's (canadian-package, bin/crossboot-compile-host); the
# client is what scripts/kernel-debs.sh --distcc runs in the build chroot.
# With them, crossboot-jobstart (sysimage/jobstart/), which starts each
# job's sandbox, static too.
# Result: bin/distccd, bin/distcc, bin/crossboot-jobstart (out/TARGET/distccd/).
STAGE_SUMMARY="static x86_64 distccd, distcc and the job sandbox's starter: compile hosts, the kernel build's client"
STAGE_DEPS="host-cc"
STAGE_SOURCES="distcc"
STAGE_RECIPES="distcc"
STAGE_INPUTS="sysimage/jobstart"
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
  run_logged jobstart make -C "$TOP/sysimage/jobstart" O="$STAGE_WORK/jobstart" \
    CC=x86_64-linux-musl-gcc CFLAGS="$(build_cflags)" LDFLAGS=-static
  install -m 755 -s --strip-program=x86_64-linux-musl-strip "$STAGE_WORK/jobstart/crossboot-jobstart" "$STAGE_OUT/bin/"
  check_static_x86_64 "$STAGE_OUT/bin/distccd" "$STAGE_OUT/bin/distcc" "$STAGE_OUT/bin/crossboot-jobstart"
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
