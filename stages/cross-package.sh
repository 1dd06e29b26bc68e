# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage cross-package: the cross stage's toolchain (gcc linked against this
# host's glibc) as a relocatable tarball, in out/TARGET/cross-package/. Quick
# to build, so it is what CI tests; the release tarball is canadian-package's.
STAGE_SUMMARY="the cross stage as a relocatable tarball (what CI tests)"
STAGE_DEPS="cross"
STAGE_SOURCES="binutils gcc musl gmp mpfr mpc linux"
STAGE_RECIPES="package"
STAGE_EXPORT=1

stage_build() {
  package_toolchain "$(dep_dir cross)" gcc \
    "-flto works through the linker plugin (this toolchain's ld is dynamically linked)."
}
