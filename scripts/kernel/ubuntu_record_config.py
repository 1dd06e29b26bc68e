#!/usr/bin/env python3
"""ubuntu_record_config.py SRC ANNOTATIONS RESOLVED MODE ARCH FLAVOUR MUST BASE TABLE FRAGMENTS

Makes the tree's own check of the flavour's .config (4-checks.mk:
annotations --check, every option of the .config against the annotations)
hold for what the build really uses, for scripts/kernel/ubuntu.sh, by
appending ARCH-FLAVOUR policies for the options where RESOLVED (the .config
Kconfig settled with the cross compiler) differs from the annotations, in
blocks that say why:

  - options the user's fragments changed (BASE: the config resolved without
    them; empty when there are none), recorded as Ubuntu's editconfigs would;
  - MODE "test": every other difference (the test size cuts the config down);
  - MODE "full": only what a different compiler explains, options computed
    from compiler tests (Kconfig's $(cc-option ...), $(success ...),
    $(shell ...)) and options off either way (absent or "not set"); any other
    difference stops the build, listed.

MUST (CONFIG_X=VALUE lines) must have survived Kconfig. Every difference is
appended to TABLE (tab-separated: option, annotations, built, why), the
measure of how far the built config is from the one the tree asks for.
FRAGMENTS names the fragments, for the comment.
"""
import os
import re
import sys

PROBE = re.compile(r"\$\((cc-option|cc-option-bit|success|if-success|shell|as-instr|ld-option)\b|\$\(CC\)")
TOPS = ("arch", "init", "kernel", "lib", "mm", "security", "scripts", "crypto", "drivers", "fs", "net")
SECTION = re.compile(r"\s*(choice|endchoice|menu|endmenu|if|endif|source|comment)\b")
SYMBOL = re.compile(r"\s*(?:menu)?config\s+(\w+)")


def probes(src):
    """Symbols whose definition runs the compiler or a shell command."""
    found, sym = set(), None
    for top in TOPS:
        for directory, _, files in os.walk(os.path.join(src, top)):
            for name in files:
                if not name.startswith("Kconfig"):
                    continue
                with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as f:
                    for line in f:
                        match = SYMBOL.match(line)
                        if match:
                            sym = "CONFIG_" + match.group(1)
                        elif SECTION.match(line):
                            sym = None
                        elif sym and PROBE.search(line):
                            found.add(sym)
    return found


def differences(want, have, skip):
    """{option: (annotations, built)} where they differ ("-": absent)."""
    diff = {}
    for conf in sorted(set(want) | set(have)):
        old, new = want.get(conf, "-"), have.get(conf, "-")
        if conf not in skip and old != new:
            if ">" in new:
                sys.exit(f"{conf}: value {new} cannot be written as a policy")
            diff[conf] = (old, new)
    return diff


def classify(diff, mode, base, src):
    """{option: why}; exits listing what the mode does not accept."""
    why, other = {}, []
    compiler = probes(src) if mode == "full" and diff else set()
    for conf, (old, new) in diff.items():
        if base is not None and base.get(conf, "-") != new:
            why[conf] = "fragment"
        elif mode == "test":
            why[conf] = "test size"
        elif conf in compiler:
            why[conf] = "compiler test"
        elif {old, new} == {"-", "n"}:
            why[conf] = "off either way"
        else:
            other.append(conf)
    if other:
        sys.exit("with this compiler the flavour's config differs from the annotations in "
                 + ", ".join(f"{c} ({diff[c][0]} -> {diff[c][1]})" for c in other))
    return why


BLOCKS = {
    "fragment": "the user's fragments ({fragments}), as editconfigs records them",
    "test size": "the test size: Ubuntu's config cut down (scripts/kernel/ubuntu.sh, ubuntu_test_config)",
    "compiler test": "differences the cross compiler explains (compiler tests, options off either way)",
    "off either way": "differences the cross compiler explains (compiler tests, options off either way)",
}


def record(path, key, diff, why, fragments):
    """The policies appended to the annotations, a block per reason."""
    blocks = {}
    for conf, reason in why.items():
        blocks.setdefault(BLOCKS[reason].format(fragments=fragments), []).append(conf)
    with open(path, "a", encoding="utf-8") as f:
        for text, confs in blocks.items():
            f.write(f"\n# crossboot: {key} policies recorded by scripts/kernel/ubuntu.sh for {text}\n")
            for conf in confs:
                f.write(f"{conf : <47} policy<{ {key: diff[conf][1]} }>\n")


def main(argv):
    if len(argv) != 11:
        sys.exit("usage: ubuntu_record_config.py SRC ANNOTATIONS RESOLVED MODE ARCH FLAVOUR MUST BASE TABLE FRAGMENTS")
    src, path, resolved, mode, arch, flavour, must, base_path, table, fragments = argv[1:]
    key = f"{arch}-{flavour}"
    sys.dont_write_bytecode = True
    sys.path.insert(0, os.path.join(src, "debian/scripts/misc"))
    # pylint: disable=import-outside-toplevel,import-error # the tree's own module
    from kconfig.annotations import Annotation, KConfig
    try:
        from kconfig.run import SKIP_CONFIGS as skip
    except ImportError:
        skip = ("CONFIG_VERSION_SIGNATURE",)

    want = Annotation(path).search_config(arch=arch, flavour=flavour)
    have = KConfig(resolved).config
    base = KConfig(base_path).config if base_path else None
    bad = [line for line in must.split("\n")
           if line and have.get(line.split("=", 1)[0], "-") != line.split("=", 1)[1]]
    if bad:
        cause = " (after the fragments: one of them turns off what these need)" if base is not None else ""
        sys.exit("Kconfig did not keep: " + " ".join(bad) + cause)

    diff = differences(want, have, skip)
    why = classify(diff, mode, base, src)
    with open(table, "a", encoding="utf-8") as f:
        for conf, (old, new) in diff.items():
            f.write(f"{conf}\t{old}\t{new}\t{why[conf]}\n")
    for conf, reason in why.items():
        if reason != "test size":
            print(f"ubuntu: {conf}: the annotations say {diff[conf][0]}, {diff[conf][1]} is built ({reason}): recorded for {key}")
    if mode == "test":
        print(f"ubuntu: test size: {len(diff)} options recorded for {key} at the end of {path}")
    if diff:
        record(path, key, diff, why, fragments)

    # The check the build will run, now: every option as resolved.
    want = Annotation(path).search_config(arch=arch, flavour=flavour)
    left = [c for c in set(want) | set(have) if c not in skip and want.get(c, "-") != have.get(c, "-")]
    if left:
        sys.exit("still different after recording: " + " ".join(sorted(left)))


if __name__ == "__main__":
    main(sys.argv)
