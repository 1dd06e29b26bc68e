# shellcheck shell=bash
# Sourced by test scripts. A test script prints one line per check:
#   ok NAME | not ok NAME | skip NAME: REASON
# and exits non-zero if any check failed. tests/run.sh counts the lines.

# shellcheck disable=SC2034 # used by the test scripts
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FAILED=0

ok() { printf 'ok %s\n' "$*"; }
not_ok() { printf 'not ok %s\n' "$*"; FAILED=1; }
skip() { printf 'skip %s: %s\n' "$1" "$2"; }
# skip_optional NAME REASON: a skip for an input the project does not ship
# and CI does not have (a kernel tree): not a missing prerequisite, so
# tests/run.sh under CI=true does not count it as a failure.
skip_optional() { printf 'skip %s: %s [optional input]\n' "$1" "$2"; }

# check NAME CMD...: ok if CMD succeeds; on failure show its output.
check() {
  local name=$1 out; shift
  if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name"; printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'; fi
}

# has TEXT PATTERN: TEXT has a line matching PATTERN (grep -E); for check.
has() { grep -Eq -- "$2" <<<"$1"; }

# expect_fail NAME PATTERN CMD...: CMD must fail and print PATTERN (grep -E).
expect_fail() {
  local name=$1 pat=$2 out rc=0; shift 2
  out=$("$@" 2>&1) || rc=$?
  if [ "$rc" -ne 0 ] && grep -Eq -- "$pat" <<<"$out"; then ok "$name"; else
    not_ok "$name"; printf '#   exit %s, output:\n' "$rc"; printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
  fi
}

# A scratch directory removed when the script exits (its name has a space,
# so every path through it is tested for quoting), also when it is stopped
# (bash killed by a signal it does not trap skips its EXIT trap).
scratch() {
  SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/crossboot test.XXXXXX")
  trap 'rm -rf "$SCRATCH"' EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
}

finish() { exit "$FAILED"; }

# free_port FROM: the first TCP port from FROM that nothing on this host uses.
free_port() {
  ss -Htan | awk -v p="$1" '{ n = split($4, a, ":"); used[a[n]] = 1 } END { while (p in used) p++; print p }'
}

# jobstart_into DIR: crossboot-jobstart (sysimage/jobstart/, which starts
# each distcc job's sandbox) built with this host's cc into DIR, as the
# distccd stage builds it for the image and the release tarball.
jobstart_into() { make -s -C "$TOP/sysimage/jobstart" O="$1" >/dev/null; }

# harm_and_secret: for attack tests (run as root, controls as nobody), in
# SCRATCH: HARM, a directory anyone can write, where harm would land, and
# SECRET, a file anyone can read holding MARK (as two words: a compiler's
# error quotes them).
harm_and_secret() {
  HARM="$SCRATCH/harm"
  mkdir -m 1777 "$HARM"
  SECRET="$SCRATCH/secret.txt"
  MARK="crossboot_secret_$$_$RANDOM"
  printf '%s secret;\n' "$MARK" >"$SECRET"
  chmod 644 "$SECRET"
}

# binfmt_aarch64: aarch64 programs run transparently (scripts/binfmt.sh);
# prints why not and fails when that cannot be done.
# shellcheck source=scripts/binfmt.sh
. "$TOP/scripts/binfmt.sh"
binfmt_aarch64() { binfmt_enable qemu-aarch64; }

# in_empty_root ROOT CMD...: CMD (a path inside ROOT) run chrooted in ROOT,
# with an empty environment; a user namespace when not root.
in_empty_root() {
  local root=$1 chroot; shift
  chroot=$(PATH=$PATH:/usr/sbin:/sbin command -v chroot)
  if [ "$(id -u)" = 0 ]; then env -i "$chroot" "$root" "$@"
  else env -i "$(command -v unshare)" -r "$chroot" "$root" "$@"; fi
}

# unpack_image_and_cross OUT: the system image and a cross compiler tarball
# from OUT (out/ARCH) checked and extracted under SCRATCH (a path with a
# space); sets IMG and CROSS (the extracted directories) and IMG_TAR and
# CROSS_TAR (the tarballs). Ends the test when either is missing.
unpack_image_and_cross() {
  local out=$1 unpacked
  IMG_TAR="$out/system-image-aarch64.tar.xz"
  CROSS_TAR="$out/cross-compiler-aarch64.tar.xz"
  [ -s "$CROSS_TAR" ] || CROSS_TAR="$out/cross-package/cross-compiler-aarch64.tar.xz"
  check "system image tarball exists" test -s "$IMG_TAR"
  check "a cross compiler tarball exists (${CROSS_TAR#"$out"/})" test -s "$CROSS_TAR"
  [ "$FAILED" = 0 ] || finish
  unpacked="$SCRATCH/un packed"
  mkdir "$unpacked"
  tar -xf "$IMG_TAR" -C "$unpacked"
  tar -xf "$CROSS_TAR" -C "$unpacked"
  IMG="$unpacked/system-image-aarch64"
  CROSS="$unpacked/cross-compiler-aarch64"
}
