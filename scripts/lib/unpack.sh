# shellcheck shell=bash
# Sourced by scripts/lib.sh. Unpacking and patching sources into the shared
# source cache ($CACHE/src), atomically.

# Bumped when unpacking or patching changes what a source tree holds: the
# trees in $CACHE/src are keyed by it (the stages by ENGINE_FORMAT).
UNPACK_FORMAT=1

# unpack_into TARBALL DIR UNPACK: extract so that DIR is the source tree.
unpack_into() {
  local tarball=$1 dest=$2 how=$3 tmp top
  tmp=$(mktemp -d "$dest.unpack.XXXXXX")
  case $how in
    tar) tar -xf "$tarball" -C "$tmp" || die "unpacking ${tarball##*/} failed (disk full?)" ;;
    nested:*)
      # A tarball inside the tarball (Debian's gcc): extract only the inner one.
      local inner=${how#nested:}
      tar -xf "$tarball" -C "$tmp" --wildcards "*/$inner" || die "unpacking ${tarball##*/} failed"
      mkdir "$tmp/inner"
      tar -xf "$(find "$tmp" -name "$inner" -print -quit)" -C "$tmp/inner" ||
        die "unpacking $inner from ${tarball##*/} failed (disk full?)"
      tmp="$tmp/inner" ;;
    subdir:*)
      # The project's source is one directory of the tarball's top directory
      # (Debian's expat: a git archive, the library in expat/).
      local sub=${how#subdir:}
      tar -xf "$tarball" -C "$tmp" || die "unpacking ${tarball##*/} failed (disk full?)"
      top=$(find "$tmp" -mindepth 2 -maxdepth 2 -type d -name "$sub")
      if [ -z "$top" ] || [ "$(printf '%s\n' "$top" | wc -l)" != 1 ]; then
        die "${tarball##*/}: expected one top directory holding $sub/"
      fi
      mkdir "$tmp/inner"
      mv "$top" "$tmp/inner/"
      tmp="$tmp/inner" ;;
    *) die "unknown unpack method '$how'" ;;
  esac
  top=$(find "$tmp" -mindepth 1 -maxdepth 1)
  if [ "$(printf '%s\n' "$top" | wc -l)" != 1 ] || [ ! -d "$top" ]; then
    die "$tarball: expected exactly one top directory"
  fi
  mv "$top" "$dest"
  rm -rf "${dest}.unpack."*
}

# patch_list NAME ORIGIN: the package's patches in order: those for every
# tarball, then those for this origin's only (patches/NAME/debian/ fixes what
# Debian's repacks remove).
patch_list() {
  local d="$PATCH_DIR/$1"
  [ -d "$d" ] || return 0
  find "$d" -maxdepth 1 -name '*.patch' | LC_ALL=C sort
  [ -d "$d/$2" ] || return 0
  find "$d/$2" -maxdepth 1 -name '*.patch' | LC_ALL=C sort
}

# source_dir NAME: an unpacked, patched tree for NAME (shared by all stages,
# never written to by builds). Keyed by tarball and patches, made atomically.
source_dir() {
  local name=$1 tarball how key dir p
  # What a stage unpacks must be in its cache key.
  if [ -n "${STAGE_NAME:-}" ] && [[ " ${STAGE_SOURCES:-} " != *" $name "* ]]; then
    die "stage $STAGE_NAME uses source '$name' without listing it in STAGE_SOURCES"
  fi
  source_tarball "$name"
  tarball=$SRC_TARBALL
  how=tar
  [ "$SRC_ORIGIN" = debian ] && how=$(manifest_get "$name" deb_unpack)
  key=$( { printf 'unpack %s\n' "$UNPACK_FORMAT"; sha256_of "$tarball"; patch_list "$name" "$SRC_ORIGIN" | while read -r p; do sha256_of "$p"; done; } |
    sha256sum | cut -c1-12)
  dir="$CACHE/src/$name-$(manifest_get "$name" version)-$key"
  [ -d "$dir" ] || unpack_locked "$name" "$tarball" "$how" "$dir"
  printf '%s\n' "$dir"
}

# unpack_locked NAME TARBALL UNPACK DIR: make DIR, under a lock per package
# ($CACHE/src/.lock-NAME): builds of other targets sharing the cache wait
# and then find it, rather than unpack it twice. The work directory
# (.NAME.XXXXXX.unpack) is renamed into place only when complete.
unpack_locked() {
  local name=$1 tarball=$2 how=$3 dir=$4 fd work p
  mkdir -p "$CACHE/src" 2>/dev/null || die "disk full or not writable: $CACHE/src"
  lock_open "$CACHE/src/.lock-$name" "$name"
  fd=$LOCK_FD
  if [ ! -d "$dir" ]; then
    work=$(mktemp -d "$CACHE/src/.$name.XXXXXX.unpack") || die "disk full or not writable: $CACHE/src"
    msg "  unpack $name (${tarball##*/})"
    unpack_into "$tarball" "$work/tree" "$how"
    while read -r p; do
      [ -n "$p" ] || continue
      patch -d "$work/tree" -p1 -N --batch --quiet <"$p" >&2 || die "$name: patch ${p##*/} does not apply"
    done < <(patch_list "$name" "$SRC_ORIGIN")
    mv -T "$work/tree" "$dir"
    rm -rf "$work"
  fi
  exec {fd}>&-
}

# unpack_clean_leftovers: the work directories of killed runs, not those of
# a build unpacking now (it holds the package's lock).
unpack_clean_leftovers() {
  local p name
  for p in "$CACHE"/src/.*.unpack; do
    [ -e "$p" ] || continue
    name=${p##*/}; name=${name#.}; name=${name%.*.*}
    unlocked_rm "$CACHE/src/.lock-$name" "$p"
  done
  # Older versions' names: unpacked under no lock.
  rm -rf -- "$CACHE"/src/*.tmp.*
}

