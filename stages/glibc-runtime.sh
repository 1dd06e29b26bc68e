# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage glibc-runtime: libgcc (start files, libgcc.a, libgcc_eh.a), a
# static libstdc++ and a static libgomp built by the project's gcc against
# the target distribution's glibc (the sysroot stage), for ccwrap's glibc
# mode. It lands in sysroot-runtime/ beside the toolchain's bin/, where
# ccwrap looks.
#
# C++ programs link libstdc++ statically, so they need only the
# distribution's libc6 and libgcc-s1: libgcc_s.so here is a linker script for
# the distribution's own libgcc_s.so.1, so no newer symbol version than it has
# can creep in.
#
# OpenMP programs link libgomp statically too (libgomp.a, no libgomp.so
# here), so they need only libc6 (libpthread, libdl). Linking the
# distribution's libgomp1 instead would tie gcc 12's code to an older
# runtime (focal's and bullseye's libgomp1 are gcc 10's, without the
# GOMP_5.1 entry points gcc 12 emits for #pragma omp scope and error) and
# need libgomp1 on the target, which a system without gcc may not have.
# The cost: libgomp.a is built for executables (not -fPIC), so a shared
# library with -fopenmp does not link in glibc mode.
STAGE_SUMMARY="libgcc, libstdc++ and libgomp against the distribution's glibc (--distro)"
STAGE_DEPS="host-libs cross sysroot"
STAGE_SOURCES="gcc"
STAGE_RECIPES="gcc tarball licenses"
STAGE_DISTRO=1
STAGE_EXPORT=flat

stage_build() {
  local G=$TARGET_GNU_TRIPLET sys
  sys="$(dep_dir sysroot)/sysroot/$G"
  glibc_triplet_binutils "$(dep_dir cross)" "$STAGE_WORK/tools"
  export PATH="$STAGE_WORK/tools:$PATH"
  tc_init "$G" "$STAGE_WORK/host-libs"
  cp -a "$(dep_dir host-libs)" "$TC_HOSTLIBS"
  # A gcc for the glibc triplet only to build its target libraries: Debian's
  # multiarch layout (/usr/include, lib/<triplet>) in the sysroot.
  # shellcheck disable=SC2086 # TARGET_GCC_CONFIG is a list of options
  tc_gcc_configure "$sys" $TARGET_GCC_CONFIG --with-native-system-header-dir=/usr/include \
    --enable-multiarch
  tc_gcc_make all-gcc all-target-libgcc all-target-libgomp all-target-libstdc++-v3
  (cd "$STAGE_WORK/gcc-$G" && run_logged gcc-install-target-libs \
    make install-target-libgcc install-target-libgomp install-target-libstdc++-v3 \
    DESTDIR="$STAGE_WORK/install")
  collect_runtime "$STAGE_WORK/install" "$STAGE_OUT/sysroot-runtime"
  # libgcc, libstdc++, libgomp: GPL-3.0 WITH the GCC Runtime Library Exception.
  ship_licenses "$STAGE_OUT/sysroot-runtime" gcc
  deterministic_tarball "$STAGE_OUT" sysroot-runtime \
    "$STAGE_OUT/glibc-runtime-$DISTRO_NAME-$TARGET_DEB_ARCH.tar.xz"
}

# glibc_triplet_binutils CROSS DIR: the target's binutils under the glibc
# triplet's names (the same programs: binutils do not depend on the libc).
glibc_triplet_binutils() {
  local cross=$1 dir=$2 t
  mkdir -p "$dir"
  for t in addr2line ar as c++filt elfedit gprof ld ld.bfd nm objcopy objdump ranlib readelf size strings strip; do
    ln -sfn "$cross/bin/$TARGET_TRIPLET-$t" "$dir/$TARGET_GNU_TRIPLET-$t"
  done
}

# collect_runtime INSTALL DEST: what ccwrap's glibc mode uses, from gcc's
# install tree: DEST/lib (start files, libgcc, static libstdc++, libsupc++
# and libgomp, libgomp.spec), DEST/include/c++/VERSION and libgomp's headers
# in DEST/include (omp.h, openacc.h, acc_prof.h).
collect_runtime() {
  local inst=$1 dest=$2 G=$TARGET_GNU_TRIPLET v f
  v=$(manifest_get gcc version)
  mkdir -p "$dest/lib" "$dest/include"
  cp -a "$inst/lib/gcc/$G/$v"/crt*.o "$inst/lib/gcc/$G/$v"/libgcc.a \
    "$inst/lib/gcc/$G/$v"/libgcc_eh.a "$dest/lib/"
  for f in libstdc++.a libsupc++.a libgomp.a; do
    cp -a "$(find "$inst" -name "$f" -print -quit | grep . || die "gcc installed no $f")" "$dest/lib/"
  done
  cp -a "$inst/$G/include/c++" "$dest/include/"
  # libgomp installs its headers into gcc's own include directory.
  for f in omp.h openacc.h acc_prof.h; do
    [ -f "$inst/lib/gcc/$G/$v/include/$f" ] || die "libgomp installed no $f in lib/gcc/$G/$v/include"
    cp -a "$inst/lib/gcc/$G/$v/include/$f" "$dest/include/"
  done
  f=$(find "$inst" -name libgomp.spec -print -quit)
  [ -n "$f" ] || die "gcc installed no libgomp.spec"
  gomp_spec "$f" >"$dest/lib/libgomp.spec"
  printf '/* GNU ld script: the distribution'"'"'s libgcc_s, then libgcc */\nGROUP ( libgcc_s.so.1 -lgcc )\n' \
    >"$dest/lib/libgcc_s.so"
  "$G-strip" --strip-debug "$dest"/lib/*.a "$dest"/lib/*.o
}

# gomp_spec SPEC: libgomp.spec for the static libgomp. gcc reads it on every
# -fopenmp link (ccwrap passes its directory as -B). A shared libgomp's spec
# adds libgomp's own libraries only to -static links ("-lgomp %{static:
# -ldl }"): libgomp.so carries them as DT_NEEDED. libgomp.a does not, and
# before glibc 2.34 its dlopen is in libdl, so every link needs them, as in
# the spec of a libgomp built --disable-shared ("-lgomp -ldl").
gomp_spec() {
  local spec=$1 out
  out=$(sed 's/%{static: *\([^}]*\)}/\1/' "$spec")
  grep -q '^\*link_gomp: -lgomp[^%]*$' <<<"$out" ||
    die "libgomp.spec is not of the form this stage knows (*link_gomp: -lgomp %{static: ...}): $(grep link_gomp "$spec")"
  printf '%s\n' "$out"
}
