#!/usr/bin/env bats
# Container lifecycle details beyond 10-run.bats: --rm cleanup, ps --format and ordering,
# rm -a, signal forwarding, spec errors.

load helpers

@test "run --rm: leaves no record, name or runroot dir; the cidfile stays" {
  local cid=$BATS_TEST_TMPDIR/cid
  run -0 skiff run --rm --name gone1 --cidfile "$cid" "$IMG" sh -c 'echo x > /f'
  local id
  id=$(cat "$cid")
  assert_match "$id" '^[0-9a-f]{64}$' "cidfile content"
  [ ! -e "$SKIFF_TEST_ROOT/containers/$id" ] || fail "containers/$id left behind"
  [ ! -e "$SKIFF_TEST_ROOT/names/containers/gone1" ] && [ ! -L "$SKIFF_TEST_ROOT/names/containers/gone1" ] \
    || fail "name link left behind"
  [ ! -e "$SKIFF_TEST_RUNROOT/containers/$id" ] || fail "runroot dir left behind"
  # the name is free again
  run -0 skiff run --rm --name gone1 "$IMG" true
  # a failed start with --rm leaves nothing either
  local before
  before=$(all_container_ids)
  run -127 skiff run --rm "$IMG" /no/such/command
  assert_equal "$(all_container_ids)" "$before" "containers after a failed --rm start"
}

@test "ps: newest first; --format json / table / plain; STATUS forms" {
  run -4 skiff run --name old1 "$IMG" sh -c 'exit 4'
  sleep 1.1
  run -0 skiff run --name new1 "$IMG" true
  run -0 skiff ps -a --format '{{.Names}}'
  assert_equal "${lines[0]}" new1 "newest first"
  assert_equal "${lines[1]}" old1 "then the older one"

  run -0 skiff ps -a --format '{{.Names}}|{{.State}}|{{.Status}}|{{.Command}}'
  assert_match "${lines[1]}" '^old1\|exited\|Exited \(4\) .* ago\|"sh -c exit 4"$' "old1 fields"

  run -0 skiff ps -a --format json
  assert_match "${lines[0]}" '^\{"Command":.*"Names":"new1".*"State":"exited"' "json row"

  run -0 skiff ps -a --format 'table {{.ID}}\t{{.Names}}'
  assert_match "${lines[0]}" '^CONTAINER ID   NAMES$' "table header"
  assert_match "${lines[1]}" '^[0-9a-f]{12}   new1$' "table row"

  run -0 skiff ps -a --no-trunc --format '{{.ID}} {{.Command}}'
  assert_match "${lines[0]}" '^[0-9a-f]{64} "true"$' "--no-trunc"

  run -1 skiff ps -a --format '{{.NoSuchField}}'
}

@test "ps: a long command is cut to 20 characters and quoted" {
  run -0 skiff run --name long1 "$IMG" sh -c 'echo 1234567890 1234567890'
  run -0 skiff ps -a --format '{{.Command}}'
  assert_equal "${lines[0]}" '"sh -c echo 12345678…"' "COMMAND cell"
}

@test "rm -a: removes stopped ones; a running one needs -f" {
  run -0 skiff run --name rma1 "$IMG" true
  run -0 skiff run --name rma2 "$IMG" true
  skiff run --name rma3 "$IMG" sleep 60 &
  local run_pid=$!
  wait_for '[ "$(skiff ps -q | wc -l)" -eq 1 ]' || fail "rma3 did not start"
  run -1 --separate-stderr skiff rm -a
  assert_contains "$stderr" "container is running" "rm -a of a running container"
  run -0 skiff ps -a --format '{{.Names}}'
  assert_equal "$output" rma3 "left after rm -a"
  run -0 skiff rm -a -f
  wait "$run_pid" || true
  run -0 all_container_ids
  assert_equal "$output" "" "containers after rm -a -f"
}

@test "run: SIGTERM to skiff reaches the container" {
  skiff run --rm "$IMG" sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' &
  local pid=$!
  wait_for '[ "$(skiff ps -q | wc -l)" -eq 1 ]' || fail "container did not start"
  # timeout(1) runs skiff as its child: signal skiff itself
  local skiff_pid
  skiff_pid=$(pgrep -P "$pid" -f "run --rm") || fail "no skiff process under $pid"
  kill -TERM "$skiff_pid"
  local rc=0
  wait "$pid" || rc=$?
  assert_equal "$rc" 7 "exit status after SIGTERM"
}

@test "run: spec errors exit 125 and create nothing" {
  local before
  before=$(all_container_ids)
  run -125 --separate-stderr skiff run --rm --entrypoint "" "$IMG"
  assert_equal "$stderr" "Error: no command specified"
  run -125 --separate-stderr skiff run --rm -e =x "$IMG" true
  assert_equal "$stderr" "Error: invalid environment variable: =x"
  printf 'A=1\nBAD KEY=2\n' > "$BATS_TEST_TMPDIR/env"
  run -125 --separate-stderr skiff run --rm --env-file "$BATS_TEST_TMPDIR/env" "$IMG" true
  assert_equal "$stderr" "Error: invalid env file ($BATS_TEST_TMPDIR/env): variable 'BAD KEY' contains whitespaces"
  run -125 --separate-stderr skiff run --rm --name x "$IMG" true
  assert_contains "$stderr" "Invalid container name (x)"
  assert_equal "$(all_container_ids)" "$before" "containers after refused runs"
}

@test "run: /etc/hosts has docker's localhost lines, /etc/hostname the hostname" {
  run -0 skiff run --rm -h hn1 "$IMG" sh -c 'cat /etc/hosts; cat /etc/hostname'
  assert_contains "$output" $'127.0.0.1\tlocalhost' "/etc/hosts"
  assert_contains "$output" $'::1\tlocalhost ip6-localhost ip6-loopback' "/etc/hosts"
  assert_equal "${lines[-1]}" hn1 "/etc/hostname"
}
