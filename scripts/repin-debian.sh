#!/usr/bin/env bash
# repin-debian.sh PACKAGE VERSION: move a manifest entry's Debian fallback to
# another Debian version (the archive keeps only current ones). Downloads the
# orig tarball, and writes its name and sha256 into scripts/sources.manifest.
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib.sh
. "$TOP/scripts/lib.sh"

[ $# = 2 ] || die "usage: scripts/repin-debian.sh PACKAGE VERSION"
name=$1 ver=$2
pkg=$(manifest_get "$name" deb_package)
apt_private_setup "$(manifest_get "$name" deb_suite)"
dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
(cd "$dl" && apt_private source --download-only "$pkg=$ver" >"$dl/apt.log" 2>&1) || true
orig=$(find "$dl" -maxdepth 1 -name '*.orig.tar.*' ! -name '*.asc' -printf '%f\n' | head -n1)
[ -n "$orig" ] || die "$pkg $ver: no orig tarball fetched: $(grep -E '^(E|Err):' "$dl/apt.log" | head -n1)"
sha=$(sha256_of "$dl/$orig")
mkdir -p "$SOURCES"
mv "$dl/$orig" "$SOURCES/$orig"
awk -v want="[$name]" -v ver="$ver" -v orig="$orig" -v sha="$sha" '
  /^\[/ { inblk = ($1 == want) }
  inblk && /^deb_version / { sub(/=.*/, "= " ver) }
  inblk && /^deb_orig / { sub(/=.*/, "= " orig) }
  inblk && /^deb_sha256 / { sub(/=.*/, "= " sha) }
  { print }' "$MANIFEST" >"$MANIFEST.new"
grep -q "^deb_sha256 *= *$sha\$" "$MANIFEST.new" || { rm -f "$MANIFEST.new"; die "manifest block [$name] not updated"; }
mv "$MANIFEST.new" "$MANIFEST"
msg "$name: Debian fallback now $pkg $ver ($orig, sha256 $sha)"
msg "check the upstream version in $MANIFEST still matches what Debian packages"
