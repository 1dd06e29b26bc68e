# shellcheck shell=bash disable=SC2034 # RECIPE_* are read by scripts/lib/recipes.sh
# Recipe host-flags (sources/sections/, keyed in the stages that list it in
# STAGE_RECIPES): compilers and flags for what is built on the build host,
# and the TC_* settings the toolchain recipes read.
RECIPE_NEEDS=""

# Compilers for programs that run on the build host; ccache when installed.
host_cc() { if have ccache; then printf 'ccache gcc'; else printf 'gcc'; fi; }
host_cxx() { if have ccache; then printf 'ccache g++'; else printf 'g++'; fi; }

# Flags for everything we build: no debug info (size, speed), and no build
# paths in what we ship. (libgcc adds -g, and gcc 12 does not pass
# -ffile-prefix-map on to the assembler: tc_tidy strips that debug info.)
build_cflags() { printf '%s' "-O2 -g0 -ffile-prefix-map=$CACHE=/build"; }

# The toolchain recipes read these (tc_init sets them):
#   TC_TARGET      target triplet
#   TC_HOST        host triplet; empty for the build host itself
#   TC_CC, TC_CXX  compilers for programs that run on the host
#   TC_LDFLAGS     their linker flags (-static for a static toolchain)
#   TC_HOSTLIBS    prefix holding gmp, mpfr and mpc built for the host
#   TC_MUSL_CONFIG optional: more configure options for musl

# tc_init TARGET [HOSTLIBS]: TC_* for a toolchain for TARGET whose programs
# run on the build host.
tc_init() {
  # shellcheck disable=SC2034 # read by the toolchain recipes
  TC_TARGET=$1 TC_HOST='' TC_CC=$(host_cc) TC_CXX=$(host_cxx) TC_LDFLAGS='' TC_HOSTLIBS=${2:-}
}

# tc_init_static TARGET HOST HOSTLIBS: TC_* for a toolchain whose programs
# run on HOST, linked static by HOST-gcc (in PATH).
tc_init_static() {
  local cc="$2-gcc -static --static"
  # --static too: libtool swallows -static for binutils' links (as
  # musl-cross-make does).
  if have ccache; then cc="ccache $cc"; fi
  # shellcheck disable=SC2034 # read by the toolchain recipes
  TC_TARGET=$1 TC_HOST=$2 TC_CC=$cc TC_CXX=${cc/-gcc /-g++ } TC_LDFLAGS=-static TC_HOSTLIBS=$3
}

# tc_host_args: configure arguments for programs that run on TC_HOST (in TC_ARGS).
tc_host_args() {
  local cflags build; cflags=$(build_cflags)
  TC_ARGS=(${TC_HOST:+--host="$TC_HOST"} CC="$TC_CC" CXX="$TC_CXX" CFLAGS="$cflags"
    CXXFLAGS="$cflags" ${TC_LDFLAGS:+LDFLAGS="$TC_LDFLAGS"})
  build=$(configure_build_arg "${TC_ARGS[@]}")
  [ -z "$build" ] || TC_ARGS=("$build" "${TC_ARGS[@]}")
}

# configure_build_arg CONFIGURE-ARG...: --build=TRIPLET (the build machine's
# gcc's) when the arguments name a --host of another CPU than this machine's
# and no --build; else nothing. Given --host alone, autoconf runs a test
# program to decide whether it cross-compiles: with qemu-user registered in
# binfmt_misc the program runs, configure's run tests then run under
# emulation, and what was built depended on the build machine's binfmt
# state (the native stage's cc1 got MPFR's thread-local storage or not, so
# two builds of one release differed). A host of this CPU
# (x86_64-linux-musl) still runs its tests natively, as before.
configure_build_arg() {
  local a host=''
  for a in "$@"; do
    case $a in --build=*) return 0 ;; --host=*) host=${a#--host=} ;; esac
  done
  if [ -n "$host" ] && [ "${host%%-*}" != "$(uname -m)" ]; then
    printf -- '--build=%s\n' "$(gcc -dumpmachine)"
  fi
}

