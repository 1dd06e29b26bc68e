#!/usr/bin/env bash
# Lint: shellcheck on every shell file in the repository, pyflakes and a
# compile check on every Python file.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/testlib.sh"
cd "$TOP"

# Files of the checkout (or of the tree, outside a git checkout).
tree_files() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -co --exclude-standard
  else
    find . -path ./out -prune -o -type f -printf '%P\n'
  fi
}

shell_files() {
  tree_files | while IFS= read -r f; do
    [ -f "$f" ] || continue
    case $f in
      *.sh|.ci/run|targets/*|scripts/distros/*) printf '%s\n' "$f" ;;
      *) head -n1 "$f" | grep -Eq '^#!.*(ba)?sh' && printf '%s\n' "$f" ;;
    esac
  done
  return 0
}

python_files() { tree_files | grep '\.py$' || true; }

while IFS= read -r f; do
  if command -v pyflakes3 >/dev/null; then check "pyflakes $f" pyflakes3 "$f"
  else skip "pyflakes $f" "pyflakes3 is not installed (apt-get install python3-pyflakes)"; fi
  check "python3 compiles $f" python3 -c 'import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$f"
done < <(python_files)

if ! command -v shellcheck >/dev/null; then
  skip shellcheck "shellcheck is not installed (apt-get install shellcheck)"
  finish
fi
# POSIX sh scripts (what runs in the guest, the toolchain's pkg-config
# wrapper) are checked as sh, so no bash-only construct slips in.
shell_of() { if head -n1 "$1" | grep -q '^#!/bin/sh'; then echo sh; else echo bash; fi; }
while IFS= read -r f; do
  check "shellcheck $f" shellcheck -x -s "$(shell_of "$f")" "$f"
done < <(shell_files)
finish
