#!/usr/bin/env bats
# podman's run/create --tz (a read-only copy of a host zone file on /etc/localtime), --timeout
# (PID 1 killed after N seconds) and create --pidfile (written by the later start).

load helpers

@test "--tz: a host zone or the host's own as /etc/localtime, read-only; a bad name is refused" {
  local berlin
  berlin=$(sha256sum < /usr/share/zoneinfo/Europe/Berlin)
  run -0 skiff run --rm --tz Europe/Berlin "$IMG" sh -c 'sha256sum /etc/localtime; date +%Z'
  assert_equal "${lines[0]%% *}" "${berlin%% *}" "the container's /etc/localtime"
  assert_match "${lines[1]}" '^CES?T$' "date's zone"
  run -0 skiff run --rm --tz local "$IMG" sha256sum /etc/localtime
  assert_equal "${output%% *}" "$(sha256sum < /etc/localtime | cut -d" " -f1)" "--tz local"
  # the copy is bound read-only: the container cannot change it, nor the host's file
  run -1 skiff run --rm --tz Europe/Berlin "$IMG" sh -c 'echo x > /etc/localtime'
  assert_equal "$(sha256sum < /usr/share/zoneinfo/Europe/Berlin)" "$berlin" "the host's zone file"
  # create records it; every start binds it again
  skiff create --name tzc --tz Asia/Tokyo "$IMG" date +%Z >/dev/null
  run -0 skiff start -a tzc
  assert_equal "$output" JST
  local bad
  for bad in Bogus/Zone ../../../etc/passwd /etc/passwd Europe; do
    run -125 --separate-stderr skiff create --tz "$bad" "$IMG" true
    assert_one_line_error "$stderr"
  done
  assert_equal "$stderr" "Error: finding timezone: unknown time zone Europe" "a directory"
  run -125 --separate-stderr skiff run --rm --tz ../../../etc/passwd "$IMG" true
  assert_equal "$stderr" "Error: finding timezone: time: invalid location name"
  assert_equal "$(all_container_ids)" "$(container_id_of tzc)" "containers made"
}

@test "--timeout: PID 1 is killed after N seconds (137), at each start; bad values refused" {
  local start=$SECONDS
  run -137 skiff run --rm --timeout 1 "$IMG" sleep 60
  [ $((SECONDS - start)) -lt 15 ] || fail "run --timeout 1 took $((SECONDS - start)) s"
  skiff create --name to --timeout 1 "$IMG" sh -c 'echo up; sleep 60' >/dev/null
  skiff start to >/dev/null
  run -0 skiff wait to
  assert_equal "$output" 137 "exit code of a started container"
  assert_equal "$(skiff logs to)" up
  run -0 skiff run --rm --timeout 30 "$IMG" true
  run -125 --separate-stderr skiff run --rm --timeout -1 "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" 'Error: invalid argument "-1" for "--timeout" flag: strconv.ParseUint: parsing "-1": invalid syntax'
  run -125 --separate-stderr skiff create --timeout x "$IMG" true
  assert_one_line_error "$stderr"
}

@test "create --pidfile: start writes PID 1's host pid there (a relative path from create's dir)" {
  cd "$BATS_TEST_TMPDIR"
  skiff create --name pfc --pidfile pid.txt "$IMG" sleep 600 >/dev/null
  [ ! -e pid.txt ] || fail "create wrote the pidfile"
  cd /
  skiff start pfc >/dev/null
  assert_equal "$(cat "$BATS_TEST_TMPDIR/pid.txt")" "$(skiff inspect -f '{{.State.Pid}}' pfc)"
}
