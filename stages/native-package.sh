# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage native-package: the native stage's compiler with ccwrap (built static
# by the cross stage's gcc) under every name a native compiler answers to
# (gcc, cc, g++, c++, cpp and the TRIPLET- ones), as
# native-compiler-ARCH.tar.xz and as a squashfs image for the system image to
# mount read-only (native-compiler-ARCH.sqf); the sources beside them.
STAGE_SUMMARY="the native compiler with ccwrap: tarball and squashfs image"
STAGE_DEPS="native cross"
STAGE_SOURCES="binutils gcc musl gmp mpfr mpc linux make"
STAGE_RECIPES="package"
STAGE_EXPORT=flat

stage_build() {
  local name="native-compiler-$TARGET_ARCH" T=$TARGET_TRIPLET n cross
  local tree="$STAGE_WORK/$name" epoch=$SOURCE_DATE_EPOCH
  cross=$(dep_dir cross)
  mkdir -p "$tree"
  cp -a "$(dep_dir native)/." "$tree/"
  CCWRAP_STRIP="$cross/bin/$T-strip" package_ccwrap "$tree" "$cross/bin/$T-gcc"
  # The plain names of a native compiler go through ccwrap too.
  rm -f "$tree"/bin/{gcc,g++,c++,cpp,cc}
  for n in gcc cc g++ c++ cpp; do ln -s "$T-gcc" "$tree/bin/$n"; done
  native_readme >"$tree/README"
  package_licenses "$tree"
  deterministic_tarball "$STAGE_WORK" "$name" "$STAGE_OUT/$name.tar.xz"
  find "$tree" -exec touch -h -d "@$epoch" {} +
  # (mksquashfs 4.5 refuses its time options while SOURCE_DATE_EPOCH, which
  # the engine exports, is set: the options say the same, explicitly)
  run_logged mksquashfs env -u SOURCE_DATE_EPOCH mksquashfs "$tree" "$STAGE_OUT/$name.sqf" -noappend -all-root \
    -no-xattrs -mkfs-time "$epoch" -all-time "$epoch" -comp xz -processors 1
  package_sources "$STAGE_OUT/$name-sources"
}

native_readme() {
  printf '%s\n' \
    "native-compiler-$TARGET_ARCH: a C and C++ compiler (gcc $(manifest_get gcc version), binutils" \
    "$(manifest_get binutils version)) and GNU make $(manifest_get make version) that run on $TARGET_ARCH Linux," \
    "static, for $TARGET_TRIPLET (musl) and, with a glibc sysroot, for $TARGET_GNU_TRIPLET." \
    "Extract it anywhere and put its bin/ in PATH: gcc, cc, g++, c++ and cpp are ccwrap, which" \
    "finds its directory at run time and gives gcc the headers, libraries and start files under it." \
    "OpenMP: -fopenmp links libgomp; with -static it is in the program, else the program needs" \
    "libgomp.so.1 (in $TARGET_TRIPLET/lib here) where the loader looks, as libstdc++.so.6." \
    "Built by crossboot; the sources are in the -sources directory beside the tarball, the" \
    "licence texts of what it holds in share/licenses/."
}
