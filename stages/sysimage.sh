# shellcheck shell=bash disable=SC2034 # STAGE_* are read by build.sh
# Stage sysimage: a minimal arm64 system for qemu's virt machine, everything
# built here by the cross stage from the pinned sources (Aboriginal Linux's
# system image): Linux (tinyconfig + sysimage/kernel.config), a static
# busybox, bash, the distcc client and gdbserver in an initramfs with sysimage/init,
# the native compiler's squashfs image beside it, and for the host
# run-emulator.sh, dev-environment.sh, distcc-host.sh, the per-job distcc
# sandbox (distcc-sandbox.sh) and the distccd stage's static distccd (it
# runs on any x86_64 Linux). Packaged, relocatable, as
# system-image-ARCH.tar.xz with its sources.
STAGE_SUMMARY="the arm64 system image for qemu, with distcc to the host"
STAGE_DEPS="cross distccd native-package gdb"
# musl and gcc: busybox, bash and distcc are linked statically with musl and
# libgcc, so their sources and licences ship too.
STAGE_SOURCES="linux busybox bash distcc musl gcc gdb"
STAGE_RECIPES="busybox bash distcc tarball licenses"
STAGE_INPUTS="sysimage scripts/kernel/settings.sh"
STAGE_EXPORT=flat
# shellcheck source=scripts/kernel/settings.sh
. "$TOP/scripts/kernel/settings.sh"

stage_build() {
  local name="system-image-$TARGET_ARCH" cross
  local img="$STAGE_WORK/$name" root="$STAGE_WORK/root"
  cross=$(dep_dir cross)
  export PATH="$cross/bin:$PATH"
  mkdir -p "$img/bin" "$root"
  sysimage_kernel "$img/Image"
  busybox_build "$root"
  bash_build "$root"
  distcc_build "$TARGET_TRIPLET" "$STAGE_WORK/distcc-target"
  install -m 755 -s --strip-program="$TARGET_TRIPLET-strip" "$STAGE_WORK/distcc-target/usr/bin/distcc" \
    "$root/usr/bin/distcc"
  install -m 755 "$(dep_dir distccd)/bin/distccd" "$(dep_dir distccd)/bin/crossboot-jobstart" "$img/bin/"
  # gdbserver (the gdb stage's, static): the host's gdb attaches through a port forward.
  install -m 755 "$(dep_dir gdb)/$TARGET_TRIPLET/debug-root/usr/bin/gdbserver" "$root/usr/bin/gdbserver"
  sysimage_initramfs "$root" "$img/initramfs.cpio.gz"
  cp "$(dep_dir native-package)/native-compiler-$TARGET_ARCH.sqf" "$img/"
  install -m 755 "$TOP/sysimage/run-emulator.sh" "$TOP/sysimage/dev-environment.sh" \
    "$TOP/sysimage/distcc-sandbox.sh" "$TOP/sysimage/distcc-host.sh" "$img/"
  install -m 644 "$TOP/sysimage/distcc-state.sh" "$img/"
  sysimage_settings >"$img/target.conf"
  cp "$TOP/sysimage/README.md" "$img/README.md"
  # shellcheck disable=SC2086 # STAGE_SOURCES is a list of names
  ship_licenses "$img" $STAGE_SOURCES
  deterministic_tarball "$STAGE_WORK" "$name" "$STAGE_OUT/$name.tar.xz"
  package_sources "$STAGE_OUT/$name-sources"
}

# What run-emulator.sh needs to know about the target (from targets/ARCH),
# and the image's layout for the distcc scripts (sysimage/distcc-state.sh):
# distccd in bin/, the cross compiler extracted beside the image.
sysimage_settings() {
  printf '%s\n' "# read by run-emulator.sh, dev-environment.sh and distcc-host.sh" "ARCH=$TARGET_ARCH" \
    "TRIPLET=$TARGET_TRIPLET" "GNU_TRIPLET=$TARGET_GNU_TRIPLET" "QEMU=$TARGET_QEMU_SYSTEM" "MACHINE=$TARGET_QEMU_MACHINE" \
    "CPU=$TARGET_QEMU_CPU" "CONSOLE=$TARGET_CONSOLE" "DISTCCD=bin/distccd" "CROSS_DEFAULT=../cross-compiler-$TARGET_ARCH"
}

# sysimage_kernel OUT: the kernel image, its settings checked.
sysimage_kernel() {
  local src b="$STAGE_WORK/linux" epoch=$SOURCE_DATE_EPOCH missing
  src=$(source_dir linux)
  local m=(make -C "$src" O="$b" ARCH="$TARGET_KARCH" CROSS_COMPILE="$TARGET_TRIPLET-"
    HOSTCC="$(host_cc)" KBUILD_BUILD_USER=crossboot KBUILD_BUILD_HOST=crossboot
    KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$epoch")")
  run_logged kernel-config "${m[@]}" tinyconfig
  run_logged kernel-fragment "$src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" \
    "$TOP/sysimage/kernel.config"
  run_logged kernel-olddefconfig "${m[@]}" olddefconfig
  missing=$(missing_settings "$TOP/sysimage/kernel.config" "$b/.config")
  [ -z "$missing" ] || die "the kernel configuration lacks: ${missing//$'\n'/; }"
  run_logged kernel-build "${m[@]}" -j"$JOBS" "${TARGET_KERNEL_IMAGE##*/}"
  cp "$b/$TARGET_KERNEL_IMAGE" "$1"
}

# sysimage_initramfs ROOT OUT: ROOT plus init, the directories init uses,
# /etc and the distcc masquerade links, as a gzip newc cpio made by the
# kernel's gen_init_cpio (sorted, owned by root, fixed times).
sysimage_initramfs() {
  local root=$1 out=$2 list="$STAGE_WORK/initramfs.list" epoch=$SOURCE_DATE_EPOCH n d ldso
  install -m 755 "$TOP/sysimage/init" "$root/init"
  for d in proc sys dev tmp mnt/share usr/native usr/distcc home etc root; do mkdir -p "$root/$d"; done
  for n in cc gcc c++ g++ "$TARGET_TRIPLET-gcc" "$TARGET_TRIPLET-g++" "$TARGET_TRIPLET-cc" "$TARGET_TRIPLET-c++"; do
    ln -sfn ../bin/distcc "$root/usr/distcc/$n"
  done
  # Programs linked dynamically in the guest find musl's loader (which is
  # its libc) and libstdc++ in the compiler image.
  mkdir -p "$root${TARGET_MUSL_LDSO%/*}"
  ln -sfn "/usr/native/$TARGET_TRIPLET/lib/libc.so" "$root$TARGET_MUSL_LDSO"
  ldso=${TARGET_MUSL_LDSO##*/}
  printf '/usr/native/%s/lib\n' "$TARGET_TRIPLET" >"$root/etc/${ldso%.so.1}.path"
  printf 'root:x:0:0:root:/home:/bin/bash\n' >"$root/etc/passwd"
  printf 'root:x:0:\n' >"$root/etc/group"
  printf '%s\n' 'PS1="(crossboot) \w # "' 'export PS1' >"$root/etc/profile"
  {
    (cd "$root" && find . -mindepth 1 | LC_ALL=C sort) | while IFS= read -r n; do
      n=${n#.}
      if [ -L "$root$n" ]; then printf 'slink %s %s 0777 0 0\n' "$n" "$(readlink "$root$n")"
      elif [ -d "$root$n" ]; then printf 'dir %s 0755 0 0\n' "$n"
      else printf 'file %s %s %s 0 0\n' "$n" "$root$n" "$(stat -c %a "$root$n")"; fi
    done
    printf 'nod /dev/console 0600 0 0 c 5 1\n'
  } >"$list"
  "$STAGE_WORK/linux/usr/gen_init_cpio" -t "$epoch" "$list" | gzip -n -9 >"$out"
}
