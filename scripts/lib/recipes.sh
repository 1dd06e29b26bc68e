# shellcheck shell=bash
# Sourced by scripts/lib.sh. Recipes: sources/sections/NAME.sh, found by
# name as Aboriginal Linux finds its sources/sections/. A recipe file says
# which other recipes it calls on a line of its own,
#   RECIPE_NEEDS="host-flags autotools"
# and defines functions. A stage lists the recipes it calls in
# STAGE_RECIPES; only those and what they need (recipe_closure) are in its
# cache key and sourced. Every function of the other recipes is a stub that
# dies naming the recipe to list, as using an unlisted source dies.

recipe_file() { printf '%s/%s.sh\n' "$RECIPE_DIR" "$1"; }

list_recipes() { find "$RECIPE_DIR" -maxdepth 1 -name '*.sh' -printf '%f\n' | sed 's/\.sh$//' | LC_ALL=C sort; }

# recipe_needs NAME: the recipes NAME's file says it calls.
recipe_needs() {
  local f; f=$(recipe_file "$1")
  [ -f "$f" ] || die "unknown recipe '$1' (sources/sections/ has: $(list_recipes | words))"
  sed -n 's/^RECIPE_NEEDS="\(.*\)"$/\1/p' "$f"
}

# recipe_closure NAME...: NAME and every recipe it needs, sorted, one a line.
recipe_closure() {
  local -A seen=()
  local todo=("$@") r n
  while [ ${#todo[@]} -gt 0 ]; do
    r=${todo[0]}; todo=("${todo[@]:1}")
    [ -z "${seen[$r]:-}" ] || continue
    seen[$r]=1
    for n in $(recipe_needs "$r"); do todo+=("$n"); done
  done
  [ ${#seen[@]} -eq 0 ] || printf '%s\n' "${!seen[@]}" | LC_ALL=C sort
}

# recipe_paths NAME...: the repository paths of NAME... and what they need
# (each recipe's file, and its directory of patches or templates if any).
recipe_paths() {
  local r
  for r in $(recipe_closure "$@"); do
    printf 'sources/sections/%s.sh\n' "$r"
    [ ! -d "$RECIPE_DIR/$r" ] || printf 'sources/sections/%s\n' "$r"
  done
}

# recipe_functions NAME: the functions NAME's file defines.
recipe_functions() { sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)() {.*/\1/p' "$(recipe_file "$1")"; }

# use_recipes WHO NAME...: source NAME... and what they need; stub out the
# functions of every other recipe. WHO names the caller in the error.
use_recipes() {
  local who=$1 r f; shift
  local want; want=" $(recipe_closure "$@" | words) "
  for r in $(list_recipes); do
    [[ $want != *" $r "* ]] || continue
    for f in $(recipe_functions "$r"); do
      # shellcheck disable=SC2016 # expanded when the stub runs
      eval "$f() { die \"$who calls $f (recipe $r) without listing $r in STAGE_RECIPES\"; }"
    done
  done
  for r in $want; do
    # shellcheck source=/dev/null
    . "$(recipe_file "$r")"
  done
}
