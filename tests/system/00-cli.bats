#!/usr/bin/env bats
# The command line itself: version, help, and how bad input is refused.

load helpers

@test "version: prints the version and the platform" {
  run -0 skiff version
  assert_match "${lines[0]}" '^Version: +[0-9]+\.[0-9]+\.[0-9]+' "first line"
  assert_match "$output" 'OS/Arch: +linux/' "version output"

  run -0 skiff --version
  assert_match "${lines[0]}" '^Version: +[0-9]+\.[0-9]+\.[0-9]+' "--version"
}

@test "--help: usage and every command" {
  run -0 --separate-stderr skiff --help
  assert_match "${lines[0]}" '^Usage: skiff ' "first line"
  local c
  for c in images import ps rm run version; do
    grep -qE "^  $c +[A-Z]" <<<"$output" || fail "--help lists no command '$c': $output"
  done
  assert_equal "$stderr" "" "stderr"
}

@test "COMMAND --help: the command's usage and options, exit 0" {
  run -0 --separate-stderr skiff run --help
  assert_match "${lines[0]}" '^Usage: skiff run ' "first line"
  assert_contains "$output" "--cidfile" "run --help"
  run -0 skiff help ps
  assert_match "${lines[0]}" '^Usage: skiff ps' "help ps"
}

@test "unknown command: exit 125 and a one-line error naming it" {
  run -125 --separate-stderr skiff nosuchcommand
  assert_one_line_error "$stderr"
  assert_contains "$stderr" '"nosuchcommand"'
  assert_equal "$output" "" "stdout"
}

@test "unknown flag: exit 125 and a one-line error naming it" {
  run -125 --separate-stderr skiff run --no-such-flag "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "unknown flag: --no-such-flag"
  assert_equal "$output" "" "stdout"

  run -125 --separate-stderr skiff ps -Z
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "-Z"

  run -125 --separate-stderr skiff --no-such-global ps
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "--no-such-global"
}

@test "flag without its argument: exit 125" {
  run -125 --separate-stderr skiff run --name
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "--name"
}

@test "run without an image: exit 125 with usage hint" {
  run -125 --separate-stderr skiff run
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "skiff run --help"
}

@test "flags may follow positionals, as with docker; after run's IMAGE they are the command's" {
  run -0 skiff save "$SKIFF_TEST_IMAGE" -o "$BATS_TEST_TMPDIR/img.tar"
  [ -s "$BATS_TEST_TMPDIR/img.tar" ] || fail "save IMAGE -o FILE wrote nothing"
  run -0 skiff images "$SKIFF_TEST_IMAGE" -q
  assert_equal "$output" "${SKIFF_TEST_IMAGE_ID:0:12}"
  run -0 skiff run --rm "$SKIFF_TEST_IMAGE" echo -e -q
  assert_equal "$output" "-q"
}
