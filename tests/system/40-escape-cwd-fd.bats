#!/usr/bin/env bats
# Escape suite, class "working directory through a leaked fd" (CVE-2024-21626): a container
# whose working directory is /proc/self/fd/N must never start in a directory of the host
# (the store's container directory, or anything else the CLI or monitor had open).  Each
# attempt walks up from its working directory and tries to read a marker file the test put
# on the host; the marker's text must never appear.

load helpers

setup () {
  [ -n "$IMG" ] || fail "SKIFF_TEST_IMAGE is not set: setup_suite.bash did not run"
  MARKER=$BATS_TEST_TMPDIR/host-marker
  echo "host-secret-$$-$RANDOM" > "$MARKER"
  SECRET=$(cat "$MARKER")
  # from any working directory: up to its root, then the marker's host path below it
  ESCAPE="cd ../../../../../../../../../../../../..; cat .$MARKER 2>/dev/null; true"
}

# The fds a CLI or monitor may hold while it starts a container (fd 4 for run, 12 for run -d,
# 9 for run -it, 13 for start -a before the fix).
FDS=$(seq 3 24)

assert_no_secret () { # OUTPUT WHAT
  assert_not_contains "$1" "$SECRET" "$2 (read the host's file)"
}

@test "escape cwd-fd: run -w /proc/self/fd/N never starts in a host directory" {
  for n in $FDS; do
    run skiff run --rm -w "/proc/self/fd/$n" "$IMG" sh -c "$ESCAPE"
    assert_no_secret "$output" "run -w /proc/self/fd/$n"
  done
}

@test "escape cwd-fd: run -d and start -a with -w /proc/self/fd/N" {
  for n in $FDS; do
    run skiff run -d -w "/proc/self/fd/$n" "$IMG" sh -c "$ESCAPE"
    if [ "$status" -eq 0 ]; then
      local id=$output
      skiff wait "$id" >/dev/null
      run skiff logs "$id"
      assert_no_secret "$output" "run -d -w /proc/self/fd/$n"
      skiff rm -f "$id" >/dev/null
    fi
    run skiff create -w "/proc/self/fd/$n" "$IMG" sh -c "$ESCAPE"
    [ "$status" -eq 0 ] || fail "create -w /proc/self/fd/$n: $output"
    local cid=$output
    run skiff start -a "$cid"
    assert_no_secret "$output" "start -a with -w /proc/self/fd/$n"
    skiff rm -f "$cid" >/dev/null
  done
}

@test "escape cwd-fd: run -it (a terminal) with -w /proc/self/fd/N" {
  local cmd
  cmd=$(printf '%q ' "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT")
  for n in $FDS; do
    run script -qec "$cmd run --rm -it -w /proc/self/fd/$n $IMG sh -c '$ESCAPE'" /dev/null
    assert_no_secret "$output" "run -it -w /proc/self/fd/$n"
  done
}

@test "escape cwd-fd: an image with WORKDIR /proc/self/fd/N escapes with a plain run" {
  for n in 4 5 6 12 13; do
    run -0 skiff import --change "WORKDIR /proc/self/fd/$n" "$SKIFF_TEST_FIXTURE/rootfs.tar" \
      "skiff-test/workdir-fd$n"
    run skiff run --rm "skiff-test/workdir-fd$n" sh -c "$ESCAPE"
    assert_no_secret "$output" "image WORKDIR /proc/self/fd/$n"
    skiff rmi "skiff-test/workdir-fd$n" >/dev/null
  done
}

@test "escape cwd-fd: exec -w /proc/self/fd/N never starts in a host directory" {
  skiff run -d --name cwdfd-exec "$IMG" sleep 600 >/dev/null
  for n in $FDS; do
    run skiff exec -w "/proc/self/fd/$n" cwdfd-exec sh -c "$ESCAPE"
    assert_no_secret "$output" "exec -w /proc/self/fd/$n"
  done
}

@test "escape cwd-fd: a host directory given as stdin is no working directory; refused, 125" {
  # Whether or not the caller's stdin reaches PID 1 (with -i; the monitor relays what is not a
  # file or pipe), a working directory through it is refused: outside the container's root
  # (as runc refuses it) or not a directory at all (/dev/null, a pipe)
  local i
  for i in "" -i; do
    run -125 --separate-stderr skiff run --rm $i -w /proc/self/fd/0 "$IMG" sh -c "$ESCAPE" \
      < "$BATS_TEST_TMPDIR"
    assert_no_secret "$output" "run $i -w /proc/self/fd/0 with a directory as stdin"
    assert_one_line_error "$stderr"
    assert_match "$stderr" "outside the container's root|/proc/self/fd/0 is not a directory"
  done
}
