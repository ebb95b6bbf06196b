#!/usr/bin/env bats
# The counting in tests/tally.py decides what CI reports: check it on known inputs.

bats_require_minimum_version 1.5.0

tally () { python3 "$BATS_TEST_DIRNAME/../tally.py" "$@"; }

tap () { printf '%s\n' "$@" >"$BATS_TEST_TMPDIR/t.tap"; }

@test "tap: ok / not ok / skips, strict and not" {
  tap 1..5 'ok 1 a' 'not ok 2 b' '# (in test file x)' 'ok 3 c # skip missing kernel feature: foo' \
    'ok 4 d # skip' 'ok 5 e # skip because # hash'
  SKIFF_TEST_STRICT=1 run -0 --separate-stderr tally tap "$BATS_TEST_TMPDIR/t.tap" 1
  [ "$output" = "1 3" ]
  [[ $stderr == *"skipped (not counted): c: missing kernel feature: foo"* ]]
  [[ $stderr == *"e: because # hash"* ]]
  SKIFF_TEST_STRICT=0 run -0 --separate-stderr tally tap "$BATS_TEST_TMPDIR/t.tap" 1
  [ "$output" = "1 1" ]
}

@test "tap: failed setup_suite counts every planned test" {
  tap 1..4 'not ok 1 setup_suite' '# boom'
  run -0 --separate-stderr tally tap "$BATS_TEST_TMPDIR/t.tap" 1
  [ "$output" = "0 4" ]
}

@test "tap: no plan, or a failing exit with all ok, is a failure" {
  tap 'bats: command not found'
  run -0 --separate-stderr tally tap "$BATS_TEST_TMPDIR/t.tap" 127
  [ "$output" = "0 1" ]
  tap 1..2 'ok 1 a' 'ok 2 b'
  run -0 --separate-stderr tally tap "$BATS_TEST_TMPDIR/t.tap" 1
  [ "$output" = "2 1" ]
  run -0 --separate-stderr tally tap "$BATS_TEST_TMPDIR/t.tap" 0
  [ "$output" = "2 0" ]
}

@test "meson: Check test cases from the summaries; other programs once; crashes count" {
  local log=$BATS_TEST_TMPDIR/testlog.json
  cat >"$log" <<'JSON'
{"name": "a", "result": "OK", "returncode": 0, "stdout": "Running suite(s): a\n100%: Checks: 7, Failures: 0, Errors: 0\n"}
{"name": "b", "result": "FAIL", "returncode": 1, "stdout": "80%: Checks: 5, Failures: 1, Errors: 0\nt.c:3:F:core:x:0: Assertion failed\n"}
{"name": "c", "result": "FAIL", "returncode": 1, "stdout": "100%: Checks: 2, Failures: 0, Errors: 0\n==1==ERROR: LeakSanitizer\n"}
{"name": "d", "result": "TIMEOUT", "returncode": -15, "stdout": ""}
{"name": "e", "result": "OK", "returncode": 0, "stdout": "checks passed\n"}
{"name": "f", "result": "SKIP", "returncode": 77, "stdout": ""}
JSON
  SKIFF_TEST_STRICT=1 run -0 --separate-stderr tally meson "$log"
  [ "$output" = "14 4" ]
  SKIFF_TEST_STRICT=0 run -0 --separate-stderr tally meson "$log"
  [ "$output" = "14 3" ]
  [[ $stderr == *"t.c:3:F:core:x:0: Assertion failed"* ]]
}
