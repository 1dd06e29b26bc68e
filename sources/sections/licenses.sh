# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe licenses (sources/sections/): the licence texts of what a tarball
# ships, copied from the unpacked sources into share/licenses/COMPONENT/.
# licenses/components is the table: each component's SPDX expression (the
# MANIFEST's licence column) and the paths of its licence texts.
RECIPE_NEEDS=""

# license_entry COMPONENT: its line of the table, without the name; dies
# naming the table when there is none (a new source needs its licence).
license_entry() {
  local table="$RECIPE_DIR/licenses/components" line
  line=$(sed -n "s/^$1: //p" "$table")
  [ -n "$line" ] || die "no licence for '$1' in sources/sections/licenses/components"
  printf '%s\n' "$line"
}

# license_spdx COMPONENT: its SPDX expression.
license_spdx() { local e; e=$(license_entry "$1"); e=${e%%|*}; printf '%s\n' "${e% }"; }

# license_paths COMPONENT: the paths of its licence texts in its source.
license_paths() { local e; e=$(license_entry "$1"); printf '%s\n' "${e#*|}"; }

# ship_licenses TREE COMPONENT...: TREE/share/licenses/COMPONENT/PATH for
# each licence text PATH of each COMPONENT (a source of STAGE_SOURCES),
# and the README that explains them. A missing file stops the build: a
# source bump that moves one must not ship without it.
ship_licenses() {
  local tree=$1 c p paths src dest; shift
  dest="$tree/share/licenses"
  mkdir -p "$dest"
  cp "$RECIPE_DIR/licenses/README" "$dest/README"
  for c in "$@"; do
    mkdir -p "$dest/$c"
    paths=$(license_paths "$c")
    if [ -z "${paths// /}" ]; then
      license_notice "$c" >"$dest/$c/NOTICE"
      continue
    fi
    src=$(source_dir "$c")
    for p in $paths; do
      [ -e "$src/$p" ] || die "$c: licence text $p is not in its source ($src)"
      mkdir -p "$dest/$c/$(dirname "$p")"
      cp -R "$src/$p" "$dest/$c/$p"
    done
  done
  chmod -R u+rwX,go+rX,go-w "$dest"
}

# license_notice COMPONENT: for a component of this project's own (ccwrap,
# crossboot-compile-host), whose licence text is not a file of any source.
license_notice() {
  printf '%s\n' "$1 is crossboot's own code." \
    "Licence: $(license_spdx "$1")." \
    "The crossboot repository has no licence file yet, so none is copied here."
}
