# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe distcc (sources/sections/): static distcc and distccd.
RECIPE_NEEDS="host-flags autotools"

# distcc_build HOST DEST: distcc and distccd for HOST, static, into DEST/usr/bin.
# The Debian fallback tarball has no configure script: autogen.sh makes one
# in a copy (the source cache is shared).
distcc_build() {
  local host=$1 dest=$2 src copy="$STAGE_WORK/distcc-src"
  src=$(source_dir distcc)
  if [ ! -x "$src/configure" ]; then
    if [ ! -x "$copy/configure" ]; then
      rm -rf "$copy"
      cp -a "$src" "$copy"
      (cd "$copy" && run_logged distcc-autogen ./autogen.sh)
    fi
    src=$copy
  fi
  INSTALL_TARGET=install-programs autotools_build "distcc-$host" "$src" "$STAGE_WORK/distcc-build-$host" \
    "$dest" --host="$host" --prefix=/usr --disable-pump-mode --without-avahi --without-gtk \
    --without-gnome --without-libiberty --with-included-popt --disable-Werror \
    CC="$host-gcc" CFLAGS="$(build_cflags)" LDFLAGS=-static
}
