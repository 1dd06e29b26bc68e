# shellcheck shell=bash
# Sourced by scripts/kernel-debs.sh, not run: --distcc HOSTS, the kernel,
# module and tools compiles sent to compile hosts (bin/crossboot-compile-host
# of the release tarball, a system image's distcc-host.sh, any distccd that
# serves this compiler's names).
#
# How: the build runs in the build chroot, which shares this machine's
# network (scripts/in-chroot.sh makes mount and pid namespaces, not a
# network one). distcc's client (the distccd stage's, static: it runs in
# any distribution's chroot) is copied into the work directory, and a
# masquerade directory there, first in PATH, holds the target compiler's
# names the chroot has (aarch64-linux-gnu-gcc, -gcc-9, g++, ...: every name
# CROSS_COMPILE or Ubuntu's rules' CC make a build use) as links to it.
# Only those go through distcc: the build machine's own compilers (HOSTCC:
# fixdep, modpost, the tools' build helpers) are other names and stay
# local. distcc preprocesses on this machine, sends the preprocessed file to
# a host and runs locally what it cannot send (links, -E, configure
# probes) or what a host failed to do: DISTCC_FALLBACK=1, a failed host
# rests DISTCC_BACKOFF_PERIOD (60 s) before it is tried again, a compile
# error on a host is retried here (so its message is this machine's).
# Linking, modpost and packaging never go through it.
#
# Same bits wherever an object is compiled: a host compiles preprocessed
# text, in which code after a macro's expansion has other columns than in
# the source, and -g records columns (tests/full/build-farm.sh shows it). So
# every local run of the target compiler gets -no-integrated-cpp (its own
# preprocessing pass, then the compiler on preprocessed text, as a host
# does): behind the masquerade directory a second one holds, for each name,
# a script adding it. That reaches the kernel, the modules and the tools
# (perf, bpftool, cpupower, usbip: each build system with its own CFLAGS
# variable) alike, which KCFLAGS would not; the hosts compile .i files,
# where the option changes nothing. Objects compiled before --distcc was
# given stay as they are: kbuild sees the same command (the scripts are
# not in it); they differ from these in -g's columns only.
#
# One kind of compile stays here: assembly output (-S). kbuild makes a few
# .s files with -fverbose-asm, which quotes the source lines beside the
# code; a host has only the preprocessed text, so its .s lacks them, and
# one of those files (scripts/mod/devicetable-offsets.s) is in the headers
# package. A third directory, first in PATH, holds for each name a script
# that runs the -no-integrated-cpp one for -S and distcc's link otherwise.
#
# The jobs: make -j follows the hosts' slots (ADDR/N: N jobs at once;
# distcc's default 4) plus this machine's CPUs (preprocessing, links, what
# falls back); at most that many CPUs' worth of local compiles at once
# (--localslots), and twice that of preprocessing (--localslots_cpp).
# Which host served how many jobs: distcc's own log (WORK/distcc.log,
# DISTCC_LOG), summed up at the end (distcc_summary).

DISTCC_PORT=3632
# distcc's own default number of jobs for a host without /N.
DISTCC_HOST_SLOTS=4
# Where WORK is in the chroot (distcc's things in WORK/distcc, its log
# WORK/distcc.log), and the chroot's target compiler names (the build
# chroot's /usr/local/bin). The unit tests point them elsewhere.
DISTCC_CHROOT_WORK=/build
DISTCC_REAL_BIN=/usr/local/bin

# distcc_hosts SPEC...: each SPEC a space-separated list of hosts,
# ADDR[:PORT][/JOBS][,lzo] (ADDR: an IPv4 address or a name, resolved here:
# the chroot may not resolve it; so "localhost" is a compile host on this
# machine, 127.0.0.1, not distcc's word for compiling here), normalised to
# ADDR:PORT/JOBS[,lzo], one a line; dies naming a bad one.
distcc_hosts() {
  local spec h addr port jobs opt re='^([A-Za-z0-9][A-Za-z0-9.-]*)(:([0-9]{1,5}))?(/([0-9]{1,4}))?(,lzo)?$'
  for spec in "$@"; do
    for h in $spec; do
      [[ $h =~ $re ]] || die "--distcc: '$h' is not ADDR[:PORT][/JOBS][,lzo]"
      addr=${BASH_REMATCH[1]} port=${BASH_REMATCH[3]:-$DISTCC_PORT} jobs=${BASH_REMATCH[5]:-$DISTCC_HOST_SLOTS}
      opt=${BASH_REMATCH[6]}
      ((10#$port >= 1 && 10#$port <= 65535)) || die "--distcc: '$h': the port is 1-65535"
      ((10#$jobs >= 1)) || die "--distcc: '$h': JOBS is at least 1"
      addr=$(distcc_resolve "$addr") || die "--distcc: '$h': cannot resolve ${h%%[:/,]*} to an IPv4 address"
      printf '%s:%d/%d%s\n' "$addr" "$((10#$port))" "$((10#$jobs))" "$opt"
    done
  done
}

# distcc_resolve NAME: NAME's IPv4 address (NAME itself if it is one).
distcc_resolve() {
  if [[ $1 =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]]; then
    local o
    for o in ${1//./ }; do ((10#$o <= 255)) || return 1; done
    printf '%s\n' "$1"
    return
  fi
  getent ahostsv4 "$1" 2>/dev/null | awk 'NR == 1 { print $1; found = 1 } END { exit !found }'
}

# distcc_slots HOST...: the jobs the hosts (distcc_hosts' lines) take at once.
distcc_slots() {
  local h n=0 j
  for h in "$@"; do j=${h##*/}; n=$((n + ${j%%,*})); done
  printf '%s\n' "$n"
}

# distcc_jobs LOCAL-CPUS HOST...: make's -j: the hosts' slots and the local CPUs.
distcc_jobs() {
  local cpus=$1; shift
  printf '%s\n' $(($(distcc_slots "$@") + cpus))
}

# distcc_hosts_var LOCAL-CPUS HOST...: DISTCC_HOSTS: the local limits, the hosts.
distcc_hosts_var() {
  local cpus=$1; shift
  printf -- '--localslots=%s --localslots_cpp=%s %s\n' "$cpus" $((2 * cpus)) "$*"
}

# distcc_compiler_names BINDIR TRIPLET: the target compiler's names in the
# chroot's BINDIR (/usr/local/bin) that a build calls: TRIPLET-gcc, -cc,
# -g++, -c++ and their versioned names (-gcc-9, ...). Not -cpp: it only
# preprocesses.
distcc_compiler_names() {
  local f n t=${2//./\\.}
  for f in "$1"/*; do
    n=${f##*/}
    if [[ $n =~ ^$t-(gcc|cc|g\+\+|c\+\+)(-[0-9]+)?$ ]]; then printf '%s\n' "$n"; fi
  done
}

# distcc_setup DIR CLIENT NAME...: DIR (WORK/distcc, DISTCC_CHROOT_WORK/distcc
# in the chroot) made anew: the client, masq/NAME links to it, cc/NAME
# scripts running DISTCC_REAL_BIN/NAME with -no-integrated-cpp, pre/NAME
# scripts choosing between the two (-S: cc/NAME).
distcc_setup() {
  local dir=$1 client=$2 n in="$DISTCC_CHROOT_WORK/distcc"; shift 2
  [ $# -gt 0 ] || die "--distcc: the build chroot has no target compiler names (usr/local/bin/$TARGET_GNU_TRIPLET-gcc)"
  rm -rf "$dir"
  mkdir -p "$dir/masq" "$dir/cc" "$dir/pre"
  install -m 755 "$client" "$dir/distcc"
  for n in "$@"; do
    ln -s "$in/distcc" "$dir/masq/$n"
    # shellcheck disable=SC2016 # "$@" is the script's
    printf '#!/bin/sh\n# kernel-debs.sh --distcc: preprocessed apart, as on a compile host (scripts/kernel/distcc.sh)\nexec %s -no-integrated-cpp "$@"\n' \
      "$(sh_quote "$DISTCC_REAL_BIN/$n")" >"$dir/cc/$n"
    # (distcc, as masq/NAME, takes the first NAME in PATH that is not a
    # link to it for the compiler: pre/ leaves PATH first)
    # shellcheck disable=SC2016 # $a, $PATH and "$@" are the script's
    printf '#!/bin/sh\n# kernel-debs.sh --distcc: -S compiled here, the rest through distcc (scripts/kernel/distcc.sh)\nfor a do [ "$a" != -S ] || exec %s "$@"; done\nPATH=${PATH#%s:}\nexec %s "$@"\n' \
      "$(sh_quote "$in/cc/$n")" "$(sh_quote "$in/pre")" "$(sh_quote "$in/masq/$n")" >"$dir/pre/$n"
    chmod 755 "$dir/cc/$n" "$dir/pre/$n"
  done
}

# distcc_env_script HOSTS-VAR: sh for the start of a chroot script: the
# masquerade directory first in PATH, distcc's settings.
# shellcheck disable=SC2016 # $PATH and $DISTCC_DIR are the script's
distcc_env_script() {
  local d="$DISTCC_CHROOT_WORK/distcc"
  printf '# --distcc (scripts/kernel/distcc.sh)\n'
  # (the chroot's /tmp is its own: no state of another build's client)
  printf 'export DISTCC_DIR=/tmp/distcc\nmkdir -p "$DISTCC_DIR"\n'
  printf 'PATH=%s:%s:%s:"$PATH"\n' "$(sh_quote "$d/pre")" "$(sh_quote "$d/masq")" "$(sh_quote "$d/cc")"
  printf 'export PATH DISTCC_HOSTS=%s DISTCC_LOG=%s\n' "$(sh_quote "$1")" "$(sh_quote "$DISTCC_CHROOT_WORK/distcc.log")"
  printf 'export DISTCC_FALLBACK=1 DISTCC_NO_REWRITE_CROSS=1\n'
}

# sh_quote STRING: STRING quoted for sh (the chroot's scripts run with dash).
sh_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# distcc_summary LOG HOST...: which host compiled how many of this run's
# jobs, from distcc's log (each client process's lines, ended by its
# "exit: code" line; pids are reused in a long build), and what ran here.
# A host fails a job two ways in distcc 3.4's log: "failed to distribute F
# to HOST, running locally instead", or (a host unreachable or gone
# mid-job) silently: the same process's next "exec on" names another host
# or localhost (it picks again). A compile error on a host ("remote
# compilation ... failed, retrying locally") is no host failure.
distcc_summary() {
  local log=$1; shift
  [ -f "$log" ] || { printf 'distcc: no log (%s): no compile went through distcc\n' "$log"; return 0; }
  awk -v hosts="$*" '
    function key(h) { sub(/:$/, "", h); sub(/[\/,].*/, "", h); return h }
    { if (!match($1, /^distcc\[[0-9]+\]$/)) next; pid = $1 }
    / compile from / { job[pid] = 1 }
    $2 == "exec" && $3 == "on" {
      h = key($4)
      if (trying[pid] != "") { failed[trying[pid]]++; if (h == "localhost") why[pid] = "host" }
      trying[pid] = (h == "localhost" ? "" : h); last[pid] = h }
    /remote compilation of .* failed, retrying locally/ { why[pid] = "error"; trying[pid] = "" }
    /failed to distribute .* to .*, running locally instead/ {
      if (why[pid] != "error") {
        h = $0; sub(/, running locally instead.*/, "", h); sub(/.* to /, "", h); failed[key(h)]++; why[pid] = "host" }
      trying[pid] = "" }
    /failed to distribute, running locally instead/ { if (why[pid] == "") why[pid] = "none" }
    /\(dcc_exit\) exit: code / {
      if (job[pid]) {
        jobs++
        code = $0; sub(/.*exit: code /, "", code); sub(/;.*/, "", code)
        if (code != 0) bad++
        if (last[pid] == "" || last[pid] == "localhost") { here++; if (why[pid] != "") herewhy[why[pid]]++ }
        else served[last[pid]]++
      }
      delete job[pid]; delete last[pid]; delete why[pid]; delete trying[pid]
    }
    END {
      printf "distcc: %d compile jobs this run%s\n", jobs, (bad ? sprintf(", %d failed", bad) : "")
      n = split(hosts, hl, " ")
      for (i = 1; i <= n; i++) {
        h = key(hl[i]); seen[h] = 1
        line = sprintf("  %-21s %6d compiled", h, served[h])
        if (failed[h]) line = line sprintf(", %d failed (unreachable, refused or died: redone elsewhere)", failed[h])
        else if (!served[h]) line = line " (unreachable or refused? see the log)"
        print line
      }
      for (h in served) if (!(h in seen)) printf "  %-21s %6d compiled\n", h, served[h]
      line = sprintf("  %-21s %6d compiled", "here", here)
      if (here) line = line sprintf(" (after a host failed: %d; no host free of failures: %d; retried after an error on a host: %d)",
        herewhy["host"], herewhy["none"], herewhy["error"])
      print line
    }' "$log"
}
