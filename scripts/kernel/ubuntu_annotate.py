#!/usr/bin/env python3
"""ubuntu_annotate.py FILE KEY CONFIG_X=VALUE...

Writes a flavour's policies into an Ubuntu annotations file (the tree's
config policies) the way its own tool formats them, for
scripts/kernel/ubuntu.sh. KEY is ARCH-FLAVOUR; it is added to the header's
"# FLAVOUR:" line, which the tool needs to keep the policies. A value goes
into the dict of the config's last policy line (later lines override earlier
ones); a config without one gets a new line, in order among the lines without
notes. Prints what changed.
"""
import ast
import re
import sys

POLICY = re.compile(r"^(CONFIG_\S+)(\s+)policy<(\{.*?\})>(.*)$")
NO_NOTES = "# ---- Annotations without notes ----"


def add_flavour(lines, path, key):
    """The KEY on the header's FLAVOUR line."""
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    found = [i for i in range(header) if lines[i].startswith("# FLAVOUR: ")]
    if not found:
        sys.exit(f"{path}: no '# FLAVOUR:' line in the header")
    names = lines[found[0]].split()[2:]
    if key not in names:
        lines[found[0]] = "# FLAVOUR: " + " ".join(sorted(names + [key]))
        print(f"ubuntu: {key} added to the FLAVOUR line")


def last_policy(lines, conf):
    """Index of CONF's last policy line, or None."""
    found = None
    for i, line in enumerate(lines):
        match = POLICY.match(line)
        if match and match.group(1) == conf:
            found = i
    return found


def new_line_at(lines, conf):
    """Where a new policy line for CONF goes."""
    try:
        start = lines.index(NO_NOTES)
    except ValueError:
        return len(lines)
    last = start + 1
    for i in range(start + 1, len(lines)):
        match = POLICY.match(lines[i])
        if match:
            if match.group(1) > conf:
                return i
            last = i + 1
    return last


def set_policy(lines, key, conf, value):
    """CONF's policy for KEY is VALUE."""
    i = last_policy(lines, conf)
    if i is None:
        lines.insert(new_line_at(lines, conf), f"{conf : <47} policy<{ {key: value} }>")
        print(f"ubuntu: {conf}: new policy {key}={value}")
        return
    match = POLICY.match(lines[i])
    policy = ast.literal_eval(match.group(3))
    if policy.get(key) == value:
        return
    policy[key] = value
    lines[i] = f"{match.group(1)}{match.group(2)}policy<{dict(sorted(policy.items()))}>{match.group(4)}"
    print(f"ubuntu: {conf}: {key}={value}")


def main(argv):
    if len(argv) < 3:
        sys.exit("usage: ubuntu_annotate.py FILE ARCH-FLAVOUR CONFIG_X=VALUE...")
    path, key, pairs = argv[1], argv[2], argv[3:]
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    add_flavour(lines, path, key)
    for pair in pairs:
        conf, value = pair.split("=", 1)
        set_policy(lines, key, conf, value)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv)
