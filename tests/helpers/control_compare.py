#!/usr/bin/env python3
"""control_compare.py CONTROL ARCH DEB...

Holds each binary package's control (dpkg-deb -f DEB) against its stanza
in CONTROL, the source's debian/control as the tree generates it for ARCH
(tests/full/kernel-packages.sh makes it anew). Prints "ok PACKAGE" or one
"bad PACKAGE: FIELD: ..." line a difference; exits 1 on any difference.

What dpkg-gencontrol may change is allowed for: substitution variables
(${...}) expand into more relations, relations for other architectures
([arch] lists) are dropped, build profiles (<...>) go, relation lists may
be reordered; Section, Priority, Maintainer and Homepage come from the
source stanza when the package's stanza has none. Everything else must be
the same, Description included (the tree writes the architecture's name
into it).
"""
import re
import subprocess
import sys

RELATIONS = ("Pre-Depends", "Depends", "Recommends", "Suggests", "Enhances",
             "Breaks", "Conflicts", "Replaces", "Provides")
MADE = ("Package", "Source", "Version", "Installed-Size", "Architecture", "Built-Using")
INHERITED = ("Section", "Priority", "Maintainer", "Homepage")
SOURCE_ONLY = ("Build-Profiles",)


def paragraphs(text):
    """deb822 paragraphs as {field: value} (continuation lines kept)."""
    result, para, field = [], {}, None
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if not line.strip():
            if para:
                result.append(para)
            para, field = {}, None
        elif line[0] in " \t" and field:
            para[field] += "\n" + line
        else:
            field, _, value = line.partition(":")
            para[field] = value.strip()
    if para:
        result.append(para)
    return result


def for_arch(alternative, arch):
    """The alternative without [archs] and <profiles>, None if not for arch."""
    m = re.search(r"\[([^]]*)\]", alternative)
    if m:
        archs = m.group(1).split()
        if archs[0].startswith("!"):
            if "!" + arch in archs:
                return None
        elif arch not in archs:
            return None
    text = re.sub(r"\[[^]]*\]|<[^>]*>", "", alternative)
    return " ".join(text.replace("(", " (").split()).replace("( ", "(").replace(" )", ")")


def relations(value, arch):
    """The set of relations (alternatives joined by ' | ') for arch, without ${...}."""
    found = set()
    for item in " ".join(value.split()).split(","):
        alts = [for_arch(a, arch) for a in item.split("|") if "${" not in a and a.strip()]
        alts = [a for a in alts if a]
        if alts:
            found.add(" | ".join(alts))
    return found


def compare(stanza, source, deb, arch):
    """The differences between a package's stanza and its built control."""
    bad = []
    allowed = stanza.get("Architecture", "").split()
    built = deb.get("Architecture", "")
    if not (built in allowed or (built == arch and "any" in allowed)) or built not in ("all", arch):
        bad.append(f"Architecture: built {built}, the stanza says {' '.join(allowed)}")
    for field in RELATIONS:
        want = relations(stanza.get(field, ""), arch)
        have = relations(deb.get(field, ""), arch)
        if want - have:
            bad.append(f"{field}: missing {', '.join(sorted(want - have))}")
    fields = (set(stanza) | set(deb)) - set(RELATIONS) - set(MADE) - set(SOURCE_ONLY)
    for field in sorted(fields):
        if re.match(r"X[SBC]*-", field):
            continue
        want = stanza.get(field, source.get(field) if field in INHERITED else None)
        if want != deb.get(field):
            bad.append(f"{field}: {first_difference(deb.get(field), want)}")
    return bad


def first_difference(built, want):
    """Where two field values part: the first line that differs."""
    if built is None or want is None or "\n" not in built + want:
        return f"built {built!r}, the tree says {want!r}"
    have, need = built.split("\n"), want.split("\n")
    for i, (a, b) in enumerate(zip(have, need)):
        if a != b:
            return f"line {i + 1}: built {a.strip()!r}, the tree says {b.strip()!r}"
    return f"built {len(have)} lines, the tree says {len(need)}"


def main(argv):
    if len(argv) < 4:
        sys.exit("usage: control_compare.py CONTROL ARCH DEB...")
    with open(argv[1], encoding="utf-8") as f:
        paras = paragraphs(f.read())
    source, arch = paras[0], argv[2]
    stanzas = {p["Package"]: p for p in paras[1:] if "Package" in p}
    failed = False
    for path in argv[3:]:
        deb = paragraphs(subprocess.run(["dpkg-deb", "-f", path], check=True,
                                        capture_output=True, text=True).stdout)[0]
        name = deb.get("Package", path)
        if name not in stanzas:
            bad = [f"no stanza in {argv[1]}"]
        else:
            bad = compare(stanzas[name], source, deb, arch)
        for line in bad:
            print(f"bad {name}: {line}")
        if not bad:
            print(f"ok {name}")
        failed = failed or bool(bad)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv)
