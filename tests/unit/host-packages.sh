#!/usr/bin/env bash
# Unit tests of scripts/host-packages.sh's apt_install: a host package the
# host's apt has no candidate for (Debian 12 has no ubuntu-keyring, which the
# default focal profile needs) comes from its pinned .deb in Debian's pool,
# verified; with a candidate, apt installs it as usual (the control). apt-get
# and apt-cache are stand-ins that log what they are asked; the "Debian
# mirror" is a file:// directory.
# ok never fails, so `cond && ok || not_ok` is safe.
# shellcheck disable=SC2015
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
trap 'rm -rf "$SCRATCH"' EXIT

BIN=$SCRATCH/bin MIRROR=$SCRATCH/mirror POOL=pool/main/f/fake-keyring
mkdir -p "$BIN" "$MIRROR/$POOL"
DEB=$MIRROR/$POOL/fake-keyring_1.0_all.deb
printf 'a .deb stand-in\n' >"$DEB"
SHA=$(sha256sum "$DEB" | cut -d' ' -f1)

# apt-cache policy: a candidate only for the packages in $SCRATCH/candidates.
cat >"$BIN/apt-cache" <<'EOF'
#!/bin/sh
[ "$1" = policy ] || exit 1
printf '%s:\n  Installed: (none)\n' "$2"
if grep -qx "$2" "$STUB_DIR/candidates" 2>/dev/null; then echo '  Candidate: 1.0'; else echo '  Candidate: (none)'; fi
EOF
# apt-get: each call's arguments, one line.
cat >"$BIN/apt-get" <<'EOF'
#!/bin/sh
echo "$*" >>"$STUB_DIR/apt-get.calls"
EOF
chmod +x "$BIN/apt-cache" "$BIN/apt-get"

# install PACKAGE...: apt_install in a fresh shell with the stand-ins and a
# fresh cache; the pin (HOST_DEBS) names fake-keyring's .deb with HASH.
install() {
  rm -f "$SCRATCH/apt-get.calls"
  # shellcheck disable=SC2016 # expanded by the inner shell
  env PATH="$BIN:$PATH" STUB_DIR="$SCRATCH" DEBIAN_MIRROR="file://${MIRROR// /%20}" \
    bash -c 'set -euo pipefail; TOP=$1 CACHE=$2 HASH=$3; shift 3
      . "$TOP/scripts/lib.sh"; . "$TOP/scripts/host-packages.sh"
      HOST_DEBS="fake-keyring pool/main/f/fake-keyring/fake-keyring_1.0_all.deb $HASH"
      apt_install "$@"' _ "$TOP" "$SCRATCH/cache" "${HASH:-$SHA}" "$@"
}
calls() { cat "$SCRATCH/apt-get.calls" 2>/dev/null || true; }
CACHED=$SCRATCH/cache/sources/debs/fake-keyring_1.0_all.deb

# No candidate: the pinned .deb is fetched, verified and installed by path;
# the other package from apt as usual.
: >"$SCRATCH/candidates"
echo make >"$SCRATCH/candidates"
if out=$(install make fake-keyring 2>&1); then
  want="update -q
install -y -q make
install -y -q $CACHED"
  [ "$(calls)" = "$want" ] && ok "no candidate: the pinned .deb is installed by its path, the rest from apt" ||
    { not_ok "no candidate: apt-get calls"; calls | sed 's/^/#   /'; }
  grep -q 'fake-keyring: not in this host.s apt sources; from Debian.s pool: fake-keyring_1.0_all.deb' <<<"$out" &&
    ok "it says where the package came from" || { not_ok "the message"; printf '%s\n' "$out" | sed 's/^/#   /'; }
else
  not_ok "no candidate: apt_install failed"; printf '%s\n' "$out" | sed 's/^/#   /'
fi
check "the .deb is kept in the source cache, whole" cmp -s "$DEB" "$CACHED"

# Control: with a candidate, apt installs the package by name, nothing fetched.
rm -rf "$SCRATCH/cache"
printf 'make\nfake-keyring\n' >"$SCRATCH/candidates"
install fake-keyring >/dev/null 2>&1 || true
[ "$(calls)" = "update -q
install -y -q fake-keyring" ] && [ ! -e "$CACHED" ] &&
  ok "control: with a candidate apt installs it by name and nothing is fetched" ||
  { not_ok "control: apt-get calls"; calls | sed 's/^/#   /'; }

# The cached .deb serves the next time, without the mirror.
echo make >"$SCRATCH/candidates"
install fake-keyring >/dev/null 2>&1 || true
mv "$MIRROR" "$MIRROR.gone"
if install fake-keyring >/dev/null 2>&1 && [ "$(calls)" = "update -q
install -y -q $CACHED" ]; then ok "a verified .deb in the cache is used without the mirror"
else not_ok "cached .deb: apt-get calls"; calls | sed 's/^/#   /'; fi
mv "$MIRROR.gone" "$MIRROR"

# A .deb that does not match the pin: one error line, nothing installed, and
# it is moved aside (a corrupt cached copy is fetched again first).
rm -rf "$SCRATCH/cache"
HASH=$(printf 0%.0s {1..64}) expect_fail "a checksum mismatch is one error line naming both hashes" \
  "^error: fake-keyring: checksum mismatch: .*expected 0{64}, got $SHA" install fake-keyring
[ "$(calls)" = "update -q" ] && ok "after a mismatch nothing is installed" ||
  { not_ok "after a mismatch: apt-get calls"; calls | sed 's/^/#   /'; }
check "the mismatching download is moved aside" test -f "$CACHED.bad" -a ! -e "$CACHED"

# No pin and no candidate: left to apt, whose error build.sh reports.
install other-package >/dev/null 2>&1 || true
[ "$(calls)" = "update -q
install -y -q other-package" ] && ok "a package without a pin is left to apt" ||
  { not_ok "no pin: apt-get calls"; calls | sed 's/^/#   /'; }

# The real pin names a file of the Debian pool's form and a sha256.
# shellcheck source=scripts/host-packages.sh
. "$TOP/scripts/host-packages.sh"
bad=$(grep -Evx '[a-z0-9.+-]+ pool/main/[a-z0-9]+/[^/ ]+/[^/ ]+_all\.deb [0-9a-f]{64}' <<<"$HOST_DEBS" || true)
[ -z "$bad" ] && ok "every pin in HOST_DEBS is PACKAGE POOL-PATH SHA256" || not_ok "malformed pins: $bad"
finish
