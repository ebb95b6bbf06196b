#!/usr/bin/env bats
# skiff diff: a container's changes against its image, in docker's letters and order.

load helpers

@test "diff: A, C and D exactly as docker prints them, sorted; skiff's /etc files left out" {
  skiff run --name df1 "$IMG" sh -c \
    'echo x > /new; rm /bin/ls; echo y >> /etc/passwd; mkdir -p /tmp/a/b; touch /tmp/a/b/c'
  run -0 skiff diff df1
  assert_equal "$output" "C /bin
D /bin/ls
C /etc
C /etc/passwd
A /new
C /tmp
A /tmp/a
A /tmp/a/b
A /tmp/a/b/c" "diff df1"
  run -0 skiff container diff --format json df1
  assert_equal "$(tr -d ' \n' <<<"$output")" \
    '{"changed":["/bin","/etc","/etc/passwd","/tmp"],"added":["/new","/tmp/a","/tmp/a/b","/tmp/a/b/c"],"deleted":["/bin/ls"]}'
}

@test "diff: nothing for an untouched container; a replaced directory's old entries are not listed" {
  skiff run --name df2 "$IMG" true
  run -0 skiff diff df2
  assert_equal "$output" "" "untouched container"
  # rm -rf + mkdir: overlay makes the new /home opaque, which docker reports as deleted (it
  # replaced the image's) before what is in it; the image's /home/user1 is not listed
  skiff run --name df3 "$IMG" sh -c 'rm -rf /home && mkdir /home && touch /home/only'
  run -0 skiff diff df3
  assert_equal "$output" "D /home
A /home/only" "opaque /home"
  # docker's walk order: a directory's entries come right after it
  skiff run --name df6 "$IMG" sh -c 'mkdir /a /a-c; touch /a/b'
  run -0 skiff diff df6
  assert_equal "$output" "A /a
A /a/b
A /a-c" "walk order"
}

@test "diff of a running container; --latest; bad input" {
  skiff run -d --name df4 "$IMG" sh -c 'touch /made; sleep 60' >/dev/null
  wait_for "skiff diff df4 | grep -qx 'A /made'" 10
  run -0 skiff diff -l
  assert_equal "$output" "A /made" "diff -l"
  run -125 --separate-stderr skiff diff --format table df4
  assert_equal "$stderr" "Error: only format json is supported"
  run -125 --separate-stderr skiff diff nosuch
  assert_equal "$stderr" "Error: No such container: nosuch"
  run -125 --separate-stderr skiff diff
  assert_equal "$stderr" "Error: \"skiff diff\" requires exactly 1 argument. (see 'skiff diff --help')"
  skiff rm -f df4 >/dev/null
}

@test "diff: a symlink the container plants is listed, never followed on the host" {
  mkdir -p "$BATS_TEST_TMPDIR/host/secret-dir"
  touch "$BATS_TEST_TMPDIR/host/secret-dir/host-file"
  skiff run --name df5 "$IMG" sh -c "ln -s $BATS_TEST_TMPDIR/host/secret-dir /escape; mkdir /d; ln -s / /d/root"
  run -0 skiff diff df5
  assert_equal "$output" "A /d
A /d/root
A /escape" "symlinks are entries, not directories to walk"
}

@test "container aliases show the same flags as their commands" {
  local c
  for c in attach diff exec kill logs pause restart rm start stats stop top unpause wait; do
    assert_equal "$(skiff container $c --help | sed -n '/^Options:/,$p')" \
      "$(skiff $c --help | sed -n '/^Options:/,$p')" "container $c --help"
  done
}
