# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe compile-host (sources/sections/): a toolchain tree as a compile
# host for its own compiler (issue 20): the static distccd and the system
# image's distcc scripts, unchanged, in libexec/crossboot/ with the layout
# they read (target.conf there), bin/crossboot-compile-host to start it, and
# a section of the README (templates in sources/sections/compile-host/).
RECIPE_NEEDS="package licenses"
# The scripts are the system image's: one copy of the sandbox's policy.
RECIPE_INPUTS="sysimage/distcc-host.sh sysimage/distcc-sandbox.sh sysimage/distcc-state.sh"

# compile_host_install TREE DISTCCD: TREE (a toolchain about to be packaged:
# bin/, README, MANIFEST) made a compile host serving itself with DISTCCD
# (and crossboot-jobstart beside it).
compile_host_install() {
  local tree=$1 distccd=$2 lib="$1/libexec/crossboot" t="$RECIPE_DIR/compile-host"
  if [ ! -x "$distccd" ] || [ ! -x "${distccd%/*}/crossboot-jobstart" ]; then
    die "compile_host_install: no distccd and crossboot-jobstart at ${distccd%/*}"
  fi
  mkdir -p "$lib"
  install -m 755 "$distccd" "$lib/distccd"
  install -m 755 "${distccd%/*}/crossboot-jobstart" "$lib/crossboot-jobstart"
  install -m 755 "$TOP/sysimage/distcc-host.sh" "$TOP/sysimage/distcc-sandbox.sh" "$lib/"
  install -m 644 "$TOP/sysimage/distcc-state.sh" "$lib/"
  compile_host_layout >"$lib/target.conf"
  install -m 755 "$t/crossboot-compile-host" "$tree/bin/crossboot-compile-host"
  fill_template "$t/README.in" "$STAGE_WORK/compile-host.README"
  cat "$STAGE_WORK/compile-host.README" >>"$tree/README"
  printf 'crossboot-compile-host - - %s\n' "$(license_spdx crossboot-compile-host)" >>"$tree/MANIFEST"
  ship_licenses "$tree" crossboot-compile-host
}

# compile_host_layout: target.conf for the scripts in libexec/crossboot/
# (sysimage/distcc-state.sh describes the layouts): the target's names, the
# daemon beside the scripts, the compiler two directories up.
compile_host_layout() {
  printf '%s\n' "# read by distcc-host.sh (sysimage/distcc-state.sh): the release tarball's layout" \
    "ARCH=$TARGET_ARCH" "TRIPLET=$TARGET_TRIPLET" "GNU_TRIPLET=$TARGET_GNU_TRIPLET" \
    "DISTCCD=distccd" "CROSS_DEFAULT=../.."
}
