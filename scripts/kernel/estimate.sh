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
  farm_script
}

# farm_script: the build farm's model inputs (README, build farm), from the
# sample: each object's compile command (kbuild's .cmd file) run three times,
# one at a time: whole, as distcc's client runs it (preprocessing only: it
# stays on this machine) and as a compile host does (the preprocessed source
# to an object), with what would cross the network each way, raw and
# gzip -1 (distcc's LZO compresses a little less). One line an object in
# /build/est-farm: whole_s pp_s cc_s src_bytes src_gz obj_bytes obj_gz.
farm_script() {
  cat <<'EOF'
now() { date +%s.%N; }
: >/build/est-farm
cd /build/est
while read -r o; do
  cmd="$(dirname "$o")/.$(basename "$o").cmd"
  [ -f "$o" ] && [ -f "$cmd" ] || continue
  c=$(sed -n '1{s/^[^ ]* := //;s/;.*//;p;}' "$cmd" | sed -E 's/ -Wp,-MM?D,[^ ]*//')
  case $c in *" -c -o "*) ;; *) continue ;; esac
  src=${c##* }
  case $src in *.c) pp=/build/farm.i ;; *.S) pp=/build/farm.s ;; *) continue ;; esac
  t0=$(now); sh -c "$(printf '%s' "$c" | sed 's| -c -o [^ ]*| -c -o /build/farm-whole.o|')" 2>/dev/null || continue
  t1=$(now); sh -c "$(printf '%s' "$c" | sed 's| -c -o [^ ]*| -E -o '"$pp"'|')" 2>/dev/null || continue
  t2=$(now); sh -c "$(printf '%s' "${c% *}" | sed 's| -c -o [^ ]*| -c -o /build/farm.o|; s| -include [^ ]*||g') $pp" 2>/dev/null || continue
  t3=$(now)
  echo "$t0 $t1 $t2 $t3 $(wc -c <"$pp") $(gzip -1 -c "$pp" | wc -c) $(wc -c </build/farm.o) $(gzip -1 -c /build/farm.o | wc -c)" |
    awk '{ printf "%.4f %.4f %.4f %s %s %s %s\n", $2 - $1, $3 - $2, $4 - $3, $5, $6, $7, $8 }' >>/build/est-farm
done </build/est-sample
rm -f /build/farm.i /build/farm.s /build/farm.o /build/farm-whole.o
EOF
}

# farm_report FARM-FILE OBJECTS CORES: the per-object means of farm_script's
# lines and the compile phase's modelled wall time with 1, 4, 16 and 64
# compile hosts of CORES cores each, this machine (CORES too) preprocessing:
#   T(N) = OBJECTS * max(pp / CORES, cc / (N * CORES), gz_bytes / link)
# (the slowest of the three pipelines sets the pace: this machine's
# preprocessing, the hosts' compiling, the client's 1 Gbit/s link), against
# OBJECTS * whole / CORES locally. Linking, modpost, BTF and packaging stay
# local and are added from a measured build (README).
farm_report() {
  awk -v objs="$2" -v cores="$3" '
    { n++; w += $1; p += $2; c += $3; sb += $4; sg += $5; ob += $6; og += $7 }
    END {
      if (n == 0) { print "farm model: no sample object could be re-run"; exit }
      w /= n; p /= n; c /= n; sb /= n; sg /= n; ob /= n; og /= n
      link = 125e6   # bytes a second: 1 Gbit/s
      printf "farm model, %d sample objects (one at a time): whole compile %.3f s, preprocessing %.3f s (%.0f%%, stays here), compiling the preprocessed source %.3f s\n", n, w, p, 100 * p / w, c
      printf "  network a job: %.0f KiB source out (%.0f KiB gzip -1), %.0f KiB object back (%.0f KiB gzip -1)\n", sb / 1024, sg / 1024, ob / 1024, og / 1024
      printf "  compile phase, %d objects: here alone %.0f min; with compile hosts of %d cores:", objs, objs * w / cores / 60, cores
      split("1 4 16 64", hosts, " ")
      for (i = 1; i <= 4; i++) {
        t = p / cores; r = c / (hosts[i] * cores); net = (sg + og) / link
        if (r > t) t = r
        if (net > t) t = net
        printf " %d: %.0f min", hosts[i], objs * t / 60
      }
      printf "\n"
    }' "$1"
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
  [ ! -s "${1%/*}/est-farm" ] || farm_report "${1%/*}/est-farm" "$(sed -n 's/^objects //p' "$1")" "$JOBS"
}
