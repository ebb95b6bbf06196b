#!/usr/bin/env bats
# Containers on user-defined networks, root and rootless: a bridge per network with its own
# subnet and leases, --ip, --mac-address, --network-alias, names kept in every member's
# /etc/hosts on join and leave, --internal, isolation between networks, connect and
# disconnect, rm while in use.  Root: every test runs in a network namespace of its own (ip
# netns, skiff through nsenter), deleted afterwards; rootless: the bridges, veths and rules
# live in skiff's own (bridge-helpers.bash).  Traffic goes between containers of the test
# only.  Root only: 67-networks-root.bats (system check of bridges).
load helpers
load bridge-helpers

setup () {
  bridge_setup
}

teardown () {
  netns_teardown --networks
}

leases () { # NETWORK
  cat "$SKIFF_TEST_ROOT/networks/$1.leases" 2>/dev/null || true
}

@test "user network: members resolve each other by name and alias, kept current on join and leave" {
  skiff network create --subnet 10.131.0.0/24 nt-a >/dev/null
  skiff run -d --name nt-web --network nt-a --network-alias www --network-alias site "$IMG" \
    sleep 600 >/dev/null
  skiff run -d --name nt-db --network nt-a --ip 10.131.0.77 --mac-address 02:aa:bb:cc:dd:ee \
    "$IMG" sleep 600 >/dev/null
  run -0 skiff inspect --format \
    '{{.HostConfig.NetworkMode}} {{with .NetworkSettings.Networks}}{{with index . "nt-a"}}{{.IPAddress}} {{.Gateway}} {{.MacAddress}} {{.Aliases}}{{end}}{{end}}' nt-db nt-web
  assert_equal "${lines[0]}" "nt-a 10.131.0.77 10.131.0.1 02:aa:bb:cc:dd:ee []" "--ip, --mac-address"
  assert_match "${lines[1]}" '^nt-a 10\.131\.0\.2 10\.131\.0\.1 02:42:0a:83:00:02 \[www site\]$' "aliases"
  run -0 skiff exec nt-db ip -o link show eth0
  assert_contains "$output" "link/ether 02:aa:bb:cc:dd:ee" "the MAC inside"
  run -0 --separate-stderr skiff exec nt-db ping -c1 -W2 www
  assert_contains "$output" "64 bytes from 10.131.0.2" "by alias"
  run -0 --separate-stderr skiff exec nt-web ping -c1 -W2 nt-db
  assert_contains "$output" "64 bytes from 10.131.0.77" "by name"
  # a third member joins: the others learn its name; it leaves: they forget it
  skiff run -d --name nt-late --network nt-a "$IMG" sleep 600 >/dev/null
  run -0 skiff exec nt-web grep -c nt-late /etc/hosts
  run -0 --separate-stderr skiff exec nt-late ping -c1 -W2 site
  assert_contains "$output" "64 bytes from 10.131.0.2" "the newcomer resolves an alias"
  skiff rm -f nt-late >/dev/null
  run -1 skiff exec nt-web grep nt-late /etc/hosts
  run -0 skiff exec nt-db cat /etc/hosts
  assert_contains "$output" $'10.131.0.77\t' "its own line stays"
  # --no-hosts: the image's own file, nobody writes it
  [ ! -e "$SKIFF_TEST_FIXTURE/rootfs/etc/hosts" ] || fail "the fixture has an /etc/hosts now"
  run -0 --separate-stderr skiff run --rm --network nt-a --no-hosts "$IMG" sh -c \
    '[ -e /etc/hosts ] && echo present || echo absent'
  assert_equal "$output" absent "--no-hosts: the image's (it has none)"
}

@test "user network: --internal has no route out; two networks cannot reach each other" {
  skiff network create --subnet 10.132.0.0/24 nt-one >/dev/null
  skiff network create --subnet 10.133.0.0/24 nt-two >/dev/null
  skiff network create --subnet 10.134.0.0/24 --internal nt-in >/dev/null
  skiff run -d --name nt-x --network nt-two "$IMG" sleep 600 >/dev/null
  # the rules, not the namespace's setting, keep them apart (rootless: the namespace exists
  # from nt-x on)
  in_bridge_ns sysctl -qw net.ipv4.ip_forward=1
  run -0 --separate-stderr skiff run --rm --network nt-in "$IMG" sh -c \
    'ip route; ping -c1 -W1 10.133.0.2 2>&1; ping -c1 -W1 192.0.2.1 2>&1; true'
  assert_equal "${lines[0]}" "10.134.0.0/24 dev eth0 scope link  src 10.134.0.2 " "no default route"
  assert_contains "$output" "ping: sendto: Network is unreachable" "nothing out"
  assert_not_contains "$output" "64 bytes" "no reply from anywhere"
  run -0 --separate-stderr skiff run --rm --network nt-one "$IMG" sh -c \
    'ip route | head -1; ping -c1 -W1 10.133.0.2 2>&1; ping -c1 -W1 10.132.0.1 2>&1 | grep -c "64 bytes"; true'
  assert_equal "${lines[0]}" "default via 10.132.0.1 dev eth0 " "a default route"
  assert_not_contains "$output" "64 bytes from 10.133.0.2" "the other network stays out of reach"
  assert_equal "${lines[-1]}" 1 "its own gateway answers"
  run -0 in_bridge_ns ip rule
  assert_contains "$output" "to 10.133.0.0/24 iif skiff1 prohibit" "the rule one -> two"
  assert_contains "$output" "to 10.132.0.0/24 iif skiff2 prohibit" "the rule two -> one"
  assert_contains "$output" "30001:	from all iif skiff3 prohibit" "internal: nothing routed from it"
  skiff rm -f nt-x >/dev/null
  skiff network rm nt-one nt-two nt-in >/dev/null
  run -0 in_bridge_ns ip rule
  assert_not_contains "$output" "skiff" "rules removed with the networks"
  run -1 in_bridge_ns ip link show skiff1
}

@test "network connect/disconnect: a running container gets and loses the interface and its name" {
  skiff network create --subnet 10.135.0.0/24 nt-c >/dev/null
  skiff run -d --name nt-peer --network nt-c "$IMG" sleep 600 >/dev/null
  skiff run -d --name nt-mover "$IMG" sleep 600 >/dev/null
  run -1 --separate-stderr skiff network connect --mac-address 02:aa:bb:cc:dd:ee skiff nt-mover
  assert_equal "$stderr" "Error: user specified MAC address is supported only for containers in user defined networks"
  run -125 --separate-stderr skiff network connect --mac-address 02:zz nt-c nt-mover
  assert_one_line_error "$stderr"
  run -0 --separate-stderr skiff network connect --alias mover-alias --ip 10.135.0.99 \
    --mac-address 02:aa:bb:cc:dd:ee nt-c nt-mover
  run -0 skiff exec nt-mover ip -4 -o addr show eth1
  assert_contains "$output" "inet 10.135.0.99/24" "eth1 on the network"
  run -0 skiff exec nt-mover cat /sys/class/net/eth1/address
  assert_equal "$output" 02:aa:bb:cc:dd:ee "connect --mac-address"
  run -0 --separate-stderr skiff exec nt-peer ping -c1 -W2 mover-alias
  assert_contains "$output" "64 bytes from 10.135.0.99" "its alias resolves"
  run -0 skiff inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}' nt-mover
  assert_match "$output" '^nt-c=10\.135\.0\.99 skiff=10\.88\.[0-9.]+ $' "inspect lists both"
  run -1 --separate-stderr skiff network connect nt-c nt-mover
  assert_equal "$stderr" "Error: endpoint with name nt-mover already exists in network nt-c"
  run -0 --separate-stderr skiff network disconnect nt-c nt-mover
  run ! skiff exec nt-mover ip link show eth1
  run -1 skiff exec nt-peer grep mover-alias /etc/hosts
  assert_equal "$(leases nt-c | wc -l)" 1 "only the peer's lease"
  run -1 --separate-stderr skiff network disconnect nt-c nt-mover
  assert_equal "$stderr" "Error: container nt-mover is not connected to network nt-c"
  run -1 --separate-stderr skiff network connect nt-nope nt-mover
  assert_equal "$stderr" "Error: network nt-nope not found"
}

@test "user network: rm is refused while used (naming the users), rm -f removes them" {
  skiff network create --subnet 10.136.0.0/24 nt-used >/dev/null
  skiff create --name nt-user1 --network nt-used "$IMG" true >/dev/null
  run -2 --separate-stderr skiff network rm nt-used
  assert_equal "$stderr" "Error: network nt-used is in use by container(s): nt-user1 (network rm -f removes them)"
  run -0 skiff network exists nt-used
  run -125 --separate-stderr skiff run --rm --network nt-missing "$IMG" true
  assert_equal "$stderr" "Error: network nt-missing not found"
  run -125 --separate-stderr skiff run --rm --network-alias x "$IMG" true
  assert_equal "$stderr" "Error: network-scoped alias is supported only for containers in user defined networks"
  run -125 --separate-stderr skiff run --rm --network nt-used --ip 10.137.0.5 "$IMG" true
  assert_equal "$stderr" "Error: requested address 10.137.0.5 is not a host address of network nt-used's subnet"
  run -0 --separate-stderr skiff network rm -f nt-used
  assert_equal "$output" nt-used
  run -0 skiff ps -a -q
  assert_equal "$output" "" "the user went with it"
}

@test "user network: 50 parallel run -d get 50 distinct addresses, all released after rm" {
  skiff network create --subnet 10.138.0.0/24 nt-par >/dev/null
  local i pids=()
  for i in $(seq 1 50); do
    skiff run -d --name ntp$i --network nt-par "$IMG" sleep 600 >/dev/null &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || fail "a run -d failed"; done
  run -0 skiff inspect --format '{{.NetworkSettings.IPAddress}}' $(seq -f 'ntp%g' 1 50)
  assert_equal "$(printf '%s\n' "${lines[@]}" | grep -cE '^10\.138\.0\.[0-9]+$')" 50 "addresses"
  assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" 50 "distinct addresses"
  assert_equal "$(leases nt-par | wc -l)" 50 "leases"
  run -0 skiff exec ntp1 grep -c 'skiff:nt-par' /etc/hosts
  assert_equal "$output" 49 "every other member in the first one's hosts"
  skiff rm -f $(seq -f 'ntp%g' 1 50) >/dev/null
  assert_equal "$(leases nt-par | wc -l)" 0 "leases after rm"
  run -0 --separate-stderr skiff run --rm --network nt-par "$IMG" sh -c "ip -4 -o addr show eth0 | grep -o '10\.138\.[0-9.]*/'"
  assert_equal "$output" "10.138.0.2/" "the first address is free again"
}

