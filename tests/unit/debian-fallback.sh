#!/usr/bin/env bash
# The Debian fallback for real: with the upstream URL unreachable, musl's orig
# tarball comes through `apt-get source --download-only` with a private apt
# configuration, is verified and unpacked; a pinned Debian version that the
# archive no longer has gives the re-pin command. Needs the Debian archive.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

FAKE="$SCRATCH/project"
CACHE_DIR=$(mktemp -d)
trap 'rm -rf "$SCRATCH" "$CACHE_DIR"' EXIT
mkdir -p "$FAKE/scripts"
cp -r "$TOP/scripts/lib.sh" "$TOP/scripts/lib" "$TOP/scripts/settings.sh" "$FAKE/scripts/"
mkdir -p "$FAKE/sources/sections"
# musl's entry, its upstream pointed at a closed local port (refused at once).
awk '/^\[/ { keep = ($1 == "[musl]") } keep' "$TOP/scripts/sources.manifest" |
  sed 's#^url .*#url         = http://127.0.0.1:9/musl-1.2.3.tar.gz#' >"$FAKE/scripts/sources.manifest"

lib() { bash -c 'set -euo pipefail; TOP=$1 CACHE=$2; shift 2; . "$TOP/scripts/lib.sh"; "$@"' _ "$FAKE" "$CACHE_DIR" "$@"; }

apt_state() { { cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null || true; } | sha256sum; }
before=$(apt_state)
if ! lib apt_private_setup "$(lib manifest_get musl deb_suite)" >"$SCRATCH/setup.log" 2>&1; then
  skip "Debian fallback" "the Debian archive is not reachable: $(tail -n1 "$SCRATCH/setup.log")"
  finish
fi
ok "private apt configuration set up without touching the host's"

start=$SECONDS
if out=$(lib source_dir musl 2>&1); then
  dir=$(tail -n1 <<<"$out")
  if [ -f "$dir/src/malloc/free.c" ] || [ -d "$dir/src" ]; then
    ok "unreachable upstream: musl fetched from Debian, verified and unpacked ($((SECONDS - start))s)"
  else not_ok "musl unpacked tree looks wrong: $dir"; fi
else not_ok "Debian fallback fetch: $out"; fi
check "the orig tarball is in the source cache" test -s "$CACHE_DIR/sources/musl_1.2.3.orig.tar.gz"
check "the host's apt sources are not edited" test "$(apt_state)" = "$before"

sed -i 's/^deb_version = .*/deb_version = 1.2.2-1/' "$FAKE/scripts/sources.manifest"
rm -f "$CACHE_DIR/sources/musl_1.2.3.orig.tar.gz"
expect_fail "a Debian version that is gone names the current one and the re-pin command" \
  "Debian no longer has musl 1.2.2-1 \(it has [^)]+\); re-pin with: scripts/repin-debian.sh musl " \
  lib source_tarball musl
finish
