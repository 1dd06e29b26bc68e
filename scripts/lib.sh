# shellcheck shell=bash
# Sourced, not run.
#
# Helpers shared by build.sh and the stage scripts: messages, logged commands,
# the sources manifest, fetching, verifying and unpacking sources.
# Stage results depend on this file: it is part of every stage's cache key.
#
# Expects: TOP (repository root), CACHE (stage cache root). Stages also get
# STAGE_WORK, STAGE_OUT, LOG_DIR, JOBS and the target's TARGET_* variables.

# Command substitutions keep set -e: `src=$(source_dir gcc)` must fail when
# unpacking fails half-way (a full disk), not cache a partial tree.
shopt -s inherit_errexit

MANIFEST=$TOP/scripts/sources.manifest
PATCH_DIR=$TOP/scripts/patches
SOURCES=${CROSSBOOT_SOURCES:-$CACHE/sources}
OFFLINE=0
# Upstream sites get a short connect timeout: when they are unreachable, the
# Debian fallback must not wait long.
CONNECT_TIMEOUT=${CONNECT_TIMEOUT:-5}

msg() { printf '%s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
# One clear line and a non-zero exit. Inside a stage it ends the whole stage,
# even from a command substitution (as Aboriginal's dienow does).
die() {
  printf 'error: %s\n' "$*" >&2
  if [ -n "${STAGE_SHELL_PID:-}" ] && [ "$BASHPID" != "$STAGE_SHELL_PID" ]; then
    kill -TERM "$STAGE_SHELL_PID" 2>/dev/null
  fi
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# run_logged NAME CMD...: run CMD with its output in $LOG_DIR/NAME.log.
# On failure, leave the command and the log's path in $STAGE_WORK/.failed so
# the engine can show them, and return the command's status.
run_logged() {
  local name=$1; shift
  local log="$LOG_DIR/$name.log" rc=0
  mkdir -p "$LOG_DIR"
  printf '+ (cd %q &&%s)\n' "$PWD" "$(printf ' %q' "$@")" >>"$log"
  "$@" >>"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    if [ -n "${STAGE_WORK:-}" ]; then
      printf '%s\n%s\n' "$(printf '%q ' "$@")" "$log" >"$STAGE_WORK/.failed"
    fi
    return "$rc"
  fi
}

# --- the sources manifest -------------------------------------------------

# manifest_block NAME: the block's lines, comments dropped (part of cache keys).
manifest_block() {
  awk -v want="[$1]" '
    /^[[:space:]]*(#|$)/ { next }
    /^\[/ { inblk = ($1 == want); next }
    inblk { print }' "$MANIFEST"
}

# manifest_get NAME KEY: one value; dies when the package or key is missing.
manifest_get() {
  local val
  val=$(manifest_block "$1" | awk -v k="$2" -F '[[:space:]]*=[[:space:]]*' '
    { sub(/^[[:space:]]+/, "") } $1 == k { sub(/[[:space:]]+$/, "", $2); print $2; exit }')
  [ -n "$val" ] || die "sources manifest: no '$2' for package '$1' in $MANIFEST"
  printf '%s\n' "$val"
}

manifest_packages() { sed -n 's/^\[\(.*\)\]$/\1/p' "$MANIFEST"; }

# --- fetching and verifying ------------------------------------------------

# verify_file FILE SHA256: on mismatch, move the file aside (FILE.bad) and die
# with one line naming it, the expected and the actual hash.
verify_file() {
  local file=$1 want=$2 got
  got=$(sha256_of "$file")
  [ "$got" = "$want" ] && return 0
  mv -f "$file" "$file.bad"
  die "checksum mismatch: $file: expected $want, got $got (moved to $file.bad)"
}

# fetch_upstream NAME: download the upstream tarball into $SOURCES.
fetch_upstream() {
  local name=$1 url file sha tmp
  url=$(manifest_get "$name" url)
  sha=$(manifest_get "$name" sha256)
  file="$SOURCES/${url##*/}"
  tmp="$file.part"
  have curl || return 1
  msg "  fetch $name: $url"
  # A server that stalls after connecting is given up on too.
  if ! curl -fsSL --connect-timeout "$CONNECT_TIMEOUT" --speed-limit 1024 --speed-time 60 \
      -o "$tmp" "$url" 2>"$tmp.err"; then
    msg "  $name: upstream failed: $(tail -n1 "$tmp.err")"
    rm -f "$tmp" "$tmp.err"
    return 1
  fi
  rm -f "$tmp.err"
  mv -f "$tmp" "$file" || die "$name: cannot write $file"
  if [ "$sha" = unverified ]; then
    warn "$name: no published hash for ${url##*/}; using it UNVERIFIED"
  else
    verify_file "$file" "$sha"
  fi
}

# debian_mirror: DEBIAN_MIRROR, else the first Debian archive in the host's apt
# sources (security and ports archives hold no source packages we need).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then printf '%s\n' "$DEBIAN_MIRROR"; return; fi
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    grep -Eo '(https?|file)://[^[:space:]]+/debian/?([[:space:]]|$)' "$f" | head -n1 |
      sed 's#[[:space:]]*$##; s#/*$##' | grep . && return
  done
  return 1
}

# apt_private [apt-get|apt-cache] ARGS...: apt with our own sources list and
# state, so the host's apt configuration is never edited.
apt_private() {
  local d="$CACHE/apt" tool=apt-get
  case $1 in apt-get|apt-cache) tool=$1; shift ;; esac
  "$tool" -q -o Dir::Etc::SourceList="$d/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o Dir::State::status=/dev/null \
    -o APT::Sandbox::User=root "$@"
}

apt_private_setup() {
  local suite=$1 d="$CACHE/apt" mirror
  mirror=$(debian_mirror) ||
    die "no Debian mirror in the host's apt sources; set DEBIAN_MIRROR=<Debian archive URL>"
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  # Name Debian's key explicitly: on an Ubuntu host apt would not trust it.
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg opts=''
  [ -r "$keyring" ] && opts="[signed-by=$keyring] "
  local want="deb-src $opts$mirror $suite main"
  # Lists older than a day are refreshed: the archive moves on.
  if [ "$(cat "$d/sources.list" 2>/dev/null)" != "$want" ] ||
     [ -z "$(find "$d/lists/.updated" -mtime -1 2>/dev/null)" ]; then
    printf '%s\n' "$want" >"$d/sources.list"
    rm -f "$d/lists/.updated"
    apt_private update >&2 || die "apt-get update of the private Debian source list failed"
    touch "$d/lists/.updated"
  fi
}

# fetch_debian NAME: the orig tarball through `apt-get source --download-only`.
fetch_debian() {
  local name=$1 pkg ver suite orig sha dl
  pkg=$(manifest_get "$name" deb_package)
  ver=$(manifest_get "$name" deb_version)
  suite=$(manifest_get "$name" deb_suite)
  orig=$(manifest_get "$name" deb_orig)
  sha=$(manifest_get "$name" deb_sha256)
  have apt-get || die "$name: not in the source cache, upstream unreachable, and no apt-get for the Debian fallback"
  apt_private_setup "$suite"
  msg "  fetch $name: Debian source package $pkg=$ver"
  dl=$(mktemp -d "$SOURCES/.apt.XXXXXX")
  # Only the orig tarball is needed: a missing .debian.tar is not an error.
  (cd "$dl" && apt_private source --download-only "$pkg=$ver" >"$dl.log" 2>&1) || true
  if [ ! -f "$dl/$orig" ]; then
    rm -rf "$dl"
    debian_gone "$name" "$pkg" "$ver" "$dl.log"
  fi
  rm -f "$dl.log"
  verify_file "$dl/$orig" "$sha"
  mv -f "$dl/$orig" "$SOURCES/$orig"
  rm -rf "$dl"
}

# debian_gone: the archive keeps current versions only; name what it has now.
# When the archive still lists the version, the download itself failed.
debian_gone() {
  local name=$1 pkg=$2 ver=$3 log=$4 versions now
  versions=$(apt_private apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -V) || true
  [ -n "$versions" ] || die "$name: Debian source package $pkg not found in the archive"
  if grep -qxF -- "$ver" <<<"$versions"; then
    die "$name: downloading Debian's $pkg $ver failed: $(grep -E '^(E|Err):' "$log" | head -n1)"
  fi
  now=$(tail -n1 <<<"$versions")
  die "$name: Debian no longer has $pkg $ver (it has $now); re-pin with: scripts/repin-debian.sh $name $now"
}

# source_tarball NAME: make sure a verified tarball for NAME is in $SOURCES,
# fetching it if needed. Sets SRC_TARBALL and SRC_ORIGIN (upstream|debian).
source_tarball() {
  local name=$1 url up deb sha
  url=$(manifest_get "$name" url)
  sha=$(manifest_get "$name" sha256)
  up="$SOURCES/${url##*/}"
  deb="$SOURCES/$(manifest_get "$name" deb_orig)"
  mkdir -p "$SOURCES"
  SRC_TARBALL=$up SRC_ORIGIN=upstream
  if [ -f "$up" ]; then
    [ "$sha" = unverified ] || verify_file "$up" "$sha"
    return
  fi
  SRC_TARBALL=$deb SRC_ORIGIN=debian
  if [ -f "$deb" ]; then
    verify_file "$deb" "$(manifest_get "$name" deb_sha256)"
    return
  fi
  [ "$OFFLINE" = 1 ] && die "$name: not in the source cache $SOURCES and --offline was given"
  if fetch_upstream "$name"; then SRC_TARBALL=$up SRC_ORIGIN=upstream; return; fi
  fetch_debian "$name"
}

# --- unpacking ------------------------------------------------------------

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
  key=$( { sha256_of "$tarball"; patch_list "$name" "$SRC_ORIGIN" | while read -r p; do sha256_of "$p"; done; } |
    sha256sum | cut -c1-12)
  dir="$CACHE/src/$name-$(manifest_get "$name" version)-$key"
  if [ ! -d "$dir" ]; then
    mkdir -p "$CACHE/src"
    local tmp="$dir.tmp.$$"
    rm -rf "$tmp"
    msg "  unpack $name (${tarball##*/})"
    unpack_into "$tarball" "$tmp" "$how"
    while read -r p; do
      [ -n "$p" ] || continue
      patch -d "$tmp" -p1 -N --batch --quiet <"$p" >&2 || die "$name: patch ${p##*/} does not apply"
    done < <(patch_list "$name" "$SRC_ORIGIN")
    mv "$tmp" "$dir"
  fi
  printf '%s\n' "$dir"
}

# --- building ---------------------------------------------------------------

# Compilers for programs that run on the build host; ccache when installed.
host_cc() { if have ccache; then printf 'ccache gcc'; else printf 'gcc'; fi; }
host_cxx() { if have ccache; then printf 'ccache g++'; else printf 'g++'; fi; }

# Flags for everything we build: no debug info (size, speed), and no build
# paths in what we ship. (libgcc adds -g, and gcc 12 does not pass
# -ffile-prefix-map on to the assembler: tc_tidy strips that debug info.)
build_cflags() { printf '%s' "-O2 -g0 -ffile-prefix-map=$CACHE=/build"; }

# autotools_build NAME SRC BUILD DESTDIR [CONFIGURE-ARGS...]: configure out of
# tree, make, make install (into DESTDIR when not empty); steps logged as NAME-*.
# INSTALL_TARGET (default install) may name another, such as install-strip.
autotools_build() {
  local name=$1 src=$2 build=$3 destdir=$4; shift 4
  mkdir -p "$build"
  (
    cd "$build" || exit
    run_logged "$name-configure" "$src/configure" "$@"
    run_logged "$name-make" make -j"$JOBS" MAKEINFO=true
    run_logged "$name-install" make "${INSTALL_TARGET:-install}" MAKEINFO=true ${destdir:+DESTDIR="$destdir"}
  )
}

# --- toolchain recipes ----------------------------------------------------------
# Shared by the stages that build compilers. Set before calling:
#   TC_TARGET      target triplet
#   TC_HOST        host triplet; empty for the build host itself
#   TC_CC, TC_CXX  compilers for programs that run on the host
#   TC_LDFLAGS     their linker flags (-static for a static toolchain)
#   TC_HOSTLIBS    prefix holding gmp, mpfr and mpc built for the host
#   TC_MUSL_CONFIG optional: more configure options for musl

# tc_host_args: configure arguments for programs that run on TC_HOST (in TC_ARGS).
tc_host_args() {
  local cflags; cflags=$(build_cflags)
  TC_ARGS=(${TC_HOST:+--host="$TC_HOST"} CC="$TC_CC" CXX="$TC_CXX" CFLAGS="$cflags"
    CXXFLAGS="$cflags" ${TC_LDFLAGS:+LDFLAGS="$TC_LDFLAGS"})
}

# tc_host_libs PREFIX: static gmp, mpfr and mpc for the host.
tc_host_libs() {
  local prefix=$1 gmp mpfr mpc
  gmp=$(source_dir gmp)
  mpfr=$(source_dir mpfr)
  mpc=$(source_dir mpc)
  tc_host_args
  local common=(--prefix="$prefix" --disable-shared --enable-static "${TC_ARGS[@]}")
  # --enable-fat: pick CPU-specific code at run time, not for this build host's CPU.
  autotools_build gmp "$gmp" "$STAGE_WORK/gmp" "" "${common[@]}" --enable-fat
  autotools_build mpfr "$mpfr" "$STAGE_WORK/mpfr" "" "${common[@]}" --with-gmp="$prefix"
  autotools_build mpc "$mpc" "$STAGE_WORK/mpc" "" "${common[@]}" --with-gmp="$prefix" \
    --with-mpfr="$prefix"
  rm -rf "$prefix/share" "$prefix"/lib/*.la
}

# tc_binutils DEST: binutils for TC_TARGET, running on TC_HOST, into DEST.
# An empty prefix plus DESTDIR keeps every path relative to the install dir;
# --with-sysroot lets ccwrap's glibc mode pass --sysroot to ld.
tc_binutils() {
  local dest=$1 src INSTALL_TARGET=install-strip
  src=$(source_dir binutils)
  tc_host_args
  autotools_build "binutils-$TC_TARGET" "$src" "$STAGE_WORK/binutils-$TC_TARGET" "$dest" \
    --prefix= --target="$TC_TARGET" --with-sysroot="/$TC_TARGET" \
    --disable-nls --disable-werror --disable-multilib --disable-gprofng --disable-gdb \
    --disable-sim --without-zstd --without-debuginfod --enable-deterministic-archives \
    "${TC_ARGS[@]}"
  rm -rf "$dest/share" "$dest/lib/bfd-plugins"
}

# tc_linux_headers KARCH DEST: the kernel's user-space headers into DEST/include.
tc_linux_headers() {
  local karch=$1 dest=$2 src
  src=$(source_dir linux)
  run_logged "linux-headers-$karch" make -C "$src" O="$STAGE_WORK/linux-$karch" ARCH="$karch" \
    HOSTCC="$(host_cc)" INSTALL_HDR_PATH="$dest" headers_install
}

# tc_gcc_configure BUILD-SYSROOT [OPTION...]: configure gcc (C, C++) for
# TC_TARGET in $STAGE_WORK/gcc-TC_TARGET. Both sysroots use /include and /lib.
tc_gcc_configure() {
  local sys=$1 src cflags; shift
  src=$(source_dir gcc)
  cflags=$(build_cflags)
  tc_host_args
  mkdir -p "$STAGE_WORK/gcc-$TC_TARGET"
  (cd "$STAGE_WORK/gcc-$TC_TARGET" && run_logged "gcc-$TC_TARGET-configure" "$src/configure" \
    --prefix= --target="$TC_TARGET" "${TC_ARGS[@]}" \
    --with-sysroot="/$TC_TARGET" --with-build-sysroot="$sys" \
    --with-native-system-header-dir=/include \
    --with-gmp="$TC_HOSTLIBS" --with-mpfr="$TC_HOSTLIBS" --with-mpc="$TC_HOSTLIBS" --without-isl \
    --enable-languages=c,c++ --disable-multilib --disable-nls --disable-werror \
    --disable-libsanitizer --disable-libgomp --disable-libitm --disable-libssp \
    --disable-libquadmath --disable-libvtv --disable-libstdcxx-pch \
    --enable-checking=release --with-pkgversion=crossboot \
    --enable-default-pie \
    CFLAGS_FOR_TARGET="$cflags" CXXFLAGS_FOR_TARGET="$cflags" MAKEINFO=true "$@")
  tc_gcc_portable_args "$STAGE_WORK/gcc-$TC_TARGET/Makefile" "$src"
}

# tc_gcc_portable_args MAKEFILE SRC: `gcc -v` prints the configure command
# line, which gcc's own configure takes from the top Makefile. There it
# loses what depends on this build: the cache path (as -ffile-prefix-map
# writes it), the source directory's name (which says where the tarball came
# from) and ccache.
tc_gcc_portable_args() {
  local mk=$1 src=$2 lines i v
  v=$(manifest_get gcc version)
  mapfile -t lines <"$mk"
  for i in "${!lines[@]}"; do
    [[ ${lines[i]} == TOPLEVEL_CONFIGURE_ARGUMENTS=* ]] || continue
    lines[i]=${lines[i]//"$src"//build/src/gcc-$v}
    lines[i]=${lines[i]//"$CACHE"//build}
    lines[i]=${lines[i]//"ccache "/}
  done
  printf '%s\n' "${lines[@]}" >"$mk"
}

# tc_gcc_make TARGET...: make targets in the gcc build directory.
tc_gcc_make() {
  local t
  for t in "$@"; do
    (cd "$STAGE_WORK/gcc-$TC_TARGET" && run_logged "gcc-$TC_TARGET-$t" make -j"$JOBS" "$t")
  done
}

# tc_musl SYSROOT DEST: musl's headers, a static libgcc to link it with, musl
# into SYSROOT (for gcc's target libraries) and into DEST.
tc_musl() {
  local sys=$1 dest=$2 src gccb="$STAGE_WORK/gcc-$TC_TARGET" ldso
  src=$(source_dir musl)
  mkdir -p "$STAGE_WORK/musl-$TC_TARGET"
  (
    cd "$STAGE_WORK/musl-$TC_TARGET" || exit
    # shellcheck disable=SC2086 # TC_MUSL_CONFIG is a list of options
    run_logged musl-configure "$src/configure" --prefix= --host="$TC_TARGET" \
      CC="$gccb/gcc/xgcc -B $gccb/gcc" CFLAGS="$(build_cflags)" \
      LIBCC="$gccb/$TC_TARGET/libgcc/libgcc.a" ${TC_MUSL_CONFIG:-}
    run_logged musl-install-headers make install-headers DESTDIR="$sys"
    # enable_shared=no only for libgcc's own make (as musl-cross-make does):
    # on make's command line it would reach libgcc's configure too, and the
    # full build later would then never make libgcc_s.
    (cd "$gccb" && run_logged gcc-libgcc-static make -j"$JOBS" MAKE="make enable_shared=no" all-target-libgcc)
    run_logged musl-make make -j"$JOBS"
    run_logged musl-install-sysroot make install DESTDIR="$sys"
    run_logged musl-install make install DESTDIR="$dest"
  )
  # musl links its loader to an absolute /lib/libc.so; relative, the sysroot
  # works where it is (qemu-user -L, chroots).
  for ldso in "$sys"/lib/ld-musl-*.so.1 "$dest"/lib/ld-musl-*.so.1; do
    ln -sfn libc.so "$ldso"
  done
}

# tc_cross_toolchain DEST KARCH [GCC-OPTION...]: gcc (C, C++), musl and the
# kernel headers for TC_TARGET into DEST, where TC_TARGET's binutils already
# are. One gcc build, not two: all-gcc first, then musl's headers, a static
# libgcc, musl itself, and only then gcc's target libraries.
tc_cross_toolchain() {
  local dest=$1 karch=$2 T=$TC_TARGET; shift 2
  local sys="$STAGE_WORK/sysroot-$T"   # what the target libraries build against
  export PATH="$dest/bin:$PATH"
  mkdir -p "$sys/include" "$sys/lib" "$dest/$T/include" "$dest/$T/lib"
  ln -sfn . "$sys/usr"
  ln -sfn . "$dest/$T/usr"
  # gcc installs 64-bit target libraries into lib64; the musl loader and
  # ccwrap look in lib, so both are one directory.
  ln -sfn lib "$sys/lib64"
  ln -sfn lib "$dest/$T/lib64"
  tc_linux_headers "$karch" "$STAGE_WORK/kheaders-$T"
  cp -a "$STAGE_WORK/kheaders-$T/include/." "$sys/include/"
  cp -a "$STAGE_WORK/kheaders-$T/include/." "$dest/$T/include/"
  tc_gcc_configure "$sys" "$@"
  tc_gcc_make all-gcc
  tc_musl "$sys" "$dest/$T"
  tc_gcc_make all
  (cd "$STAGE_WORK/gcc-$T" && run_logged "gcc-$T-install" make install-strip DESTDIR="$dest")
  tc_tidy "$dest"
}

# tc_tidy DEST: drop documentation, libtool archives and fixincludes' tools,
# and the debug info libgcc builds with regardless of CFLAGS (-g): its paths
# name the build, and a release is the same from any build directory.
# TC_TARGET's strip must be in PATH and run here (the cross stage's does).
tc_tidy() {
  local dest=$1
  rm -rf "$dest/share" "$dest/include"
  find "$dest" -name '*.la' -delete
  find "$dest" -type d -name install-tools -prune -exec rm -rf {} +
  find "$dest/lib/gcc/$TC_TARGET" "$dest/$TC_TARGET/lib" \( -name '*.a' -o -name '*.o' \) -type f \
    -exec "$TC_TARGET-strip" --strip-debug -D {} +
}
