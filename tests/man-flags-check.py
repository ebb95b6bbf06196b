#!/usr/bin/env python3
"""Checks that the man pages document exactly the flags the commands accept.

Usage: man-flags-check.py SKIFF MANDIR

For every command `skiff --help` lists, the flags its `--help` shows (derived from its option
table) must be the flags the OPTIONS section of man/skiff-COMMAND.1.scd documents, both ways
(a hidden flag may be documented or not).  A subcommand of a group (image, container, system)
whose --help is another command's (an alias: `image ls` is `images`) is checked as that
command; any other subcommand's flags must appear in the group's page.  Prints one line per
mismatch and exits 1 when there is one.
"""
import os
import re
import subprocess
import sys

FLAG_IN_HELP = re.compile(r"^\s+(?:-(\w), )?--([\w-]+)")
FLAG_IN_MAN = re.compile(r"^\*(?:-\w\*, \*)?--([\w-]+)\*")
FLAG_ANYWHERE = re.compile(r"\*--([\w-]+)\*")


def skiff_help(skiff, *words):
    r = subprocess.run([skiff, *words, "--help"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("%s --help failed: %s" % (" ".join(words), r.stderr.strip()))
    return r.stdout


def section(text, title):
    """Lines of a help text's section ("Options:", "Commands:")."""
    out, inside = [], False
    for line in text.splitlines():
        if line.strip() == title:
            inside = True
        elif inside and line and not line.startswith(" "):
            break
        elif inside:
            out.append(line)
    return out


def help_flags(text):
    """The flags of a --help text (--help itself, which every command has, left out)."""
    return {m.group(2) for l in section(text, "Options:") if (m := FLAG_IN_HELP.match(l))} - {"help"}


def help_shorthands(text):
    """long name -> its letter, for the flags of a --help text that have one."""
    return {m.group(2): m.group(1) for l in section(text, "Options:")
            if (m := FLAG_IN_HELP.match(l)) and m.group(1)}


def commands(text):
    return [l.split()[0] for l in section(text, "Commands:") if l.strip()]


def man_options(path):
    flags, inside = set(), False
    with open(path) as f:
        for line in f:
            if line.startswith("# "):
                inside = line.strip() == "# OPTIONS"
            elif inside and (m := FLAG_IN_MAN.match(line)):
                flags.add(m.group(1))
    return flags - {"help"}


def main():
    skiff, mandir = sys.argv[1], sys.argv[2]
    problems = []
    top = commands(skiff_help(skiff))
    options = {cmd: section(skiff_help(skiff, cmd), "Options:") for cmd in top}
    for cmd in top:
        text = skiff_help(skiff, cmd)
        page = os.path.join(mandir, "skiff-%s.1.scd" % cmd)
        if not os.path.exists(page):
            problems.append("%s: no man page %s" % (cmd, page))
            continue
        subs = commands(text)
        if subs:
            group_text = open(page).read()
            for sub in subs:
                sub_text = skiff_help(skiff, cmd, sub)
                sub_options = section(sub_text, "Options:")
                # an alias the group's page points to ("As *skiff-images*(1)"): checked as that
                if any(options[t] == sub_options and "*skiff-%s*(1)" % t in group_text
                       for t in top):
                    continue
                letters = help_shorthands(sub_text)
                for flag in sorted(help_flags(sub_text)):
                    if flag not in FLAG_ANYWHERE.findall(group_text) and not (
                            flag in letters and "*-%s*" % letters[flag] in group_text):
                        problems.append("%s %s: --%s is not in %s" % (cmd, sub, flag, page))
            continue
        accepted, documented = help_flags(text), man_options(page)
        for flag in sorted(accepted - documented):
            problems.append("%s: --%s is accepted but not in %s" % (cmd, flag, page))
        for flag in sorted(documented - accepted):
            r = subprocess.run([skiff, cmd, "--" + flag, "--help"], capture_output=True, text=True)
            if "unknown flag" in r.stderr or "not supported" in r.stderr:
                problems.append("%s: %s documents --%s, which %s does not accept"
                                % (cmd, page, flag, cmd))
    for p in problems:
        print(p)
    print("%d commands, %d problems" % (len(top), len(problems)))
    return 1 if problems else 0


sys.exit(main())
