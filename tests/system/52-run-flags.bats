#!/usr/bin/env bats
# run/create/start flags from their option tables: --help, docker flags skiff lacks, and
# podman's --replace, --pidfile, --preserve-fds, -a/--attach, start --all and --latest.

load helpers

@test "run --help lists every flag run accepts, and each one it lists is accepted" {
  run -0 skiff run --help
  local help=$output f
  for f in attach cidfile detach detach-keys entrypoint env env-file hostname interactive \
           label name pidfile preserve-fds replace restart rm sig-proxy stop-signal \
           stop-timeout tty user workdir; do
    assert_contains "$help" "--$f " "run --help"
  done
  # nothing listed is refused as unknown or not supported
  for f in $(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
    run skiff run "$f" --help
    assert_not_contains "$output" "unknown flag" "run $f"
    assert_not_contains "$output" "not supported" "run $f"
  done
}

@test "run --gpus all (docker's, not skiff's): 'not supported yet', 125, nothing created" {
  run -125 --separate-stderr skiff run --gpus all "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "--gpus is not supported by skiff yet"
  assert_equal "$(all_container_ids)" "" "containers"
}

@test "exec and run share the process flags: -e, -w, -u behave the same in both" {
  run -0 skiff run --rm -e A=1 -w /tmp -u 1:1 "$IMG" sh -c 'echo $A $(pwd) $(id -u)'
  assert_equal "$output" "1 /tmp 1"
  run -0 skiff run -d --name shared "$IMG" sleep 600
  run -0 skiff exec -e A=2 -w /etc -u 2:2 shared sh -c 'echo $A $(pwd) $(id -u)'
  assert_equal "$output" "2 /etc 2"
  run -125 --separate-stderr skiff exec --gpus all shared true
  assert_contains "$stderr" "unknown flag: --gpus"
}

@test "run --replace: a container of the same name (running) is removed first" {
  run -0 skiff run -d --name rep "$IMG" sleep 600
  local old=$output
  run -125 --separate-stderr skiff run -d --name rep "$IMG" sleep 600
  assert_contains "$stderr" "rep"
  run -0 skiff run -d --replace --name rep "$IMG" sleep 600
  local new=$output
  [ "$new" != "$old" ] || fail "the same ID again"
  assert_equal "$(all_container_ids)" "$new" "containers"
  # create --replace too, and without a container of that name it just creates
  run -0 skiff create --replace --name rep2 "$IMG" true
  run -0 skiff create --replace --name rep2 "$IMG" true
  assert_equal "$(container_id_of rep2)" "$output" "rep2"
  assert_equal "$(all_container_ids | wc -l)" 2 "number of containers"
}

@test "run --pidfile: PID 1's host pid, foreground and detached" {
  local pf=$BATS_TEST_TMPDIR/pid
  run -0 skiff run --rm --pidfile "$pf" "$IMG" true
  assert_match "$(cat "$pf")" '^[1-9][0-9]*$' "pidfile"
  run -0 skiff run -d --name pf --pidfile "$pf" "$IMG" sleep 600
  assert_equal "$(cat "$pf")" "$(skiff inspect -f '{{.State.Pid}}' pf)" "pidfile of run -d"
  run -125 --separate-stderr skiff run --rm --pidfile "$BATS_TEST_TMPDIR/no/such/dir" "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "pidfile"
}

@test "run --preserve-fds N: fds 3.. are passed on; a closed one is refused" {
  printf 'passed-on\n' > "$BATS_TEST_TMPDIR/f"
  run -0 skiff run --rm --preserve-fds 1 "$IMG" sh -c 'cat <&3' 3<"$BATS_TEST_TMPDIR/f"
  assert_equal "$output" passed-on
  run -0 skiff run --rm "$IMG" sh -c '{ cat <&3; } 2>/dev/null || echo closed' 3<"$BATS_TEST_TMPDIR/f"
  assert_equal "$output" closed "without --preserve-fds"
  run -125 --separate-stderr skiff run --rm --preserve-fds 2 "$IMG" true 3<"$BATS_TEST_TMPDIR/f" 4<&-
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "file descriptor 4 is not available"
  run -125 --separate-stderr skiff run --rm --preserve-fds=-1 "$IMG" true
  assert_contains "$stderr" 'invalid argument "-1" for "--preserve-fds" flag'
  assert_equal "$(all_container_ids)" "" "containers"
}

@test "run -a/--attach: only the streams asked for; -a with -d and bad streams are refused" {
  run -0 --separate-stderr skiff run --rm -a stdout "$IMG" sh -c 'echo out; echo err >&2'
  assert_equal "$output" out "stdout"
  assert_equal "$stderr" "" "stderr (not attached)"
  run -0 --separate-stderr skiff run --rm --attach STDERR "$IMG" sh -c 'echo out; echo err >&2'
  assert_equal "$output" "" "stdout (not attached)"
  assert_equal "$stderr" err "stderr"
  run -0 skiff run --rm -a stdin -a stdout "$IMG" cat <<< typed
  assert_equal "$output" typed "stdin attached with -a stdin"
  run -125 --separate-stderr skiff run -a stdout -d "$IMG" true
  assert_contains "$stderr" "Conflicting options: -a and -d"
  run -125 --separate-stderr skiff run -a stdio "$IMG" true
  assert_contains "$stderr" 'invalid argument "stdio" for "-a, --attach" flag'
  assert_equal "$(all_container_ids)" "" "containers"
}

@test "start --all starts every container; --latest / -l the newest; not with names" {
  run -0 skiff create --name s1 "$IMG" sleep 600
  run -0 skiff create --name s2 "$IMG" sleep 600
  run -0 skiff start --all
  assert_equal "$(skiff ps -q | wc -l)" 2 "running after start --all"
  run -0 skiff stop -t 0 s1 s2
  run -0 skiff create --name s3 "$IMG" sleep 600
  local s3=$output
  run -0 skiff start --latest
  assert_equal "$output" "$s3" "start --latest prints the container"
  assert_equal "$(skiff ps -q --no-trunc)" "$s3" "running after start --latest"
  run -0 skiff stop -t 0 s3
  run -0 skiff start -l
  assert_equal "$(skiff ps -q --no-trunc)" "$s3" "running after start -l"
  run -125 --separate-stderr skiff start --all s1
  assert_contains "$stderr" "cannot be used together"
}
