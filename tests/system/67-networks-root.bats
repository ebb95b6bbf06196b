#!/usr/bin/env bats
# Root only (see run-all.sh): system check of user networks' bridges (rootless they live in
# skiff's own network namespace and go with it) and of their leases.  Every test in a network
# namespace of its own (ip netns, skiff through nsenter), deleted afterwards.
load helpers

setup () {
  netns_setup
}

teardown () {
  netns_teardown --networks
}

leases () { # NETWORK
  cat "$SKIFF_TEST_ROOT/networks/$1.leases" 2>/dev/null || true
}

@test "system check: a dead holder's lease on a user network, a removed network's bridge and leases" {
  skiff network create --subnet 10.139.0.0/24 nt-chk >/dev/null
  skiff network create --subnet 10.141.0.0/24 nt-gone >/dev/null
  skiff run --rm --network nt-gone "$IMG" true # its bridge skiff2 exists from now on
  skiff run -d --name nt-k --network nt-chk "$IMG" sleep 600 >/dev/null
  local mon pid ip id
  id=$(container_id_of nt-k)
  ip=$(skiff inspect --format '{{.NetworkSettings.IPAddress}}' nt-k)
  mon=$(skiff inspect --format '{{.State.ConmonPid}}' nt-k)
  pid=$(skiff inspect --format '{{.State.Pid}}' nt-k)
  kill -KILL "$mon"
  wait_for "! kill -0 $pid 2>/dev/null" 10
  # a network rm that died after its definition went; and a bridge that is not this store's
  rm "$SKIFF_TEST_ROOT/networks/nt-gone.json"
  in_ns ip link add skiff9 type bridge
  run -1 skiff system check
  assert_contains "$output" "network nt-chk: address $ip is leased to container $id, whose process is gone"
  assert_contains "$output" "bridge skiff2 of a removed network is left"
  assert_contains "$output" "network nt-gone: address leases of a removed network"
  assert_not_contains "$output" "skiff9" "a bridge this store did not make is not its business"
  run -0 skiff system check --repair
  assert_contains "$output" "bridge skiff2 of a removed network is left (repaired)"
  run -0 skiff system check
  assert_equal "$(leases nt-chk)" "" "lease freed"
  run -1 in_ns ip link show skiff2
  run -0 in_ns ip link show skiff9
}
