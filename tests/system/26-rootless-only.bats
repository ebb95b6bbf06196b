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

# The pid in the rootless network namespace's record, if its process runs.
holder_pid () {
  local pid start
  { read -r pid start <"$SKIFF_TEST_RUNROOT/netns.holder"; } 2>/dev/null || return 0
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

@test "rootless: skiff's network namespace runs while a container is on a bridge, and only then" {
  skiff run --rm --network none "$IMG" true
  assert_equal "$(holder_pid)" "" "no holder for --network none"
  skiff run -d --name rb1 --network bridge "$IMG" sleep 600 >/dev/null
  local holder
  holder=$(holder_pid)
  [ -n "$holder" ] || fail "no holder while rb1 is on the bridge"
  assert_equal "$(cat "/proc/$holder/comm")" skiff-netns "the holder's name"
  # the container's user namespace is the holder's, and its veth's other end is there
  local pid
  pid=$(skiff inspect --format '{{.State.Pid}}' rb1)
  assert_equal "$(readlink "/proc/$pid/ns/user")" "$(readlink "/proc/$holder/ns/user")" "user namespace"
  run -0 nsenter -t "$holder" -U -n ip -o link show master skiff0
  assert_contains "$output" "veth" "the host side of rb1's veth"
  # a second container joins the same namespace: no second holder
  skiff run -d --name rb2 --network bridge "$IMG" sleep 600 >/dev/null
  assert_equal "$(holder_pid)" "$holder" "the same holder"
  skiff rm -f rb1 >/dev/null
  assert_equal "$(holder_pid)" "$holder" "kept while rb2 is on the bridge"
  skiff rm -f rb2 >/dev/null
  wait_for "! kill -0 $holder 2>/dev/null" 10 || fail "the holder outlived the last container"
  [ ! -e "$SKIFF_TEST_RUNROOT/netns.holder" ] || fail "the holder's record is left"
  # and the next one starts a fresh namespace
  run -0 --separate-stderr skiff run --rm --network bridge "$IMG" sh -c "ip -4 -o addr show eth0 | grep -o '10\.88\.[0-9.]*/'"
  assert_equal "$output" "10.88.0.2/" "the first address again"
}
