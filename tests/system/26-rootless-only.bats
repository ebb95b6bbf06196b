#!/usr/bin/env bats
# Behaviour that exists only in rootless mode (listed in ROOTLESS_ONLY_FILES in
# tests/run-all.sh, so the root pass does not run it).
load helpers

archive () { # OUT  (spec JSON on stdin)
  python3 "$BATS_TEST_DIRNAME/fixture/mkarchive.py" "$1"
}

@test "rootless: a layer owned by an unmapped ID is refused with a clear error" {
  archive "$BATS_TEST_TMPDIR/u.tar" <<< '{"format":"docker","layers":[[{"name":"f","data":"x","uid":4000000,"gid":0}]]}'
  run -125 --separate-stderr skiff load -i "$BATS_TEST_TMPDIR/u.tar"
  assert_one_line_error "$stderr"
  assert_contains "$stderr" 'entry "f": owner 4000000:0 is not mapped in the user namespace'
}
