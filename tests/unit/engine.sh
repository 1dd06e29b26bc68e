#!/usr/bin/env bash
# ok never fails, so `cond && ok || not_ok` is safe; bash -c scripts are quoted on purpose.
# shellcheck disable=SC2015,SC2016
# Unit tests of the stage engine and source handling, on a fake project:
# manifest parsing, checksum failure, cache keys (per recipe, not per
# helper file), kept results, --dry-run, --gc, settings, interrupted
# stages, errors.
set -euo pipefail
# shellcheck source=tests/testlib.sh
. "$(dirname "$0")/../testlib.sh"
scratch

P="$SCRATCH/project"       # a fake checkout (its path has a space): the real engine, fake stages
# The cache may not have spaces (gcc's build cannot take them): its own temp dir.
CACHE_PARENT=$(mktemp -d)
trap 'rm -rf "$SCRATCH" "$CACHE_PARENT"' EXIT
export CROSSBOOT_CACHE="$CACHE_PARENT/cache"
mkdir -p "$P/scripts" "$P/stages" "$P/targets" "$P/sources/sections" "$SCRATCH/upstream"
cp "$TOP/build.sh" "$P/"
cp -r "$TOP/scripts/lib.sh" "$TOP/scripts/lib" "$TOP/scripts/settings.sh" "$TOP/scripts/host-packages.sh" "$P/scripts/"
# fake_target FILE: a target file with every required setting.
fake_target() {
  local v
  for v in TARGET_ARCH TARGET_TRIPLET TARGET_GNU_TRIPLET TARGET_MUSL_LDSO TARGET_GLIBC_LDSO TARGET_KARCH \
      TARGET_KERNEL_IMAGE TARGET_DEB_ARCH TARGET_QEMU_USER TARGET_QEMU_SYSTEM TARGET_QEMU_MACHINE \
      TARGET_QEMU_CPU TARGET_CONSOLE; do printf '%s=fake\n' "$v"; done >"$1"
}
fake_target "$P/targets/fake"

# A package "hello" whose upstream is a local file:// tarball.
mkdir -p "$SCRATCH/upstream/hello-1.0"
printf 'hello\n' >"$SCRATCH/upstream/hello-1.0/README"
tar -C "$SCRATCH/upstream" -czf "$SCRATCH/upstream/hello-1.0.tar.gz" hello-1.0
HELLO_SHA=$(sha256sum "$SCRATCH/upstream/hello-1.0.tar.gz" | cut -d' ' -f1)
cat >"$P/scripts/sources.manifest" <<EOF
# test manifest
[hello]
version     = 1.0
url         = file://${SCRATCH// /%20}/upstream/hello-1.0.tar.gz
sha256      = $HELLO_SHA
sha256_from = this test
deb_package = hello
deb_version = 1.0-1
deb_suite   = none
deb_orig    = hello_1.0.orig.tar.gz
deb_sha256  = 0000000000000000000000000000000000000000000000000000000000000000
deb_unpack  = tar

[other]
version     = 2.0
url         = file://${SCRATCH// /%20}/upstream/none.tar.gz
sha256      = unverified
sha256_from = none
deb_package = other
deb_version = 2.0-1
deb_suite   = none
deb_orig    = other_2.0.orig.tar.gz
deb_sha256  = 1111111111111111111111111111111111111111111111111111111111111111
deb_unpack  = nested:other-2.0.tar.xz
EOF

# Stages: a <- b (b depends on a), c uses the "hello" source, slow sleeps.
cat >"$P/stages/a.sh" <<'EOF'
# shellcheck shell=bash
STAGE_DEPS=""
stage_build() { echo a >"$STAGE_OUT/a"; }
EOF
cat >"$P/stages/b.sh" <<'EOF'
# shellcheck shell=bash
STAGE_DEPS="a"
STAGE_EXPORT=1
stage_build() { cat "$(dep_dir a)/a" >"$STAGE_OUT/b"; echo b >>"$STAGE_OUT/b"; }
EOF
cat >"$P/stages/c.sh" <<'EOF'
# shellcheck shell=bash
STAGE_SOURCES="hello"
stage_build() { cp "$(source_dir hello)/README" "$STAGE_OUT/"; }
EOF
cat >"$P/stages/slow.sh" <<'EOF'
# shellcheck shell=bash
STAGE_DEPS="a"
stage_build() {
  touch "$STAGE_OUT/partial"; : >"$MARK"
  sleep "${SLOW_SECONDS:-0}"
  touch "$STAGE_OUT/complete"
}
EOF
cat >"$P/stages/broken.sh" <<'EOF'
# shellcheck shell=bash
stage_build() { run_logged step-one false; touch "$STAGE_OUT/after-failure"; }
EOF
# Stages with mistakes the engine must name.
cat >"$P/stages/bad-input.sh" <<'EOF'
# shellcheck shell=bash
STAGE_INPUTS="no/such/dir"
stage_build() { :; }
EOF
cat >"$P/stages/undeclared.sh" <<'EOF'
# shellcheck shell=bash
stage_build() { source_dir hello >/dev/null; }
EOF
cat >"$P/stages/plain-fail.sh" <<'EOF'
# shellcheck shell=bash
stage_build() { cp /nonexistent/file "$STAGE_OUT/"; touch "$STAGE_OUT/after"; }
EOF
# A stage whose name starts with another stage's name and a dash.
cat >"$P/stages/a-b.sh" <<'EOF'
# shellcheck shell=bash
STAGE_DEPS="a"
stage_build() { cp "$(dep_dir a)/a" "$STAGE_OUT/"; }
EOF

# Target distributions: two fake profiles and a stage made from one.
mkdir -p "$P/scripts/distros"
for d in one two; do
  printf 'DISTRO_VENDOR=debian\nDISTRO_SUITES=%s\nDISTRO_KEYRING=/dev/null\nDISTRO_KEYRING_PACKAGE=none\nDISTRO_GLIBC=2.31\n' \
    "$d" >"$P/scripts/distros/$d"
done
cat >"$P/stages/from-distro.sh" <<'EOF'
# shellcheck shell=bash
STAGE_DISTRO=1
STAGE_EXPORT=1
stage_build() { printf '%s %s\n' "$DISTRO_NAME" "$DISTRO_SUITES" >"$STAGE_OUT/distro"; }
EOF

B() { "$P/build.sh" --no-install "$@"; }
# built_stages OUTPUT: the stages a run built (not cached), space separated.
built() { grep -o '\] [a-z-]* *building' <<<"$1" | awk '{print $2}' | sort | tr '\n' ' '; }

# --- manifest ---
(
  TOP=$P CACHE=$CROSSBOOT_CACHE
  . "$P/scripts/lib.sh"
  [ "$(manifest_get hello version)" = 1.0 ] && [ "$(manifest_get other deb_unpack)" = nested:other-2.0.tar.xz ]
) && ok "manifest_get reads values" || not_ok "manifest_get reads values"
expect_fail "manifest_get: a missing key is one clear error" "no 'nope' for package 'hello'" \
  bash -c 'TOP=$1 CACHE=$2; . "$1/scripts/lib.sh"; manifest_get hello nope' _ "$P" "$CROSSBOOT_CACHE"
expect_fail "manifest_get: a missing package is an error" "no 'version' for package 'absent'" \
  bash -c 'TOP=$1 CACHE=$2; . "$1/scripts/lib.sh"; manifest_get absent version' _ "$P" "$CROSSBOOT_CACHE"
(
  TOP=$P CACHE=$CROSSBOOT_CACHE
  . "$P/scripts/lib.sh"
  [ "$(manifest_packages | tr '\n' ' ')" = "hello other " ]
) && ok "manifest lists its packages" || not_ok "manifest lists its packages"

# --- arguments ---
out=$(B bogus 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && grep -q "valid targets: fake" <<<"$out"; then
  ok "unknown target: one line naming the valid ones, non-zero exit"
else not_ok "unknown target: one line naming the valid ones ($rc: $out)"; fi
check "--list-targets" bash -c '[ "$("$1" --list-targets)" = fake ]' _ "$P/build.sh"
expect_fail "unknown stage is an error" "unknown stage 'nosuch'" B fake nosuch
expect_fail "bad --jobs is an error" "--jobs needs a positive number" B --jobs x fake a
expect_fail "a cache path with spaces is one clear error" "cache path .* contains spaces" \
  B --cache "$SCRATCH/c d" fake a
expect_fail "a target name with a slash is an unknown target" "unknown target '../build.sh'" B ../build.sh
check "--list-stages puts dependencies first" \
  bash -c '"$1" --list-stages | awk '"'"'$1=="a"{a=NR} $1=="b"{b=NR} END{exit !(a && a<b)}'"'"'' _ "$P/build.sh"

# --- building and caching ---
out=$(B fake b 2>&1) || true
[ "$(built "$out")" = "a b " ] && ok "first run builds a and b" || not_ok "first run builds a and b: $out"
check "exported stage lands in out/" test -f "$P/out/fake/b/b"
rm -rf "$P/out/fake/b"
B fake b >/dev/null 2>&1 || true
check "a deleted out/ copy is restored by the next run" test -f "$P/out/fake/b/b"
expect_fail "a missing STAGE_INPUTS path is one clear error" "stage input 'no/such/dir' names no file" \
  B fake bad-input
rm "$P/stages/bad-input.sh"  # a broken stage stops every run that keys it (--gc keys all)
expect_fail "a source not declared in STAGE_SOURCES is an error" "uses source 'hello' without listing it" \
  B fake undeclared
expect_fail "any failing command in a stage is named" "stage plain-fail FAILED in: cp /nonexistent/file" \
  B fake plain-fail
start=$SECONDS
out=$(B fake b 2>&1) || true
if [ -z "$(built "$out")" ] && [ "$(grep -c cached <<<"$out")" = 2 ] && [ $((SECONDS - start)) -lt 30 ]; then
  ok "second run: every stage cached, in $((SECONDS - start))s"
else not_ok "second run: every stage cached: $out"; fi
B fake c >/dev/null 2>&1 || true
printf '# changed\n' >>"$P/stages/a.sh"
out=$(B fake b 2>&1) || true; B fake c >/dev/null 2>&1 || true
[ "$(built "$out")" = "a b " ] && ok "changing a stage rebuilds it and its dependents" || not_ok "change a: $out"
out=$(B fake c 2>&1) || true
[ -z "$(built "$out")" ] && ok "an unrelated stage stays cached" || not_ok "c rebuilt after changing a: $out"
sed -i 's/^sha256_from = this test/sha256_from = this test, edited/' "$P/scripts/sources.manifest"
out=$(B fake c 2>&1) || true; out_b=$(B fake b 2>&1) || true
if [ "$(built "$out")" = "c " ] && [ -z "$(built "$out_b")" ]; then
  ok "changing a manifest entry rebuilds only the stages using it"
else not_ok "manifest change: c: $out / b: $out_b"; fi
sed -i 's/^TARGET_CONSOLE=.*/TARGET_CONSOLE=other/' "$P/targets/fake"
out=$(B fake b 2>&1) || true
[ "$(built "$out")" = "a b " ] && ok "changing the target file rebuilds everything" || not_ok "target change: $out"
out=$(B --rebuild a fake b 2>&1) || true
[ "$(built "$out")" = "a b " ] && ok "--rebuild a rebuilds a and its dependents" || not_ok "--rebuild: $out"
check "source unpacked from the upstream tarball" grep -q hello "$CROSSBOOT_CACHE/stages/fake/"c/*/README
out=$(B fake a-b 2>&1) && out=$(B fake a-b 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ] && grep -q 'a-b .*cached' <<<"$out" && grep -q '\] a .*cached' <<<"$out"; then
  ok "a stage named like another's prefix leaves that one's result alone"
else not_ok "prefix-named stages: $out"; fi

# --- checksums ---
rm -rf "$CROSSBOOT_CACHE/src" "$CROSSBOOT_CACHE/stages/fake/"c/*
printf 'corrupt' >>"$CROSSBOOT_CACHE/sources/hello-1.0.tar.gz"
bad_sha=$(sha256sum "$CROSSBOOT_CACHE/sources/hello-1.0.tar.gz" | cut -d' ' -f1)
out=$(B fake c 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && grep -q "checksum mismatch: .*hello-1.0.tar.gz: expected $HELLO_SHA, got $bad_sha" <<<"$out"; then
  ok "a corrupted tarball stops the build naming file, expected and actual hash"
else not_ok "corrupted tarball: $rc: $out"; fi
check "the bad file is moved aside" test -f "$CROSSBOOT_CACHE/sources/hello-1.0.tar.gz.bad"
check "nothing was extracted from the bad file" bash -c '! ls "$1"/src/hello-* >/dev/null 2>&1' _ "$CROSSBOOT_CACHE"
out=$(B fake c 2>&1) && ok "the next run fetches a good copy again" || not_ok "refetch: $out"
out=$(B --offline fake c 2>&1) && ok "--offline works from the source cache" || not_ok "--offline: $out"
rm -f "$CROSSBOOT_CACHE/sources/hello-1.0.tar.gz"
rm -rf "$CROSSBOOT_CACHE/stages/fake/"c/*
expect_fail "--offline with an empty source cache is one clear error" "not in the source cache .* --offline" \
  B --offline fake c

# --- failures and interruptions ---
out=$(B fake broken 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && grep -q "stage broken FAILED in: false" <<<"$out" && grep -q "step-one.log" <<<"$out"; then
  ok "a failing stage names the command and its log"
else not_ok "failing stage report: $rc: $out"; fi
check "a stage stops at its first failing command" \
  bash -c '! ls "$1"/stages/fake/broken/*/after-failure >/dev/null 2>&1' _ "$CROSSBOOT_CACHE"
export MARK="$SCRATCH/slow-started"
SLOW_SECONDS=60 setsid "$P/build.sh" --no-install fake slow >"$SCRATCH/slow.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e "$MARK" ] && break; sleep 0.1; done
kill -9 -- -"$pid" 2>/dev/null || kill -9 "$pid"
wait "$pid" 2>/dev/null || true
done_dirs=0
for d in "$CROSSBOOT_CACHE/stages/fake/slow/"*; do
  case $d in *.tmp|*/'*') ;; *) done_dirs=$((done_dirs + 1)) ;; esac
done
if [ -e "$MARK" ] && [ "$done_dirs" = 0 ]; then
  ok "a stage killed with kill -9 does not count as done"
else not_ok "kill -9: $(ls "$CROSSBOOT_CACHE/stages/fake/")"; fi
out=$(SLOW_SECONDS=0 B fake slow 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ] && grep -q 'slow .*building' <<<"$out" && test -e "$CROSSBOOT_CACHE"/stages/fake/slow/*/complete &&
   ! ls -d "$CROSSBOOT_CACHE"/stages/fake/slow/*.tmp >/dev/null 2>&1; then
  ok "the re-run redoes the killed stage cleanly"
else not_ok "re-run after kill: $out"; fi
# SIGTERM to build.sh alone (not its process group) must stop the stage too.
rm -f "$MARK"
SLOW_SECONDS=97 "$P/build.sh" --no-install --rebuild slow fake slow >"$SCRATCH/term.log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -e "$MARK" ] && break; sleep 0.1; done
kill -TERM "$pid" || true
wait "$pid" 2>/dev/null && rc=0 || rc=$?
sleep 0.5
if [ "$rc" -ne 0 ] && ! pgrep -f "sleep 97" >/dev/null && grep -q interrupted "$SCRATCH/term.log"; then
  ok "SIGTERM stops the running stage's processes and says so"
else not_ok "SIGTERM: rc=$rc, $(pgrep -af 'sleep 97'), $(cat "$SCRATCH/term.log")"; pkill -f "sleep 97" || true; fi
# --- target distributions ---
check "--list-distros" bash -c '[ "$("$1" --list-distros | tr "\n" " ")" = "one two " ]' _ "$P/build.sh"
expect_fail "an unknown distribution is one clear error naming the known ones" \
  "unknown distribution 'nope' \(known: one two" B --distro nope fake from-distro
if command -v mmdebstrap >/dev/null; then
  out1=$(B --distro one fake from-distro 2>&1) && out2=$(B --distro two fake from-distro 2>&1) &&
    out3=$(B --distro one fake from-distro 2>&1) || true
  if [ "$(built "$out1")" = "from-distro " ] && [ "$(built "$out2")" = "from-distro " ] &&
     [ -z "$(built "$out3")" ] && [ "$(cat "$P/out/fake/from-distro/distro")" = "one one" ]; then
    ok "each distribution has its own cache key; switching back is cached"
  else not_ok "distribution keys: [$out1] [$out2] [$out3]"; fi
  out=$(B --distro two fake b 2>&1)
  if [ -z "$(built "$out")" ]; then ok "stages not made from a distribution ignore --distro"
  else not_ok "--distro rebuilt a stage that does not use it: $out"; fi
else
  skip "distribution cache keys" "mmdebstrap is not installed (apt-get install mmdebstrap)"
fi
# --- recipes, keyed one by one --------------------------------------------------
# flags <- musl (musl's recipe needs flags); m uses musl, n depends on m, o
# uses "other" only, u calls musl's function without listing the recipe.
recipe() { printf '# shellcheck shell=bash\nRECIPE_NEEDS="%s"\n%s() { echo %s; }\n' "$2" "$3" "$1" >"$P/sources/sections/$1.sh"; }
recipe flags "" flags_fn
recipe musl flags musl_fn
recipe other "" other_fn
printf 'STAGE_RECIPES="musl"\nstage_build() { { musl_fn; flags_fn; } >"$STAGE_OUT/m"; }\n' >"$P/stages/m.sh"
printf 'STAGE_DEPS="m"\nstage_build() { cp "$(dep_dir m)/m" "$STAGE_OUT/"; }\n' >"$P/stages/n.sh"
printf 'STAGE_RECIPES="other"\nstage_build() { other_fn >"$STAGE_OUT/o"; }\n' >"$P/stages/o.sh"
printf 'STAGE_RECIPES="other"\nstage_build() { musl_fn >"$STAGE_OUT/u"; }\n' >"$P/stages/u.sh"
both() { B fake n 2>&1; B fake o 2>&1; }
out=$(both) || true
[ "$(built "$out")" = "m n o " ] && ok "recipe stages build" || not_ok "recipe stages: $out"
check "a stage calls its recipes' functions and those they need" \
  bash -c 'cat "$1"/stages/fake/m/*/m | tr "\n" " " | grep -qx "musl flags "' _ "$CROSSBOOT_CACHE"
expect_fail "calling a recipe's function without listing it is one clear error" \
  "stage u calls musl_fn \(recipe musl\) without listing musl in STAGE_RECIPES" B fake u
printf 'STAGE_RECIPES="nosuch"\nstage_build() { :; }\n' >"$P/stages/bad-recipe.sh"
expect_fail "an unknown recipe is one clear error" "stage bad-recipe lists unknown recipe 'nosuch'" B fake o
rm "$P/stages/bad-recipe.sh" "$P/stages/u.sh"
# Editing a runtime helper rebuilds nothing (ENGINE_FORMAT covers them).
cp -r "$P/scripts" "$SCRATCH/scripts.orig"
printf '\n# an edit\n' >>"$P/scripts/lib.sh"
printf '\n# an edit\n' >>"$P/scripts/lib/fetch.sh"
sed -i 's/^die() {/die() {  # edited/' "$P/scripts/lib.sh"
dry=$(B --dry-run fake n 2>&1) || true
out=$(both) || true
if [ -z "$(built "$out")" ] && grep -q 'm .*cached' <<<"$dry" && ! grep -q 'to build' <<<"$dry"; then
  ok "editing a runtime helper (lib.sh, die, fetch) rebuilds nothing; --dry-run says every stage is cached"
else not_ok "runtime helper edit: dry-run [$dry] build [$out]"; fi
# Control: the same check fails when a helper is keyed (as lib.sh was).
cp "$P/build.sh" "$SCRATCH/build.sh.orig"
sed -i -e 's|  { hash_inputs "stages/$s.sh"|  { hash_inputs "stages/$s.sh" scripts/lib.sh|' \
  -e 's|roots=" stages sources scripts/patches "|roots=" stages sources scripts "|' "$P/build.sh"
out=$(B fake o 2>&1) || true
[ -n "$(built "$out")" ] && ok "control: with lib.sh keyed, the same edit rebuilds" || not_ok "control: lib.sh keyed: $out"
cp "$SCRATCH/build.sh.orig" "$P/build.sh"
# Editing the musl recipe rebuilds only the stages that use it and their dependents.
printf '# musl edited\n' >>"$P/sources/sections/musl.sh"
dry=$(B --dry-run fake n 2>&1; B --dry-run fake o 2>&1) || true
out=$(both) || true
[ "$(built "$out")" = "m n " ] && ok "editing the musl recipe rebuilds m (uses it) and n (depends on m), not o" ||
  not_ok "musl recipe edit: $out"
if grep -q 'm .*to build.*changed file sources/sections/musl.sh' <<<"$dry" &&
   grep -q 'n .*to build.*dependency m changed' <<<"$dry" && grep -q 'o .*cached' <<<"$dry"; then
  ok "--dry-run names the changed input: the recipe file, the dependency"
else not_ok "--dry-run explain: $dry"; fi
printf '# flags edited\n' >>"$P/sources/sections/flags.sh"
out=$(both) || true
[ "$(built "$out")" = "m n " ] && ok "editing a recipe another needs rebuilds the stages that use it through that one" ||
  not_ok "flags edit: $out"
# Undoing the edits is a cache hit (the last results are kept).
sed -i '/^# musl edited$/d' "$P/sources/sections/musl.sh"; sed -i '/^# flags edited$/d' "$P/sources/sections/flags.sh"
out=$(both) || true
[ -z "$(built "$out")" ] && ok "undoing an edit is a cache hit" || not_ok "undo: $out"
for i in 1 2 3 4; do printf '# v%s\n' "$i" >>"$P/sources/sections/musl.sh"; B fake m >/dev/null 2>&1 || true; done
n_kept=$(find "$CROSSBOOT_CACHE/stages/fake/m" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$n_kept" = 3 ] && ok "three results are kept per stage" || not_ok "results kept: $n_kept"
out=$(B --gc --distro one fake 2>&1) && rc=0 || rc=$?
n_kept=$(find "$CROSSBOOT_CACHE/stages/fake/m" -mindepth 1 -maxdepth 1 -type d | wc -l)
out2=$(B fake m 2>&1) || true
if [ "$rc" = 0 ] && [ "$n_kept" = 1 ] && grep -q '^gc: ' <<<"$out" && [ -z "$(built "$out2")" ]; then
  ok "--gc keeps only the current result, which stays cached"
else not_ok "--gc: rc=$rc kept=$n_kept [$out] [$out2]"; fi

# A recipe's RECIPE_INPUTS (files it builds, as ccwrap's sources) are keyed.
mkdir -p "$P/tool"; printf 'int x;\n' >"$P/tool/a.c"; printf 'doc\n' >"$P/tool/README"
printf '# shellcheck shell=bash\nRECIPE_NEEDS=""\nRECIPE_INPUTS="tool/*.c"\ntool_fn() { cat "$TOP/tool/a.c"; }\n' \
  >"$P/sources/sections/tool.sh"
printf 'STAGE_RECIPES="tool"\nstage_build() { tool_fn >"$STAGE_OUT/t"; }\n' >"$P/stages/t.sh"
B fake t >/dev/null 2>&1 || true
printf 'int y;\n' >>"$P/tool/a.c"; out=$(B fake t 2>&1) || true
printf 'more doc\n' >>"$P/tool/README"; out2=$(B fake t 2>&1) || true
if [ "$(built "$out")" = "t " ] && [ -z "$(built "$out2")" ]; then
  ok "a recipe's RECIPE_INPUTS are keyed (tool/*.c rebuilds; tool/README does not)"
else not_ok "RECIPE_INPUTS: [$out] [$out2]"; fi
# --gc with an edit not built yet keeps the most recent result, not none.
printf '# pending edit\n' >>"$P/sources/sections/tool.sh"
B --gc --distro one fake >/dev/null 2>&1 || true
sed -i '/^# pending edit$/d' "$P/sources/sections/tool.sh"
out=$(B fake t 2>&1) || true
[ -z "$(built "$out")" ] && ok "--gc before an edit is built keeps the last result (undoing it is a hit)" ||
  not_ok "--gc with a pending edit: $out"
printf 'stage_build() { :; }\n' >"$P/stages/never.sh"
out=$(B --dry-run fake never 2>&1) && rc=0 || rc=$?
[ "$rc" = 0 ] && grep -q 'never .*to build.*never built' <<<"$out" && ok "--dry-run on a stage never built says so" ||
  not_ok "--dry-run never built: $rc: $out"

# --- release checksums: out/TARGET/SHA256SUMS ----------------------------------
# rel-a exports a tarball and an image flat, rel-b a directory with a tarball
# and sources beside it, rel-c (after rel-a) fails. The contents follow a
# line of each stage file, so an edit changes both the key and the bits.
cat >"$P/stages/rel-a.sh" <<'EOF'
# shellcheck shell=bash
STAGE_EXPORT=flat
stage_build() { sed -n 's/^# content: //p' "$TOP/stages/rel-a.sh" | tee "$STAGE_OUT/rel-a.tar.xz" >"$STAGE_OUT/rel-a.sqf"; }
# content: one
EOF
cat >"$P/stages/rel-b.sh" <<'EOF'
# shellcheck shell=bash
STAGE_EXPORT=1
stage_build() { mkdir "$STAGE_OUT/rel-b-sources"; echo b >"$STAGE_OUT/rel-b.tar.xz"; echo src >"$STAGE_OUT/rel-b-sources/src.tar.xz"; }
EOF
cat >"$P/stages/rel-c.sh" <<'EOF'
# shellcheck shell=bash
STAGE_DEPS="rel-a"
stage_build() { false; }
EOF
SUMS="$P/out/fake/SHA256SUMS"
sums_ok() { (cd "$P/out/fake" && sha256sum --quiet -c SHA256SUMS) && [ "$(sed 's/^[0-9a-f]*  //' "$SUMS" | tr '\n' ' ')" = "$1" ]; }
B fake rel-a >/dev/null 2>&1 || true
check "SHA256SUMS lists the tarball and the image a stage exported, with their hashes" sums_ok "rel-a.sqf rel-a.tar.xz "
B fake rel-b >/dev/null 2>&1 || true
check "a run of another stage adds its tarball (not the sources beside it), keeps the others" \
  sums_ok "rel-a.sqf rel-a.tar.xz rel-b/rel-b.tar.xz "
sed -i 's/^# content: one$/# content: two/' "$P/stages/rel-a.sh"
out=$(B fake rel-a 2>&1) || true
if [ "$(built "$out")" = "rel-a " ] && sums_ok "rel-a.sqf rel-a.tar.xz rel-b/rel-b.tar.xz " && grep -q "$(echo two | sha256sum | cut -c1-64)" "$SUMS"; then
  ok "rebuilding one stage: its new hashes, the others' kept"
else not_ok "SHA256SUMS after rebuilding rel-a: $out $(cat "$SUMS" 2>&1)"; fi
sed -i 's/^# content: two$/# content: three/' "$P/stages/rel-a.sh"
B fake rel-c >/dev/null 2>&1 || true
check "a run that fails after replacing a release file leaves no SHA256SUMS (never a stale one)" test ! -e "$SUMS"
B fake rel-a >/dev/null 2>&1 || true
check "the next run writes it again" sums_ok "rel-a.sqf rel-a.tar.xz rel-b/rel-b.tar.xz "
# Undoing the edit is a cache hit of an older result (older files): still right.
sed -i 's/^# content: three$/# content: two/' "$P/stages/rel-a.sh"
out=$(B fake rel-a 2>&1) || true
if [ -z "$(built "$out")" ] && sums_ok "rel-a.sqf rel-a.tar.xz rel-b/rel-b.tar.xz " && [ "$(cat "$P/out/fake/rel-a.sqf")" = two ]; then
  ok "going back to a cached result exports it and its hashes"
else not_ok "SHA256SUMS after undoing the edit: $out $(cat "$SUMS" 2>&1)"; fi
rm "$SUMS"
B fake rel-b >/dev/null 2>&1 || true
check "a run with every stage cached writes a missing SHA256SUMS" sums_ok "rel-a.sqf rel-a.tar.xz rel-b/rel-b.tar.xz "
rm "$P/out/fake/rel-a.sqf"
B fake rel-b >/dev/null 2>&1 || true
check "a release file deleted from out/ is not listed" sums_ok "rel-a.tar.xz rel-b/rel-b.tar.xz "
rm "$P"/stages/rel-[abc].sh

# --- settings -----------------------------------------------------------------
check "each stage's settings are written beside its log" grep -qx 'SOURCE_DATE_EPOCH=1672531200' "$P/out/fake/logs/m.settings"
out=$(SOURCE_DATE_EPOCH=1672531200 B fake o 2>&1) || true
[ -z "$(built "$out")" ] && ok "SOURCE_DATE_EPOCH given as its default: the same key" || not_ok "epoch default: $out"
out=$(SOURCE_DATE_EPOCH=1700000000 B fake o 2>&1) || true
[ "$(built "$out")" = "o " ] && ok "another SOURCE_DATE_EPOCH: another key" || not_ok "epoch keyed: $out"
expect_fail "a bad SOURCE_DATE_EPOCH is one clear error" "SOURCE_DATE_EPOCH='x' is not a number" \
  env SOURCE_DATE_EPOCH=x "$P/build.sh" --no-install fake o
cp "$P/targets/fake" "$SCRATCH/target.orig"
sed -i '/^TARGET_KARCH=/d; /^TARGET_CONSOLE=/d' "$P/targets/fake"
out=$(B fake o 2>&1) && rc=0 || rc=$?
if [ "$rc" -ne 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q 'targets/fake does not set TARGET_KARCH TARGET_CONSOLE' <<<"$out"; then
  ok "a target missing settings: one line naming them all, before any stage runs"
else not_ok "missing target settings: $rc: $out"; fi
cp "$SCRATCH/target.orig" "$P/targets/fake"
printf 'DISTRO_SUITES=x\n' >"$SCRATCH/profile"
expect_fail "a profile file missing settings: one line naming them" \
  "distribution profile .*profile does not set DISTRO_VENDOR DISTRO_KEYRING DISTRO_KEYRING_PACKAGE DISTRO_GLIBC" \
  B --distro "$SCRATCH/profile" fake from-distro

# --- options --------------------------------------------------------------------
expect_fail "an option's value is never the next option" "--cache needs a value, not '--fetch-only'" \
  B --cache --fetch-only fake
check "no cache directory named after the option was made" test ! -e "$PWD/--fetch-only"
out=$(B -j2 fake o 2>&1) && out2=$(B --jobs=2 --cache="$CROSSBOOT_CACHE" fake o 2>&1) &&
  out3=$(B -j 2 fake o 2>&1) && ok "-jN, -j N, --jobs=N and --opt=value" || not_ok "option forms: $out $out2 $out3"
check "--version" bash -c '"$1" --version | grep -q "^crossboot [0-9]"' _ "$P/build.sh"
B --out "$SCRATCH/elsewhere" fake b >/dev/null 2>&1 || true
check "--out DIR puts the results in DIR/TARGET" test -f "$SCRATCH/elsewhere/fake/b/b"
B fake c >/dev/null 2>&1 || true
n_before=$(find "$CROSSBOOT_CACHE" | wc -l)
sed -i 's/^version     = 1.0$/version     = 1.0.1/' "$P/scripts/sources.manifest"
dry=$(B --dry-run fake c 2>&1) || true
if grep -q 'c .*to build.*changed source \[hello\]' <<<"$dry" && [ "$(find "$CROSSBOOT_CACHE" | wc -l)" = "$n_before" ]; then
  ok "--dry-run names a changed manifest entry and builds and fetches nothing"
else not_ok "--dry-run manifest: $dry ($(find "$CROSSBOOT_CACHE" | wc -l) vs $n_before files)"; fi
finish
