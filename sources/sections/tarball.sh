# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe tarball (sources/sections/): what ships is a tarball whose bits
# depend only on its files, with the exact sources beside it.
RECIPE_NEEDS=""

# deterministic_tarball DIR NAME OUT: DIR/NAME as a tar.xz that depends only
# on the files' contents: sorted names, owner 0, mtimes of SOURCE_DATE_EPOCH.
deterministic_tarball() {
  local dir=$1 name=$2 out=$3 epoch=$SOURCE_DATE_EPOCH
  (cd "$dir" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
    --mode=u+rwX,go+rX,go-w --format=gnu -cf - "$name") | xz -T1 -6 >"$out"
}

# package_sources DIR: the exact tarballs and patches used, with SHA256SUMS.
package_sources() {
  local dir=$1 p
  mkdir -p "$dir/patches"
  for p in $STAGE_SOURCES; do
    source_tarball "$p"
    cp -l "$SRC_TARBALL" "$dir/" 2>/dev/null || cp "$SRC_TARBALL" "$dir/"
    [ ! -d "$PATCH_DIR/$p" ] || cp -r "$PATCH_DIR/$p" "$dir/patches/"
  done
  (cd "$dir" && find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum >"../SHA256SUMS.tmp")
  mv "$dir/../SHA256SUMS.tmp" "$dir/SHA256SUMS"
}
