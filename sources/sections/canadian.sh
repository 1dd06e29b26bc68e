# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe canadian (sources/sections/): gcc built for another host than this
# one, with the target libraries of the cross stage: the canadian stage (host
# x86_64-linux-musl) and the native one (host = target). Its patches are in
# sources/sections/canadian/.
RECIPE_NEEDS="host-flags host-libs binutils gcc"

# canadian_toolchain HOST CROSS: binutils and gcc's host programs for
# TARGET_TRIPLET that run on HOST, static, into STAGE_OUT, built by HOST-gcc
# (in PATH), with the target libraries of CROSS (the cross stage). Sets the
# TC_* variables for the tc_* recipes that follow (tc_tidy).
canadian_toolchain() {
  local host=$1 cross=$2
  tc_init_static "$TARGET_TRIPLET" "$host" "$STAGE_WORK/host-libs"
  tc_host_libs "$TC_HOSTLIBS"
  tc_binutils "$STAGE_OUT"
  canadian_gcc "$cross/$TARGET_TRIPLET"
  reuse_target_libs "$cross" "$STAGE_OUT"
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
  canadian_checksum_options "$gccb"
  tc_gcc_make all-gcc
  grep -q '^#define HAVE_LTO_PLUGIN 0' "$gccb/gcc/auto-host.h" ||
    die "gcc still expects an LTO linker plugin (see $gccb/gcc/auto-host.h)"
  (cd "$gccb" && run_logged "gcc-$TARGET_TRIPLET-install" make install-strip-gcc DESTDIR="$STAGE_OUT")
  rm -f "$STAGE_OUT/libexec/gcc/$TARGET_TRIPLET/$v"/liblto_plugin.*
}

# canadian_checksum_options BUILD: cc1 and cc1plus carry a checksum (it
# validates precompiled headers) of their objects and of gcc/checksum-options,
# the link command, whose flags hold this build's cache directory
# (-ffile-prefix-map): two builds in different directories would differ in
# those 16 bytes and the build ID. gcc's Makefile writes the file only when
# it is missing, so it is written here first, with the cache directory and
# ccache left out as in TOPLEVEL_CONFIGURE_ARGUMENTS.
canadian_checksum_options() {
  local build=$1 line
  line="$TC_CXX $(build_cflags) $TC_LDFLAGS"
  line=${line//"$CACHE"//build}
  line=${line//"ccache "/}
  mkdir -p "$build/gcc"
  printf '%s\n' "$line" >"$build/gcc/checksum-options"
}

# canadian_gcc_patches BUILD: sources/sections/canadian/*.patch, fixes that matter
# only without the linker plugin, for this gcc alone (patching the shared
# source would rebuild every gcc). gcc's Makefile finds sources through VPATH,
# so a patched copy in the build directory takes the source file's place.
canadian_gcc_patches() {
  local build=$1 src p f
  src=$(source_dir gcc)
  for p in "$RECIPE_DIR"/canadian/*.patch; do
    f=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p" | head -n 1)
    [ -n "$f" ] || die "${p##*/}: no file to patch"
    mkdir -p "$build/${f%/*}"
    patch -s -o "$build/$f" "$src/$f" <"$p" || die "${p##*/} does not apply to gcc's $f"
  done
}

# reuse_target_libs CROSS DEST: from CROSS, the sysroot (musl, kernel
# headers, libstdc++, libgcc_s, libatomic, libgomp and libgomp.spec),
# libgcc's archives and start files, and the headers the target libraries
# install into gcc's own include directory (libgcc's unwind.h and gcov.h,
# libgomp's omp.h, openacc.h and acc_prof.h), which this gcc's install-gcc
# does not have.
reuse_target_libs() {
  local cross=$1 dest=$2 T=$TARGET_TRIPLET v f inc added=()
  v=$(manifest_get gcc version)
  # Not $T/bin: those are cross's binutils (dynamic), the canadian's are there.
  find "$cross/$T" -mindepth 1 -maxdepth 1 ! -name bin -exec cp -a {} "$dest/$T/" \;
  for f in "$cross/lib/gcc/$T/$v"/*.a "$cross/lib/gcc/$T/$v"/*.o; do
    cp -a "$f" "$dest/lib/gcc/$T/$v/"
  done
  # Only what is missing: gcc's own headers are this build's.
  inc="lib/gcc/$T/$v/include"
  for f in "$cross/$inc"/*; do
    [ ! -e "$dest/$inc/${f##*/}" ] || continue
    cp -a "$f" "$dest/$inc/"
    added+=("${f##*/}")
  done
  msg "  the target libraries' headers from the cross stage: ${added[*]:-none}"
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
