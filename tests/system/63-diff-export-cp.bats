#!/usr/bin/env bats
# skiff diff: a container's changes against its image, in docker's letters and order; skiff
# export: the merged rootfs as a tar; skiff cp out of a container, docker's path rules.

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

@test "export: the merged rootfs as a tar (changes in, deletions out); import of it runs" {
  skiff run --name ex1 "$IMG" sh -c 'echo x > /new; rm /bin/ls; echo extra >> /etc/passwd; ln /new /new-link'
  run -0 --separate-stderr sh -c "$(skiff_cmd) export ex1 | tar -t"
  local list=$output
  grep -qx 'new' <<<"$list" || fail "export lacks /new"
  grep -qx 'bin/' <<<"$list" || fail "export lacks bin/"
  grep -qx 'bin/busybox' <<<"$list" || fail "export lacks the image's files"
  ! grep -qx 'bin/ls' <<<"$list" || fail "export has the deleted /bin/ls"
  ! grep -q '^\./\|^/' <<<"$list" || fail "export paths are not relative"
  run -0 skiff export -o "$BATS_TEST_TMPDIR/ex1.tar" ex1
  assert_equal "$output" "" "export -o prints nothing"
  tar -tvf "$BATS_TEST_TMPDIR/ex1.tar" | grep -q '^h.* new-link link to new$' \
    || fail "new-link is not a hard link: $(tar -tvf "$BATS_TEST_TMPDIR/ex1.tar" | grep new)"
  run -0 skiff import "$BATS_TEST_TMPDIR/ex1.tar" exported/ex1
  run -0 skiff run --rm exported/ex1 sh -c 'cat /new; tail -n1 /etc/passwd; test ! -e /bin/ls && echo gone'
  assert_equal "$output" $'x\nextra\ngone' "the exported rootfs, imported"
  skiff rmi exported/ex1 >/dev/null
}

@test "export of a running container; refuses a terminal; a failed export keeps -o's file" {
  skiff run -d --name ex2 "$IMG" sh -c 'echo live > /live; sleep 60' >/dev/null
  wait_for "skiff diff ex2 | grep -qx 'A /live'" 10
  run -0 sh -c "$(skiff_cmd) export ex2 | tar -xO live"
  assert_equal "$output" live "export of a running container"
  run -125 script -qec "$(skiff_cmd) export ex2" /dev/null
  assert_contains "$output" "cowardly refusing to save to a terminal. Use the -o flag or redirect"
  echo keep >"$BATS_TEST_TMPDIR/out.tar"
  run -125 --separate-stderr skiff export -o "$BATS_TEST_TMPDIR/out.tar" nosuch
  assert_equal "$stderr" "Error: No such container: nosuch"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/out.tar")" keep "-o file after a failed export"
  assert_equal "$(ls -A "$BATS_TEST_TMPDIR" | grep -c skiff_temp)" 0 "temp files left"
  skiff rm -f ex2 >/dev/null
}

@test "export: a symlink the container plants out of its root is archived as a link, never followed" {
  mkdir -p "$BATS_TEST_TMPDIR/host"
  echo host-secret >"$BATS_TEST_TMPDIR/host/secret"
  skiff run --name ex3 "$IMG" ln -s "$BATS_TEST_TMPDIR/host" /escape
  run -0 sh -c "$(skiff_cmd) export ex3 | tar -tv | grep escape"
  assert_match "$output" "^l.* escape -> $BATS_TEST_TMPDIR/host$" "the link itself"
  run -0 sh -c "$(skiff_cmd) export ex3 | tar -t | grep -c secret || true"
  assert_equal "$output" 0 "host files in the archive"
}

@test "cp out: docker's rules for a file, a directory, DIR/. and '-'; running and stopped" {
  local d=$BATS_TEST_TMPDIR/out
  mkdir -p "$d/exists"
  skiff run --name cp1 "$IMG" sh -c 'mkdir -p /art/sub; echo one > /art/a; echo two > /art/sub/b; chmod 640 /art/a'
  run -0 skiff cp cp1:/art/a "$d/new-file"
  assert_equal "$(cat "$d/new-file")" one "file to a new name"
  assert_equal "$(stat -c %a "$d/new-file")" 640 "mode kept"
  run -0 skiff cp cp1:/art "$d/exists"
  assert_equal "$(cat "$d/exists/art/sub/b")" two "directory into an existing one"
  run -0 skiff cp cp1:/art "$d/fresh"
  assert_equal "$(cat "$d/fresh/sub/b")" two "directory to a new name"
  run -0 skiff cp cp1:/art/. "$d/exists"
  assert_equal "$(cat "$d/exists/a")" one "DIR/. copies the contents"
  run -0 skiff cp cp1:art/a "$d/rel"
  assert_equal "$(cat "$d/rel")" one "a relative container path is from /"
  run -0 sh -c "$(skiff_cmd) cp cp1:/art - | tar -t | sort"
  assert_equal "$output" $'art/\nart/a\nart/sub/\nart/sub/b' "cp to -"
  skiff run -d --name cp2 "$IMG" sh -c 'echo running > /r; sleep 60' >/dev/null
  wait_for "skiff cp cp2:/r $d/r 2>/dev/null" 10
  assert_equal "$(cat "$d/r")" running "cp out of a running container"
  [ "$(stat -c %u "$d/r")" = "$(id -u)" ] || fail "not owned by the user: $(stat -c %u:%g "$d/r")"
  skiff rm -f cp2 >/dev/null
}

@test "cp out: refusals with docker's messages and codes; nothing written" {
  local d=$BATS_TEST_TMPDIR/out
  mkdir -p "$d"
  echo keep >"$d/file"
  skiff run --name cp3 "$IMG" sh -c 'mkdir /dir; echo x > /f'
  run -1 --separate-stderr skiff cp cp3:/nosuch "$d/x"
  assert_equal "$stderr" "Error: Could not find the file /nosuch in container cp3"
  run -1 --separate-stderr skiff cp cp3:/dir "$d/file"
  assert_equal "$stderr" "Error: cannot copy directory"
  assert_equal "$(cat "$d/file")" keep "the file a refused copy named"
  run -1 --separate-stderr skiff cp cp3:/f "$d/nodir/"
  assert_equal "$stderr" "Error: no such directory"
  run -125 --separate-stderr skiff cp cp3:/f cp3:/g
  assert_equal "$stderr" "Error: copying between containers is not supported"
  run -125 --separate-stderr skiff cp "$d/file" ./other
  assert_equal "$stderr" "Error: must specify at least one container source"
  run -125 --separate-stderr skiff cp cp3:/f
  assert_equal "$stderr" "Error: \"skiff cp\" requires exactly 2 arguments. (see 'skiff cp --help')"
  assert_equal "$(ls "$d")" file "left in the destination"
}

@test "cp out: the container's symlinks resolve inside it, never on the host" {
  local d=$BATS_TEST_TMPDIR/out
  mkdir -p "$d" "$BATS_TEST_TMPDIR/host"
  echo host-secret >"$BATS_TEST_TMPDIR/host/secret"
  skiff run --name cp4 "$IMG" sh -c \
    "mkdir -p $BATS_TEST_TMPDIR/host; echo inside > $BATS_TEST_TMPDIR/host/secret; ln -s $BATS_TEST_TMPDIR/host /x; ln -s ../../../../.. /up"
  run -0 skiff cp "cp4:/x/secret" "$d/via-link"
  assert_equal "$(cat "$d/via-link")" inside "an absolute link resolves in the container"
  run -0 skiff cp "cp4:/up$BATS_TEST_TMPDIR/host/secret" "$d/via-dotdot"
  assert_equal "$(cat "$d/via-dotdot")" inside ".. stops at the container's root"
  run -0 skiff cp cp4:/x "$d/link"
  [ -L "$d/link" ] || fail "/x should be copied as the link it is"
  run -0 skiff cp -L cp4:/x "$d/followed"
  assert_equal "$(cat "$d/followed/secret")" inside "-L follows the link inside the container"
}
