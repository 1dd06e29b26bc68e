# shellcheck shell=bash
# Sourced. GNU-style command-line options for build.sh and the kernel scripts.
#
# The caller declares its options, one a line: LONG SHORT KIND, SHORT being one
# character or '-' for none, KIND 'value' or 'flag' ('#' starts a comment):
#   OPT_SPEC='jobs      j value
#             fetch-only - flag'
#   OPT_CMD=./build.sh            # names the command in errors (default: $0)
#   opts_parse "$@"
#   for i in "${!OPT_NAMES[@]}"; do
#     case ${OPT_NAMES[i]} in
#       jobs) JOBS=${OPT_VALUES[i]} ;;
#       fetch-only) FETCH_ONLY=1 ;;
#     esac
#   done
# opts_parse sets OPT_NAMES (the long names, in command-line order, repeats
# kept), OPT_VALUES (each one's value, '' for a flag) and POSITIONAL (the
# operands, in order), or calls die (scripts/lib.sh) with one line. Accepted:
#   --jobs 4  --jobs=4  -j 4  -j4    an option's value
#   --cache=-dir  -j-1               a value that starts with '-': only so, for
#                                    a value is never taken from the next option
#                                    (--cache --fetch-only is an error)
#   --                               ends the options: the rest are operands
#   -                                an operand (and a value: --out -)
# Options and operands may be mixed. Errors: an unknown option, a value missing
# or given to a flag (--offline=1). Not supported: abbreviated long options,
# bundled short flags (-hv), -j=4 (that is the value '=4', as in getopt).
# The spec is read as data and the arguments only compared: nothing is eval'd.

# shellcheck disable=SC2034 # OPT_NAMES, OPT_VALUES, POSITIONAL are the caller's
opts_parse() {
  local -a longs=() shorts=() kinds=()
  local l s k extra arg opt val has i j form see="see ${OPT_CMD:-$0} --help"
  while IFS= read -r arg; do
    read -r l s k extra <<<"$arg"
    [[ -n $l && $l != '#'* ]] || continue
    [[ $l =~ ^[a-z0-9][a-z0-9-]*$ && $s =~ ^([A-Za-z0-9]|-)$ && $k =~ ^(value|flag)$ && -z $extra ]] ||
      die "opts_parse: bad OPT_SPEC line '$arg'"
    longs+=("$l") shorts+=("${s#-}") kinds+=("$k")
  done <<<"${OPT_SPEC:-}"
  OPT_NAMES=() OPT_VALUES=() POSITIONAL=()
  while [ $# -gt 0 ]; do
    arg=$1 has=0 val=''
    shift
    case $arg in
      --) POSITIONAL+=("$@"); return 0 ;;
      --*=*) opt=${arg%%=*} val=${arg#*=} has=1 ;;
      --* | -?) opt=$arg ;;
      -?*) opt=${arg:0:2} val=${arg:2} has=1 ;;
      *) POSITIONAL+=("$arg"); continue ;;
    esac
    i=-1
    for j in "${!longs[@]}"; do
      if [ "$opt" = "--${longs[j]}" ] || { [ -n "${shorts[j]}" ] && [ "$opt" = "-${shorts[j]}" ]; }; then
        i=$j; break
      fi
    done
    [ "$i" -ge 0 ] || die "unknown option '$opt' ($see)"
    if [ "${kinds[i]}" = flag ]; then
      [ "$has" = 0 ] || [[ $opt != --* ]] || die "$opt takes no value"
      [ "$has" = 0 ] || die "unknown option '$arg' ($see)"
    elif [ "$has" = 0 ]; then
      [ $# -gt 0 ] || die "$opt needs a value"
      if [[ $1 == -?* ]]; then
        [[ $opt == --* ]] && form="$opt=VALUE" || form="${opt}VALUE"
        die "$opt needs a value, not '$1' (write $form for a value that starts with '-')"
      fi
      val=$1
      shift
    fi
    OPT_NAMES+=("${longs[i]}") OPT_VALUES+=("$val")
  done
}
