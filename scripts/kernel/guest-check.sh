#!/bin/sh
# Runs as init (PID 1) in the target root that scripts/kernel-check.sh boots
# under qemu-system: reports what the checks need on the console as
# "CROSSBOOT: KEY VALUE" lines, then returns, and the kernel's panic=-1
# restarts the machine, which qemu's -no-reboot turns into an exit.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
say() { echo "CROSSBOOT: $*"; }

# (booted through an initramfs, /proc, /sys and /dev are mounted already)
mountpoint -q /proc || mount -t proc proc /proc
mountpoint -q /sys || mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
say "uname-r $(uname -r)"
say "cpus-online $(cat /sys/devices/system/cpu/online)"
say "nohz_full $(cat /sys/devices/system/cpu/nohz_full 2>/dev/null || echo missing)"

# The dkms modules (Ubuntu trees built for Ubuntu: zfs, wireguard), when
# linux-modules has them: modprobe loads each with what it depends on. Before
# the unsigned check module: the kernel taints itself (E, 8192) when it
# cannot verify a module's signature, and loads it anyway (no
# MODULE_SIG_FORCE), so the taint after them says their signatures held.
for m in zfs wireguard; do
  [ -d "/lib/modules/$(uname -r)/kernel/$m" ] || continue
  if modprobe "$m" 2>/tmp/modprobe.err; then
    say "modprobe-$m ok $(grep -c . /proc/modules) modules loaded"
  else
    say "modprobe-$m failed: $(head -n 3 /tmp/modprobe.err | tr '\n' ' ')"
  fi
done
say "tainted-dkms $(cat /proc/sys/kernel/tainted)"

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
# The control of the taint above: this module is not signed.
say "tainted-check-module $(cat /proc/sys/kernel/tainted)"

# The kernel tools (Ubuntu trees' linux-tools-*), when installed. Each runs
# through linux-tools-common's wrapper (/usr/bin/perf, ...), which picks
# /usr/lib/linux-tools/$(uname -r)/TOOL, where the wrapper is Ubuntu's; else
# (linux-tools-common not installed: Debian's linux-base has a /usr/bin/perf
# of its own, for Debian's perf packages) straight from that directory.
tools=/usr/lib/linux-tools/$(uname -r)

# tool NAME: the command that runs NAME.
tool() {
  for w in "/usr/bin/$1" "/usr/sbin/$1"; do
    if [ -f "$w" ] && grep -q /usr/lib/linux-tools/ "$w" 2>/dev/null; then echo "$w"; return; fi
  done
  echo "$tools/$1"
}

# first FILE: FILE's first line, blanks squeezed.
first() { head -n 1 "$1" | tr -s ' \t' '  ' | sed 's/^ //'; }

# line PATTERN FILE: FILE's first line with PATTERN, blanks squeezed.
line() { grep -e "$1" "$2" | head -n 1 | tr -s ' \t' '  ' | sed 's/^ //'; }

# log FILE: FILE's end on the console, for the host to show when a check fails.
log() { tail -n 15 "$1" | sed 's/^/CROSSBOOT-TOOLS: /'; }

perf_checks() {
  perf=$(tool perf)
  say "perf-path $perf"
  "$perf" stat -e task-clock,context-switches true >/tmp/perf-stat.out 2>&1
  st=$?
  say "perf-stat $st"
  say "perf-stat-task-clock $(line task-clock /tmp/perf-stat.out)"
  say "perf-stat-context-switches $(line context-switches /tmp/perf-stat.out)"
  [ "$st" = 0 ] || log /tmp/perf-stat.out
  # A short busy loop in the shell (a second or two under qemu): the samples
  # land in sh and the kernel.
  # shellcheck disable=SC2016 # expanded by the inner sh
  "$perf" record -e cpu-clock -N -o /tmp/perf.data -- \
    sh -c 'i=0; while [ "$i" -lt 100000 ]; do i=$((i + 1)); done' >/tmp/perf-record.out 2>&1
  st=$?
  say "perf-record $st $(line 'Captured and wrote' /tmp/perf-record.out)"
  [ "$st" = 0 ] || log /tmp/perf-record.out
  "$perf" report -i /tmp/perf.data --stdio >/tmp/perf-report.out 2>/tmp/perf-report.err
  st=$?
  say "perf-report $st"
  say "perf-report-samples $(sed -n 's/^# Samples: *//p' /tmp/perf-report.out | head -n 1)"
  say "perf-report-top $(grep -v -e '^#' -e '^ *$' /tmp/perf-report.out | head -n 1 | tr -s ' \t' '  ' | sed 's/^ //')"
  [ "$st" = 0 ] || log /tmp/perf-report.err
}

# btf_dump: the kernel's BTF as C in /tmp/btf.h; prints how it was read.
# bpftool before Linux 5.5 reads BTF from ELF files only (libbpf's
# btf__parse_elf), so when the raw /sys/kernel/btf/vmlinux fails, the same
# BTF is dumped from an object file's .BTF section (gcc and objcopy are in
# the root).
btf_dump() {
  if "$1" btf dump file /sys/kernel/btf/vmlinux format c >/tmp/btf.h 2>/tmp/btf.err; then
    echo raw; return 0
  fi
  echo elf-wrapped
  echo 'int crossboot_btf;' >/tmp/btf.c &&
    cat /sys/kernel/btf/vmlinux >/tmp/vmlinux.btf &&
    gcc -c -o /tmp/btf.o /tmp/btf.c 2>>/tmp/btf.err &&
    objcopy --add-section .BTF=/tmp/vmlinux.btf /tmp/btf.o 2>>/tmp/btf.err &&
    "$1" btf dump file /tmp/btf.o format c >/tmp/btf.h 2>>/tmp/btf.err
}

tools_checks() {
  if [ ! -d "$tools" ]; then say "tools absent"; return; fi
  say "tools $tools"
  perf_checks
  bpftool=$(tool bpftool)
  "$bpftool" version >/tmp/bpftool.out 2>&1
  say "bpftool-version $? $(first /tmp/bpftool.out)"
  "$(tool cpupower)" info >/tmp/cpupower.out 2>&1
  st=$?
  say "cpupower-info $st $(first /tmp/cpupower.out)"
  [ "$st" = 0 ] || log /tmp/cpupower.out
  if [ -e /sys/kernel/btf/vmlinux ]; then
    method=$(btf_dump "$bpftool")
    st=$?
    struct=$(sed -n 's/^struct \([A-Za-z0-9_]*\) {.*/\1/p' /tmp/btf.h | head -n 1)
    say "btf-dump $st $method $(wc -l </tmp/btf.h) $struct"
    [ "$st" = 0 ] || log /tmp/btf.err
  else
    say "btf-dump absent"
  fi
}
tools_checks
say "done"
