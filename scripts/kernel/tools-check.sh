# shellcheck shell=bash
# Sourced, not run: scripts/kernel-check.sh's checks of the kernel tools
# packages of Ubuntu trees (linux-tools-VERSION, linux-tools-VERSION-FLAVOUR,
# linux-tools-common), of the guest's tools report and of package sizes. The
# parsing they rest on is in functions of its own, so that
# tests/unit/kernel-check-tools.sh can feed it good and bad input without a
# build. The check_* functions print through the caller's ok, not_ok, note
# and indent, and read KDIR, TARGET_ELF_MACHINE, DISTRO_NAME; reported reads
# REPORT (the guest's "KEY VALUE" lines).

# --- ELF files --------------------------------------------------------------

# elf_files DIR...: the ELF files under the DIRs (symbolic links not followed).
elf_files() {
  local f
  find "$@" -type f -print | while IFS= read -r f; do
    if printf '\177ELF' | cmp -s -n 4 - "$f"; then printf '%s\n' "$f"; fi
  done
}

# elf_machine FILE: readelf's name for FILE's machine (AArch64, ...).
elf_machine() { readelf -h "$1" | sed -n 's/^ *Machine: *//p'; }

# elf_dynamic TAG FILE: the values of FILE's dynamic TAG entries (NEEDED,
# SONAME); nothing for a static program.
elf_dynamic() { readelf -d "$2" 2>/dev/null | sed -n "s/.*($1) .*\[\(.*\)\]\$/\1/p"; }

# needed_pairs BASE FILE...: "SONAME FILE" for each library each ELF FILE
# needs, FILE relative to BASE.
needed_pairs() {
  local base=$1 f s; shift
  for f in "$@"; do
    while IFS= read -r s; do printf '%s %s\n' "$s" "${f#"$base"/}"; done < <(elf_dynamic NEEDED "$f")
  done
}

# provided_sonames FILE...: what the packages' own libraries answer to, their
# SONAMEs and file names (libcpupower.so.VERSION is both), one a line.
provided_sonames() {
  local f
  for f in "$@"; do printf '%s\n' "${f##*/}"; elf_dynamic SONAME "$f"; done | LC_ALL=C sort -u
}

# needed_external PROVIDED: the "SONAME FILE" lines of stdin whose SONAME is
# not a line of the file PROVIDED: what the target distribution must provide.
needed_external() {
  awk 'FILENAME == ARGV[1] { own[$0] = 1; next } NF && !($1 in own)' "$1" -
}

# Libraries no tools program may need (shell patterns). Ubuntu builds perf
# without Perl and Python (NO_LIBPERL, NO_LIBPYTHON: an interpreter and its
# ABI in Depends) and without libbfd (HAVE_NO_LIBBFD): libbfd's and
# libopcodes' soname is binutils' version, no stable ABI, and bpftool links
# them whenever the build finds binutils-dev.
TOOLS_FORBIDDEN_LIBS="libpython* libperl* libbfd* libopcodes*"

# needed_forbidden: the "SONAME FILE" lines of stdin whose SONAME matches one
# of TOOLS_FORBIDDEN_LIBS.
needed_forbidden() {
  local soname file p pats
  read -ra pats <<<"$TOOLS_FORBIDDEN_LIBS"
  while read -r soname file; do
    for p in "${pats[@]}"; do
      # shellcheck disable=SC2053 # P is a pattern
      if [[ $soname == $p ]]; then printf '%s %s\n' "$soname" "$file"; break; fi
    done
  done
}

# needed_by: "SONAME FILE" lines of stdin grouped, "SONAME FILE, FILE..." a
# SONAME (FILE as its base name), sorted.
needed_by() {
  awk 'NF == 0 { next }
       { f = substr($0, length($1) + 2); sub(/.*\//, "", f)
         if (!(($1, f) in seen)) { seen[$1, f] = 1; by[$1] = by[$1] (by[$1] == "" ? "" : ", ") f } }
       END { for (s in by) print s, by[s] }' | LC_ALL=C sort
}

# lib_dirs TRIPLET: where the target's dynamic loader looks, multiarch first.
lib_dirs() { printf '%s\n' "lib/$1" "usr/lib/$1" lib usr/lib; }

# resolve_soname SONAME TRIPLET ROOT...: "N /PATH": the first file named
# SONAME in the library directories of the Nth ROOT (in the order given);
# fails when no ROOT has it.
resolve_soname() {
  local so=$1 triplet=$2 root d n=0; shift 2
  for root in "$@"; do
    n=$((n + 1))
    while IFS= read -r d; do
      if [ -e "$root/$d/$so" ] || [ -L "$root/$d/$so" ]; then printf '%s /%s\n' "$n" "$d/$so"; return 0; fi
    done < <(lib_dirs "$triplet")
  done
  return 1
}

# owner_of ROOT PATH: the package of ROOT's dpkg database that has PATH, its
# architecture left out ("?" when none).
owner_of() {
  local o
  o=$(dpkg-query --admindir="$1/var/lib/dpkg" -S "$2" 2>/dev/null | head -n 1) || true
  o=${o%%: *} o=${o%%:*}
  printf '%s\n' "${o:-?}"
}

# count_lines: the non-empty lines of stdin (0 for none, unlike grep -c, which
# then fails).
count_lines() { awk 'NF { n++ } END { print n + 0 }'; }

# check_tools_elf X TARGET_ROOT BUILD_ROOT TRIPLET PKG...: every ELF file in
# the tools packages PKG (extracted in X/PKG) is for TARGET_ELF_MACHINE, none
# needs a library of TOOLS_FORBIDDEN_LIBS, and every library they need is
# their own or a file of the target distribution: in TARGET_ROOT (its root)
# or else in BUILD_ROOT's (the build chroot's) libraries for TRIPLET.
check_tools_elf() {
  local x=$1 troot=$2 broot=$3 triplet=$4 p f m dirs=() files=() wrong=() needed own bad missing list
  shift 4
  for p in "$@"; do dirs+=("$x/$p"); done
  mapfile -t files < <(elf_files "${dirs[@]}")
  for f in "${files[@]}"; do
    m=$(elf_machine "$f")
    [ "$m" = "$TARGET_ELF_MACHINE" ] || wrong+=("${f#"$x/"} ($m)")
  done
  if [ ${#files[@]} -gt 0 ] && [ ${#wrong[@]} = 0 ]; then ok "all ${#files[@]} ELF files in the tools packages are $TARGET_ELF_MACHINE"
  else not_ok "ELF files in the tools packages not for $TARGET_ELF_MACHINE (${#files[@]} in all): ${wrong[*]}"; fi
  [ ${#files[@]} -gt 0 ] || return 0
  printf '%s\n' "${files[@]#"$x/"}" | LC_ALL=C sort | indent
  needed=$(needed_pairs "$x" "${files[@]}")
  own=$(provided_sonames "${files[@]}")
  bad=$(needed_forbidden <<<"$needed" | needed_by)
  if [ -z "$bad" ]; then ok "no tools program needs ${TOOLS_FORBIDDEN_LIBS// /, }"
  else not_ok "tools programs need libraries they must not: ${bad//$'\n'/; }"; fi
  list=$(needed_external <(printf '%s\n' "$own") <<<"$needed" | needed_by | tools_where "$troot" "$broot" "$triplet")
  missing=$(sed -n 's/^\([^ ]*\) .*: NOT FOUND$/\1/p' <<<"$list")
  if [ -z "$missing" ]; then
    ok "every library the tools need is their own or $DISTRO_NAME's ($(count_lines <<<"$list") from $DISTRO_NAME)"
  else
    not_ok "libraries the tools need that neither they nor $DISTRO_NAME provide: ${missing//$'\n'/ }"
  fi
  {
    awk 'FILENAME == ARGV[1] { own[$0] = 1; next } NF && ($1 in own)' <(printf '%s\n' "$own") - <<<"$needed" |
      needed_by | sed 's/^\([^ ]*\) \(.*\)$/\1 (by \2): the packages'"'"' own/'
    [ -z "$list" ] || printf '%s\n' "$list"
  } | indent
}

# tools_where TARGET_ROOT BUILD_ROOT TRIPLET: for each "SONAME USERS" line of
# stdin, "SONAME (by USERS): /PATH (PACKAGE)", where it is in the target
# root, or in the build chroot only (then the target root lacks it), or
# "NOT FOUND".
tools_where() {
  local troot=$1 broot=$2 triplet=$3 so users r
  while read -r so users; do
    if ! r=$(resolve_soname "$so" "$triplet" "$troot" "$broot"); then
      printf '%s (by %s): NOT FOUND\n' "$so" "$users"
    elif [ "${r%% *}" = 1 ]; then
      printf '%s (by %s): %s (%s)\n' "$so" "$users" "${r#* }" "$(owner_of "$troot" "${r#* }")"
    else
      printf '%s (by %s): %s (%s; build chroot only, not in the target root)\n' "$so" "$users" "${r#* }" \
        "$(owner_of "$broot" "${r#* }")"
    fi
  done
}

# check_tools_links ROOT RELEASE: linux-tools-common's wrappers run
# /usr/lib/linux-tools/$(uname -r)/TOOL: that directory (the flavour's tools
# package) is in ROOT for RELEASE, and each link in it resolves inside ROOT
# (an absolute link in ROOT's terms).
check_tools_links() {
  local root=$1 dir="/usr/lib/linux-tools/$2" f to names=() bad=()
  if [ ! -d "$root$dir" ]; then
    not_ok "$dir is not in the target root: linux-tools-common's wrappers look there (uname -r)"; return
  fi
  for f in "$root$dir"/*; do
    [ -e "$f" ] || [ -L "$f" ] || continue
    names+=("${f##*/}")
    to=$(readlink "$f") || to=''
    case $to in /*) to="$root$to" ;; '') to=$f ;; *) to="${f%/*}/$to" ;; esac
    [ -e "$to" ] || bad+=("${f##*/} -> $(readlink "$f")")
  done
  if [ ${#names[@]} = 0 ]; then not_ok "$dir is empty in the target root"
  elif [ ${#bad[@]} = 0 ]; then ok "$dir has ${names[*]}, each resolving in the target root"
  else not_ok "links in $dir that do not resolve in the target root: ${bad[*]}"; fi
}

# --- installing -----------------------------------------------------------

# dpkg_failures LOG: why dpkg -i failed, one line a reason: "PKG: FILE is also
# in package OWNER VERSION" (a file another package has) and "PKG needs DEP:
# WHY" (an unmet dependency).
dpkg_failures() {
  awk '
    /^dpkg: error processing archive / { a = $5; sub(/.*\//, "", a); sub(/_.*/, "", a); next }
    /trying to overwrite '\''/ {
      f = $0; sub(/^[^'\'']*'\''/, "", f); sub(/'\''.*/, "", f)
      o = $0; sub(/.*which is also in package /, "", o)
      print a ": " f " is also in package " o; next
    }
    /^dpkg: dependency problems prevent configuration of / { p = $NF; sub(/:$/, "", p); next }
    / depends on .*; however:$/ { d = $0; sub(/.* depends on /, "", d); sub(/; however:$/, "", d); dep = 1; next }
    dep { w = $0; sub(/^ */, "", w); print p " needs " d ": " w; dep = 0 }' "$1"
}

# --- perf -------------------------------------------------------------------

# perf_build_options: `perf version --build-options` on stdin; "NAME STATE"
# (on or off) for each feature, colours stripped.
perf_build_options() {
  sed 's/\x1b\[[0-9;]*m//g' |
    awk '/^ *[A-Za-z0-9_-]+: *\[ *[A-Za-z]+ *\]/ {
      n = $1; sub(/:$/, "", n); s = $0; sub(/^[^[]*\[ */, "", s); sub(/ *\].*/, "", s); print n, tolower(s) }'
}

# perf_features_compare EXPECTED: the "NAME STATE" lines of stdin
# (perf_build_options) against the file EXPECTED (scripts/kernel/perf-features).
# Prints "bad: ..." for a feature in another state, one EXPECTED lists but perf
# does not print, or a line of EXPECTED that is not "NAME on|off|any", and
# "new: ..." for a feature EXPECTED does not list; fails on any "bad:".
perf_features_compare() {
  awk -v file="${1##*/}" '
    FILENAME == ARGV[1] {
      sub(/#.*/, ""); if (NF == 0) next
      if (NF != 2 || $2 !~ /^(on|off|any)$/) { printf "bad: %s line %d is not \"NAME on|off|any\"\n", file, FNR; bad = 1; next }
      want[$1] = $2; order[++n] = $1; next
    }
    NF == 2 { got[$1] = $2; if (!($1 in want)) printf "new: %s is %s (not in %s)\n", $1, $2, file }
    END {
      for (i = 1; i <= n; i++) {
        f = order[i]
        if (!(f in got)) { printf "bad: %s: perf does not print it (expected %s)\n", f, want[f]; bad = 1 }
        else if (want[f] != "any" && got[f] != want[f]) { printf "bad: %s is %s, expected %s\n", f, got[f], want[f]; bad = 1 }
      }
      exit bad
    }' "$1" -
}

# check_perf_features OUTPUT STATUS: perf version --build-options' OUTPUT
# (a file) and exit STATUS against scripts/kernel/perf-features; the whole
# output follows, indented.
check_perf_features() {
  local out=$1 rc=$2 actual result bad new
  actual=$(perf_build_options <"$out")
  if [ "$rc" != 0 ] || [ -z "$actual" ]; then
    not_ok "perf version --build-options failed (exit $rc) or printed no features"; indent <"$out"; return
  fi
  result=$(perf_features_compare "$KDIR/perf-features" <<<"$actual") || true
  bad=$(sed -n 's/^bad: //p' <<<"$result")
  new=$(sed -n 's/^new: //p' <<<"$result")
  if [ -z "$bad" ]; then
    ok "perf's features are scripts/kernel/perf-features' ($(awk '$2 == "on"' <<<"$actual" | count_lines) on, $(awk '$2 == "off"' <<<"$actual" | count_lines) off)"
  else
    not_ok "perf's features differ from scripts/kernel/perf-features: ${bad//$'\n'/; }"
  fi
  [ -z "$new" ] || note "perf prints features scripts/kernel/perf-features does not list: ${new//$'\n'/; }"
  indent <"$out"
}

# --- the guest's report -------------------------------------------------------

# reported KEY: the value the guest reported for KEY (REPORT: its report).
reported() { sed -n "s/^$1 //p" "$REPORT" | head -n 1; }

# is_count WORD: WORD is a count perf printed (1,234 or 0.79).
is_count() { [[ $1 =~ ^[0-9][0-9.,]*$ ]]; }

# check_guest_tools CONFIG LOG: the tools in the booted guest
# (scripts/kernel/guest-check.sh's tools report): perf stat counts, perf
# record samples and perf report shows them (when CONFIG, the kernel's
# config, has PERF_EVENTS), bpftool and cpupower run, and bpftool dumps the
# kernel's BTF as C (when CONFIG has DEBUG_INFO_BTF, the full size). LOG: the
# guest's tools output, shown when something failed.
check_guest_tools() {
  local config=$1 log=$2 failed=0 v st rest
  case $(reported tools) in
    '') not_ok "the guest reported nothing on the tools"; return ;;
    absent) not_ok "no tools in the guest (/usr/lib/linux-tools/\$(uname -r) is missing)"; return ;;
  esac
  note "guest: perf runs as $(reported perf-path)"
  if grep -qx 'CONFIG_PERF_EVENTS=y' "$config"; then
    guest_perf_stat || failed=1
    guest_perf_record || failed=1
  else
    note "the kernel has no PERF_EVENTS: perf stat and record not checked"
  fi
  # bpftool prints its argv[0]: the path the wrapper ran, then its version.
  v=$(reported bpftool-version) st=${v%% *} rest=${v#* }
  if [ "$st" = 0 ] && [[ $rest =~ bpftool\ v[0-9] ]]; then ok "bpftool version runs in the guest ($rest)"
  else not_ok "bpftool version fails in the guest: ${v:-no report}"; failed=1; fi
  v=$(reported cpupower-info) st=${v%% *} rest=${v#* }
  if [ "$st" = 0 ]; then ok "cpupower info runs in the guest ($rest)"
  else not_ok "cpupower info fails in the guest: ${v:-no report}"; failed=1; fi
  guest_btf "$config" || failed=1
  if [ "$failed" = 1 ] && [ -s "$log" ]; then indent <"$log"; fi
}

# guest_perf_stat: perf stat counted both events and exited 0.
guest_perf_stat() {
  local st tc cs
  st=$(reported perf-stat) tc=$(reported perf-stat-task-clock) cs=$(reported perf-stat-context-switches)
  if [ "$st" = 0 ] && is_count "${tc%% *}" && is_count "${cs%% *}"; then
    ok "perf stat counts in the guest: ${tc%%#*}; ${cs%%#*}"
  else
    not_ok "perf stat -e task-clock,context-switches fails in the guest (exit ${st:-?}; task-clock: '${tc}'; context-switches: '${cs}')"
    return 1
  fi
}

# guest_perf_record: perf record and report exited 0 and the report has samples.
guest_perf_record() {
  local rec rep samples top
  rec=$(reported perf-record) rep=$(reported perf-report)
  samples=$(reported perf-report-samples) top=$(reported perf-report-top)
  if [ "${rec%% *}" = 0 ] && [ "$rep" = 0 ] && [[ $samples =~ ^[1-9] ]]; then
    ok "perf record samples a busy loop and perf report shows it in the guest ($samples; top: $top)"
  else
    not_ok "perf record/report fail in the guest (record: '${rec}'; report exit ${rep:-?}; samples: '${samples}')"
    return 1
  fi
}

# guest_btf CONFIG: bpftool dumped the kernel's BTF as C, when CONFIG has it.
guest_btf() {
  local v st method lines struct
  v=$(reported btf-dump)
  if ! grep -qx 'CONFIG_DEBUG_INFO_BTF=y' "$1"; then
    note "no BTF at this size (CONFIG_DEBUG_INFO_BTF is not set): bpftool btf dump not checked"; return 0
  fi
  read -r st method lines struct <<<"$v"
  if [ "$st" = absent ]; then
    not_ok "/sys/kernel/btf/vmlinux is missing in the guest, though the config has CONFIG_DEBUG_INFO_BTF=y"; return 1
  fi
  if [ "$st" = 0 ] && [[ $lines =~ ^[1-9][0-9]*$ ]] && [ -n "$struct" ]; then
    ok "bpftool dumps the kernel's BTF as C in the guest ($lines lines, first struct $struct; $method)"
  else
    not_ok "bpftool btf dump of /sys/kernel/btf/vmlinux fails in the guest: ${v:-no report}"
    return 1
  fi
}

# --- package sizes ----------------------------------------------------------

# reference_size NAME FILE: the reference size of package NAME in FILE
# (scripts/kernel/reference-sizes): the first matching pattern's, else "-".
reference_size() {
  local pat size
  while read -r pat size _; do
    case $pat in ''|'#'*) continue ;; esac
    # shellcheck disable=SC2254 # PAT is a pattern
    case $1 in $pat) printf '%s\n' "$size"; return ;; esac
  done <"$2"
  printf '%s\n' -
}

# reference_sizes_valid FILE: every size in FILE reads as a size, or one
# line saying which does not, and failure.
reference_sizes_valid() {
  local pat size
  while read -r pat size _; do
    case $pat in ''|'#'*) continue ;; esac
    [ "$size" = - ] || numfmt --from=iec "$size" >/dev/null 2>&1 ||
      { printf '%s: "%s %s": not a size (1.3M, 900K or -)\n' "${1##*/}" "$pat" "$size"; return 1; }
  done <"$1"
}

# size_note NAME BYTES REF: package NAME's size beside the reference REF.
size_note() {
  local name=$1 bytes=$2 ref=$3 human
  human=$(numfmt --to=iec --round=nearest --format='%.1f' "$bytes")
  if [ "$ref" = - ]; then printf '%s: %s (no reference)\n' "$name" "$human"; return; fi
  printf '%s: %s (native build: %s, %s)\n' "$name" "$human" "$ref" \
    "$(awk -v a="$bytes" -v b="$(numfmt --from=iec "$ref")" 'BEGIN { printf "%.2fx", a / b }')"
}
