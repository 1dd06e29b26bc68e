# shellcheck shell=bash
# Sourced, not run: programs of another architecture run on this host through
# Debian's qemu-user-static and binfmt_misc (the target-root stage, the
# kernel checks and the tests need it).

# binfmt_enable NAME: programs of another architecture run transparently
# through Debian's qemu-user-static (binfmt_misc entry NAME, e.g.
# qemu-aarch64): mounts binfmt_misc and registers (or re-enables) the entry
# when needed, and leaves it so, as installing qemu-user-static would.
# Prints why not and fails when that cannot be done.
binfmt_enable() {
  local dir=/proc/sys/fs/binfmt_misc conf="/usr/lib/binfmt.d/$1.conf"
  if [ -e "$dir/$1" ]; then
    grep -qx enabled "$dir/$1" && return 0
    echo 1 >"$dir/$1" 2>/dev/null || { echo "cannot enable $1 in binfmt_misc (needs root)"; return 1; }
    return 0
  fi
  [ -f "$conf" ] || { echo "$conf is missing (apt-get install qemu-user-static)"; return 1; }
  if [ ! -e "$dir/register" ]; then
    mount -t binfmt_misc binfmt_misc "$dir" 2>/dev/null ||
      { echo "cannot mount binfmt_misc (needs root)"; return 1; }
  fi
  grep '^:' "$conf" >"$dir/register" 2>/dev/null ||
    { echo "cannot register $1 with binfmt_misc"; return 1; }
}

# binfmt_disable NAME: switch the entry off (if there is one).
binfmt_disable() {
  local f="/proc/sys/fs/binfmt_misc/$1"
  [ ! -e "$f" ] || echo 0 >"$f"
}
