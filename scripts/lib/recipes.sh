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

# recipe_line NAME VAR: the value of NAME's VAR="..." line (RECIPE_NEEDS,
# RECIPE_INPUTS); a line of another form is an error, not an empty value.
recipe_line() {
  local f line; f=$(recipe_file "$1")
  [ -f "$f" ] || die "unknown recipe '$1' (sources/sections/ has: $(list_recipes | words))"
  line=$(grep -E "^$2=" "$f" || true)
  [ -n "$line" ] || { [ "$2" != RECIPE_NEEDS ] || die "recipe $1 ($f) has no RECIPE_NEEDS= line"; return 0; }
  [[ $line =~ ^$2=\"([A-Za-z0-9_./*\ -]*)\"$ ]] || die "recipe $1: malformed line '$line' (want $2=\"words\")"
  printf '%s\n' "${BASH_REMATCH[1]}"
}

# recipe_needs NAME: the recipes NAME's file says it calls.
recipe_needs() { recipe_line "$1" RECIPE_NEEDS; }

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
    recipe_line "$r" RECIPE_INPUTS | tr ' ' '\n' | grep . || true
  done
}

# recipe_functions NAME: the functions NAME's file defines, as bash sees
# them (whatever the way they are written).
recipe_functions() {
  (
    local before
    before=$(compgen -A function | LC_ALL=C sort)
    # shellcheck source=/dev/null
    . "$(recipe_file "$1")" >/dev/null
    compgen -A function | LC_ALL=C sort | LC_ALL=C comm -13 <(printf '%s\n' "$before") -
  )
}

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
