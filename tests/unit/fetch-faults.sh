#!/usr/bin/env bash
# bash -c scripts are quoted on purpose; ls only shows what is there on failure.
# shellcheck disable=SC2016,SC2012
# Fetching under faults (issue 19), on a fake project and a local HTTP server
# (127.0.0.1 only; the Debian fallback points at a closed local port):
#   a malformed manifest is one error naming FILE:LINE and never touches the
#   cache; a truncated download is never renamed into place; builds sharing
#   the cache download a file once; SIGTERM stops --fetch-only at once;
#   a full disk, no network, HTTP 404 and a failed apt-get update are each one
#   line naming the cause, and leave nothing partial.
# Run once by hand on the code before issue 19 (git archive HEAD of c8f811e,
# this file copied in), every check failed but two ("a good manifest ..."
# and "short: the next run fetches it again"): the malformed hashes moved the
# good tarball to .bad; no manifest check at all; a close-delimited truncated
# download was renamed into place; the Debian fallback left .apt.*.log in
# the source cache; two fetches at once downloaded twice and one failed
# (its .part renamed away under it); SIGTERM waited for curl (killed after
# 5 s); a full disk said "upstream failed: " with no reason; apt-get update's
# exit 0 on a refused connection was taken for success (.updated touched).
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

P="$SCRATCH/project"        # the fake checkout (its path has a space)
SERVER_PID='' MNT=''
# build.sh refuses a cache path with spaces (gcc cannot take them).
BUILD_CACHE=$(mktemp -d)
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$MNT" ]; then umount "$MNT" 2>/dev/null || true; fi
  rm -rf "$SCRATCH" "$BUILD_CACHE"
}
trap cleanup EXIT
# Nothing may leave this machine: no proxy in between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export no_proxy='*' NO_PROXY='*'
# The Debian fallback: a closed local port (refused at once).
export DEBIAN_MIRROR=http://127.0.0.1:9/debian
export CONNECT_TIMEOUT=2
# apt retries a refused connection for seconds; once is enough here.
printf 'Acquire::Retries "0";\n' >"$SCRATCH/apt.conf"
export APT_CONFIG="$SCRATCH/apt.conf"

mkdir -p "$P/stages" "$P/sources/sections" "$SCRATCH/www/pkg-1.0"
cp -r "$TOP/build.sh" "$TOP/scripts" "$TOP/targets" "$P/"
cat >"$P/stages/fetchy.sh" <<'EOF'
# shellcheck shell=bash
STAGE_SOURCES="pkg"
stage_build() { :; }
EOF

# The upstream tarball: 200 KB that do not compress (more than the full disk).
head -c 200000 /dev/urandom >"$SCRATCH/www/pkg-1.0/data"
tar -C "$SCRATCH/www" -cJf "$SCRATCH/www/pkg-1.0.tar.xz" pkg-1.0
SHA=$(sha256sum "$SCRATCH/www/pkg-1.0.tar.xz" | cut -d' ' -f1)
TARBALL=pkg-1.0.tar.xz

# The server: /ok/F whole; /slow/SECONDS/F whole, over SECONDS; /short/F a
# Content-Length then half and a close; /nolen/F half, close-delimited (no
# length: curl cannot tell it is cut). Every request path goes to its log.
cat >"$SCRATCH/server.py" <<'EOF'
import http.server, os, sys, time
root, log, portfile = sys.argv[1:4]

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def log_message(self, *args): pass
    def do_GET(self):
        with open(log, 'a') as f:
            f.write(self.path + '\n')
        parts = self.path.strip('/').split('/')
        path = os.path.join(root, parts[-1])
        if parts[0] not in ('ok', 'slow', 'short', 'nolen') or not os.path.isfile(path):
            self.send_error(404)
            return
        data = open(path, 'rb').read()
        half = data[:len(data) // 2]
        self.close_connection = True
        try:
            if parts[0] == 'nolen':
                self.wfile.write(b'HTTP/1.0 200 OK\r\n\r\n' + half)
                return
            self.wfile.write(b'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n' % len(data))
            if parts[0] == 'short':
                self.wfile.write(half)
            elif parts[0] == 'slow':
                n = 40
                step = len(data) // n + 1
                for i in range(0, len(data), step):
                    self.wfile.write(data[i:i + step])
                    self.wfile.flush()
                    time.sleep(float(parts[1]) / n)
            else:
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            with open(log, 'a') as f:
                f.write('cut ' + self.path + '\n')

server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
server.daemon_threads = True
with open(portfile + '.tmp', 'w') as f:
    f.write('%d\n' % server.server_address[1])
os.rename(portfile + '.tmp', portfile)
server.serve_forever()
EOF
python3 "$SCRATCH/server.py" "$SCRATCH/www" "$SCRATCH/requests" "$SCRATCH/port" &
SERVER_PID=$!
for _ in $(seq 50); do [ -s "$SCRATCH/port" ] && break; sleep 0.1; done
[ -s "$SCRATCH/port" ] || { not_ok "the local HTTP server did not start"; finish; }
URL="http://127.0.0.1:$(cat "$SCRATCH/port")"

# manifest PATH SHA256 [EXTRA]: the fake project's manifest, one package
# "pkg" fetched from $URL/PATH (EXTRA: more lines at the end).
manifest() {
  cat >"$P/scripts/sources.manifest" <<EOF
# fake manifest
[pkg]
version     = 1.0
url         = $URL/$1
sha256      = $2
sha256_from = this test
deb_package = pkg
deb_version = 1.0-1
deb_suite   = bookworm
deb_orig    = pkg_1.0.orig.tar.xz
deb_sha256  = $SHA
deb_unpack  = tar
${3:-}
EOF
}

# A runner for the library's functions: CACHE FUNCTION ARGS... (its own
# script, so that unshare can run it too).
cat >"$SCRATCH/run-lib" <<'EOF'
set -euo pipefail
TOP=$1 CACHE=$2; shift 2
. "$TOP/scripts/lib.sh"
"$@"
EOF
lib() { bash "$SCRATCH/run-lib" "$P" "$@"; }
n=0
# new_cache: a fresh cache (a path with a space) in CACHE, its sources in SRC.
new_cache() { n=$((n + 1)); CACHE="$SCRATCH/cache $n"; SRC="$CACHE/sources"; }
# leftovers DIR: what is in DIR besides complete files and lock files.
leftovers() { find "$1" -mindepth 1 -maxdepth 1 ! -name '.lock-*' ! -name "$TARBALL" ! -name "$TARBALL.sha256" -printf '%f\n' 2>/dev/null; }
requests() { grep -c "$1" "$SCRATCH/requests" || true; }
# run OUT CMD...: CMD's output (stdout and stderr) in OUT, its status in RC.
run() { local out=$1; shift; RC=0; "$@" >"$out" 2>&1 || RC=$?; }
one_error_line() { [ "$(grep -c '^error: ' "$1")" = 1 ] && grep -Eq "^error: .*$2" "$1"; }
show() { sed 's/^/#   /' "$1" | tail -n 8; }

# --- the manifest -------------------------------------------------------------
new_cache
manifest "ok/$TARBALL" "$SHA"
mkdir -p "$SRC"
cp "$SCRATCH/www/$TARBALL" "$SRC/"
check "a good manifest and a cached tarball: no download" lib "$CACHE" source_tarball pkg
for bad in "${SHA:1}:a short sha256" "${SHA^^}:an upper-case sha256"; do
  manifest "ok/$TARBALL" "${bad%%:*}"
  run "$SCRATCH/out" lib "$CACHE" source_tarball pkg
  if [ "$RC" -ne 0 ] && [ "$(wc -l <"$SCRATCH/out")" = 1 ] &&
     grep -q "^error: .*scripts/sources.manifest:5: sha256 must be 64 lowercase hex digits" "$SCRATCH/out"; then
    ok "${bad#*:}: one error line naming the manifest's file and line"
  else not_ok "${bad#*:}: one error line naming file:line (exit $RC)"; show "$SCRATCH/out"; fi
  if [ "$(sha256sum 2>/dev/null <"$SRC/$TARBALL" | cut -d' ' -f1)" = "$SHA" ] && [ -z "$(leftovers "$SRC")" ]; then
    ok "${bad#*:}: the good cached tarball is untouched"
  else not_ok "${bad#*:}: the good cached tarball is untouched (sources: $(ls -A "$SRC" | tr '\n' ' '))"
    mv -f "$SRC/$TARBALL.bad" "$SRC/$TARBALL" 2>/dev/null || true
  fi
done
manifest "ok/$TARBALL" "$SHA" $'[pkg]\nversion = 2.0'
expect_fail "a duplicate [package] block is an error naming its line" \
  "sources.manifest:13: duplicate block \[pkg\] \(first at line 2\)" lib "$CACHE" manifest_get pkg version
manifest "ok/$TARBALL" "$SHA" $'[other]\nversoin = 2.0'
expect_fail "an unknown key is an error naming its line" \
  "sources.manifest:14: unknown key \"versoin\"" lib "$CACHE" manifest_get pkg version
manifest "ok/$TARBALL" "$SHA" $'[other]\nurl = a\nurl = b'
expect_fail "a duplicate key in a block is an error" \
  "sources.manifest:15: duplicate key \"url\" in \[other\]" lib "$CACHE" manifest_get pkg version
manifest "ok/$TARBALL" "$SHA" $'[other]\ndeb_sha256 = 0123'
expect_fail "a malformed deb_sha256 is an error" "sources.manifest:14: deb_sha256 must be" \
  lib "$CACHE" manifest_get pkg version
manifest "ok/$TARBALL" "$SHA" $'[other]\ndeb_unpack = zip'
expect_fail "an unknown deb_unpack method is an error" "sources.manifest:14: deb_unpack must be tar, nested:FILE or subdir:DIR" \
  lib "$CACHE" manifest_get pkg version
manifest "ok/$TARBALL" "$SHA" $'[other]\nversion 2.0'
expect_fail "a line that is not \"key = value\" is an error" "sources.manifest:14: not a \"key = value\" line" \
  lib "$CACHE" manifest_get pkg version

# --- unpacking a subdirectory (subdir:DIR, Debian's expat) ----------------------
mkdir -p "$SCRATCH/git-archive/proj-R_1/lib" "$SCRATCH/git-archive/proj-R_1/doc"
echo 'all:' >"$SCRATCH/git-archive/proj-R_1/lib/Makefile"
tar -C "$SCRATCH/git-archive" -cJf "$SCRATCH/git-archive.tar.xz" proj-R_1
run "$SCRATCH/out" lib "$CACHE" unpack_into "$SCRATCH/git-archive.tar.xz" "$SCRATCH/sub tree" subdir:lib
check "subdir:lib: the tree is the tarball's lib/, nothing else" \
  test "$RC:$(cd "$SCRATCH/sub tree" 2>/dev/null && find . | LC_ALL=C sort | tr '\n' ' ')" = "0:. ./Makefile "
run "$SCRATCH/out" lib "$CACHE" unpack_into "$SCRATCH/git-archive.tar.xz" "$SCRATCH/sub tree 2" subdir:src
if [ "$RC" -ne 0 ] && one_error_line "$SCRATCH/out" "expected one top directory holding src/" && [ ! -e "$SCRATCH/sub tree 2" ]; then
  ok "subdir:src when there is none: one error line, no tree"
else not_ok "subdir:src when there is none: one error line, no tree (exit $RC)"; show "$SCRATCH/out"; fi

# --- truncated downloads (no published hash, as linux) ---------------------------
for how in short nolen; do
  new_cache
  manifest "$how/$TARBALL" unverified
  run "$SCRATCH/out" lib "$CACHE" source_tarball pkg
  if [ "$RC" -ne 0 ] && [ ! -e "$SRC/$TARBALL" ] && [ -z "$(leftovers "$SRC")" ] &&
     grep -q "upstream failed: truncated" "$SCRATCH/out"; then
    ok "$how: a truncated download is not renamed into place, nothing partial is left"
  else not_ok "$how: a truncated download is not renamed into place (exit $RC; sources: $(ls -A "$SRC" | tr '\n' ' '))"
    show "$SCRATCH/out"; fi
  manifest "ok/$TARBALL" unverified
  before=$(requests "^/ok/")
  run "$SCRATCH/out" lib "$CACHE" source_tarball pkg
  if [ "$RC" -eq 0 ] && [ "$(requests "^/ok/")" = $((before + 1)) ] && cmp -s "$SRC/$TARBALL" "$SCRATCH/www/$TARBALL"; then
    ok "$how: the next run fetches it again, whole"
  else not_ok "$how: the next run fetches it again (exit $RC)"; show "$SCRATCH/out"; fi
done
run "$SCRATCH/out" lib "$CACHE" source_tarball pkg
check "a complete unverified tarball is reused, not fetched again" test "$RC-$(requests "^/ok/")" = "0-$((before + 1))"
# One cut short before this version recorded hashes: checked, moved aside, fetched again.
head -c 50000 "$SCRATCH/www/$TARBALL" >"$SRC/$TARBALL"
rm -f "$SRC/$TARBALL.sha256"
run "$SCRATCH/out" lib "$CACHE" source_tarball pkg
if [ "$RC" -eq 0 ] && cmp -s "$SRC/$TARBALL" "$SCRATCH/www/$TARBALL" && [ -f "$SRC/$TARBALL.bad" ]; then
  ok "a truncated unverified tarball in the cache is not used: moved aside and fetched again"
else not_ok "a truncated unverified tarball in the cache is not used (exit $RC)"; show "$SCRATCH/out"; fi

# --- two builds sharing the cache ---------------------------------------------------
new_cache
manifest "slow/2/$TARBALL" "$SHA"
start=$SECONDS
lib "$CACHE" source_tarball pkg >"$SCRATCH/one" 2>&1 & one=$!
sleep 0.3
lib "$CACHE" source_tarball pkg >"$SCRATCH/two" 2>&1 & two=$!
rc1=0 rc2=0
wait "$one" || rc1=$?
wait "$two" || rc2=$?
if [ "$rc1-$rc2" = 0-0 ] && [ "$(requests "^/slow/2/")" = 1 ] && [ -z "$(leftovers "$SRC")" ] &&
   cmp -s "$SRC/$TARBALL" "$SCRATCH/www/$TARBALL"; then
  ok "two fetches of one file at once: both succeed, one download, nothing partial ($((SECONDS - start))s)"
else not_ok "two fetches at once (exits $rc1 $rc2, $(requests "^/slow/2/") downloads, sources: $(ls -A "$SRC" | tr '\n' ' '))"
  show "$SCRATCH/one"; show "$SCRATCH/two"; fi
check "the second waited for the first and said so" grep -q "waiting for another build" "$SCRATCH/two"

# --- SIGTERM of ./build.sh --fetch-only ----------------------------------------
# fetch_only OUT CACHE: ./build.sh --fetch-only in the background (PID in BG).
fetch_only() {
  CROSSBOOT_SOURCES=$TERM_SRC "$P/build.sh" --no-install --cache "$2" --fetch-only aarch64 fetchy >"$1" 2>&1 &
  BG=$!
}
# wait_for SECONDS CMD...: poll until CMD succeeds.
wait_for() {
  local i n=$(($1 * 10)); shift
  for ((i = 0; i < n; i++)); do "$@" && return 0; sleep 0.1; done
  return 1
}
# stops_at_term NAME PID OUT: SIGTERM stops PID within 2 s, exit non-zero.
stops_at_term() {
  local t0 ms rc=0
  t0=$(date +%s%N)
  kill -TERM "$2"
  wait_for 5 gone "$2" || true
  ms=$((($(date +%s%N) - t0) / 1000000))
  if kill -0 "$2" 2>/dev/null; then
    not_ok "$1: still running 5 s after SIGTERM"; kill -KILL "$2" 2>/dev/null || true; return
  fi
  wait "$2" || rc=$?
  if [ "$ms" -lt 2000 ] && [ "$rc" -ne 0 ]; then ok "$1: stopped in $ms ms"
  else not_ok "$1: stopped in $ms ms, exit $rc"; show "$3"; fi
}
# shellcheck disable=SC2317 # run through wait_for
gone() { ! kill -0 "$1" 2>/dev/null; }
# shellcheck disable=SC2317 # run through wait_for
partial_started() { [ -n "$(find "$TERM_SRC" -name '*.part' -size +1k 2>/dev/null)" ]; }
manifest "slow/60/$TARBALL" "$SHA"
TERM_SRC="$SCRATCH/sources term"
fetch_only "$SCRATCH/term.out" "$BUILD_CACHE/one"
one=$BG
if ! wait_for 10 partial_started; then
  not_ok "SIGTERM: the download did not start"; show "$SCRATCH/term.out"
  kill "$one" 2>/dev/null || true
else
  # A second build on the same source cache waits for the first one's lock.
  fetch_only "$SCRATCH/term2.out" "$BUILD_CACHE/two"
  two=$BG
  if wait_for 10 grep -q "waiting for another build" "$SCRATCH/term2.out"; then
    stops_at_term "SIGTERM of a --fetch-only waiting for another's download" "$two" "$SCRATCH/term2.out"
  else not_ok "a second --fetch-only waits for the first"; show "$SCRATCH/term2.out"; kill "$two" 2>/dev/null || true; fi
  stops_at_term "SIGTERM during a --fetch-only download" "$one" "$SCRATCH/term.out"
  # The server finds the connection gone when curl has gone.
  wait_for 15 grep -q "^cut /slow/60/" "$SCRATCH/requests" || true
  check "SIGTERM: curl is gone too" test "$(requests "^cut /slow/60/")" = 1
  check "SIGTERM: no partial download left" test -z "$(leftovers "$TERM_SRC")"
fi

# --- HTTP 404 --------------------------------------------------------------------
new_cache
manifest "ok/missing.tar.xz" "$SHA"
run "$SCRATCH/out" lib "$CACHE" source_tarball pkg
if [ "$RC" -ne 0 ] && grep -q "upstream failed: HTTP 404 from 127.0.0.1" "$SCRATCH/out" &&
   one_error_line "$SCRATCH/out" "HTTP 404" && [ -z "$(leftovers "$SRC")" ]; then
  ok "HTTP 404: named with its code, in the one error line too; nothing partial"
else not_ok "HTTP 404: named with its code (exit $RC)"; show "$SCRATCH/out"; fi

# --- a failed apt-get update ------------------------------------------------------
if command -v apt-get >/dev/null; then
  APT="$CACHE/apt"
  run "$SCRATCH/out" lib "$CACHE" apt_private_setup bookworm
  run "$SCRATCH/out2" lib "$CACHE" apt_private_setup bookworm
  if [ "$RC" -ne 0 ] && one_error_line "$SCRATCH/out2" "apt-get update .* failed: cannot reach 127.0.0.1:9" &&
     [ ! -e "$APT/lists/.updated" ] && [ -z "$(ls -A "$APT/lists/partial")" ]; then
    ok "a failed apt-get update never marks the lists fresh, leaves no partial files, and says why"
  else not_ok "a failed apt-get update never marks the lists fresh (second run: exit $RC)"
    show "$SCRATCH/out2"; ls -la "$APT/lists" | sed 's/^/#   /'; fi
else skip "a failed apt-get update" "apt-get is not installed"; fi

# --- a full disk ------------------------------------------------------------------
new_cache
manifest "ok/$TARBALL" "$SHA"
MNT="$SCRATCH/full disk"
mkdir -p "$MNT"
if [ "$(id -u)" != 0 ]; then skip "full disk" "needs root to mount a small tmpfs"; MNT=''
elif ! mount -t tmpfs -o size=64k tmpfs "$MNT" 2>"$SCRATCH/mount.err"; then
  skip "full disk" "cannot mount a tmpfs: $(head -n1 "$SCRATCH/mount.err")"; MNT=''
else
  run "$SCRATCH/out" env CROSSBOOT_SOURCES="$MNT" bash "$SCRATCH/run-lib" "$P" "$CACHE" source_tarball pkg
  if [ "$RC" -ne 0 ] && one_error_line "$SCRATCH/out" "disk full or not writable: $MNT\$" &&
     [ -z "$(leftovers "$MNT")" ] && [ ! -e "$MNT/$TARBALL" ] && [ "$(requests "^/ok/$TARBALL")" -gt 0 ]; then
    ok "a full disk: one error line saying so, nothing partial left"
  else not_ok "a full disk: one line saying so (exit $RC; left: $(ls -A "$MNT" | tr '\n' ' '))"; show "$SCRATCH/out"; fi
  umount "$MNT" && MNT=''
fi

# --- no network -------------------------------------------------------------------
new_cache
manifest "ok/$TARBALL" "$SHA"
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>"$SCRATCH/unshare.err"; then
  skip "no network" "cannot make a network namespace: $(head -n1 "$SCRATCH/unshare.err" 2>/dev/null || echo 'not root')"
else
  # A network namespace of its own: even the loopback interface is down.
  run "$SCRATCH/out" unshare -n bash "$SCRATCH/run-lib" "$P" "$CACHE" source_tarball pkg
  if [ "$RC" -ne 0 ] &&
     one_error_line "$SCRATCH/out" "pkg: upstream: cannot reach 127.0.0.1:[0-9]+ .*; .*failed: cannot reach 127.0.0.1:9" &&
     [ -z "$(leftovers "$SRC")" ] && [ -z "$(ls -A "$CACHE/apt/lists/partial")" ] && [ ! -e "$CACHE/apt/lists/.updated" ]; then
    ok "no network: one error line naming the cause (upstream and Debian), nothing partial"
  else not_ok "no network: one error line naming the cause (exit $RC)"; show "$SCRATCH/out"; fi
fi
finish
