#!/usr/bin/env bats
# skiff completion bash|zsh|fish: scripts generated from the command and option tables, valid
# for each shell, completing commands, flags and (from the store on the command line)
# container names.

load helpers

# Completes the words (the last one is being typed) with the bash script; prints COMPREPLY.
complete_bash () { # WORDS...
  local bin=$BATS_TEST_TMPDIR/bin
  mkdir -p "$bin"
  ln -sf "$SKIFF" "$bin/skiff"
  PATH=$bin:$PATH bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    _skiff; printf "%s\n" "${COMPREPLY[@]}"' _ "$BATS_TEST_TMPDIR/skiff.bash" "$@"
}

@test "completion: a valid script for bash, zsh and fish; another shell is refused (125)" {
  run -0 skiff completion bash
  printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/skiff.bash"
  run -0 bash -n "$BATS_TEST_TMPDIR/skiff.bash"
  skiff completion zsh > "$BATS_TEST_TMPDIR/_skiff"
  run -0 zsh -n "$BATS_TEST_TMPDIR/_skiff"
  skiff completion fish > "$BATS_TEST_TMPDIR/skiff.fish"
  run -0 fish --no-execute "$BATS_TEST_TMPDIR/skiff.fish"
  run -125 --separate-stderr skiff completion tcsh
  assert_one_line_error "$stderr"
  assert_contains "$stderr" 'unsupported shell "tcsh"'
}

@test "completion: bash completes commands, subcommands and each command's own flags" {
  skiff completion bash > "$BATS_TEST_TMPDIR/skiff.bash"
  run -0 complete_bash skiff st
  assert_equal "$(echo $output)" "start stats stop"
  run -0 complete_bash skiff stop --ti
  assert_equal "$output" "--time"
  run -0 complete_bash skiff image pr
  assert_equal "$output" "prune"
  run -0 complete_bash skiff kill --
  assert_contains "$output" "--signal"
  assert_not_contains "$output" "--time" "kill's flags, not stop's"
}

@test "completion: bash offers the containers of the store named on the command line" {
  skiff create --name compl-one "$IMG" true >/dev/null
  skiff completion bash > "$BATS_TEST_TMPDIR/skiff.bash"
  run -0 complete_bash skiff --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" rm compl-
  assert_equal "$output" "compl-one"
}
