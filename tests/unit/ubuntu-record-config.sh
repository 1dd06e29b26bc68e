#!/usr/bin/env bash
# Unit tests of scripts/kernel/ubuntu_record_config.py, which makes an Ubuntu
# tree's annotations hold for the config a build really uses: each
# difference classified (the user's fragment, the test size, a compiler test,
# off either way), recorded as the flavour's policies in a block that says
# why, listed in the differences table; any other difference, a setting that
# must survive Kconfig and did not, or a value no policy can hold stops it
# with one line and leaves the annotations as they were. Run against a
# stand-in for the tree's kconfig module (tests/helpers/kconfig) and, with
# CROSSBOOT_FOCAL_TREE set, against the tree's own.
# Kconfig text and bash -c scripts are quoted on purpose; unchanged and
# has_line are called through check.
# shellcheck disable=SC2016,SC2317
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch
trap 'rm -rf "$SCRATCH"' EXIT
command -v python3 >/dev/null || { skip "ubuntu_record_config.py" "python3 is not installed"; finish; }
RECORD=$TOP/scripts/kernel/ubuntu_record_config.py

# tree KCONFIG_DIR: a tree (SRC) with that kconfig module, one Kconfig
# option computed by a compiler test and one plain, and annotations (A)
# whose arm64-tickless settings are BASE_CONFIG's.
tree() {
  S="$SCRATCH/src tree"
  rm -rf "$S" && mkdir -p "$S/debian/scripts/misc" "$S/init" "$S/debian.master/config"
  cp -r "$1" "$S/debian/scripts/misc/kconfig"
  printf '%s\n' 'config CC_HAS_ASM_GOTO' '	def_bool $(success,$(srctree)/scripts/gcc-goto.sh $(CC))' \
    'config PLAIN' '	bool "a plain option"' >"$S/init/Kconfig"
  A="$S/debian.master/config/annotations"
  cat >"$A" <<'ANN'
# Menu: HEADER
# FORMAT: 4
# ARCH: amd64 arm64
# FLAVOUR: amd64-generic arm64-generic arm64-tickless

CONFIG_CC_HAS_ASM_GOTO                          policy<{'amd64': 'y', 'arm64': 'y'}>
CONFIG_PLAIN                                    policy<{'amd64': 'y', 'arm64': 'y'}>
CONFIG_HZ                                       policy<{'amd64': '250', 'arm64': '250', 'arm64-tickless': '100'}>
CONFIG_GONE                                     policy<{'amd64': 'n', 'arm64': 'n'}>
ANN
  cp "$A" "$SCRATCH/annotations.orig"
  TABLE="$SCRATCH/differences.tsv"
  : >"$TABLE"
}
BASE_CONFIG=$'CONFIG_CC_HAS_ASM_GOTO=y\nCONFIG_PLAIN=y\nCONFIG_HZ=100\n# CONFIG_GONE is not set'

# config NAME SED: BASE_CONFIG edited by SED, as SCRATCH/NAME.
config() { sed "$2" <<<"$BASE_CONFIG" >"$SCRATCH/$1"; }
# record MODE RESOLVED [MUST [BASE]]: the script, as ubuntu.sh runs it.
record() {
  python3 "$RECORD" "$S" "$A" "$SCRATCH/$2" "$1" arm64 tickless "${3:-}" "${4:+$SCRATCH/$4}" "$TABLE" my.config
}
unchanged() { cmp -s "$A" "$SCRATCH/annotations.orig"; }
has_line() { grep -qxF -- "$2" "$1"; }

# suite LABEL KCONFIG_DIR: every case against one kconfig module.
suite() {
  local l=$1 out
  tree "$2"
  config same ''
  check "$l: the config as annotated: nothing recorded" record full same
  check "$l: ... the annotations untouched" unchanged
  check "$l: ... the table empty" test ! -s "$TABLE"

  config goto 's/^CONFIG_CC_HAS_ASM_GOTO=y/# CONFIG_CC_HAS_ASM_GOTO is not set/'
  out=$(record full goto 2>&1) || not_ok "$l: a compiler test's difference is accepted (full size): $out"
  check "$l: ... it says so" has "$out" '^ubuntu: CONFIG_CC_HAS_ASM_GOTO: the annotations say y, n is built \(compiler test\): recorded for arm64-tickless$'
  check "$l: ... the table has it, with why" has_line "$TABLE" $'CONFIG_CC_HAS_ASM_GOTO\ty\tn\tcompiler test'
  check "$l: ... a policy for the flavour, in a block saying why" bash -c \
    'grep -B1 "^CONFIG_CC_HAS_ASM_GOTO .*policy<{.arm64-tickless.: .n.}>" "$1" | grep -q "^# crossboot: arm64-tickless policies .* differences the cross compiler explains"' _ "$A"
  cp "$A" "$SCRATCH/annotations.recorded"
  check "$l: ... a second pass records nothing more" record full goto
  check "$l: ... and changes nothing" cmp -s "$A" "$SCRATCH/annotations.recorded"

  tree "$2"
  config gone '/CONFIG_GONE/d'
  out=$(record full gone 2>&1) || not_ok "$l: an option off either way is accepted: $out"
  check "$l: ... as off either way" has_line "$TABLE" $'CONFIG_GONE\tn\t-\toff either way'

  # The control to the compiler test: the same kind of change to an option
  # no compiler test decides stops the build.
  tree "$2"
  config plain 's/^CONFIG_PLAIN=y/CONFIG_PLAIN=m/'
  expect_fail "$l: a difference nothing explains stops a full-size build, named" \
    'differs from the annotations in CONFIG_PLAIN \(y -> m\)$' record full plain
  check "$l: ... the annotations untouched" unchanged
  check "$l: ... nothing in the table" test ! -s "$TABLE"

  out=$(record full plain '' same 2>&1) || not_ok "$l: the user's fragment's change is accepted: $out"
  check "$l: ... as the fragment's" has_line "$TABLE" $'CONFIG_PLAIN\ty\tm\tfragment'
  check "$l: ... recorded in a block naming the fragments" bash -c \
    'grep -B1 "^CONFIG_PLAIN .*policy<{.arm64-tickless.: .m.}>" "$1" | grep -q "^# crossboot: .* the user.s fragments (my.config), as editconfigs records them"' _ "$A"

  tree "$2"
  out=$(record test plain 2>&1) || not_ok "$l: the test size accepts any difference: $out"
  check "$l: ... and counts them" has "$out" '^ubuntu: test size: 1 options recorded for arm64-tickless'
  check "$l: ... as the test size's" has_line "$TABLE" $'CONFIG_PLAIN\ty\tm\ttest size'

  tree "$2"
  config hz 's/^CONFIG_HZ=100/CONFIG_HZ=250/'
  expect_fail "$l: a required setting Kconfig did not keep stops it, named" \
    '^Kconfig did not keep: CONFIG_HZ=100$' record test hz CONFIG_HZ=100
  expect_fail "$l: ... with fragments, blaming them" 'CONFIG_HZ=100 \(after the fragments' \
    record test hz CONFIG_HZ=100 same
  check "$l: ... the annotations untouched" unchanged
  check "$l: the control: the same setting kept passes" record test same CONFIG_HZ=100

  config angle 's/^CONFIG_PLAIN=y/CONFIG_PLAIN=a>b/'
  expect_fail "$l: a value no policy can hold is one clear error" \
    'CONFIG_PLAIN: value a>b cannot be written as a policy' record test angle
  check "$l: ... the annotations untouched" unchanged
}

suite stand-in "$TOP/tests/helpers/kconfig"
expect_fail "a wrong argument count prints the usage" '^usage: ubuntu_record_config.py' python3 "$RECORD" "$S"
real=${CROSSBOOT_FOCAL_TREE:-}/debian/scripts/misc/kconfig
if [ -n "${CROSSBOOT_FOCAL_TREE:-}" ] && [ -f "$real/annotations.py" ]; then
  suite "the tree's module" "$real"
else
  skip_optional "ubuntu_record_config.py with an Ubuntu tree's kconfig module" \
    "no focal tree: set CROSSBOOT_FOCAL_TREE (README: Kernel packages)"
fi
finish
