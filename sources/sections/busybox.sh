# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe busybox (sources/sections/): a static busybox for the target.
RECIPE_NEEDS="host-flags"

# busybox_build ROOT: a static busybox (defconfig) with its links in ROOT.
busybox_build() {
  local src b="$STAGE_WORK/busybox" cflags
  src=$(source_dir busybox)
  cflags=$(build_cflags)
  mkdir -p "$b"
  run_logged busybox-defconfig make -C "$src" O="$b" defconfig
  # tc: its CBQ code needs kernel headers older than the pinned ones.
  sed -i -e 's|^# CONFIG_STATIC is not set|CONFIG_STATIC=y|' \
    -e "s|^CONFIG_CROSS_COMPILER_PREFIX=.*|CONFIG_CROSS_COMPILER_PREFIX=\"$TARGET_TRIPLET-\"|" \
    -e "s|^CONFIG_EXTRA_CFLAGS=.*|CONFIG_EXTRA_CFLAGS=\"$cflags\"|" \
    -e 's|^CONFIG_TC=y|# CONFIG_TC is not set|' "$b/.config"
  (cd "$b" && run_logged busybox-oldconfig sh -c 'yes "" | make oldconfig')
  grep -qx 'CONFIG_STATIC=y' "$b/.config" || die "busybox: CONFIG_STATIC did not take"
  run_logged busybox-build make -C "$b" -j"$JOBS" busybox
  run_logged busybox-install make -C "$b" CONFIG_PREFIX="$1" install
}
