"""A stand-in for an Ubuntu kernel tree's debian/scripts/misc/kconfig/annotations.py.

tests/unit/ubuntu-record-config.sh runs scripts/kernel/ubuntu_record_config.py
against it where no Ubuntu tree is at hand (CI). It keeps only what that
script uses, with the tree's semantics: KConfig(PATH).config maps options to
values ("n" for "is not set"); Annotation(PATH).search_config(arch=, flavour=)
gives each option's policy for ARCH-FLAVOUR, else for ARCH; a later policy
line for an option updates the earlier one key by key, and an ARCH key drops
that architecture's flavour keys. With CROSSBOOT_FOCAL_TREE set the test runs
the tree's own module too, so the two are held against each other.
"""
import re
from ast import literal_eval

POLICY = re.compile(r"^(CONFIG_\w+)\s.*\bpolicy<(.*?)>")


class KConfig:
    """A .config's settings."""

    def __init__(self, fname):
        self.config = {}
        with open(fname, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                m = re.match(r"^# (CONFIG_\w+) is not set$", line)
                if m:
                    self.config[m.group(1)] = "n"
                    continue
                m = re.match(r"^(CONFIG_\w+)=(.*)$", line)
                if m:
                    self.config[m.group(1)] = m.group(2)


class Annotation:
    """An annotations file's policies."""

    def __init__(self, fname):
        self.arch, self.config = [], {}
        with open(fname, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^# ARCH: (.*)", line)
                if m:
                    self.arch = m.group(1).split()
                m = POLICY.match(line)
                if m:
                    self._merge(m.group(1), literal_eval(m.group(2)))
        if not self.arch:
            raise SyntaxError("ARCH not defined in annotations")

    def _merge(self, conf, new):
        policy = self.config.setdefault(conf, {})
        for key, value in new.items():
            if key in self.arch:
                for old in [k for k in policy if k.startswith(key)]:
                    del policy[old]
            policy[key] = value

    def search_config(self, arch, flavour):
        """{option: value} for ARCH-FLAVOUR."""
        key, found = f"{arch}-{flavour}", {}
        for conf, policy in self.config.items():
            if key in policy:
                found[conf] = policy[key]
            elif arch in policy:
                found[conf] = policy[arch]
        return found
