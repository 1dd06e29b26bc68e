# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe bash (sources/sections/): a static bash for the target.
RECIPE_NEEDS="host-flags autotools"

# bash_build ROOT: a static bash as ROOT/bin/bash. bash 5.2.15's
# strtoimax check is inverted (it adds its own strtoimax when libc's is
# usable: two definitions in a static link); saying "no" gets libc's.
# Installed into a DESTDIR of its own: with --prefix=/usr and none, make
# install would replace this host's bash.
bash_build() {
  local src dest="$STAGE_WORK/bash-install"
  src=$(source_dir bash)
  autotools_build bash "$src" "$STAGE_WORK/bash" "$dest" --host="$TARGET_TRIPLET" --prefix=/usr \
    --enable-static-link --without-bash-malloc --disable-nls \
    CC="$TARGET_TRIPLET-gcc" CFLAGS="$(build_cflags)" bash_cv_func_strtoimax=no
  install -D -m 755 -s --strip-program="$TARGET_TRIPLET-strip" "$dest/usr/bin/bash" "$1/bin/bash"
}
