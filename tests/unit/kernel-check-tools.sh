#!/usr/bin/env bash
# scripts/kernel/tools-check.sh and prereqs.sh (scripts/kernel-check.sh's
# tools checks), fed good and bad input without building or booting
# anything: perf's build options against scripts/kernel/perf-features, the
# libraries the tools need (their own, the distribution's, the forbidden
# ones), dpkg's reasons for not installing, the guest's tools report, the
# package sizes, the dkms modules of Ubuntu trees (scripts/kernel/
# dkms-check.sh: present and sound for an Ubuntu target, absent for a Debian
# one, loaded in the guest), the host prerequisites and kernel-check.sh's
# --target.
# SC2016: the code in single quotes is kc's, expanded by its bash; SC2317:
# the helpers are called through check and expect_fail.
# shellcheck disable=SC2016,SC2317
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

# kc CODE [ARG...]: CODE run by bash with scripts/kernel/tools-check.sh,
# dkms-check.sh and
# kernel-check.sh's ok/not_ok/note/indent (printing, not counting), ARGs as
# $1...; stdin passed on. Its output and exit status.
kc() {
  local code=$1; shift
  CODE=$code bash -c 'set -euo pipefail
    ok() { printf "ok %s\n" "$*"; }
    not_ok() { printf "not ok %s\n" "$*"; }
    note() { printf "# %s\n" "$*"; }
    indent() { sed "s/^/#   /"; }
    KDIR=$0/scripts/kernel TARGET_ELF_MACHINE=${TARGET_ELF_MACHINE:-AArch64} DISTRO_NAME=bullseye
    . "$KDIR/tools-check.sh"; . "$KDIR/dkms-check.sh"
    eval "$CODE"' "$TOP" "$@"
}
# lacks TEXT PATTERN: TEXT has no line matching PATTERN (grep -E; has is testlib's).
lacks() { ! grep -Eq -- "$2" <<<"$1"; }

# --- perf's build options ---------------------------------------------------

# What perf 5.4 on arm64 prints when it is built as expected
# (tools/perf/builtin-version.c's format; two states in colour, as on a
# terminal).
good_perf() {
  local esc=$'\033'
  cat <<EOF
perf version 5.4.284
                 dwarf: [ ${esc}[32mon ${esc}[m ]  # HAVE_DWARF_SUPPORT
    dwarf_getlocations: [ on  ]  # HAVE_DWARF_GETLOCATIONS_SUPPORT
                 glibc: [ on  ]  # HAVE_GLIBC_SUPPORT
                  gtk2: [ ${esc}[31mOFF${esc}[m ]  # HAVE_GTK2_SUPPORT
         syscall_table: [ on  ]  # HAVE_SYSCALL_TABLE_SUPPORT
                libbfd: [ OFF ]  # HAVE_LIBBFD_SUPPORT
                libelf: [ on  ]  # HAVE_LIBELF_SUPPORT
               libnuma: [ on  ]  # HAVE_LIBNUMA_SUPPORT
numa_num_possible_cpus: [ on  ]  # HAVE_LIBNUMA_SUPPORT
               libperl: [ OFF ]  # HAVE_LIBPERL_SUPPORT
             libpython: [ OFF ]  # HAVE_LIBPYTHON_SUPPORT
              libslang: [ on  ]  # HAVE_SLANG_SUPPORT
             libcrypto: [ on  ]  # HAVE_LIBCRYPTO_SUPPORT
             libunwind: [ on  ]  # HAVE_LIBUNWIND_SUPPORT
    libdw-dwarf-unwind: [ on  ]  # HAVE_DWARF_SUPPORT
                  zlib: [ on  ]  # HAVE_ZLIB_SUPPORT
                  lzma: [ on  ]  # HAVE_LZMA_SUPPORT
             get_cpuid: [ on  ]  # HAVE_AUXTRACE_SUPPORT
                   bpf: [ on  ]  # HAVE_LIBBPF_SUPPORT
                   aio: [ on  ]  # HAVE_AIO_SUPPORT
                  zstd: [ OFF ]  # HAVE_ZSTD_SUPPORT
EOF
}
good_perf >"$SCRATCH/perf-good.txt"
# compare FILE: perf_features_compare of FILE's options against the repository's list.
compare() { kc 'perf_build_options <"$1" | perf_features_compare "$KDIR/perf-features"' "$1"; }

out=$(kc 'perf_build_options <"$1"' "$SCRATCH/perf-good.txt")
check "perf's lines are parsed, colours stripped (21 features)" test "$(wc -l <<<"$out")" = 21
check "an OFF in colour reads off" grep -qx 'gtk2 off' <<<"$out"
check "perf's good output matches scripts/kernel/perf-features" compare "$SCRATCH/perf-good.txt"

sed 's/libpython: \[ OFF \]/libpython: [ on  ]/' "$SCRATCH/perf-good.txt" >"$SCRATCH/perf-python.txt"
expect_fail "libpython on is a failure" 'bad: libpython is on, expected off' compare "$SCRATCH/perf-python.txt"
sed 's/libunwind: \[ on  \]/libunwind: [ OFF ]/' "$SCRATCH/perf-good.txt" >"$SCRATCH/perf-unwind.txt"
expect_fail "libunwind off is a failure" 'bad: libunwind is off, expected on' compare "$SCRATCH/perf-unwind.txt"
grep -v ' bpf:' "$SCRATCH/perf-good.txt" >"$SCRATCH/perf-nobpf.txt"
expect_fail "a listed feature perf does not print is a failure" 'bad: bpf: perf does not print it' \
  compare "$SCRATCH/perf-nobpf.txt"
{ cat "$SCRATCH/perf-good.txt"; echo '              libfancy: [ on  ]  # HAVE_LIBFANCY_SUPPORT'; } >"$SCRATCH/perf-new.txt"
out=$(compare "$SCRATCH/perf-new.txt") && rc=0 || rc=$?
if [ "$rc" = 0 ] && has "$out" '^new: libfancy is on'; then ok "a feature the list lacks is new, not a failure"
else not_ok "a feature the list lacks is new, not a failure"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
printf 'dwarf on\nlibpython maybe # a typo\n' >"$SCRATCH/features-bad"
expect_fail "a malformed line of the feature list is a failure" 'bad: features-bad line 2 is not' \
  kc 'perf_build_options <"$1" | perf_features_compare "$2"' "$SCRATCH/perf-good.txt" "$SCRATCH/features-bad"
out=$(kc 'perf_features_compare "$KDIR/perf-features" </dev/null' || true)
check "scripts/kernel/perf-features is well-formed" lacks "$out" 'line [0-9]+ is not'

out=$(kc 'check_perf_features "$1" 0' "$SCRATCH/perf-good.txt")
check "check_perf_features: ok, and the output follows indented" \
  bash -c 'grep -q "^ok perf.s features are" <<<"$1" && grep -q "^#   perf version 5.4.284" <<<"$1"' _ "$out"
out=$(kc 'check_perf_features "$1" 0' "$SCRATCH/perf-python.txt")
check "check_perf_features: not ok on libpython" has "$out" '^not ok .*libpython is on, expected off'
out=$(kc 'check_perf_features "$1" 139' "$SCRATCH/perf-good.txt")
check "check_perf_features: not ok when perf fails" has "$out" '^not ok perf version --build-options failed \(exit 139\)'
printf 'qemu: uncaught target signal 11\n' >"$SCRATCH/perf-crash.txt"
out=$(kc 'check_perf_features "$1" 0' "$SCRATCH/perf-crash.txt")
check "check_perf_features: not ok when perf prints no features" has "$out" '^not ok .*printed no features'

# --- the libraries the tools need -------------------------------------------------

needed='libc.so.6 usr/lib/linux-tools-5.4.0-200/perf
libdw.so.1 usr/lib/linux-tools-5.4.0-200/perf
libcpupower.so.5.4.0-200 usr/lib/linux-tools-5.4.0-200/cpupower
libc.so.6 usr/lib/linux-tools-5.4.0-200/cpupower
libbfd-2.35.2-arm64.so usr/lib/linux-tools-5.4.0-200/bpftool
libpython3.8.so.1.0 usr/lib/linux-tools-5.4.0-200/perf
libperl.so.5.30 usr/lib/linux-tools-5.4.0-200/perf'
printf 'libcpupower.so.5.4.0-200\n' >"$SCRATCH/own"
out=$(kc 'needed_external "$1"' "$SCRATCH/own" <<<"$needed")
check "the packages' own library is not the distribution's" lacks "$out" '^libcpupower'
check "the others are" test "$(wc -l <<<"$out")" = 6
# A file named like a pattern in the current directory must not change it.
mkdir "$SCRATCH/cwd" && touch "$SCRATCH/cwd/libpython-here"
out=$(cd "$SCRATCH/cwd" && kc 'needed_forbidden | needed_by' <<<"$needed")
check "libbfd, libperl and libpython are forbidden, by whom" test "$out" = "libbfd-2.35.2-arm64.so bpftool
libperl.so.5.30 perf
libpython3.8.so.1.0 perf"
out=$(kc 'needed_forbidden' <<<'libc.so.6 perf
libdw.so.1 perf
libpci.so.3 cpupower')
check "nothing forbidden in a clean list" test -z "$out"
out=$(kc 'needed_by' <<<'libc.so.6 a/perf
libz.so.1 a/perf
libc.so.6 b/bpftool
libc.so.6 c/perf')
check "needed_by groups by library, base names once" test "$out" = "libc.so.6 perf, bpftool
libz.so.1 perf"

# Two roots, with spaces in their paths: the target root and the build chroot.
troot="$SCRATCH/target root" broot="$SCRATCH/build chroot"
mkdir -p "$troot/usr/lib/aarch64-linux-gnu" "$troot/lib/aarch64-linux-gnu" "$broot/usr/lib/aarch64-linux-gnu"
touch "$troot/usr/lib/aarch64-linux-gnu/libdw.so.1"
ln -s libunwind.so.8.0.1 "$troot/lib/aarch64-linux-gnu/libunwind.so.8"   # dangling: the name is what counts
touch "$broot/usr/lib/aarch64-linux-gnu/libnuma.so.1"
res() { kc 'resolve_soname "$1" aarch64-linux-gnu "$2" "$3"' "$1" "$troot" "$broot"; }
check "a library in the target root is found there" test "$(res libdw.so.1)" = "1 /usr/lib/aarch64-linux-gnu/libdw.so.1"
check "a library's link counts" test "$(res libunwind.so.8)" = "1 /lib/aarch64-linux-gnu/libunwind.so.8"
check "a library only the build chroot has is found there" test "$(res libnuma.so.1)" = "2 /usr/lib/aarch64-linux-gnu/libnuma.so.1"
expect_fail "a library neither has is not found" '^$' res libmissing.so.1
out=$(kc 'tools_where "$1" "$2" aarch64-linux-gnu' "$troot" "$broot" <<<'libdw.so.1 perf
libnuma.so.1 perf
libslang.so.2 perf')
check "tools_where: the target root's, with its package (? without a dpkg database)" \
  has "$out" '^libdw.so.1 \(by perf\): /usr/lib/aarch64-linux-gnu/libdw.so.1 \(\?\)$'
check "tools_where: the build chroot's only, said so" has "$out" '^libnuma.so.1 \(by perf\): .*build chroot only'
check "tools_where: not found" has "$out" '^libslang.so.2 \(by perf\): NOT FOUND$'

# check_tools_elf on real ELF files, built here for this host's machine: a
# program needing its package's own library and the C library, and (the
# control) one needing a libbfd.
if command -v gcc >/dev/null; then
  e="$SCRATCH/elf" x="$SCRATCH/elf/x"
  mkdir -p "$e" "$x/linux-tools-9.9.9-1/usr/lib/linux-tools-9.9.9-1" "$x/linux-tools-common/usr/bin"
  tools="$x/linux-tools-9.9.9-1/usr/lib/linux-tools-9.9.9-1"
  printf 'int own(void) { return 0; }\n' >"$e/own.c"
  printf 'int own(void);\nint main(void) { return own(); }\n' >"$e/main.c"
  gcc -shared -fPIC -Wl,-soname,libown.so.9.9.9-1 -o "$x/linux-tools-9.9.9-1/usr/lib/libown.so.9.9.9-1" "$e/own.c"
  gcc -o "$tools/cpupower" "$e/main.c" "$x/linux-tools-9.9.9-1/usr/lib/libown.so.9.9.9-1"
  printf '#!/bin/bash\nexec true\n' >"$x/linux-tools-common/usr/bin/perf"
  machine=$(kc 'elf_machine "$1"' "$tools/cpupower")
  libc=$(kc 'elf_dynamic NEEDED "$1"' "$tools/cpupower" | grep '^libc\.')
  host_root="$SCRATCH/host root"
  mkdir -p "$host_root/lib"
  touch "$host_root/lib/$libc"
  elf() { TARGET_ELF_MACHINE=$1 kc 'check_tools_elf "$1" "$2" "$3" none linux-tools-9.9.9-1 linux-tools-common' "$x" "$host_root" "$broot"; }
  out=$(elf "$machine")
  check "check_tools_elf: every ELF file is the target's" has "$out" "^ok all 2 ELF files in the tools packages are $machine\$"
  check "check_tools_elf: nothing forbidden" has "$out" '^ok no tools program needs libpython\*, libperl\*'
  check "check_tools_elf: the own library is the package's, libc the distribution's" \
    bash -c 'grep -q "^ok every library the tools need is their own or bullseye.s (1 from bullseye)" <<<"$1" &&
      grep -q "^#   libown.so.9.9.9-1 (by cpupower): the packages. own" <<<"$1"' _ "$out"
  out=$(elf AArch64)
  check "check_tools_elf: another machine's ELF files are not ok" \
    has "$out" '^not ok ELF files in the tools packages not for AArch64 \(2 in all\)'
  gcc -shared -fPIC -Wl,-soname,libbfd-2.99-test.so -o "$e/libbfd-2.99-test.so" "$e/own.c"
  gcc -o "$tools/bpftool" "$e/main.c" "$e/libbfd-2.99-test.so" "$x/linux-tools-9.9.9-1/usr/lib/libown.so.9.9.9-1"
  out=$(elf "$machine")
  check "check_tools_elf: a program needing libbfd is not ok" \
    has "$out" '^not ok tools programs need libraries they must not: libbfd-2.99-test.so bpftool'
  check "check_tools_elf: a library nowhere is not ok" \
    has "$out" '^not ok libraries the tools need that neither they nor bullseye provide: libbfd-2.99-test.so$'
else
  skip "check_tools_elf on real ELF files" "no gcc on this host"
fi

# check_tools_links: the flavour's links, as the wrappers find them.
lroot="$SCRATCH/links root" rel=9.9.9-1-tickless
mkdir -p "$lroot/usr/lib/linux-tools-9.9.9-1" "$lroot/usr/lib/linux-tools/$rel"
touch "$lroot/usr/lib/linux-tools-9.9.9-1/perf" "$lroot/usr/lib/linux-tools-9.9.9-1/bpftool"
ln -s ../../linux-tools-9.9.9-1/perf "$lroot/usr/lib/linux-tools/$rel/perf"
ln -s /usr/lib/linux-tools-9.9.9-1/bpftool "$lroot/usr/lib/linux-tools/$rel/bpftool"
links() { kc 'check_tools_links "$1" "$2"' "$lroot" "${1:-$rel}"; }
check "links: relative and absolute links resolve inside the root" \
  has "$(links)" "^ok /usr/lib/linux-tools/$rel has bpftool perf, each resolving"
ln -s ../../linux-tools-9.9.9-1/cpupower "$lroot/usr/lib/linux-tools/$rel/cpupower"
check "links: a dangling link is not ok" \
  has "$(links)" '^not ok links in .* that do not resolve in the target root: cpupower -> ../../linux-tools-9.9.9-1/cpupower$'
check "links: another release's directory is not ok" has "$(links 9.9.9-1-generic)" '^not ok /usr/lib/linux-tools/9.9.9-1-generic is not in the target root'

# --- dpkg's reasons ------------------------------------------------------------

cat >"$SCRATCH/dpkg-conflict.log" <<'EOF'
Selecting previously unselected package linux-tools-common.
Preparing to unpack .../linux-tools-common_5.4.0-200.220+crossboot1_all.deb ...
Unpacking linux-tools-common (5.4.0-200.220+crossboot1) ...
dpkg: error processing archive /var/tmp/crossboot/linux-tools-common_5.4.0-200.220+crossboot1_all.deb (--install):
 trying to overwrite '/usr/bin/perf', which is also in package linux-base 4.6
dpkg: dependency problems prevent configuration of linux-tools-5.4.0-200:
 linux-tools-5.4.0-200 depends on linux-tools-common; however:
  Package linux-tools-common is not installed.

dpkg: error processing package linux-tools-5.4.0-200 (--install):
 dependency problems - leaving unconfigured
Errors were encountered while processing:
 /var/tmp/crossboot/linux-tools-common_5.4.0-200.220+crossboot1_all.deb
 linux-tools-5.4.0-200
EOF
out=$(kc 'dpkg_failures "$1"' "$SCRATCH/dpkg-conflict.log")
check "dpkg: the file another package has is named first" \
  test "$(head -n 1 <<<"$out")" = "linux-tools-common: /usr/bin/perf is also in package linux-base 4.6"
check "dpkg: the unmet dependency is named" \
  has "$out" '^linux-tools-5.4.0-200 needs linux-tools-common: Package linux-tools-common is not installed\.$'
printf 'Setting up linux-tools-common (5.4.0-200.220) ...\n' >"$SCRATCH/dpkg-good.log"
check "dpkg: nothing from a clean log" test -z "$(kc 'dpkg_failures "$1"' "$SCRATCH/dpkg-good.log")"

# --- the guest's report -----------------------------------------------------------

full="$SCRATCH/config-full" small="$SCRATCH/config-test"
printf 'CONFIG_PERF_EVENTS=y\nCONFIG_DEBUG_INFO=y\nCONFIG_DEBUG_INFO_BTF=y\n' >"$full"
printf 'CONFIG_PERF_EVENTS=y\n# CONFIG_DEBUG_INFO is not set\n' >"$small"
cat >"$SCRATCH/report-good" <<'EOF'
uname-r 5.4.0-200-tickless
tools /usr/lib/linux-tools/5.4.0-200-tickless
perf-path /usr/bin/perf
perf-stat 0
perf-stat-task-clock 1.23 msec task-clock # 0.412 CPUs utilized
perf-stat-context-switches 0 context-switches # 0.000 K/sec
perf-record 0 [ perf record: Captured and wrote 0.123 MB /tmp/perf.data (4321 samples) ]
perf-report 0
perf-report-samples 4K of event 'cpu-clock'
perf-report-top 61.20% sh sh [.] evalcmd
bpftool-version 0 /usr/lib/linux-tools/5.4.0-200-tickless/bpftool v5.4.284
cpupower-info 0 System does not support Intel's performance bias setting
btf-dump 0 elf-wrapped 80123 list_head
done
EOF
touch "$SCRATCH/tools.log"
# guest REPORT CONFIG: check_guest_tools' output for REPORT under CONFIG.
guest() { kc 'REPORT=$1 check_guest_tools "$2" "$3"' "$1" "$2" "$SCRATCH/tools.log"; }
# edit KEY VALUE: the good report with KEY's value replaced (or KEY dropped, VALUE "-").
edit() {
  if [ "$2" = - ]; then grep -v "^$1 " "$SCRATCH/report-good"
  else sed "s|^$1 .*|$1 $2|" "$SCRATCH/report-good"; fi >"$SCRATCH/report-edit"
  printf '%s\n' "$SCRATCH/report-edit"
}
out=$(guest "$SCRATCH/report-good" "$full")
check "guest, full size: perf stat, record, bpftool, cpupower, BTF all ok and nothing else" \
  test "$(grep -c '^ok ' <<<"$out"):$(grep -c '^not ok' <<<"$out" || true)" = 5:0
check "guest: the BTF line says how many lines and the first struct" \
  has "$out" '^ok bpftool dumps the kernel.s BTF as C in the guest \(80123 lines, first struct list_head; elf-wrapped\)'
out=$(guest "$SCRATCH/report-good" "$small")
check "guest, test size: no BTF is a note" has "$out" '^# no BTF at this size'
check "guest, test size: and no BTF check" lacks "$out" 'BTF as C'
out=$(guest "$(edit btf-dump absent)" "$full")
check "guest, full size: BTF missing is not ok" has "$out" '^not ok /sys/kernel/btf/vmlinux is missing'
out=$(guest "$(edit btf-dump '255 elf-wrapped 0')" "$full")
check "guest, full size: a failed BTF dump is not ok" has "$out" '^not ok bpftool btf dump .* fails in the guest: 255'
out=$(guest "$(edit perf-stat-context-switches '<not supported> context-switches')" "$full")
check "guest: an uncounted event is not ok" has "$out" '^not ok perf stat -e task-clock,context-switches fails'
out=$(guest "$(edit perf-stat 129)" "$full")
check "guest: perf stat's failure is not ok" has "$out" '^not ok perf stat .*exit 129'
out=$(guest "$(edit perf-report-samples "0 of event 'cpu-clock'")" "$full")
check "guest: a report without samples is not ok" has "$out" '^not ok perf record/report fail'
out=$(guest "$(edit perf-record '-')" "$full")
check "guest: no record report is not ok" has "$out" '^not ok perf record/report fail'
out=$(guest "$(edit bpftool-version '127 bash: bpftool: not found')" "$full")
check "guest: bpftool failing is not ok" has "$out" '^not ok bpftool version fails in the guest: 127'
out=$(guest "$(edit bpftool-version '0 WARNING: bpftool not found for kernel 5.4.0-200')" "$full")
check "guest: the wrapper's complaint is not bpftool's version" has "$out" '^not ok bpftool version fails in the guest: 0 WARNING'
out=$(guest "$(edit cpupower-info '1 cpupower: error while loading shared libraries')" "$full")
check "guest: cpupower failing is not ok" has "$out" '^not ok cpupower info fails in the guest: 1 cpupower'
out=$(guest "$(edit tools absent)" "$full")
check "guest: no tools is not ok" has "$out" '^not ok no tools in the guest'
out=$(guest "$(edit tools -)" "$full")
check "guest: no tools report is not ok" has "$out" '^not ok the guest reported nothing on the tools'
printf '# CONFIG_PERF_EVENTS is not set\n' >"$SCRATCH/config-noperf"
out=$(guest "$(edit perf-stat 1)" "$SCRATCH/config-noperf")
check "guest: without PERF_EVENTS perf stat is a note, not checked" \
  bash -c 'grep -q "^# the kernel has no PERF_EVENTS" <<<"$1" && ! grep -Eq "^(not )?ok perf" <<<"$1"' _ "$out"
printf 'perf: some error\n' >"$SCRATCH/tools.log"
out=$(guest "$(edit perf-stat 1)" "$full")
check "guest: a failure shows the guest's tools log" has "$out" '^#   perf: some error$'
# Every key the host reads is one the guest script reports.
missing=''
while read -r key; do
  grep -q "say \"$key " "$TOP/scripts/kernel/guest-check.sh" || missing+=" $key"
done < <(grep -oE '\$\(reported [a-z-]+' "$TOP/scripts/kernel/tools-check.sh" | cut -d' ' -f2 | sort -u)
check "guest-check.sh reports every key tools-check.sh reads${missing:+ (not:$missing)}" test -z "$missing"
check "guest-check.sh is POSIX sh" sh -n "$TOP/scripts/kernel/guest-check.sh"

# --- package sizes ------------------------------------------------------------

ref() { kc 'reference_size "$1" "$KDIR/reference-sizes"' "$1"; }
check "size: the flavour's headers" test "$(ref linux-headers-5.4.0-200-tickless)" = 1.8M
check "size: the shared headers" test "$(ref linux-headers-5.4.0-200)" = 12M
check "size: the flavour's tools" test "$(ref linux-tools-5.4.0-200-tickless)" = 900K
check "size: the version's tools" test "$(ref linux-tools-5.4.0-200)" = 5.1M
check "size: linux-tools-common has no reference" test "$(ref linux-tools-common)" = -
check "size: an unlisted package has none" test "$(ref linux-libc-dev)" = -
check "size: a note beside the reference" \
  test "$(kc 'size_note "$1" 1363149 1.3M' linux-buildinfo-x)" = "linux-buildinfo-x: 1.3M (native build: 1.3M, 1.00x)"
check "scripts/kernel/reference-sizes reads" kc 'reference_sizes_valid "$KDIR/reference-sizes"'
printf 'linux-image-* 13M\nlinux-modules-* lots\n' >"$SCRATCH/sizes-bad"
expect_fail "a size that is no size is an error" 'sizes-bad: "linux-modules-\* lots": not a size' \
  kc 'reference_sizes_valid "$1"' "$SCRATCH/sizes-bad"

# --- prerequisites ----------------------------------------------------------------

# prereqs VAR=VALUE...: kernel_check_prereqs, never installing, with the target's settings.
prereqs() {
  env "$@" bash -c 'set -euo pipefail; TOP=$1 CACHE=$2
    . "$TOP/scripts/lib.sh"; . "$TOP/scripts/kernel/prereqs.sh"; kernel_check_prereqs 1' _ "$TOP" "$SCRATCH/cache"
}
expect_fail "prereqs: a missing qemu-system is named with its package and apt-get" \
  'missing host packages: .*qemu-system-crossboot-test.*\(apt-get install .*qemu-system-crossboot-test' \
  prereqs TARGET_QEMU_SYSTEM=qemu-system-crossboot-none TARGET_QEMU_SYSTEM_PACKAGE=qemu-system-crossboot-test \
  TARGET_QEMU_USER=qemu-aarch64-static
expect_fail "prereqs: a target without TARGET_QEMU_SYSTEM_PACKAGE is an error" \
  'TARGET_QEMU_SYSTEM_PACKAGE is not set' prereqs TARGET_QEMU_SYSTEM=qemu-system-aarch64 TARGET_QEMU_USER=qemu-aarch64-static

# --- the dkms modules (dkms-check.sh) ----------------------------------------------

REL=5.4.0-200-tickless
# fake_ko FILE MACHINE VERMAGIC [signed]: the parts of a module the checks
# read: an ELF64 header for e_machine MACHINE (octal escape: \267 AArch64,
# \076 x86-64), a .modinfo vermagic string (then PAD bytes, as a real
# module's sections after it), the signature marker.
fake_ko() {
  mkdir -p "$(dirname "$1")"
  { printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000\001\000'
    printf '%b\000\001\000\000\000' "$2"
    head -c 40 /dev/zero
    printf '\100\000\000\000\000\000\100\000\000\000\000\000'
    printf 'vermagic=%s SMP mod_unload modversions aarch64 \000name=x\000' "$3"
    head -c "${PAD:-0}" /dev/zero
    if [ "${4:-}" = signed ]; then printf 'SIG~Module signature appended~\n'; fi; } >"$1"
}
K="$SCRATCH/modules/kernel"
for m in zfs/zfs zfs/spl zfs/icp wireguard/wireguard; do fake_ko "$K/$m.ko" '\267' "$REL" signed; done
PROVIDES='spl-modules, spl-dkms, zfs-modules, zfs-dkms, kvm-api-4'
dkms() { kc 'check_dkms_modules "$@"; echo "built: $DKMS_BUILT"' "$K" "$REL" "$@"; }
out=$(dkms ubuntu "$PROVIDES")
check "Ubuntu target: zfs's modules, aarch64, signed, the release's vermagic" has "$out" "^ok linux-modules has zfs \(3 modules in kernel/zfs/\): AArch64, signed, vermagic $REL"
check "Ubuntu target: wireguard's" has "$out" '^ok linux-modules has wireguard \(1 modules'
check "Ubuntu target: the image Provides zfs-modules" has "$out" '^ok the image Provides zfs-modules'
check "Ubuntu target: both are loaded in the guest" has "$out" '^built: zfs wireguard$'
check "Ubuntu target: no failure" lacks "$out" '^not ok'
# A module as large as zfs.ko, under kernel-check.sh's ERR trap (lib.sh's,
# with errtrace): the reader of its vermagic once stopped early, its tr died
# of SIGPIPE and the trap ended the check.
PAD=8000000 fake_ko "$SCRATCH/large.ko" '\267' "$REL" signed
out=$(kc 'set -E; trap "echo trapped; exit 1" ERR; module_vermagic "$1"' "$SCRATCH/large.ko" 2>&1) || true
check "a large module's vermagic is read whole, nothing failing on the way" test "$out" = "$REL SMP mod_unload modversions aarch64 "
fake_ko "$K/zfs/icp.ko" '\076' "$REL" signed
fake_ko "$K/zfs/spl.ko" '\267' "$REL"
fake_ko "$K/zfs/zfs.ko" '\267' 5.4.0-199-tickless signed
out=$(dkms ubuntu "$PROVIDES")
check "control: a module for another machine is named" has "$out" '^not ok zfs.s modules .*\[zfs/icp.ko: not AArch64 \(Advanced Micro Devices X86-64\)\]'
check "control: an unsigned module is named" has "$out" '\[zfs/spl.ko: not signed\]'
check "control: another vermagic is named" has "$out" "\[zfs/zfs.ko: vermagic '5.4.0-199-tickless SMP"
check "control: a faulty set is not loaded in the guest" has "$out" '^built: wireguard$'
rm "$K/wireguard/wireguard.ko"
out=$(dkms ubuntu 'kvm-api-4')
check "control: a missing module is named" has "$out" '^not ok linux-modules lacks wireguard.s dkms modules: wireguard/wireguard.ko'
check "control: an image without Provides: zfs-modules fails" has "$out" '^not ok the image does not Provide zfs-modules'
out=$(dkms debian 'kvm-api-4')
check "Debian target: dkms modules there are a failure" has "$out" '^not ok dkms modules in a bullseye build.*: zfs wireguard'
rm -r "$K/zfs" "$K/wireguard"
out=$(dkms debian 'kvm-api-4')
check "Debian target: none, the known difference said" has "$out" '^ok no dkms modules .* as the build said for bullseye'
check "Debian target: the note names the difference" has "$out" '^# the one known difference from a native build: '
check "Debian target: nothing is loaded in the guest" has "$out" '^built: $'
printf 'modprobe-zfs ok 20 modules loaded\nmodprobe-wireguard failed: modprobe: ERROR: could not insert\n' >"$SCRATCH/dkms-report"
out=$(kc 'REPORT=$1 DKMS_BUILT="zfs wireguard" check_guest_dkms' "$SCRATCH/dkms-report")
check "guest: a module that loads" has "$out" '^ok modprobe zfs loads it in the guest \(20 modules loaded\)'
check "guest: one that does not, with modprobe's words" has "$out" '^not ok modprobe wireguard in the guest: failed: modprobe: ERROR'
# taint REPORT-TAIL: check_guest_dkms on a report of one module loaded and
# the two taints given.
taint() {
  printf 'modprobe-zfs ok 20 modules loaded\n%s' "$1" >"$SCRATCH/dkms-report"
  kc 'REPORT=$1 DKMS_BUILT=zfs check_guest_dkms' "$SCRATCH/dkms-report"
}
out=$(taint $'tainted-dkms 4097\ntainted-check-module 12289\n')
check "guest: signatures verified (P and O taints only), the check module's E taint the control" \
  has "$out" '^ok the kernel verified the dkms modules. signatures \(tainted 4097; the unsigned check module: 12289\)'
out=$(taint $'tainted-dkms 12289\ntainted-check-module 12289\n')
check "control: a dkms module the kernel could not verify is a failure" \
  has "$out" '^not ok the kernel could not verify a dkms module.s signature \(tainted 12289'
out=$(taint $'tainted-dkms 4097\ntainted-check-module 4097\n')
check "control: no taint from the unsigned check module: the check could not fail" \
  has "$out" '^not ok control: the unsigned check module did not taint the kernel'
out=$(taint '')
check "control: no taint reported is a failure" has "$out" "^not ok the guest's taint after the dkms modules"
out=$(kc 'REPORT=$1 DKMS_BUILT="" check_guest_dkms' "$SCRATCH/dkms-report")
check "no dkms modules: no guest dkms lines" test -z "$out"

# --- kernel-check.sh's --target ---------------------------------------------------

# A copy of scripts/, targets/ and the recipes kernel-check.sh reads
# (sources/sections/distro.sh, through dkms.sh), without build.sh: nothing
# here may get as far as building; with targets of its own.
repo="$SCRATCH/repo"
mkdir -p "$repo/sources"
cp -r "$TOP/scripts" "$TOP/targets" "$repo/"
cp -r "$TOP/sources/sections" "$repo/sources/"
sed 's/^TARGET_ARCH=.*/TARGET_ARCH=nokernel/' "$TOP/targets/aarch64" >"$repo/targets/nokernel"
cp "$TOP/targets/aarch64" "$repo/targets/renamed"
mkdir -p "$SCRATCH/deb/DEBIAN"
printf 'Package: linux-tools-common\nVersion: 1\nArchitecture: all\nMaintainer: t <t@t.invalid>\nDescription: t\n' \
  >"$SCRATCH/deb/DEBIAN/control"
dpkg-deb -b "$SCRATCH/deb" "$SCRATCH/test.deb" >/dev/null
kcheck() { "$repo/scripts/kernel-check.sh" --no-install "$@"; }
expect_fail "--target: an unknown target" "unknown target 'riscv-none' \(valid targets: .*aarch64" \
  kcheck --target riscv-none "$SCRATCH/test.deb"
expect_fail "--target: a name that is a path" "unknown target '../targets/aarch64'" \
  kcheck --target ../targets/aarch64 "$SCRATCH/test.deb"
expect_fail "--target: no name" '--target needs a value' kcheck "$SCRATCH/test.deb" --target
expect_fail "--target: a target without kernel settings" 'targets/kernel/nokernel is missing' \
  kcheck --target nokernel "$SCRATCH/test.deb"
cp "$repo/targets/kernel/aarch64" "$repo/targets/kernel/renamed"
expect_fail "--target: TARGET_ARCH not the target's name" 'sets TARGET_ARCH=aarch64: the kernel scripts need' \
  kcheck --target renamed "$SCRATCH/test.deb"
printf 'dwarf sometimes\n' >>"$repo/scripts/kernel/perf-features"
expect_fail "a malformed scripts/kernel/perf-features stops the check first" \
  'error: scripts/kernel/perf-features: perf-features line [0-9]+ is not' kcheck "$SCRATCH/test.deb"
finish
