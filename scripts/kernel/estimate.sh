# shellcheck shell=bash
# Sourced by scripts/kernel-debs.sh for --estimate: how long the build of a
# configuration would take here, from a measured sample of its objects
# instead of the whole build. Expects JOBS and SAMPLE.
#
# In the build chroot, on O=/build/est with the configuration the build
# would use: `make prepare` (timed), `make -n -k vmlinux modules` lists every
# compile command the build would run (kbuild still recurses under -n), a
# fixed pseudo-random sample of those objects is built from clean (timed),
# and the compile time is scaled up by objects. The estimate leaves out
# linking, modpost and packaging; it prints what it measured so that a
# reader can judge it.

# objects_script CONFIG: chroot sh: on O=/build/est with CONFIG,
# `make prepare` (timed, into /build/estimate.txt) and the list of objects
# the build would compile (/build/est-objects). Also what the build's
# progress counts against (scripts/kernel/progress.sh).
objects_script() {
  cat <<EOF
set -eu
echo "crossboot-phase: counting objects"
cd /build/src
M="make O=/build/est ARCH=$TARGET_KARCH CROSS_COMPILE=$TARGET_GNU_TRIPLET- -j$JOBS"
rm -rf /build/est && mkdir /build/est && cp "$1" /build/est/.config
s=\$(date +%s)
\$M -s olddefconfig >/dev/null
\$M -s prepare modules_prepare >/dev/null
echo "prepare_seconds \$((\$(date +%s) - s))" >/build/estimate.txt
# Compile commands name their output after -o (with MODVERSIONS, 5.4 writes
# dir/.tmp_name.o first); host programs are not cross-compiled.
\$M -n -k vmlinux modules 2>/build/est-dry.err |
  grep -- '$TARGET_GNU_TRIPLET-gcc .* -c ' | grep -o -- ' -o [^ ;]*\.o' |
  sed 's/^ -o //; s,\.tmp_\([^/]*\)\$,\1,' | sort -u >/build/est-objects || true
total=\$(wc -l </build/est-objects)
[ "\$total" -gt 0 ] || { echo "make -n listed no objects" >&2; exit 1; }
echo "objects \$total" >>/build/estimate.txt
EOF
}

# estimate_script CONFIG: the chroot script: objects_script, then a fixed
# pseudo-random sample of the objects built from clean (timed).
estimate_script() {
  objects_script "$1"
  cat <<EOF
M="\$M -k"
shuf -n $SAMPLE --random-source=/build/est/.config /build/est-objects >/build/est-sample
s=\$(date +%s.%N)
\$M \$(cat /build/est-sample) >/build/est-sample.log 2>&1 || echo "some sample objects failed" >&2
e=\$(date +%s.%N)
built=0
while read -r o; do [ -f "/build/est/\$o" ] && built=\$((built + 1)); done </build/est-sample
echo "sample \$(wc -l </build/est-sample)" >>/build/estimate.txt
echo "sample_built \$built" >>/build/estimate.txt
awk -v s="\$s" -v e="\$e" 'BEGIN { print "sample_seconds", e - s }' >>/build/estimate.txt
EOF
}

# estimate_report FILE: the measurements and the extrapolation, readable.
estimate_report() {
  awk -v jobs="$JOBS" '
    { v[$1] = $2 }
    END {
      if (v["sample_built"] == 0) { print "error: no sample object was built"; exit 1 }
      per = v["sample_seconds"] / v["sample_built"]
      compile = per * v["objects"]
      printf "objects to compile: %d (make -n of vmlinux and modules)\n", v["objects"]
      printf "sample: %d objects, %d built, in %.0f s at -j%s: %.2f s an object\n",
        v["sample"], v["sample_built"], v["sample_seconds"], jobs, per
      printf "prepare: %d s\n", v["prepare_seconds"]
      printf "estimated compile time: %.1f h (%.0f min)\n", compile / 3600, compile / 60
      printf "estimated build, without linking, modpost and packaging: %.1f h\n",
        (compile + v["prepare_seconds"]) / 3600
    }' "$1"
}
