# shellcheck shell=bash
# Sourced by scripts/kernel-debs.sh, not run: a progress line now and then
# while the build runs in the chroot, from what it leaves on disk: the phase
# (from the build log's last phase marker), the objects compiled (kbuild
# writes a .NAME.o.cmd after each object, so the count survives a resume)
# of the expected count (make -n, counted once a configuration, as
# --estimate does), the rate measured in this run and an ETA from it.

PROGRESS_SECONDS=${CROSSBOOT_PROGRESS_SECONDS:-60}

# progress_phase LOG OBJDIR: config, kernel, modules, tools or packaging.
progress_phase() {
  local last
  last=$(grep -E '^Debug: |^dpkg-deb: building|^crossboot-phase: ' "$1" 2>/dev/null | tail -n 1) || true
  case $last in
    'crossboot-phase: '*) printf '%s\n' "${last#crossboot-phase: }" ;;
    *perarch*) printf 'tools\n' ;;
    *stamp-prepare-*) printf 'config\n' ;;
    *stamp-build-*|'')
      if [ -f "$2/vmlinux" ]; then printf 'modules\n'; else printf 'kernel\n'; fi ;;
    *) printf 'packaging\n' ;;
  esac
}

# count_objects DIR: objects compiled so far under DIR: .NAME.o.cmd files
# whose command compiles (-c), as the expected count has them; not a
# multi-file object's ld -r, not a module's NAME.mod.o (made after
# compiling). Only each file's first line is read. (find fails when a file
# it listed is gone, as kbuild's temporary ones go: not an error here.)
count_objects() {
  if [ -d "$1" ]; then
    { find "$1" -name '.*.o.cmd' ! -name '.*.mod.o.cmd' \
        -exec awk 'FNR == 1 { if (/ -c /) n++; nextfile } END { print n + 0 }' {} + 2>/dev/null || true; } |
      awk '{ s += $1 } END { print s + 0 }'
  else echo 0; fi
}

# compiled_in_log LOG: target objects a build log's kbuild lines say were
# compiled ("  CC" lines), counted as count_objects counts (not NAME.mod.o).
compiled_in_log() { grep -E '^  CC (\[M\] )?' "$1" | grep -vc '\.mod\.o$' || true; }

# duration SECONDS: 1h05m, 7m, 40s.
duration() {
  local s=$1
  if [ "$s" -ge 3600 ]; then printf '%dh%02dm' $((s / 3600)) $((s % 3600 / 60))
  elif [ "$s" -ge 60 ]; then printf '%dm' $((s / 60))
  else printf '%ds' "$s"; fi
}

# progress_line PHASE DONE EXPECTED FIRST ELAPSED: the line, with a rate and
# an ETA once this run has compiled something (DONE-FIRST objects in
# ELAPSED seconds).
progress_line() {
  local phase=$1 done=$2 expected=$3 first=$4 elapsed=$5 line rate left
  line="progress: $phase"
  if [ "$expected" -gt 0 ]; then
    [ "$done" -le "$expected" ] || expected=$done
    line+=", $done/$expected objects ($((100 * done / expected))%)"
  else
    line+=", $done objects"
  fi
  if [ "$done" -gt "$first" ] && [ "$elapsed" -gt 0 ]; then
    rate=$(( (done - first) * 60 / elapsed ))
    line+=", $rate/min"
    if [ "$expected" -gt "$done" ] && [ "$rate" -gt 0 ]; then
      left=$(( (expected - done) * elapsed / (done - first) ))
      line+=", compiling done in ~$(duration "$left")"
    fi
  fi
  printf '%s; %s elapsed\n' "$line" "$(duration "$elapsed")"
}

# progress_monitor LOG OBJDIR EXPECTED: prints a progress line every
# PROGRESS_SECONDS until its parent is gone (run in the background).
progress_monitor() {
  local log=$1 objdir=$2 expected=$3 parent=$$ start=$SECONDS first phase
  [ -z "${WORK_LOCK_FD:-}" ] || exec {WORK_LOCK_FD}>&-
  first=$(count_objects "$objdir")
  while sleep "$PROGRESS_SECONDS"; do
    kill -0 "$parent" 2>/dev/null || exit 0
    phase=$(progress_phase "$log" "$objdir")
    case $phase in
      kernel|modules) progress_line "$phase" "$(count_objects "$objdir")" "$expected" "$first" $((SECONDS - start)) >&2 ;;
      # The kernel's objects say nothing of the tools or the packaging.
      *) printf 'progress: %s; %s elapsed\n' "$phase" "$(duration $((SECONDS - start)))" >&2 ;;
    esac
  done
}

# with_progress LOG OBJDIR EXPECTED CMD...: CMD, with the monitor beside it.
with_progress() {
  local log=$1 objdir=$2 expected=$3 pid rc=0; shift 3
  progress_monitor "$log" "$objdir" "$expected" &
  pid=$!
  "$@" || rc=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  return "$rc"
}
