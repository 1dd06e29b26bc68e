#!/bin/sh
# Runs as init (PID 1) in the target root that scripts/kernel-check.sh boots
# under qemu-system: reports what the checks need on the console as
# "CROSSBOOT: KEY VALUE" lines, then returns, and the kernel's panic=-1
# restarts the machine, which qemu's -no-reboot turns into an exit.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
say() { echo "CROSSBOOT: $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
say "uname-r $(uname -r)"
say "cpus-online $(cat /sys/devices/system/cpu/online)"
say "nohz_full $(cat /sys/devices/system/cpu/nohz_full 2>/dev/null || echo missing)"

# The module is built natively here, with the target's own gcc and make,
# against the installed headers package: the package's host programs run.
cd /root/check-module || exit
start=$(cut -d' ' -f1 /proc/uptime)
if make -C "/lib/modules/$(uname -r)/build" M="$PWD" modules >build.log 2>&1; then
  say "module-build ok $start-$(cut -d' ' -f1 /proc/uptime)s"
else
  say "module-build failed"
  tail -n 40 build.log | sed 's/^/CROSSBOOT-LOG: /'
fi
say "vermagic $(modinfo -F vermagic crossboot_check.ko 2>&1)"
if insmod crossboot_check.ko 2>/tmp/insmod.err; then say "insmod ok"; else say "insmod failed: $(cat /tmp/insmod.err)"; fi
say "dmesg $(dmesg | grep -o 'crossboot_check: loaded into.*' | tail -n 1)"
say "proc-modules $(grep -c '^crossboot_check ' /proc/modules)"
say "done"
