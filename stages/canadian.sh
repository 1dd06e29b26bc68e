# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage canadian: the cross compiler users get. binutils and gcc (C, C++)
# built with build = this host, host = x86_64-linux-musl (host-cc), target =
# TARGET_TRIPLET, every host program static: it runs on any x86_64 Linux,
# whatever its libc, including an older distribution's chroot. The target
# libraries (musl, libgcc, libstdc++, ...) are the cross stage's, copied, not
# rebuilt: the same gcc sources and options make the same files.
STAGE_DEPS="host-cc cross"
STAGE_SOURCES="binutils gcc gmp mpfr mpc"
STAGE_INPUTS="scripts/canadian"

HOST_TRIPLET=x86_64-linux-musl

stage_build() {
  local hostcc cross cc
  hostcc=$(dep_dir host-cc)
  cross=$(dep_dir cross)
  # host-cc's tools make host programs; cross's are the target's as and ld,
  # which gcc's configure asks what they support.
  export PATH="$hostcc/bin:$cross/bin:$PATH"
  # A host-cc rebuilt from the same inputs has a new mtime but an identical
  # driver: let ccache see that.
  export CCACHE_COMPILERCHECK=content
  # -static for gcc's own links; --static, which libtool does not swallow as
  # it does -static, for binutils' (as musl-cross-make does).
  cc="$HOST_TRIPLET-gcc -static --static"
  if have ccache; then cc="ccache $cc"; fi
  TC_TARGET=$TARGET_TRIPLET TC_HOST=$HOST_TRIPLET TC_CC=$cc TC_CXX=${cc/-gcc /-g++ } TC_LDFLAGS=-static
  TC_HOSTLIBS="$STAGE_WORK/host-libs"
  tc_host_libs "$TC_HOSTLIBS"
  tc_binutils "$STAGE_OUT"
  canadian_gcc "$cross/$TARGET_TRIPLET"
  reuse_target_libs "$cross" "$STAGE_OUT"
  tc_tidy "$STAGE_OUT"
  check_static_host_programs "$STAGE_OUT"
}

# canadian_gcc BUILD-SYSROOT: gcc's host programs only (all-gcc); no target
# libraries. A static ld cannot dlopen gcc's LTO linker plugin, so gcc is
# told there is no plugin linker (HAVE_LTO_PLUGIN 0): -flto then goes through
# collect2 and lto-wrapper, which need no plugin.
canadian_gcc() {
  local sys=$1 v gccb="$STAGE_WORK/gcc-$TARGET_TRIPLET"
  v=$(manifest_get gcc version)
  # shellcheck disable=SC2086 # TARGET_GCC_CONFIG is a list of options
  tc_gcc_configure "$sys" $TARGET_GCC_CONFIG --without-plugin-ld \
    CC_FOR_BUILD="$(host_cc)" CXX_FOR_BUILD="$(host_cxx)"
  canadian_gcc_patches "$gccb"
  tc_gcc_make all-gcc
  grep -q '^#define HAVE_LTO_PLUGIN 0' "$gccb/gcc/auto-host.h" ||
    die "gcc still expects an LTO linker plugin (see $gccb/gcc/auto-host.h)"
  (cd "$gccb" && run_logged "gcc-$TARGET_TRIPLET-install" make install-strip-gcc DESTDIR="$STAGE_OUT")
  rm -f "$STAGE_OUT/libexec/gcc/$TARGET_TRIPLET/$v"/liblto_plugin.*
}

# canadian_gcc_patches BUILD: scripts/canadian/*.patch, fixes that matter
# only without the linker plugin, for this gcc alone (patching the shared
# source would rebuild every gcc). gcc's Makefile finds sources through VPATH,
# so a patched copy in the build directory takes the source file's place.
canadian_gcc_patches() {
  local build=$1 src p f
  src=$(source_dir gcc)
  for p in "$TOP"/scripts/canadian/*.patch; do
    f=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p" | head -n 1)
    [ -n "$f" ] || die "${p##*/}: no file to patch"
    mkdir -p "$build/${f%/*}"
    patch -s -o "$build/$f" "$src/$f" <"$p" || die "${p##*/} does not apply to gcc's $f"
  done
}

# reuse_target_libs CROSS DEST: the sysroot (musl, kernel headers, libstdc++,
# libgcc_s, libatomic) and libgcc's archives and start files, from CROSS.
reuse_target_libs() {
  local cross=$1 dest=$2 T=$TARGET_TRIPLET v f
  v=$(manifest_get gcc version)
  # Not $T/bin: those are cross's binutils (dynamic), the canadian's are there.
  find "$cross/$T" -mindepth 1 -maxdepth 1 ! -name bin -exec cp -a {} "$dest/$T/" \;
  for f in "$cross/lib/gcc/$T/$v"/*.a "$cross/lib/gcc/$T/$v"/*.o; do
    cp -a "$f" "$dest/lib/gcc/$T/$v/"
  done
}

# check_static_host_programs DIR: every ELF executable outside the target's
# directories is static (no program interpreter, no needed libraries).
check_static_host_programs() {
  local dir=$1 f n=0 info
  while IFS= read -r -d '' f; do
    info=$(readelf -ldW "$f" 2>/dev/null) || continue   # not ELF
    [[ $info != *'program interpreter'* ]] || die "not static: ${f#"$dir"/}"
    [[ $info != *'(NEEDED)'* ]] || die "needs shared libraries: ${f#"$dir"/}"
    n=$((n + 1))
  done < <(find "$dir/bin" "$dir/libexec" "$dir/$TARGET_TRIPLET/bin" -type f -perm -u+x -print0)
  [ "$n" -gt 10 ] || die "found only $n host programs in $dir"
  msg "  $n host programs, all static"
}
