#!/usr/bin/env bats
# The network commands, root and rootless: definitions in the store (create, ls, inspect,
# exists, rm, prune) and their refusals; nothing here makes an interface, and as root every
# test still runs in a network namespace of its own.  Containers on user networks, names,
# isolation: 67-networks-traffic.bats.
load helpers

setup () {
  netns_setup
}

teardown () {
  netns_teardown --networks
}

@test "network: the default network is always listed; create, inspect, exists and rm a network" {
  run -0 --separate-stderr skiff network ls
  assert_equal "${lines[0]}" "NETWORK ID     NAME      DRIVER    SCOPE" "header"
  assert_match "${lines[1]}" '^7985a8b8e188   skiff     bridge    local$' "the default network"
  run -0 --separate-stderr skiff network create --subnet 10.123.0.0/16 --gateway 10.123.0.254 \
    --ip-range 10.123.4.0/24 --internal --label team=blue -o mtu=1400 nc-one
  assert_match "$output" '^[0-9a-f]{64}$' "create prints the ID"
  local id=$output
  run -0 --separate-stderr skiff network create nc-two
  run -0 skiff network inspect --format \
    '{{.Name}} {{.ID}} {{.Driver}} {{.NetworkInterface}} {{range .Subnets}}{{.Subnet}} {{.Gateway}} {{.LeaseRange.StartIP}}-{{.LeaseRange.EndIP}}{{end}} {{.Internal}} {{.DNSEnabled}} {{.Labels.team}} {{.Options.mtu}}' nc-one
  assert_equal "$output" "nc-one $id bridge skiff1 10.123.0.0/16 10.123.0.254 10.123.4.0-10.123.4.255 true true blue 1400"
  run -0 skiff network inspect nc-two
  assert_contains "$output" '"name": "nc-two"' "podman's JSON keys"
  assert_contains "$output" '"network_interface": "skiff2"'
  assert_contains "$output" '"subnet": "10.89.0.0/24"' "the first free subnet"
  assert_contains "$output" '"gateway": "10.89.0.1"'
  assert_contains "$output" '"internal": false'
  run -0 skiff network inspect --format '{{.Name}}' "${id:0:12}"
  assert_equal "$output" nc-one "by ID prefix"
  run -0 skiff network exists nc-one
  run -1 skiff network exists nc-nope
  assert_equal "$output" "" "exists prints nothing"
  run -0 --separate-stderr skiff network rm nc-one nc-two
  assert_equal "$output" $'nc-one\nnc-two' "rm prints the names"
  run -1 skiff network exists nc-one
  run -0 skiff network ls --format '{{.Name}}'
  assert_equal "$output" skiff "only the default is left"
}

@test "network ls: -q, --no-trunc, --filter name=, label=, driver=, id=, type=, --format" {
  skiff network create --label env=prod nc-a >/dev/null
  skiff network create --label env=dev nc-b >/dev/null
  run -0 skiff network ls -q --filter label=env=prod
  assert_match "$output" '^[0-9a-f]{12}$' "one short ID"
  local short=$output
  run -0 skiff network ls -q --no-trunc --filter label=env=prod
  assert_equal "${output:0:12}" "$short" "the full ID starts with the short one"
  assert_equal "${#output}" 64 "--no-trunc"
  run -0 skiff network ls --format '{{.Name}}' --filter name=nc-
  assert_equal "$output" $'nc-a\nnc-b' "name= is a substring"
  run -0 skiff network ls --format '{{.Name}}' --filter label=env
  assert_equal "$output" $'nc-a\nnc-b' "label=KEY"
  run -0 skiff network ls --format '{{.Name}}' --filter label!=env=dev --filter type=custom
  assert_equal "$output" nc-a "label!= and type=custom"
  run -0 skiff network ls --format '{{.Name}}' --filter type=builtin --filter driver=bridge
  assert_equal "$output" skiff "type=builtin"
  run -0 skiff network ls --format '{{.Name}}' --filter "id=$short"
  assert_equal "$output" nc-a "id= prefix"
  run -0 skiff network ls --format '{{.Name}} {{.Driver}} {{.Scope}} {{.Internal}}' --filter name=nc-b
  assert_equal "$output" "nc-b bridge local false"
  run -125 --separate-stderr skiff network ls --filter bogus=1
  assert_equal "$stderr" "Error: invalid filter 'bogus=1'"
}

@test "network create: bad input is one line, exit 125, and nothing is made" {
  skiff network create --subnet 10.124.0.0/24 nc-taken >/dev/null
  local before
  before=$(skiff network ls --no-trunc)
  local -a cases=(
    "nc-taken|network with name nc-taken already exists"
    "--subnet 10.124.0.128/25 nc-x|subnet 10.124.0.128/25 is already used by another network"
    "--subnet 10.125.0.0/33 nc-x|invalid subnet 10.125.0.0/33: not an IPv4 CIDR address"
    "--subnet 10.125.0.0/24 --gateway 10.126.0.1 nc-x|gateway 10.126.0.1 not in subnet 10.125.0.0/24"
    "--gateway 10.125.0.1 nc-x|cannot set gateway or ip-range without subnet"
    "--subnet 10.125.0.0/24 --ip-range 10.126.0.0/28 nc-x|ip-range 10.126.0.0/28 not in subnet 10.125.0.0/24"
    "--driver macvlan nc-x|unsupported driver macvlan: only \"bridge\""
    "-o vlan=3 nc-x|unsupported bridge network option vlan"
    "-o mtu=100 nc-x|invalid mtu 100: 576 to 65535"
    "host|cannot create network with name \"host\" because it conflicts with a valid network mode"
    "skiff|network with name skiff already exists"
    "bad/name|network name bad/name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]* (at most 63)"
  )
  local c
  for c in "${cases[@]}"; do
    run -125 --separate-stderr skiff network create ${c%%|*}
    assert_one_line_error "$stderr"
    assert_equal "$stderr" "Error: ${c#*|}" "create ${c%%|*}"
  done
  assert_equal "$(skiff network ls --no-trunc)" "$before" "nothing was made"
  run -125 --separate-stderr skiff network rm skiff
  assert_equal "$stderr" "Error: default network skiff cannot be removed"
  run -1 --separate-stderr skiff network rm nc-nope
  assert_equal "$stderr" "Error: network nc-nope not found"
  run -0 --separate-stderr skiff network rm -f nc-nope
  assert_equal "$output$stderr" "" "rm -f of a missing network"
}

@test "network prune: removes the unused custom networks the filters match" {
  skiff network create --label keep=yes nc-keep >/dev/null
  skiff network create nc-p1 >/dev/null
  skiff network create nc-p2 >/dev/null
  run -0 --separate-stderr skiff network prune -f --filter label!=keep=yes
  assert_equal "$output" $'Deleted Networks:\nnc-p1\nnc-p2'
  run -0 skiff network ls --format '{{.Name}}'
  assert_equal "$output" $'skiff\nnc-keep' "the default and the filtered-out one stay"
  run -0 --separate-stderr skiff network prune -f --filter label=nope
  assert_equal "$output" "" "nothing matched"
  run -125 --separate-stderr skiff network prune -f --filter name=x
  assert_equal "$stderr" "Error: invalid filter 'name=x'"
  run -0 --separate-stderr skiff network prune -f
  assert_equal "$output" $'Deleted Networks:\nnc-keep'
}

@test "run/create: --ip, --mac-address and --network-alias are checked first (exit 125)" {
  run -125 --separate-stderr skiff create --ip 10.1.2.300 "$IMG" true
  assert_equal "$stderr" 'Error: invalid argument "10.1.2.300" for "--ip" flag: invalid string being converted to IP address: 10.1.2.300'
  run -125 --separate-stderr skiff create --mac-address 01:00:5e:00:00:01 "$IMG" true
  assert_equal "$stderr" 'Error: invalid argument "01:00:5e:00:00:01" for "--mac-address" flag: 01:00:5e:00:00:01 is not a valid mac address'
  run -125 --separate-stderr skiff create --network-alias 'a b' "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" 'for "--network-alias" flag'
  run -125 --separate-stderr skiff create --network none --ip 10.88.0.9 "$IMG" true
  assert_equal "$stderr" "Error: user specified IP address is supported only for containers in user defined networks"
  run -0 skiff ps -a -q
  assert_equal "$output" "" "no container was made"
}
