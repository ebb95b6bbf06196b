#!/usr/bin/env bats
# run, ps, rm, images, import: what a user sees, as root and rootless.

load helpers

@test "run: the command is PID 1 with its own hostname and only lo" {
  local cid=$BATS_TEST_TMPDIR/cid
  run -0 --separate-stderr skiff run --rm --cidfile "$cid" --network none "$IMG" \
    sh -c 'echo $$; hostname; ls /sys/class/net'
  assert_equal "${#lines[@]}" 3 "number of lines in '$output'"
  assert_equal "${lines[0]}" 1 "PID of the command"
  assert_equal "${lines[1]}" "$(head -c 12 "$cid")" "hostname (first 12 of the ID)"
  [ "${lines[1]}" != "$(hostname)" ] || fail "the container has the host's hostname"
  assert_equal "${lines[2]}" lo "network interfaces"
  assert_equal "$stderr" "" "stderr"
}

@test "run --hostname / -h: sets the UTS hostname and HOSTNAME" {
  run -0 skiff run --rm --hostname box1 "$IMG" sh -c 'hostname; echo "$HOSTNAME"'
  assert_equal "$output" $'box1\nbox1'
  run -0 skiff run --rm -h box2 "$IMG" hostname
  assert_equal "$output" box2
}

@test "run: writes stay in the container; rm removes its directory and nothing else" {
  local snapshot='cd "$SKIFF_TEST_ROOT" && { find . -mindepth 1 -not -path "./tmp/*" 2>/dev/null || true; } | sort'
  run -0 skiff run --cidfile "$BATS_TEST_TMPDIR/a" --name ctr-a "$IMG" \
    sh -c 'echo from-a > /tmp/marker && echo x > /etc/a-file'
  local ida idb
  ida=$(cat "$BATS_TEST_TMPDIR/a")
  [ -d "$SKIFF_TEST_ROOT/containers/$ida" ] || fail "no directory containers/$ida for container A"

  # container B of the same image sees the image, not A's files
  run -0 skiff run --cidfile "$BATS_TEST_TMPDIR/b" --name ctr-b "$IMG" \
    sh -c 'ls -A /tmp; test -e /etc/a-file || echo no-a-file; echo from-b > /tmp/b-marker'
  assert_equal "$output" no-a-file "container B's view of /tmp and /etc/a-file"
  idb=$(cat "$BATS_TEST_TMPDIR/b")

  # a fresh run sees neither
  run -0 skiff run --rm "$IMG" sh -c 'ls -A /tmp; ls /etc; cat /tmp/marker 2>/dev/null || echo absent'
  assert_not_contains "$output" marker "fresh container"
  assert_not_contains "$output" a-file "fresh container"
  assert_contains "$output" absent "fresh container"

  # and the image layer itself is untouched
  compgen -G "$SKIFF_TEST_ROOT/layers/*/diff/bin/busybox" >/dev/null \
    || fail "no unpacked layer with bin/busybox under $SKIFF_TEST_ROOT/layers"
  run -0 find "$SKIFF_TEST_ROOT/layers" \( -name marker -o -name a-file -o -name b-marker \)
  assert_equal "$output" "" "container files found in the image layers"

  local before after
  before=$(eval "$snapshot")
  run -0 skiff rm ctr-a
  [[ $output == ctr-a || $output == "$ida" ]] || fail "rm printed '$output'"
  after=$(eval "$snapshot")
  [ ! -e "$SKIFF_TEST_ROOT/containers/$ida" ] || fail "containers/$ida still exists after rm"
  [ -d "$SKIFF_TEST_ROOT/containers/$idb" ] || fail "rm of A removed B's directory"
  run -0 comm -13 <(echo "$before") <(echo "$after")
  assert_equal "$output" "" "paths that rm added"
  run -0 bash -c 'comm -23 <(echo "$1") <(echo "$2") | grep -v -e "^\./containers/$3\(/\|$\)" \
    -e "^\./names/containers/ctr-a$" || true' _ "$before" "$after" "$ida"
  assert_equal "$output" "" "paths that rm removed besides container A's"
}

@test "run: exit codes 0, 1, 3, 137, 125, 126, 127" {
  local before
  before=$(all_container_ids)
  run -0 skiff run --rm "$IMG" true
  run -1 skiff run --rm "$IMG" false
  run -3 skiff run --rm "$IMG" sh -c 'exit 3'
  # PID 1 of a PID namespace ignores `kill -9 $$` from inside; the kernel's own SIGKILL at the
  # RLIMIT_CPU hard limit does kill it: 128 + 9.
  run -137 skiff run --rm "$IMG" sh -c 'ulimit -t 1; while :; do :; done'

  # --pull never: a missing image is otherwise pulled, and tests reach no registry but their own
  run -125 --separate-stderr skiff run --rm --pull never skiff-test/no-such-image:v1 true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "skiff-test/no-such-image" "missing image error"

  run -126 --separate-stderr skiff run --rm "$IMG" /etc
  assert_contains "$stderr" "/etc" "not executable error"

  run -127 --separate-stderr skiff run --rm "$IMG" nosuchcommand
  assert_contains "$stderr" "nosuchcommand" "not found error"

  run -125 --separate-stderr skiff run --rm "$IMG"
  assert_contains "$stderr" "no command specified" "image without a command"

  assert_equal "$(all_container_ids)" "$before" "containers left by --rm runs"
}

@test "run: killed by SIGKILL exits 137; ps shows it running; rm refuses, rm -f kills" {
  # (bounded: if rm -f fails, the container must not outlive the run by much)
  background skiff run --name sleeper "$IMG" sleep 60 >"$BATS_TEST_TMPDIR/out" 2>&1
  local pid=$! rc=0
  wait_for '[ -n "$(skiff ps -q)" ]' 15 || fail "the container never showed in ps -q"

  run -0 skiff ps -q
  assert_equal "${#lines[@]}" 1 "running containers in '$output'"
  assert_match "${lines[0]}" '^[0-9a-f]{12}$' "ps -q"
  local short=${lines[0]}

  run -0 skiff ps
  local row
  row=$(grep -E ' sleeper$' <<<"$output") || fail "ps does not list sleeper: $output"
  assert_match "$row" "^$short +" "ps row"
  assert_contains "$row" "Up " "ps status"

  run -0 skiff ps --no-trunc
  row=$(grep -E ' sleeper$' <<<"$output") || fail "ps --no-trunc does not list sleeper"
  assert_match "$row" "^$short[0-9a-f]{52} " "ps --no-trunc row"

  run ! skiff rm sleeper
  run -0 skiff ps -q
  assert_equal "$output" "$short" "running containers after a refused rm"

  run -0 skiff rm -f sleeper
  wait "$pid" || rc=$?
  assert_equal "$rc" 137 "exit status of run after rm -f (SIGKILL)"
  run -0 skiff ps -a -q
  assert_not_contains "$output" "$short" "ps -a after rm -f"
}

@test "run --cidfile: the full ID without newline; an existing file is refused" {
  local f=$BATS_TEST_TMPDIR/cid id
  run -0 skiff run --cidfile "$f" "$IMG" true
  id=$(cat "$f")
  assert_match "$id" '^[0-9a-f]{64}$' "cidfile content"
  assert_equal "$(wc -c <"$f")" 64 "cidfile size"
  run -0 skiff ps -a -q --no-trunc
  assert_contains "$output" "$id" "ps -a -q --no-trunc"

  local before
  before=$(all_container_ids)
  run -125 --separate-stderr skiff run --cidfile "$f" "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "$f" "error for an existing cidfile"
  assert_equal "$(cat "$f")" "$id" "existing cidfile content"
  assert_equal "$(all_container_ids)" "$before" "containers after a refused cidfile"
}

@test "run -e / --env-file: env-file first, then -e in order; NAME copies the caller's" {
  printf '%s\n' '# a comment' '' 'A=from-file' 'B=two words ' 'FROMHOST' 'C=file' \
    >"$BATS_TEST_TMPDIR/env"
  export FROMHOST=host-value FROMHOST2=host-value-2
  unset NOT_IN_CALLER
  run -0 skiff run --rm --env-file "$BATS_TEST_TMPDIR/env" -e C=flag -e D= -e FROMHOST2 \
    -e NOT_IN_CALLER "$IMG" sh -c \
    'echo "A=$A|B=$B|C=$C|D=${D-unset}|$FROMHOST|$FROMHOST2|${NOT_IN_CALLER-unset}"; echo "$PATH"'
  assert_equal "${lines[0]}" "A=from-file|B=two words |C=flag|D=|host-value|host-value-2|unset"
  assert_equal "${lines[1]}" /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "PATH"

  run -125 --separate-stderr skiff run --rm --env-file "$BATS_TEST_TMPDIR/missing" "$IMG" true
  assert_contains "$stderr" "$BATS_TEST_TMPDIR/missing" "error for a missing env file"
}

@test "run -w: working directory, created when missing; relative is refused" {
  run -0 skiff run --rm "$IMG" pwd
  assert_equal "$output" / "default working directory"
  run -0 skiff run --rm -w /tmp "$IMG" pwd
  assert_equal "$output" /tmp
  run -0 skiff run --rm --workdir /new/work/dir "$IMG" sh -c 'pwd; test -d /new/work/dir && echo dir'
  assert_equal "$output" $'/new/work/dir\ndir'
  run -125 --separate-stderr skiff run --rm -w relative/dir "$IMG" pwd
  assert_contains "$stderr" "relative/dir" "error for a relative -w"
}

@test "run --entrypoint: replaces the command's first words" {
  run -0 skiff run --rm --entrypoint echo "$IMG" hello world
  assert_equal "$output" "hello world"
  run -0 skiff run --rm --entrypoint /bin/sh "$IMG" -c 'echo "entry:$0"'
  assert_equal "$output" "entry:/bin/sh"
}

@test "run -u: names and numbers, groups from the image's /etc/group" {
  run -0 skiff run --rm "$IMG" sh -c 'id -u; echo "$HOME"'
  assert_equal "$output" $'0\n/root' "default user"

  run -0 skiff run --rm -u user1 "$IMG" sh -c 'id -u; id -g; echo " $(id -G) "; echo "$HOME"'
  assert_equal "${lines[0]}" 1000 "uid of user1"
  assert_equal "${lines[1]}" 1000 "gid of user1"
  assert_contains "${lines[2]}" " 2000 " "groups of user1 (member of team)"
  assert_equal "${lines[3]}" /home/user1 "HOME of user1"

  run -0 skiff run --rm -u 1234:5678 "$IMG" sh -c 'id -u; id -g'
  assert_equal "$output" $'1234\n5678'
  run -0 skiff run --rm --user user1:team "$IMG" sh -c 'id -u; id -g'
  assert_equal "$output" $'1000\n2000'

  run -125 --separate-stderr skiff run --rm -u nosuchuser "$IMG" true
  assert_contains "$stderr" "nosuchuser" "error for an unknown user"
}

@test "run --name: ps -a shows it; a taken or invalid name is refused (125)" {
  run -0 skiff run --name web1 "$IMG" true
  run -0 skiff ps -a
  assert_match "${lines[0]}" '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES$' "ps header"
  local row
  row=$(grep -E ' web1$' <<<"$output") || fail "ps -a does not list web1: $output"
  assert_match "$row" '^[0-9a-f]{12} ' "ps -a row"
  assert_contains "$row" "skiff-test/busybox" "ps -a IMAGE"
  assert_contains "$row" "Exited (0)" "ps -a STATUS"

  run -0 skiff ps
  assert_not_contains "$output" web1 "ps without -a lists only running containers"

  local before
  before=$(all_container_ids)
  run -125 --separate-stderr skiff run --name web1 "$IMG" true
  assert_one_line_error "$stderr"
  assert_match "$stderr" '"/?web1"' "name conflict error (docker: \"/web1\", podman: \"web1\")"
  assert_contains "$stderr" "already in use" "name conflict error"
  run -125 --separate-stderr skiff run --name 'bad name!' "$IMG" true
  assert_contains "$stderr" "bad name!" "invalid name error"
  assert_equal "$(all_container_ids)" "$before" "containers after refused names"
}

@test "rm: by name, by unique ID prefix, by full ID; unknown is an error" {
  local n
  for n in rm-a rm-b rm-c; do
    run -0 skiff run --name "$n" "$IMG" true
  done
  local ida idb idc
  ida=$(container_id_of rm-a) idb=$(container_id_of rm-b) idc=$(container_id_of rm-c)
  assert_match "$ida $idb $idc" '^[0-9a-f]{64} [0-9a-f]{64} [0-9a-f]{64}$' "IDs from ps -a --no-trunc"
  local prefix=${idb:0:10}
  [[ $ida != "$prefix"* && $idc != "$prefix"* ]] || prefix=${idb:0:20}

  run -0 skiff rm rm-a
  run -0 skiff rm "$prefix"
  run -0 skiff rm "$idc"
  run -0 skiff ps -a -q --no-trunc
  assert_not_contains "$output" "$ida"
  assert_not_contains "$output" "$idb"
  assert_not_contains "$output" "$idc"
  [ ! -e "$SKIFF_TEST_ROOT/containers/$idb" ] || fail "containers/$idb survived rm by prefix"

  run --separate-stderr skiff rm rm-a
  [ "$status" -ne 0 ] || fail "rm of a removed container succeeded"
  assert_contains "$stderr" rm-a "error for an unknown container"
}

@test "ps: -q, -a, --no-trunc" {
  run -0 skiff ps -q
  assert_equal "$output" "" "ps -q with nothing running"
  run -0 skiff run --cidfile "$BATS_TEST_TMPDIR/cid" "$IMG" true
  local id
  id=$(cat "$BATS_TEST_TMPDIR/cid")
  run -0 skiff ps -a -q
  assert_equal "$output" "${id:0:12}" "ps -a -q"
  run -0 skiff ps -a --no-trunc
  assert_match "${lines[1]}" "^$id " "ps -a --no-trunc row"
  run -0 skiff ps -q
  assert_equal "$output" "" "ps -q with only an exited container"
}

@test "images: table and -q" {
  local id=$SKIFF_TEST_IMAGE_ID
  run -0 skiff images
  assert_match "${lines[0]}" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$' "images header"
  local row
  row=$(grep -E '^(docker\.io/)?skiff-test/busybox +latest ' <<<"$output") \
    || fail "images does not list skiff-test/busybox:latest: $output"
  assert_match "$row" " ${id:0:12} " "images row"

  run -0 skiff images -q
  assert_contains "$output" "${id:0:12}" "images -q"
  local l
  for l in "${lines[@]}"; do
    assert_match "$l" '^[0-9a-f]{12}$' "images -q line"
  done
  run -0 skiff images -q --no-trunc
  assert_contains "$output" "sha256:$id" "images -q --no-trunc"
}

@test "import: plain and gzip tarballs and stdin; junk is refused" {
  local tar=$SKIFF_TEST_FIXTURE/rootfs.tar
  gzip -c "$tar" >"$BATS_TEST_TMPDIR/rootfs.tar.gz"

  run -0 --separate-stderr skiff import "$tar" imp/plain
  assert_match "${lines[-1]}" '^(sha256:)?[0-9a-f]{64}$' "import output"
  run -0 --separate-stderr skiff import "$BATS_TEST_TMPDIR/rootfs.tar.gz" imp/gz
  assert_match "${lines[-1]}" '^(sha256:)?[0-9a-f]{64}$' "import output (gzip)"
  run -0 --separate-stderr skiff import - imp/stdin <"$tar"
  assert_match "${lines[-1]}" '^(sha256:)?[0-9a-f]{64}$' "import output (stdin)"

  local n
  for n in imp/plain imp/gz imp/stdin; do
    run -0 skiff run --rm "$n" sh -c 'head -n 1 /etc/group; stat -c %a /tmp'
    assert_equal "$output" $'root:x:0:\n1777' "files of image $n"
  done
  run -0 skiff images
  for n in imp/plain imp/gz imp/stdin; do
    grep -qE "(^|/)$n +latest " <<<"$output" || fail "images does not list $n: $output"
  done

  echo "not a tarball" >"$BATS_TEST_TMPDIR/junk"
  run -125 --separate-stderr skiff import "$BATS_TEST_TMPDIR/junk" imp/junk
  assert_one_line_error "$stderr"
  run -125 --separate-stderr skiff import "$BATS_TEST_TMPDIR/missing.tar" imp/missing
  assert_contains "$stderr" "$BATS_TEST_TMPDIR/missing.tar" "error for a missing file"
  run -0 skiff images
  assert_not_contains "$output" imp/junk "images after a refused import"
  assert_not_contains "$output" imp/missing "images after a refused import"
}
