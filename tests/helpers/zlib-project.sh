# shellcheck shell=bash
# Sourced by the pkg-config tests: tests/programs/zlib-project (a C program
# that finds zlib through pkg-config only) configured and built with the
# toolchain's CMake toolchain file or Meson cross file. The caller sets TC
# (the extracted toolchain), SCRATCH, and uses testlib.sh's ok/not_ok.

ZLIB_PROJECT="$TOP/tests/programs/zlib-project"

# zlib_cmake TRIPLET BUILD [VAR=VALUE...]: configure and build with
# TC/TRIPLET.cmake in an environment of only PATH and the VARs; the log is
# BUILD.log.
zlib_cmake() {
  local t=$1 b=$2; shift 2
  { env -i PATH=/usr/bin:/bin "$@" cmake -S "$ZLIB_PROJECT" -B "$b" -DCMAKE_TOOLCHAIN_FILE="$TC/$t.cmake" &&
    env -i PATH=/usr/bin:/bin "$@" cmake --build "$b" -v; } >"$b.log" 2>&1
}

# zlib_meson TRIPLET BUILD [VAR=VALUE...]: the same with TC/TRIPLET.meson,
# the toolchain's bin/ on PATH as the cross file wants.
zlib_meson() {
  local t=$1 b=$2; shift 2
  { env -i PATH="$TC/bin:/usr/bin:/bin" "$@" meson setup --cross-file "$TC/$t.meson" "$b" "$ZLIB_PROJECT" &&
    env -i PATH="$TC/bin:/usr/bin:/bin" "$@" ninja -C "$b" -v; } >"$b.log" 2>&1
}

# have_build_systems: cmake, meson and ninja are installed (else a skip line).
have_build_systems() {
  local t
  for t in cmake meson ninja; do
    command -v "$t" >/dev/null && continue
    skip "CMake and Meson projects with pkg-config" "$t is not installed (apt-get install cmake meson ninja-build)"
    return 1
  done
}

# zlib_builds NAME TRIPLET LIBZ SYSROOT EXPECTED [VAR=VALUE...]: with CMake
# and with Meson, the project configures, links the libz whose path ends in
# LIBZ (the end without spaces: make -v prints them escaped) and prints
# EXPECTED under qemu -L SYSROOT.
zlib_builds() {
  local name=$1 t=$2 libz=$3 sys=$4 want=$5 tool b out; shift 5
  for tool in cmake meson; do
    b="$SCRATCH/$tool ${name// /-}"
    if ! "zlib_$tool" "$t" "$b" "$@"; then
      not_ok "$name, $tool: configure and build"; tail -n 15 "$b.log" | sed 's/^/#   /'; continue
    fi
    if grep -qF -- "$libz" "$b.log" && ! grep -q 'x86_64-linux-gnu' "$b.log"; then
      ok "$name, $tool: links $libz, nothing of the build host's"
    else not_ok "$name, $tool: the link line does not name $libz (log: $b.log)"; fi
    if out=$(qemu-aarch64-static -L "$sys" "$b/zlib_version" 2>&1) && [ "$out" = "$want" ]; then
      ok "$name, $tool: runs ($out)"
    else not_ok "$name, $tool: run: $out"; fi
  done
}

# zlib_fails NAME TRIPLET [VAR=VALUE...]: with CMake and with Meson, the
# configure step stops and says zlib was not found.
zlib_fails() {
  local name=$1 t=$2 tool b; shift 2
  for tool in cmake meson; do
    b="$SCRATCH/$tool ${name// /-}"
    if "zlib_$tool" "$t" "$b" "$@"; then
      not_ok "$name, $tool: configured and built (log: $b.log)"
    elif grep -Eq "Package 'zlib'.* not found|No package 'zlib' found|Dependency \"zlib\" not found" "$b.log"; then
      ok "$name, $tool: fails, saying zlib is not found"
    else not_ok "$name, $tool: failed, but not for zlib"; tail -n 15 "$b.log" | sed 's/^/#   /'; fi
  done
}

# host_zlib_pc DIR: a zlib.pc of the build host's kind in DIR (whether or
# not the host has zlib1g-dev), for the checks that it is never read.
host_zlib_pc() {
  mkdir -p "$1"
  # shellcheck disable=SC2016 # ${prefix} and ${libdir} are pkg-config's
  printf '%s\n' 'prefix=/usr' 'libdir=${prefix}/lib/x86_64-linux-gnu' 'includedir=${prefix}/include' \
    'Name: zlib' 'Description: the build host'"'"'s zlib' 'Version: 9.9.9-host' \
    'Libs: -L${libdir} -lz' 'Cflags: -I${includedir}' >"$1/zlib.pc"
}
