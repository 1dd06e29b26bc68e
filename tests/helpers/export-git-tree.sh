#!/usr/bin/env bash
# tests/helpers/export-git-tree.sh GITDIR REV DEST: the files of REV of a git
# repository (bare or not) in DEST, for the kernel tests' focal tree
# (CROSSBOOT_FOCAL_TREE). Blobs the repository lacks (a partial snapshot:
# the public focal snapshot misses 10 amdgpu headers of 4 MiB and more) are
# left out and listed, instead of failing the whole export.
set -euo pipefail
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
[ $# = 3 ] || die "usage: tests/helpers/export-git-tree.sh GITDIR REV DEST"
git_dir=$(git -C "$1" rev-parse --absolute-git-dir 2>/dev/null) || die "$1 is not a git repository"
rev=$2 dest=$3
git --git-dir="$git_dir" rev-parse --verify -q "$rev^{commit}" >/dev/null || die "$rev is not a commit of $1"
[ ! -e "$dest" ] || [ -z "$(ls -A "$dest")" ] || die "$dest exists and is not empty"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git --git-dir="$git_dir" ls-tree -r --full-tree "$rev" >"$tmp/all"
awk '{ print $3 }' "$tmp/all" | git --git-dir="$git_dir" cat-file --batch-check='%(objectname) %(objecttype)' |
  awk '$2 == "missing" { print $1 }' | sort -u >"$tmp/missing"
awk 'NR == FNR { m[$1] = 1; next } !($3 in m)' "$tmp/missing" "$tmp/all" >"$tmp/present"
if [ -s "$tmp/missing" ]; then
  printf 'left out (not in the repository):\n'
  awk 'NR == FNR { m[$1] = 1; next } ($3 in m) { sub(/^[^\t]*\t/, "  "); print }' "$tmp/missing" "$tmp/all"
fi
mkdir -p "$dest"
GIT_INDEX_FILE=$tmp/index git --git-dir="$git_dir" update-index --index-info <"$tmp/present"
GIT_INDEX_FILE=$tmp/index git --git-dir="$git_dir" --work-tree="$dest" checkout-index -a -f
printf '%s files of %s in %s\n' "$(wc -l <"$tmp/present")" "$rev" "$dest"
