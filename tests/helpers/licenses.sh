# shellcheck shell=bash
# Sourced by the tests of what ships: the licence texts in a tarball's
# share/licenses/ (the recipe licenses puts them there). Uses testlib.sh's
# ok/not_ok and TOP.

# licenses_shipped NAME TREE COMPONENT...: one check per component: every
# path the licence table (sources/sections/licenses/components) lists for
# it is in TREE/share/licenses/COMPONENT/, not empty (for a component
# without any, as ccwrap: its NOTICE).
licenses_shipped() {
  local name=$1 tree=$2 c paths p missing table="$TOP/sources/sections/licenses/components"; shift 2
  for c in "$@"; do
    paths=$(sed -n "s/^$c: [^|]*|//p" "$table")
    missing=""
    [ -n "$(sed -n "/^$c: /p" "$table")" ] || missing=" (not in the licence table)"
    [ -n "${paths// /}" ] || paths=NOTICE
    for p in $paths; do
      [ -s "$tree/share/licenses/$c/$p" ] || missing+=" $p"
    done
    if [ -z "$missing" ]; then ok "$name: share/licenses/$c has its licence texts"
    else not_ok "$name: share/licenses/$c lacks:$missing"; fi
  done
}
