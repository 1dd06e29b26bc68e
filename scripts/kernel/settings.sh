# shellcheck shell=bash
# Sourced, not run: checking a Kconfig fragment against an effective .config,
# for the kernel scripts (through common.sh) and the sysimage stage.

# missing_settings FRAGMENT CONFIG: the settings of FRAGMENT (a file) that
# CONFIG (an effective .config) does not have, one a line. Kconfig drops
# what it does not know without a word, so a fragment is only checked here.
missing_settings() {
  local line
  while IFS= read -r line; do
    case $line in CONFIG_*|'# CONFIG_'*' is not set') ;; *) continue ;; esac
    grep -qxF -- "$line" "$2" || printf '%s\n' "$line"
  done <"$1"
}
