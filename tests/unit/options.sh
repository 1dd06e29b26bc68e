#!/usr/bin/env bash
# Unit tests of scripts/lib/options.sh (issue 19): GNU-style options, values
# never taken from the next option, '--', errors of one line, quoting.
# ok never fails, so `cond && ok || not_ok` is safe; '$(...)' is quoted on purpose.
# shellcheck disable=SC2015,SC2016
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

# The real die when scripts/lib.sh can be sourced, else one that behaves alike.
if (. "$TOP/scripts/lib.sh") >/dev/null 2>&1; then
  # shellcheck source=scripts/lib.sh
  . "$TOP/scripts/lib.sh"
else
  die() { printf 'error: %s\n' "$*" >&2; exit 1; }
fi
# shellcheck source=scripts/lib/options.sh
. "$TOP/scripts/lib/options.sh"

# build.sh's options.
# build.sh's own declaration (build.sh defines without running when sourced).
BUILD_SPEC=$(bash -c '. "$1/build.sh"; printf "%s" "$BUILD_OPTIONS"' _ "$TOP")

# show ARGS...: parse ARGS with build.sh's options; print NAME=[VALUE] for each
# option, then [OPERAND] for each operand.
show() (
  OPT_SPEC=$BUILD_SPEC OPT_CMD=./build.sh
  opts_parse "$@"
  for i in "${!OPT_NAMES[@]}"; do printf '%s=[%s]\n' "${OPT_NAMES[i]}" "${OPT_VALUES[i]}"; done
  for p in "${POSITIONAL[@]}"; do printf '[%s]\n' "$p"; done
)

# parses NAME WANT ARGS...: show ARGS succeeds and prints exactly WANT.
parses() {
  local name=$1 want=$2 got; shift 2
  if got=$(show "$@" 2>&1) && [ "$got" = "$want" ]; then ok "$name"; else
    not_ok "$name"; printf '#   want: %q\n#   got:  %q\n' "$want" "$got"
  fi
}

# refused PARSER MESSAGE ARGS...: PARSER ARGS exits 1 printing exactly one
# line, "error: MESSAGE".
refused() {
  local parser=$1 want="error: $2" got rc=0; shift 2
  got=$("$parser" "$@" 2>&1) || rc=$?
  [ "$rc" = 1 ] && [ "$got" = "$want" ]
}
refuses() {
  local name=$1 want=$2; shift 2
  if refused show "$want" "$@"; then ok "$name"; else
    not_ok "$name"; printf '#   want: error: %s\n#   got:  %s\n' "$want" "$(show "$@" 2>&1 | head -n 5)"
  fi
}

# --- the conventions
parses "long option, separate value" 'jobs=[4]' --jobs 4
parses "long option, value after =" 'jobs=[4]' --jobs=4
parses "short option, separate value" 'jobs=[4]' -j 4
parses "short option, attached value" 'jobs=[4]' -j4
parses "-j=4 is the value '=4' (as getopt; the caller's check refuses it)" 'jobs=[=4]' -j=4
parses "flags" $'fetch-only=[]\noffline=[]\nhelp=[]\nhelp=[]' --fetch-only --offline -h --help
parses "options and operands mixed, order kept" $'jobs=[2]\noffline=[]\n[aarch64]\n[gcc]' aarch64 --jobs 2 gcc --offline
parses "repeated options kept in order" \
  $'rebuild=[b]\nrebuild=[a]\njobs=[1]\nrebuild=[c]\n[x]' --rebuild b --rebuild=a -j1 x --rebuild c
parses "no arguments (set -u)" '' 
parses "'=' inside a value" 'distro=[a=b]' --distro=a=b
parses "empty values are passed on (the caller checks)" $'cache=[]\nout=[]' --cache '' --out=
parses "'-' is an operand and a value" $'out=[-]\n[-]' --out - -

# --- values with spaces and any characters, never evaluated
cd "$SCRATCH"
touch 'a file'
weird=$'sp ace  two\ttab\nnewline \' " \\ $HOME $(touch harm) `touch harm` * ? [a] %s %n {a,b} ~ ;&|<>'
parses "values with spaces (separate)" $'cache=[/tmp/a b]\n[two words]' --cache '/tmp/a b' 'two words'
parses "values with spaces (after =)" 'out=[x  y ]' '--out=x  y '
parses "values with any characters (separate)" "distro=[$weird]" --distro "$weird"
parses "values with any characters (after =)" "distro=[$weird]" "--distro=$weird"
parses "operands with any characters" "[$weird]" "$weird"
parses "operands with any characters after --" "[$weird]" -- "$weird"
[ ! -e harm ] && ok "nothing in a value was run" || not_ok "nothing in a value was run"
refuses "odd characters in an unknown option are shown, not run" "unknown option '--\$(touch harm) *' (see ./build.sh --help)" '--$(touch harm) *'
[ ! -e harm ] && ok "nothing in an option name was run" || not_ok "nothing in an option name was run"
cd "$TOP"

# --- a value is never taken from the next option
refuses "--cache --fetch-only: --cache has no value" \
  "--cache needs a value, not '--fetch-only' (write --cache=VALUE for a value that starts with '-')" --cache --fetch-only aarch64
refuses "a value starting with '-' needs =" \
  "--cache needs a value, not '-dir' (write --cache=VALUE for a value that starts with '-')" --cache -dir aarch64
refuses "a short option's value starting with '-' must be attached" \
  "-j needs a value, not '-1' (write -jVALUE for a value that starts with '-')" -j -1
refuses "'--' is not a value" \
  "--out needs a value, not '--' (write --out=VALUE for a value that starts with '-')" --out -- x
parses "a value starting with '-' after =" $'cache=[-dir]\nfetch-only=[]\n[aarch64]' --cache=-dir --fetch-only aarch64
parses "an option-like value after = is a value, not an option" $'cache=[--fetch-only]\n[aarch64]' --cache=--fetch-only aarch64
parses "a short option's attached value may start with '-'" 'jobs=[-1]' -j-1

# --- missing values
refuses "a missing value at the end" "--jobs needs a value" aarch64 --jobs
refuses "a missing value at the end (short)" "-j needs a value" aarch64 -j
refuses "a missing value at the end (repeated option)" "--rebuild needs a value" --rebuild a --rebuild

# --- '--' ends the options
parses "-- ends the options" $'jobs=[2]\n[--offline]\n[-x]\n[aarch64]' --jobs 2 -- --offline -x aarch64
parses "a second -- is an operand" $'[--]\n[x]' -- -- x
parses "-- at the end" '[aarch64]' aarch64 --

# --- unknown options and flags given values
refuses "unknown long option" "unknown option '--x' (see ./build.sh --help)" aarch64 --x
refuses "unknown long option with a value: its value not shown" "unknown option '--x' (see ./build.sh --help)" --x=secret
refuses "unknown short option" "unknown option '-x' (see ./build.sh --help)" -x
refuses "no abbreviations" "unknown option '--cach' (see ./build.sh --help)" --cach /c
refuses "a long name is not a short option" "unknown option '--j' (see ./build.sh --help)" --j 4
parses "-jobs is -j with the value 'obs' (as getopt; the caller's check refuses it)" 'jobs=[obs]' -jobs
refuses "'--=x' matches no option" "unknown option '--' (see ./build.sh --help)" --=x
refuses "a flag given a value" "--offline takes no value" --offline=1
refuses "a flag given an empty value" "--dry-run takes no value" --dry-run=
refuses "bundled short flags are not supported" "unknown option '-hv' (see ./build.sh --help)" -hv

# --- callers
OPT_SPEC='bogus x y' OPT_CMD=x
check "a bad spec line is an error" refused opts_parse "opts_parse: bad OPT_SPEC line 'bogus x y'" --bogus
unset OPT_SPEC OPT_CMD
# shellcheck disable=SC2317 # called through refused
default_cmd() (OPT_SPEC='keep - flag'; opts_parse "$@")
check "the command in errors defaults to \$0" refused default_cmd "unknown option '--x' (see $0 --help)" --x
# The kernel scripts' options: another spec, another command name.
kernel_debs() (
  OPT_SPEC=$'fragment - value\nestimate - flag\nsample - value' OPT_CMD=scripts/kernel-debs.sh
  opts_parse "$@"
  printf '%s;' "${OPT_NAMES[@]}" "${OPT_VALUES[@]}" "${POSITIONAL[@]}"
)
[ "$(kernel_debs --fragment 'a b.config' --estimate --sample=5 --fragment=c tree)" = 'fragment;estimate;sample;fragment;a b.config;;5;c;tree;' ] &&
  ok "another spec (kernel-debs.sh)" || not_ok "another spec (kernel-debs.sh)"
check "another command name in errors" refused kernel_debs "unknown option '--size' (see scripts/kernel-debs.sh --help)" --size test
# Results may be local to the caller (dynamic scope): nothing leaks.
scoped() { local OPT_NAMES OPT_VALUES POSITIONAL; OPT_SPEC='keep - flag' opts_parse --keep x; }
scoped
[ -z "${OPT_NAMES+set}${POSITIONAL+set}" ] && ok "results can be local to the caller" || not_ok "results can be local to the caller"

# build.sh's own parse_args (build.sh defines without running when sourced).
build_like() {
  bash -c '. "$1/build.sh"; shift; parse_args "$@"
    printf "target=%s want=%s jobs=%s cache=%s out=%s distro=%s rebuild=%s flags=%s\n" "$TARGET" "$WANT" \
      "$JOBS" "$CACHE" "$OUT_ROOT" "$DISTRO" "$(printf "%s\n" "${!REBUILD[@]}" | sort | paste -sd,)" \
      "$FETCH_ONLY$OFFLINE$NO_INSTALL$DRY_RUN$GC"' _ "$TOP" "$@"
}

[ "$(build_like -j4 --cache=/c --rebuild host-libs --out '/o x' --rebuild=cross --distro jammy --no-install --dry-run aarch64 cross)" = \
  'target=aarch64 want=cross jobs=4 cache=/c out=/o x distro=jammy rebuild=cross,host-libs flags=00110' ] &&
  ok "build.sh's parse_args: every form together" || not_ok "build.sh's parse_args: $(build_like -j4 --cache=/c --rebuild host-libs --out '/o x' --rebuild=cross --distro jammy --no-install --dry-run aarch64 cross 2>&1)"
[ "$(build_like --gc aarch64 | grep -o 'want=[a-z]*')" = want=all ] && ok "build.sh's parse_args: --gc keeps every stage's current result" ||
  not_ok "build.sh --gc: $(build_like --gc aarch64 2>&1)"
check "build.sh's --list-stages prints the stages" bash -c '"$1/build.sh" --fetch-only --list-stages aarch64 | grep -q "^cross "' _ "$TOP"
check "build.sh: the caller checks values" refused build_like "--jobs needs a positive number, not '=4'" -j=4 aarch64

# --- control: the old parser (build.sh's `--cache) CACHE=$2; shift`) took the
# next option as the value, so the checks above can fail.
naive() (
  CACHE='' FETCH_ONLY=0
  while [ $# -gt 0 ]; do
    case $1 in
      --cache) [ -n "${2:-}" ] || die "--cache needs a directory"; CACHE=$2; shift ;;
      --fetch-only) FETCH_ONLY=1 ;;
      -*) die "unknown option '$1'" ;;
    esac
    shift
  done
  printf 'cache=[%s] fetch-only=%s\n' "$CACHE" "$FETCH_ONLY"
)
[ "$(naive --cache --fetch-only aarch64)" = 'cache=[--fetch-only] fetch-only=0' ] &&
  ok "control: the old parser takes --fetch-only as the cache" ||
  not_ok "control: the old parser takes --fetch-only as the cache"
if refused naive "--cache needs a value, not '--fetch-only' (write --cache=VALUE for a value that starts with '-')" --cache --fetch-only aarch64; then
  not_ok "control: the refusal check fails on the old parser"
else ok "control: the refusal check fails on the old parser"; fi

# --version: the release (settings.sh, the one place it is set) and, from a
# git checkout, the commit; status 0, nothing built.
release=$(sed -n 's/^CROSSBOOT_VERSION=//p' "$TOP/scripts/settings.sh")
want="crossboot ${release//./\\.}( \([0-9a-f]{7,}(-dirty)?\))?"
out=$("$TOP/build.sh" --version 2>&1) && rc=0 || rc=$?
check "--version: exit 0" test "$rc" = 0
check "--version: 'crossboot RELEASE', with the commit in a checkout ($out)" grep -Eqx "$want" <<<"$out"
check "control: another release's line does not pass" bash -c '! grep -Eqx "$1" <<<"crossboot 0.0 (0123456)"' _ "$want"
expect_fail "--version with an unknown option too is refused" "unknown option" "$TOP/build.sh" --version --bogus

finish
