# shellcheck shell=bash
# Sourced by scripts/lib.sh. The sources manifest (scripts/sources.manifest):
# checking it, reading blocks and values.

MANIFEST_KEYS="version url sha256 sha256_from deb_package deb_version deb_suite deb_orig deb_sha256 deb_unpack"

# manifest_check: the manifest's syntax, before anything trusts a value from
# it: a malformed hash must never be taken for a corrupt cached tarball.
# Dies with one line, FILE:LINE: what is wrong. Done once per shell (the flag
# is inherited by the command substitutions that read values afterwards).
manifest_check() {
  [ "${MANIFEST_CHECKED:-}" != "$MANIFEST" ] || return 0
  [ -r "$MANIFEST" ] || die "sources manifest $MANIFEST is missing or unreadable"
  local err
  # POSIX awk (mawk has no {64} intervals): lengths and negated classes.
  err=$(awk -v keys="$MANIFEST_KEYS" '
    function hex64(v) { return length(v) == 64 && v !~ /[^0-9a-f]/ }
    function fail(why) { printf "%s:%d: %s\n", FILENAME, FNR, why; bad = 1; exit }
    BEGIN { n = split(keys, k, " "); for (i = 1; i <= n; i++) known[k[i]] = 1 }
    /^[[:space:]]*(#|$)/ { next }
    /^\[/ {
      if ($0 !~ /^\[[A-Za-z0-9][A-Za-z0-9._+-]*\][[:space:]]*$/)
        fail("bad block header (want [name]: letters, digits, . _ + -)")
      blk = $0; sub(/^\[/, "", blk); sub(/\].*/, "", blk)
      if (blk in first) fail("duplicate block [" blk "] (first at line " first[blk] ")")
      first[blk] = FNR
      split("", seen)
      next
    }
    {
      eq = index($0, "=")
      if (!eq) fail("not a \"key = value\" line, a comment or a [block]")
      key = substr($0, 1, eq - 1); val = substr($0, eq + 1)
      gsub(/^[[:space:]]+|[[:space:]]+$/, "", key); gsub(/^[[:space:]]+|[[:space:]]+$/, "", val)
      if (blk == "") fail("\"" key "\" outside a [package] block")
      if (!(key in known)) fail("unknown key \"" key "\" (known: " keys ")")
      if (key in seen) fail("duplicate key \"" key "\" in [" blk "] (first at line " seen[key] ")")
      seen[key] = FNR
      if (val == "") fail("\"" key "\" has no value")
      if (key == "sha256" && val != "unverified" && !hex64(val))
        fail("sha256 must be 64 lowercase hex digits or \"unverified\", not \"" val "\"")
      if (key == "deb_sha256" && !hex64(val))
        fail("deb_sha256 must be 64 lowercase hex digits, not \"" val "\"")
      if (key == "deb_unpack" && val !~ /^(tar|nested:[^\/[:space:]]+|subdir:[A-Za-z0-9._-]+)$/)
        fail("deb_unpack must be tar, nested:FILE or subdir:DIR, not \"" val "\"")
    }
    END { exit bad }' "$MANIFEST") || die "sources manifest ${err:-$MANIFEST: unreadable}"
  MANIFEST_CHECKED=$MANIFEST
}

# manifest_block NAME: the block's lines, comments dropped (part of cache keys).
manifest_block() {
  manifest_check
  awk -v want="[$1]" '
    /^[[:space:]]*(#|$)/ { next }
    /^\[/ { inblk = ($1 == want); next }
    inblk { print }' "$MANIFEST"
}

# manifest_get NAME KEY: one value (all after the first "=": a URL may hold
# one); dies when the package or key is missing.
manifest_get() {
  local val
  # Here, not only in the pipeline's subshell: a bad manifest is one error.
  manifest_check
  val=$(manifest_block "$1" | awk -v k="$2" '
    { eq = index($0, "="); key = substr($0, 1, eq - 1); gsub(/^[[:space:]]+|[[:space:]]+$/, "", key) }
    key == k { val = substr($0, eq + 1); gsub(/^[[:space:]]+|[[:space:]]+$/, "", val); print val; exit }')
  [ -n "$val" ] || die "sources manifest: no '$2' for package '$1' in $MANIFEST"
  printf '%s\n' "$val"
}

manifest_packages() { manifest_check; sed -n 's/^\[\(.*\)\]$/\1/p' "$MANIFEST"; }
