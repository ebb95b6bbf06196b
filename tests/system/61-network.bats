#!/usr/bin/env bats
# Networking that needs no bridge, root and rootless: --network none|host|container:|ns:,
# /etc/hosts (localhost, own hostname and name, --add-host), /etc/resolv.conf (--dns,
# --dns-search, --dns-option), /etc/hostname, inspect's fields.  As root every test runs in a
# network namespace of its own (ip netns, skiff through nsenter), so nothing touches the
# host's interfaces; rootless, none of these tests makes an interface or sends a packet (the
# user cannot make a namespace the host's ip netns shows).  The bridge and --link:
# 61-network-bridge.bats (root only).
load helpers

setup () {
  netns_setup
}

teardown () {
  netns_teardown
}

# Runs a command where skiff's containers run (helpers.bash's in_ns).
outside () {
  in_ns "$@"
}

# Interface names from /proc/net/dev, sorted, one line.
IFACES='awk -F: "NR > 2 { gsub(/ /, \"\", \$1); print \$1 }" /proc/net/dev | sort | tr "\n" " "'

@test "--network none (and --net): only lo; inspect shows NetworkMode none" {
  run -0 --separate-stderr skiff run --rm --network none "$IMG" sh -c "$IFACES"
  assert_equal "$output" "lo " "interfaces"
  run -0 skiff run --rm --net=none "$IMG" sh -c "$IFACES"
  assert_equal "$output" "lo " "interfaces with --net"
  skiff create --name nn1 --network none "$IMG" true >/dev/null
  run -0 skiff inspect --format '{{.HostConfig.NetworkMode}} {{.NetworkSettings.IPAddress}}.' nn1
  assert_equal "$output" "none ." "NetworkMode and IPAddress"
}

@test "--network host: the caller's interfaces, hostname and /etc/hosts" {
  is_rootless || ip -n "$NS" link add skdummy0 type veth peer name skdummy1
  local want
  want=$(outside sh -c "$IFACES")
  run -0 --separate-stderr skiff run --rm --network host "$IMG" sh -c "$IFACES"
  assert_equal "$output" "$want" "interfaces"
  is_rootless || assert_contains "$output" skdummy0 "the namespace's own interface"
  run -0 skiff run --rm --network host "$IMG" sh -c 'hostname; cat /etc/hostname'
  assert_equal "$output" "$(hostname)"$'\n'"$(hostname)" "hostname"
  run -0 skiff run --rm --network host "$IMG" cat /etc/hosts
  assert_equal "$output" "$(cat /etc/hosts)" "/etc/hosts"
  skiff create --name nh1 --network host "$IMG" true >/dev/null
  run -0 skiff inspect --format '{{.HostConfig.NetworkMode}}' nh1
  assert_equal "$output" host
}

@test "--network container:NAME joins a running container's namespace and name; others are refused" {
  skiff run -d --name nc1 -h box-nc1 --network none "$IMG" sleep 600 >/dev/null
  run -0 skiff exec nc1 readlink /proc/self/ns/net
  local ns=$output
  run -0 --separate-stderr skiff run --rm --network container:nc1 "$IMG" \
    sh -c 'readlink /proc/self/ns/net; hostname'
  assert_equal "$output" "$ns"$'\nbox-nc1' "namespace and hostname"
  local id
  id=$(skiff create --name nc2 "$IMG" true)
  run -125 --separate-stderr skiff run --rm --network container:nc2 "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "cannot join network namespace of a non running container: $id"
  run -125 --separate-stderr skiff create --network container:nc-none "$IMG" true
  assert_equal "$stderr" "Error: No such container: nc-none"
  run -125 --separate-stderr skiff create -h x --network container:nc1 "$IMG" true
  assert_equal "$stderr" "Error: conflicting options: hostname and the network mode"
  run -125 --separate-stderr skiff create --network bogus "$IMG" true
  assert_equal "$stderr" "Error: network bogus not found"
  assert_equal "$(skiff ps -a -q | wc -l)" 2 "containers left (nc1, nc2)"
}

@test "/etc/hosts: localhost lines, --add-host, own hostname and name; /etc/hostname" {
  run -0 --separate-stderr skiff run --rm --name hosts1 -h myhost --network none \
    --add-host db:10.1.2.3 --add-host v6:fe80::1 "$IMG" sh -c 'cat /etc/hosts; cat /etc/hostname'
  assert_equal "$output" "127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
fe00::	ip6-localnet
ff00::	ip6-mcastprefix
ff02::1	ip6-allnodes
ff02::2	ip6-allrouters
10.1.2.3	db
fe80::1	v6
127.0.0.1	myhost hosts1
myhost" "/etc/hosts and /etc/hostname"
  skiff create --name hosts2 --add-host db:10.1.2.3 "$IMG" true >/dev/null
  run -0 skiff inspect --format '{{json .HostConfig.ExtraHosts}}' hosts2
  assert_equal "$output" '["db:10.1.2.3"]'
}

@test "/etc/resolv.conf: --dns, --dns-search and --dns-option replace the host's lines" {
  run -0 --separate-stderr skiff run --rm --network none --dns 192.0.2.53 --dns 2001:db8::53 \
    --dns-search a.test --dns-search b.test --dns-option ndots:3 --dns-option edns0 \
    "$IMG" cat /etc/resolv.conf
  assert_equal "$output" "nameserver 192.0.2.53
nameserver 2001:db8::53
search a.test b.test
options ndots:3 edns0" "resolv.conf"
  skiff create --name rc1 --dns 192.0.2.53 --dns-search a.test --dns-option ndots:3 "$IMG" true \
    >/dev/null
  run -0 skiff inspect --format '{{json .HostConfig.Dns}} {{json .HostConfig.DnsSearch}} {{json .HostConfig.DnsOptions}}' rc1
  assert_equal "$output" '["192.0.2.53"] ["a.test"] ["ndots:3"]'
}

@test "network flags: bad values are refused with docker's texts and nothing is created" {
  local -a cases=(
    "--add-host=nocolon|invalid argument \"nocolon\" for \"--add-host\" flag: bad format for add-host: \"nocolon\""
    "--add-host=h:1.2.3|invalid argument \"h:1.2.3\" for \"--add-host\" flag: invalid IP address in add-host: \"1.2.3\""
    "--dns=8.8.8.x|invalid argument \"8.8.8.x\" for \"--dns\" flag: 8.8.8.x is not an ip address"
    "--dns-search=-x.test|invalid argument \"-x.test\" for \"--dns-search\" flag: -x.test is not a valid domain"
    "--link=a:b:c|invalid argument \"a:b:c\" for \"--link\" flag: bad format for links: a:b:c"
    "--network=bogus|network bogus not found"
  )
  local c
  for c in "${cases[@]}"; do
    run -125 --separate-stderr skiff create "${c%%|*}" "$IMG" true
    assert_equal "$stderr" "Error: ${c#*|}" "error for ${c%%|*}"
  done
  # a line break would add a hosts entry nobody asked for
  run -125 skiff create "--add-host=a
b:1.2.3.4" "$IMG" true
  run -125 --separate-stderr skiff create --network host --link x "$IMG" true
  assert_equal "$stderr" "Error: conflicting options: host type networking can't be used with links. This would result in undefined behavior"
  assert_equal "$(skiff ps -a -q | wc -l)" 0 "containers created"
}
