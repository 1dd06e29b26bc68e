# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe linux-headers (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): the kernel's user-space headers.
RECIPE_NEEDS="host-flags"

# tc_linux_headers KARCH DEST: the kernel's user-space headers into DEST/include.
tc_linux_headers() {
  local karch=$1 dest=$2 src
  src=$(source_dir linux)
  run_logged "linux-headers-$karch" make -C "$src" O="$STAGE_WORK/linux-$karch" ARCH="$karch" \
    HOSTCC="$(host_cc)" INSTALL_HDR_PATH="$dest" headers_install
}

