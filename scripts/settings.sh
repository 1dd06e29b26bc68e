# shellcheck shell=bash disable=SC2034 # read by the scripts that source it
# Sourced through scripts/lib.sh by every entry point (build.sh, the kernel
# scripts, the tests): the project's settings and their defaults, in one
# place. Settings flow one way: the environment, then the defaults below,
# then command-line options; what a stage was built with is written beside
# its log (settings_write), as musl-cross-make writes config.mak.
#
#   CROSSBOOT_CACHE    stage and source cache (default ~/.cache/crossboot)
#   CROSSBOOT_SOURCES  source tarball cache (default $CACHE/sources)
#   CROSSBOOT_DISTRO   target distribution of the glibc stages (default focal)
#   SOURCE_DATE_EPOCH  time stamp of everything shipped (default below);
#                      always exported, always in the stage keys
#   DEBIAN_MIRROR      Debian archive for source fallbacks and Debian
#                      profiles (default: the host's apt sources)
#   CONNECT_TIMEOUT    seconds to wait for an upstream site (default 5)
#   CROSSBOOT_OUT      where results go, OUT_ROOT/TARGET (default: out/ in
#                      the checkout; build.sh --out)

CROSSBOOT_VERSION=0.4
DEFAULT_DISTRO=focal
# 2023-01-01 00:00 UTC.
DEFAULT_SOURCE_DATE_EPOCH=1672531200
MANIFEST=$TOP/scripts/sources.manifest
PATCH_DIR=$TOP/scripts/patches
RECIPE_DIR=$TOP/sources/sections

# Every setting a target file (targets/NAME) must give.
TARGET_REQUIRED="TARGET_ARCH TARGET_TRIPLET TARGET_GNU_TRIPLET TARGET_MUSL_LDSO TARGET_GLIBC_LDSO
TARGET_KARCH TARGET_KERNEL_IMAGE TARGET_DEB_ARCH TARGET_QEMU_USER TARGET_QEMU_SYSTEM
TARGET_QEMU_MACHINE TARGET_QEMU_CPU TARGET_CONSOLE"
# Those a target may leave empty.
TARGET_OPTIONAL="TARGET_GCC_CONFIG"
# Every setting a distribution profile must give, and the optional ones with
# their defaults.
DISTRO_REQUIRED="DISTRO_VENDOR DISTRO_SUITES DISTRO_KEYRING DISTRO_KEYRING_PACKAGE DISTRO_GLIBC"
# The profile's settings that decide what its stages contain (in their keys).
# The mirrors are among them, resolved (a Debian profile's empty one is the
# host's Debian archive or DEBIAN_MIRROR): the roots' apt sources name them.
# The vendor only decides what the kernel scripts do.
DISTRO_KEYED="DISTRO_SUITES DISTRO_COMPONENTS DISTRO_KEYRING DISTRO_PORTS_ARCHES DISTRO_GLIBC"

# settings_init: the defaults, for what the environment does not set.
settings_init() {
  CACHE=${CACHE:-${CROSSBOOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crossboot}}
  SOURCES=${CROSSBOOT_SOURCES:-$CACHE/sources}
  OFFLINE=${OFFLINE:-0}
  OUT_ROOT=${CROSSBOOT_OUT:-$TOP/out}
  case $OUT_ROOT in /*) ;; *) OUT_ROOT=$PWD/$OUT_ROOT ;; esac
  # Upstream sites get a short connect timeout: when they are unreachable,
  # the Debian fallback must not wait long.
  CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-5}
  export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$DEFAULT_SOURCE_DATE_EPOCH}
  [[ $SOURCE_DATE_EPOCH =~ ^[0-9]{1,12}$ ]] ||
    die "SOURCE_DATE_EPOCH='$SOURCE_DATE_EPOCH' is not a number of seconds"
}

# settings_set_cache DIR: the cache (--cache), absolute; the source cache
# follows it unless CROSSBOOT_SOURCES names another.
settings_set_cache() {
  CACHE=$1
  case $CACHE in /*) ;; *) CACHE=$PWD/$CACHE ;; esac
  # gcc's and binutils' build systems cannot take paths with spaces.
  case $CACHE in *[[:space:]]*) die "the cache path '$CACHE' contains spaces; choose another with --cache DIR" ;; esac
  SOURCES=${CROSSBOOT_SOURCES:-$CACHE/sources}
}

list_targets() { find "$TOP/targets" -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort; }
list_distros() { find "$TOP/scripts/distros" -maxdepth 1 -type f -printf '%f\n' | LC_ALL=C sort; }
words() { tr '\n' ' ' | sed 's/ $//'; }

# require_settings FILE NAME...: dies naming every NAME FILE left unset or
# empty, in one line.
require_settings() {
  local file=$1 v absent=(); shift
  for v in "$@"; do [ -n "${!v:-}" ] || absent+=("$v"); done
  [ ${#absent[@]} -eq 0 ] || die "$file does not set ${absent[*]}"
}

# load_target NAME: targets/NAME, every required setting checked at once,
# and no setting the engine does not know (it would be in no key).
load_target() {
  local name=$1 v before extra known
  if ! [[ $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || [ ! -f "$TOP/targets/$name" ]; then
    die "unknown target '$name' (valid targets: $(list_targets | words))"
  fi
  for v in $TARGET_REQUIRED $TARGET_OPTIONAL; do unset "$v"; done
  before=$(compgen -v TARGET_ || true)
  # shellcheck source=targets/aarch64
  . "$TOP/targets/$name"
  known=$(tr ' ' '\n' <<<"$TARGET_REQUIRED $TARGET_OPTIONAL" | tr -s '\n')
  extra=$(comm -13 <(sort <<<"$before") <(compgen -v TARGET_ | sort) | grep -vxF "$known" || true)
  [ -z "$extra" ] || die "targets/$name sets $(words <<<"$extra"), which scripts/settings.sh does not know (add it to TARGET_REQUIRED or TARGET_OPTIONAL)"
  # shellcheck disable=SC2086 # a list of names
  require_settings "targets/$name" $TARGET_REQUIRED
  TARGET=$name
  TARGET_GCC_CONFIG=${TARGET_GCC_CONFIG:-}
}

# load_distro NAME|FILE: a distribution profile (scripts/distros/NAME, or a
# file's path), its optional settings defaulted, the required ones checked.
load_distro() {
  local f=$1
  case $f in */*) ;; *) f="$TOP/scripts/distros/$1" ;; esac
  [ -f "$f" ] || die "unknown distribution '$1' (known: $(list_distros | words); or a profile file's path)"
  # shellcheck disable=SC2034 # read by the distro recipe, the stages and the kernel scripts
  DISTRO_MIRROR='' DISTRO_PORTS_MIRROR='' DISTRO_PORTS_ARCHES='' DISTRO_COMPONENTS=main
  unset DISTRO_VENDOR DISTRO_SUITES DISTRO_KEYRING DISTRO_KEYRING_PACKAGE DISTRO_GLIBC
  # shellcheck source=scripts/distros/bullseye
  . "$f"
  # shellcheck disable=SC2086 # a list of names
  require_settings "distribution profile $f" $DISTRO_REQUIRED
  case $DISTRO_VENDOR in debian|ubuntu) ;; *) die "distribution profile $f: DISTRO_VENDOR must be debian or ubuntu, not '$DISTRO_VENDOR'" ;; esac
  # apt's one-line sources cannot quote: a space would split the entry.
  local v
  for v in DISTRO_KEYRING DISTRO_MIRROR DISTRO_PORTS_MIRROR; do
    [[ ${!v} != *[[:space:]]* ]] || die "distribution profile $f: $v='${!v}' contains a space (apt source lines cannot take one)"
  done
  DISTRO_NAME=${f##*/}
}

# settings_keyed [DISTRO]: the settings in every stage's key, one NAME=VALUE
# a line (with DISTRO: those of the distribution profile too).
settings_keyed() {
  local v
  printf 'SOURCE_DATE_EPOCH=%s\n' "$SOURCE_DATE_EPOCH"
  for v in $TARGET_REQUIRED $TARGET_OPTIONAL; do printf '%s=%s\n' "$v" "${!v:-}"; done
  if [ "${1:-}" = distro ]; then
    printf 'DISTRO_NAME=%s\n' "$DISTRO_NAME"
    for v in $DISTRO_KEYED; do printf '%s=%s\n' "$v" "${!v:-}"; done
    printf 'mirror=%s\n' "${DISTRO_MIRROR:-$(debian_mirror 2>/dev/null || echo none)}"
    printf 'ports-mirror=%s\n' "$DISTRO_PORTS_MIRROR"
  fi
}

# settings_write FILE [distro]: what a stage is built with, for people to
# read beside its log (keyed settings, then the ones that are not).
settings_write() {
  local file=$1 v
  {
    printf '# crossboot %s: the settings of this build (the keyed ones first)\n' "$CROSSBOOT_VERSION"
    settings_keyed "${2:-}"
    printf '# not keyed\nCACHE=%s\nSOURCES=%s\nJOBS=%s\n' "$CACHE" "$SOURCES" "${JOBS:-}"
    if [ "${2:-}" = distro ]; then printf 'DISTRO_VENDOR=%s\n' "$DISTRO_VENDOR"; fi
  } >"$file"
}
