#!/usr/bin/env bash
# tests/reproducible.sh: two independent builds of the releases give the
# same bits (tests/run.sh --full runs it).
#  - build 1: this checkout, with its cache (as ./build.sh uses it: stages
#    already built are reused);
#  - build 2: a copy of this checkout's files in another directory, with
#    another $HOME and so another cache and ccache, built from scratch the
#    first time. It lives in $CROSSBOOT_REPRO_DIR (default
#    ~/.cache/crossboot-reproducible) so that an interrupted run resumes
#    from its stage cache; --fresh starts it over.
# Both build canadian-package and native-package; every release file the
# second build's out/aarch64/SHA256SUMS lists (cross-compiler-aarch64.tar.xz,
# native-compiler-aarch64.tar.xz and .sqf) must have the same hash in the
# first build's, each SHA256SUMS checked against its files first. Both
# hashes are printed; where they differ, diffoscope's report shows what.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/testlib.sh"

FRESH=0
case ${1:-} in
  --fresh) FRESH=1 ;;
  '') ;;
  *) printf 'usage: tests/reproducible.sh [--fresh]\n' >&2; exit 2 ;;
esac
REPRO=${CROSSBOOT_REPRO_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot-reproducible}
COPY="$REPRO/checkout/crossboot"
STAGES="canadian-package native-package"
RELEASES="cross-compiler-aarch64.tar.xz native-compiler-aarch64.sqf native-compiler-aarch64.tar.xz"
have() { command -v "$1" >/dev/null 2>&1; }

# copy_checkout: this checkout's files (tracked, as they are now, and new
# ones not ignored: no out/, no caches) in COPY, replacing all but its out/.
copy_checkout() {
  mkdir -p "$COPY"
  find "$COPY" -mindepth 1 -maxdepth 1 ! -name out -exec rm -rf {} +
  if git -C "$TOP" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git -C "$TOP" ls-files -z --cached --others --exclude-standard |
      rsync -a --ignore-missing-args --from0 --files-from=- "$TOP/" "$COPY/"
  else
    rsync -a --exclude=/out --exclude=.git "$TOP/" "$COPY/"
  fi
}

# build_in NAME DIR [ENV...]: DIR/build.sh for every stage of STAGES, with
# the environment changed by ENV (env(1) arguments); log in REPRO/NAME.log.
build_in() {
  local name=$1 dir=$2 s start=$SECONDS; shift 2
  for s in $STAGES; do
    if ! env "$@" "$dir/build.sh" aarch64 "$s" >>"$REPRO/$name.log" 2>&1 </dev/null; then
      not_ok "$name: ./build.sh aarch64 $s (log: $REPRO/$name.log)"
      tail -n 20 "$REPRO/$name.log" | sed 's/^/#   /'
      return 1
    fi
  done
  ok "$name: built $STAGES in $((SECONDS - start)) s ($dir)"
}

# listed DIR: the files DIR/SHA256SUMS lists, sorted.
listed() { sed 's/^[0-9a-f]*  //' "$1/SHA256SUMS" | LC_ALL=C sort; }

# sums_checked NAME DIR: DIR/SHA256SUMS (the engine's) is there and right
# for every file it lists.
sums_checked() {
  if (cd "$2" && sha256sum --quiet -c SHA256SUMS) >/dev/null 2>&1; then
    ok "$1: out/aarch64/SHA256SUMS matches its files"
  else not_ok "$1: out/aarch64/SHA256SUMS is missing or does not match its files ($2)"; return 1; fi
}

# listed_hash DIR NAME: NAME's hash in DIR/SHA256SUMS.
listed_hash() { awk -v n="$2" 'substr($0, 67) == n { print $1 }' "$1/SHA256SUMS"; }

# compare NAME: NAME's hash in both builds' SHA256SUMS, printed; diffoscope
# on a difference.
compare() {
  local name=$1 a="$TOP/out/aarch64/$1" b="$COPY/out/aarch64/$1" ha hb report
  ha=$(listed_hash "$TOP/out/aarch64" "$name")
  hb=$(listed_hash "$COPY/out/aarch64" "$name")
  printf '# %s\n#   build 1: %s\n#   build 2: %s\n' "$name" "${ha:-not listed}" "${hb:-not listed}"
  if [ -z "$ha" ] || [ -z "$hb" ]; then not_ok "$name is not in both builds' SHA256SUMS"; return; fi
  if [ "$ha" = "$hb" ]; then ok "$name is bit-identical in both builds"; return; fi
  not_ok "$name differs between the builds"
  if ! have diffoscope; then
    printf '#   (install diffoscope-minimal to see where)\n'; return
  fi
  report="$REPRO/${name%.tar.xz}.diffoscope.txt"
  # --max-report-size does not bound a text report (one of 1.2 GB was
  # written for two native compilers): --max-text-report-size does;
  # --timeout bounds the time it takes over large binaries.
  diffoscope --text "$report" --max-text-report-size 4000000 --timeout 600 "$a" "$b" >/dev/null 2>&1 || true
  printf '#   diffoscope report: %s; its start:\n' "$report"
  sed -n '1,60{s/^/#   /;p}' "$report" 2>/dev/null || printf '#   (no report written)\n'
}

main() {
  local t
  if [ "$FRESH" = 1 ]; then rm -rf "$REPRO"; fi
  mkdir -p "$REPRO/home"
  : >"$REPRO/build-1.log"
  : >"$REPRO/build-2.log"
  copy_checkout
  printf '# build 1: %s (cache %s)\n' "$TOP" "${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}"
  printf '# build 2: %s (HOME %s, cache %s)\n' "$COPY" "$REPRO/home" "$REPRO/home/.cache/crossboot"
  build_in build-1 "$TOP" || finish
  build_in build-2 "$COPY" -u CROSSBOOT_CACHE -u XDG_CACHE_HOME -u CCACHE_DIR HOME="$REPRO/home" || finish
  if ! sums_checked "build 1" "$TOP/out/aarch64" || ! sums_checked "build 2" "$COPY/out/aarch64"; then finish; fi
  if [ "$(listed "$COPY/out/aarch64" | tr '\n' ' ')" = "$RELEASES " ]; then
    ok "build 2's SHA256SUMS lists the releases of $STAGES: $RELEASES"
  else not_ok "build 2's SHA256SUMS lists $(listed "$COPY/out/aarch64" | tr '\n' ' '), not $RELEASES"; fi
  for t in $(listed "$COPY/out/aarch64"); do compare "$t"; done
  finish
}

main
