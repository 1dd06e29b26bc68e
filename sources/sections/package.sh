# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe package (sources/sections/): a toolchain made relocatable with
# ccwrap in front of gcc, with pkg-config wrappers, README, MANIFEST, CMake
# and Meson files (the templates are in sources/sections/package/) and the
# licence texts of what it ships (recipe licenses).
RECIPE_NEEDS="tarball licenses"
# ccwrap's sources (not its README or tests) are built into every package.
RECIPE_INPUTS="ccwrap/Makefile ccwrap/*.c ccwrap/*.h"

# package_toolchain SRC-DIR HOST-CC LTO-NOTE [EXTRA [MORE-DIR...]]:
# SRC-DIR's toolchain, with what each MORE-DIR holds added (the debugger),
# ccwrap (built by HOST-CC) in front of gcc, README, MANIFEST, CMake and Meson
# files, as STAGE_OUT/cross-compiler-ARCH.tar.xz, with the sources beside
# it. EXTRA ('' for none): a function the stage defines, run with the tree
# before it is packed (canadian-package adds the compile host).
package_toolchain() {
  local src=$1 hostcc=$2 lto_note=$3 extra=${4:-} name="cross-compiler-$TARGET_ARCH" d
  local tree="$STAGE_WORK/$name"
  shift 3
  [ $# -eq 0 ] || shift
  mkdir -p "$tree"
  for d in "$src" "$@"; do cp -a "$d/." "$tree/"; done
  package_ccwrap "$tree" "$hostcc"
  package_pkg_config "$tree"
  package_files "$tree" "$lto_note"
  package_licenses "$tree"
  [ -z "$extra" ] || "$extra" "$tree"
  deterministic_tarball "$STAGE_WORK" "$name" "$STAGE_OUT/$name.tar.xz"
  package_sources "$STAGE_OUT/$name-sources"
}

# package_ccwrap TREE HOST-CC: the real drivers move to libexec/ccwrap;
# ccwrap, built static by HOST-CC so it runs on any host of its kind, takes
# their names (stripped by $CCWRAP_STRIP, default strip).
package_ccwrap() {
  local tree=$1 hostcc=$2 T=$TARGET_TRIPLET G=$TARGET_GNU_TRIPLET v n
  v=$(manifest_get gcc version)
  mkdir -p "$tree/libexec/ccwrap"
  mv "$tree/bin/$T-gcc" "$tree/libexec/ccwrap/gcc"
  mv "$tree/bin/$T-g++" "$tree/libexec/ccwrap/g++"
  rm -f "$tree/bin/$T-c++" "$tree/bin/$T-cpp" "$tree/bin/$T-cc" "$tree/bin/$T-gcc-$v"
  run_logged ccwrap-build make -C "$TOP/ccwrap" O="$STAGE_WORK/ccwrap" CC="$hostcc" LDFLAGS=-static \
    TRIPLET="$T" GCC_VERSION="$v" DYNAMIC_LINKER="$TARGET_MUSL_LDSO" \
    GNU_TRIPLET="$G" GNU_DYNAMIC_LINKER="$TARGET_GLIBC_LDSO" DEFAULT_PIE=1
  install -m 755 -s --strip-program="${CCWRAP_STRIP:-strip}" "$STAGE_WORK/ccwrap/ccwrap" "$tree/bin/$T-gcc"
  for n in cc g++ c++ cpp; do ln -s "$T-gcc" "$tree/bin/$T-$n"; done
  for n in gcc cc g++ c++ cpp; do ln -s "$T-gcc" "$tree/bin/$G-$n"; done
}

# package_pkg_config TREE: bin/TRIPLET-pkg-config, the host's pkg-config
# reading only the target's .pc files, and the glibc name for it. A script,
# not a pkgconf of our own: the host's is what Debian's cross wrappers run,
# and ours would be one more pinned source and static program to build and
# keep reproducible for four environment variables (README, pkg-config).
package_pkg_config() {
  local tree=$1
  fill_template "$RECIPE_DIR/package/pkg-config.in" "$tree/bin/$TARGET_TRIPLET-pkg-config"
  chmod 755 "$tree/bin/$TARGET_TRIPLET-pkg-config"
  ln -s "$TARGET_TRIPLET-pkg-config" "$tree/bin/$TARGET_GNU_TRIPLET-pkg-config"
}

# fill_template IN OUT [LTO-NOTE] [LIBC]: replace @NAME@ placeholders with
# this build's values; @CC_TRIPLET@ and @LIBC@ are the compiler names'
# triplet and the C library of the file's flavour (musl, the default, or
# glibc).
fill_template() {
  local note=${3:-} libc=${4:-musl} cc=$TARGET_TRIPLET
  [ "$libc" = musl ] || cc=$TARGET_GNU_TRIPLET
  note=${note//\\/\\\\}; note=${note//&/\\&}; note=${note//|/\\|}   # literal in sed
  sed -e "s|@LTO_NOTE@|$note|g" -e "s|@TRIPLET@|$TARGET_TRIPLET|g" -e "s|@GNU_TRIPLET@|$TARGET_GNU_TRIPLET|g" \
    -e "s|@CC_TRIPLET@|$cc|g" -e "s|@LIBC@|$libc|g" \
    -e "s|@ARCH@|$TARGET_ARCH|g" -e "s|@GCC_VERSION@|$(manifest_get gcc version)|g" \
    -e "s|@BINUTILS_VERSION@|$(manifest_get binutils version)|g" \
    -e "s|@MUSL_VERSION@|$(manifest_get musl version)|g" "$1" >"$2"
}

package_files() {
  local tree=$1 lto_note=$2 t="$RECIPE_DIR/package" p
  fill_template "$t/README.in" "$tree/README" "$lto_note"
  if [ -e "$tree/bin/$TARGET_TRIPLET-gdb" ]; then
    fill_template "$t/README-gdb.in" /dev/stdout | sed "s|@GDB_VERSION@|$(manifest_get gdb version)|g" >>"$tree/README"
  fi
  fill_template "$t/toolchain.cmake.in" "$tree/$TARGET_TRIPLET.cmake"
  fill_template "$t/toolchain.meson.in" "$tree/$TARGET_TRIPLET.meson"
  fill_template "$t/toolchain.cmake.in" "$tree/$TARGET_GNU_TRIPLET.cmake" "" glibc
  fill_template "$t/toolchain.meson.in" "$tree/$TARGET_GNU_TRIPLET.meson" "" glibc
  {
    printf '# component version origin licence (texts: share/licenses/COMPONENT/)\n'
    for p in $STAGE_SOURCES; do
      printf '%s %s %s %s\n' "$p" "$(manifest_get "$p" version)" \
        "$(manifest_get "$p" url)" "$(license_spdx "$p")"
    done
    printf 'ccwrap - - %s\n' "$(license_spdx ccwrap)"
  } >"$tree/MANIFEST"
}

# package_licenses TREE: the licence texts of every source the stage ships
# (STAGE_SOURCES) and of ccwrap, in TREE/share/licenses/.
package_licenses() {
  # shellcheck disable=SC2086 # STAGE_SOURCES is a list of names
  ship_licenses "$1" $STAGE_SOURCES ccwrap
}
