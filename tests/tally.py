#!/usr/bin/env python3
"""Counts test results for tests/run-all.sh; prints "PASSED FAILED" on stdout, and one line per
failure (or reported skip) on stderr.

  tally.py meson MESON_TESTLOG_JSON   what `meson test` ran: a Check program counts each test
                                      case ("Checks: N, Failures: F, Errors: E" per runner);
                                      any other program counts once by its result (a skip, exit
                                      77, fails when SKIFF_TEST_STRICT=1); a Check program that
                                      crashed or timed out counts one more failure.
  tally.py tap TAP_FILE EXIT_STATUS   bats --tap output: one count per test.  A skip fails when
                                      SKIFF_TEST_STRICT=1, unless its reason says "missing kernel
                                      feature" (then it is printed and counted neither way).
                                      Tests announced by the plan but never reported, and a
                                      non-zero bats exit with no failing test, count as failures.
"""
import json
import os
import re
import sys

CHECK_SUMMARY = re.compile(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)")
TAP_RESULT = re.compile(r"^(ok|not ok) (\d+)(?: (.*?))?(?: # skip(?: (.*))?)?$")


def say(msg):
    print(msg, file=sys.stderr)


def tally_meson(path):
    strict = os.environ.get("SKIFF_TEST_STRICT") == "1"
    passed = failed = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        records = [json.loads(line) for line in f if line.strip()]
    if not records:
        say(f"  no test results in {path}")
        return 0, 1
    for rec in records:
        name = rec.get("name", "?")
        out = (rec.get("stdout") or "") + (rec.get("stderr") or "")
        sums = [tuple(map(int, m)) for m in CHECK_SUMMARY.findall(out)]
        checks = sum(s[0] for s in sums)
        bad = sum(s[1] + s[2] for s in sums)
        passed += checks - bad
        failed += bad
        if bad:
            for line in out.splitlines():
                if re.search(r":[EF]:", line):
                    say(f"  {name}: {line}")
        result = rec.get("result")
        if not sums:
            if result == "OK":
                passed += 1
            elif result == "SKIP" and not strict:
                say(f"  skipped: {name}")
            else:
                failed += 1
                say(f"  {name}: {result} (exit {rec.get('returncode')})")
                for line in out.splitlines()[-20:]:
                    say(f"    {line}")
        elif result not in ("OK", "EXPECTEDFAIL") and not bad:
            failed += 1
            say(f"  {name}: {result} (exit {rec.get('returncode')}) though every "
                "test case passed: sanitizer report or crash at exit")
    return passed, failed


def tally_tap(path, exit_status):
    strict = os.environ.get("SKIFF_TEST_STRICT") == "1"
    passed = failed = 0
    plan = None
    seen = 0
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"^1\.\.(\d+)$", line)
            if m and plan is None:
                plan = int(m.group(1))
                continue
            m = TAP_RESULT.match(line)
            if not m:
                continue
            seen += 1
            status, _, name, skip_reason = m.groups()
            is_skip = " # skip" in line and status == "ok"
            if status == "not ok":
                failed += 1
                say(f"  not ok: {name}")
            elif is_skip:
                reason = skip_reason or "(no reason)"
                if "missing kernel feature" in reason:
                    say(f"  skipped (not counted): {name}: {reason}")
                elif strict:
                    failed += 1
                    say(f"  skip counts as failure (SKIFF_TEST_STRICT=1): {name}: {reason}")
                else:
                    say(f"  skipped: {name}: {reason}")
            else:
                passed += 1
    if plan is None:
        failed += 1
        say("  no TAP plan: bats did not start")
    elif seen < plan:
        failed += plan - seen
        say(f"  {plan - seen} planned tests never reported")
    if exit_status != 0 and failed == 0:
        failed += 1
        say(f"  bats exited {exit_status} though no test failed")
    return passed, failed


def main(argv):
    if len(argv) >= 3 and argv[1] == "meson":
        p, f = tally_meson(argv[2])
    elif len(argv) >= 4 and argv[1] == "tap":
        p, f = tally_tap(argv[2], int(argv[3]))
    else:
        say(__doc__)
        return 2
    print(p, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
