# shellcheck shell=bash
# Sourced by scripts/kernel-debs.sh, not run: the build's work directory and
# what makes a build resumable and incremental. Expects msg, die, WORK, TREE.
#
# WORK (one per tree, distribution, size and target) holds:
#   src/           the tree's copy, prepared (patches, flavour, config); its
#                  build state (Ubuntu: debian/build, debian/stamps; upstream:
#                  ../out) survives every run but --fresh
#   state/         what the copy was prepared from (tree listing, recipe,
#                  config and key fingerprints) and which targets are done
#   debs/TARGET/   the packages of each finished dpkg target
#   dkms/          the dkms source packages an Ubuntu tree pins (zfs-dkms,
#                  wireguard-dkms), fetched before the build (dkms.sh)
#   build.log      this run's build output (build.log.1: the run before)
# A run compares the tree and the settings with state/: nothing changed and
# the build goes on where it stopped (kbuild's and the tree's own stamps);
# something changed and only the phases it touches are redone.

# work_lock: one build of a WORK at a time. The lock is held by a descriptor
# every child inherits, so it is free only when the last of them is gone.
work_lock() {
  mkdir -p "$(dirname "$WORK")"
  exec {WORK_LOCK_FD}>>"$WORK.lock"
  if ! flock -n "$WORK_LOCK_FD"; then
    die "another build of this tree is running in $WORK (lock $WORK.lock, pid $(cat "$WORK.lock.pid" 2>/dev/null || echo '?'))"
  fi
  printf '%s\n' "$$" >"$WORK.lock.pid"
}

# tree_listing DIR: every file of DIR but .git, with its size and
# modification time (rsync's own test for a changed file), sorted.
tree_listing() {
  (cd "$1" && find . -path ./.git -prune -o \( -type f -o -type l \) -printf '%P\t%s\t%T@\n') | LC_ALL=C sort
}

# changed_paths OLD NEW: paths whose line differs between two listings.
changed_paths() {
  LC_ALL=C comm -3 "$1" "$2" | sed 's/^\t//' | cut -f1 | LC_ALL=C sort -u
}

# sha_of_stdin: a short content hash.
sha_of_stdin() { sha256sum | cut -c1-16; }

# state_get NAME / state_put NAME VALUE: one value a file in WORK/state.
state_get() { cat "$WORK/state/$1" 2>/dev/null || true; }
state_put() {
  mkdir -p "$WORK/state"
  printf '%s\n' "$2" >"$WORK/state/$1.tmp"
  mv "$WORK/state/$1.tmp" "$WORK/state/$1"
}

# copy_changes: the tree's files in WORK/src (rsync, so only what differs is
# written), without .git and without the build state. Prints the paths that
# changed in the tree since the last copy (all of them the first time).
copy_changes() {
  local new="$WORK/state/tree.list.new"
  mkdir -p "$WORK/src" "$WORK/state"
  tree_listing "$TREE" >"$new"
  rsync -a --delete --exclude=/.git --exclude=/debian/build/ --exclude='/debian/stamps/stamp-*' \
    "$TREE/" "$WORK/src/" || die "could not copy $TREE to $WORK/src"
  if [ -f "$WORK/state/tree.list" ]; then changed_paths "$WORK/state/tree.list" "$new"
  else cut -f1 "$new"; fi
}

# commit_tree_listing: the copy is prepared; its listing is the reference.
commit_tree_listing() { mv "$WORK/state/tree.list.new" "$WORK/state/tree.list"; }

# affects_tools PATHS: whether one of the changed paths (one a line) can
# change the tools (perf, bpftool, cpupower, usbip): they are built from
# tools/ with the kernel's headers, scripts and top Makefile; a driver or a
# packaging file changes nothing in them.
affects_tools() {
  grep -Eq '^(tools/|include/|arch/[^/]+/include/|arch/[^/]+/tools/|scripts/|Makefile$)' <<<"$1"
}

# remove_stamps NAME...: the tree's stamps of those phases (debian/stamps),
# so that the tree's rules redo them; kbuild keeps what is still valid.
remove_stamps() {
  local s
  for s in "$@"; do rm -f "$WORK/src/debian/stamps/$s"; done
}

# keep_build_state / restore_build_state: the tree's clean removes
# debian/build and debian/stamps; they are moved out of its way and back.
# A run killed in between finds them in WORK/keep and puts them back first.
keep_build_state() {
  local d
  mkdir -p "$WORK/keep"
  for d in build stamps; do
    if [ -d "$WORK/src/debian/$d" ] && [ ! -e "$WORK/keep/$d" ]; then mv "$WORK/src/debian/$d" "$WORK/keep/$d"; fi
  done
}
restore_build_state() {
  local d
  for d in build stamps; do
    [ -d "$WORK/keep/$d" ] || continue
    rm -rf "$WORK/src/debian/$d"
    mkdir -p "$WORK/src/debian"
    mv "$WORK/keep/$d" "$WORK/src/debian/$d"
  done
  rmdir "$WORK/keep" 2>/dev/null || true
}

# target_done TARGET FINGERPRINT: TARGET's packages are in WORK/debs for
# these inputs.
target_done() {
  [ "$(state_get "done-$1")" = "$2" ] && [ -d "$WORK/debs/$1" ]
}

# collect_debs TARGET FINGERPRINT: the packages a dpkg target just wrote
# (WORK/*.deb) become WORK/debs/TARGET, whole or not at all.
collect_debs() {
  local target=$1 fp=$2 d="$WORK/debs/$1" f found=0
  rm -rf "$d.new"
  mkdir -p "$d.new"
  for f in "$WORK"/*.deb; do
    [ -f "$f" ] || continue
    mv "$f" "$d.new/"; found=1
  done
  [ "$found" = 1 ] || die "$target made no package (log: $WORK/build.log)"
  rm -rf "$d"
  mv "$d.new" "$d"
  state_put "done-$target" "$fp"
}

# clear_partial: what a killed dpkg-deb may have left (it writes the .deb in
# place), and stale publishing temporaries.
clear_partial() {
  rm -f "$WORK"/*.deb "$WORK"/*.ddeb "$WORK"/*.udeb "$WORK"/*.buildinfo "$WORK"/*.changes
  rm -rf "$WORK"/debs/*.new
}

# publish_debs OUTDIR TARGET...: the finished packages copied to OUTDIR,
# each through a temporary name and a rename, so OUTDIR never holds half a
# package; prints their paths.
publish_debs() {
  local out=$1 t f name; shift
  mkdir -p "$out"
  rm -f "$out"/.*.deb.tmp
  for t in "$@"; do
    for f in "$WORK/debs/$t"/*.deb; do
      [ -f "$f" ] || continue
      name=${f##*/}
      cp "$f" "$out/.$name.tmp"
      mv "$out/.$name.tmp" "$out/$name"
      printf '%s\n' "$out/$name"
    done
  done
}
