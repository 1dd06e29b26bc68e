# shellcheck shell=bash
# Sourced, not run.
#
# The runtime helpers of build.sh, the stage scripts, the kernel scripts and
# the tests: settings, messages, logged commands, the sources manifest,
# fetching, verifying and unpacking sources. None of this decides what a
# stage builds (the sources' own hashes cover what fetching brings), so it is
# in no stage's key; build.sh's ENGINE_FORMAT is bumped when that changes.
# What does decide it, the recipes, are files of their own in
# sources/sections/, keyed one by one (see use_recipes).
#
# Expects: TOP (repository root). CACHE may be set first; else the default.

# Command substitutions keep set -e: `src=$(source_dir gcc)` must fail when
# unpacking fails half-way (a full disk), not cache a partial tree.
shopt -s inherit_errexit

msg() { printf '%s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
# One clear line and a non-zero exit. Inside a stage it ends the whole stage,
# even from a command substitution (as Aboriginal's dienow does).
die() {
  printf 'error: %s\n' "$*" >&2
  if [ -n "${STAGE_SHELL_PID:-}" ] && [ "$BASHPID" != "$STAGE_SHELL_PID" ]; then
    kill -TERM "$STAGE_SHELL_PID" 2>/dev/null
  fi
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

# run_logged NAME CMD...: run CMD with its output in $LOG_DIR/NAME.log.
# On failure, leave the command and the log's path in $STAGE_WORK/.failed so
# the engine can show them, and return the command's status.
run_logged() {
  local name=$1; shift
  local log="$LOG_DIR/$name.log" rc=0
  mkdir -p "$LOG_DIR"
  printf '+ (cd %q &&%s)\n' "$PWD" "$(printf ' %q' "$@")" >>"$log"
  "$@" >>"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    if [ -n "${STAGE_WORK:-}" ]; then
      printf '%s\n%s\n' "$(printf '%q ' "$@")" "$log" >"$STAGE_WORK/.failed"
    fi
    return "$rc"
  fi
}

# shellcheck source=scripts/settings.sh
. "$TOP/scripts/settings.sh"
# shellcheck source=scripts/lib/manifest.sh
. "$TOP/scripts/lib/manifest.sh"
# shellcheck source=scripts/lib/fetch.sh
. "$TOP/scripts/lib/fetch.sh"
# shellcheck source=scripts/lib/unpack.sh
. "$TOP/scripts/lib/unpack.sh"
# shellcheck source=scripts/lib/options.sh
. "$TOP/scripts/lib/options.sh"
# shellcheck source=scripts/lib/recipes.sh
. "$TOP/scripts/lib/recipes.sh"
settings_init
