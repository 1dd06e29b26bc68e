# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe distro (sources/sections/): roots and sysroots of the target
# distribution (the DISTRO_* profile that load_distro reads from
# scripts/distros/), made with mmdebstrap, for the stages that declare
# STAGE_DISTRO=1.
RECIPE_NEEDS=""

# distro_mirror ARCH: the archive that has ARCH's packages.
distro_mirror() {
  if [[ " $DISTRO_PORTS_ARCHES " == *" $1 "* ]]; then
    printf '%s\n' "${DISTRO_PORTS_MIRROR:?the profile names no ports mirror}"
  elif [ -n "$DISTRO_MIRROR" ]; then
    printf '%s\n' "$DISTRO_MIRROR"
  else
    debian_mirror || die "no Debian mirror in the host's apt sources; set DEBIAN_MIRROR=<Debian archive URL>"
  fi
}

# distro_source_lines ARCH...: one-line-style apt sources for every suite of
# the profile, one per archive (architectures that share one share the line).
distro_source_lines() {
  local arch mirror suite key
  declare -A archs=()
  for arch in "$@"; do
    mirror=$(distro_mirror "$arch")
    archs[$mirror]="${archs[$mirror]:+${archs[$mirror]},}$arch"
  done
  key="signed-by=$DISTRO_KEYRING"
  for mirror in "${!archs[@]}"; do
    for suite in $DISTRO_SUITES; do
      printf 'deb [arch=%s %s] %s %s %s\n' "${archs[$mirror]}" "$key" "$mirror" "$suite" "$DISTRO_COMPONENTS"
    done
  done | LC_ALL=C sort
}

# distro_check_keyring: the profile's archive keyring is on this host.
distro_check_keyring() {
  [ -r "$DISTRO_KEYRING" ] ||
    die "the $DISTRO_NAME archive keyring $DISTRO_KEYRING is missing (apt-get install $DISTRO_KEYRING_PACKAGE)"
}

# distro_mmdebstrap ROOT VARIANT ARCHES PACKAGES [MMDEBSTRAP-OPTION...]: a
# root of the profile's first suite for ARCHES (comma-separated; the first
# is the native one), with PACKAGES (comma-separated). What it holds goes to
# ROOT.packages, one NAME_VERSION_ARCH a line.
distro_mmdebstrap() {
  local root=$1 variant=$2 arches=$3 pkgs=$4 lines list hook; shift 4
  have mmdebstrap || die "mmdebstrap is missing (apt-get install mmdebstrap)"
  # mmdebstrap's unshare mode (rootless) leaves the files owned by
  # subordinate ids, which the cache then cannot copy or remove as the user.
  [ "$(id -u)" = 0 ] || die "the $DISTRO_NAME stages need root for now (mmdebstrap's rootless mode leaves files the cache cannot manage)"
  distro_check_keyring
  IFS=, read -ra list <<<"$arches"
  mapfile -t lines < <(distro_source_lines "${list[@]}")
  # shellcheck disable=SC2016 # $1 is mmdebstrap's, in its hooks
  if [ "$variant" = extract ]; then   # no dpkg database: the packages extracted
    hook=(--extract-hook='find "$1/var/cache/apt/archives" -name "*.deb" -printf "%f\n" | sed "s/\.deb$//" | LC_ALL=C sort >"$1.packages"')
  else
    hook=(--customize-hook='dpkg-query --admindir="$1/var/lib/dpkg" -W -f="\${Package}_\${Version}_\${Architecture}\n" | LC_ALL=C sort >"$1.packages"')
  fi
  # In root mode mmdebstrap mounts /proc, /sys and /dev inside the root: in a
  # mount and pid namespace of its own, an interrupted run leaves neither
  # mounts in the cache nor processes holding the cache's lock.
  run_logged "mmdebstrap-${root##*/}" unshare --mount --pid --fork --kill-child \
    env SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" mmdebstrap --variant="$variant" --architectures="$arches" --include="$pkgs" \
    --keyring="$DISTRO_KEYRING" --aptopt='Acquire::Retries "3"' \
    "${hook[@]}" \
    "$@" "${DISTRO_SUITES%% *}" "$root" "${lines[@]}"
}

# relative_symlinks ROOT: absolute symlinks inside ROOT (Debian's -dev
# packages have some, e.g. libz.so -> /lib/...) made relative, so the tree
# works wherever it is, as a --sysroot.
relative_symlinks() {
  local root=$1 link target dir rel
  while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    dir=$(dirname "${link#"$root"}")
    # -s: the host's own symlinks (/lib -> usr/lib) must not be resolved.
    rel=$(realpath -m -s --relative-to="$dir" "$target")
    ln -sfn "$rel" "$link"
  done < <(find "$root" -type l -lname '/*' -print0)
}

# check_library_links ROOT: no symlink in ROOT's library directories dangles
# (ld would quietly take the static archive instead).
check_library_links() {
  local bad
  bad=$(find "$1/lib" "$1/usr/lib" -xtype l 2>/dev/null | head -n 5)
  [ -z "$bad" ] || die "dangling library links in the sysroot: ${bad//$'\n'/ }"
}
