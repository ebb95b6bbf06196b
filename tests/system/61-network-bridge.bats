#!/usr/bin/env bats
# The default bridge network skiff (10.88.0.0/16 on skiff0, a veth pair per container), root
# and rootless: address leases under concurrent runs and after a SIGKILLed monitor, system
# check of leases, -p through it, and legacy links (links.md).  Root: every test runs in a
# network namespace of its own (ip netns, skiff through nsenter), deleted afterwards; rootless:
# in skiff's own (bridge-helpers.bash), gone once no container is on a bridge.  Traffic goes
# between containers of the test only (and, for -p, from the host's loopback).  Root only:
# 61-network-bridge-root.bats.
load helpers
load bridge-helpers

setup () {
  bridge_setup
}

teardown () {
  netns_teardown
}

leases () {
  cat "$SKIFF_TEST_ROOT/networks/skiff.leases" 2>/dev/null || true
}

ip_of () { # NAME
  skiff inspect --format '{{.NetworkSettings.IPAddress}}' "$1"
}

@test "bridge: the default network gives eth0 an address, MTU, route, and a hosts line" {
  run -0 --separate-stderr skiff run --rm --name br1 "$IMG" sh -c \
    'ip -4 -o addr show eth0; cat /sys/class/net/eth0/mtu; ip route; ip -o link show lo; tail -n 1 /etc/hosts; hostname'
  assert_match "${lines[0]}" '^2: +eth0 +inet 10\.88\.[0-9]+\.[0-9]+/16 ' "eth0 address"
  local addr
  addr=$(sed -E 's/.*inet (10\.88\.[0-9.]+)\/16.*/\1/' <<<"${lines[0]}")
  assert_equal "${lines[1]}" 1500 "MTU"
  assert_equal "${lines[2]}" "default via 10.88.0.1 dev eth0 " "default route"
  assert_contains "${lines[4]}" "LOWER_UP" "lo is up"
  assert_equal "${lines[5]}" "$addr	${lines[6]} br1" "own hosts line"
  skiff run -d --name br2 "$IMG" sleep 600 >/dev/null
  run -0 in_bridge_ns ip -4 -o addr show skiff0
  assert_contains "$output" "inet 10.88.0.1/16" "the bridge's gateway address"
  run -0 skiff inspect --format '{{.HostConfig.NetworkMode}} {{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}} {{.NetworkSettings.Networks.skiff.IPAddress}}' br2
  assert_match "$output" '^bridge (10\.88\.[0-9.]+) 10\.88\.0\.1 16 \1$' "inspect"
  run -0 skiff exec br2 ip -4 -o addr show eth0
  assert_contains "$output" "inet $(ip_of br2)/16" "inspect's address is eth0's"
}

@test "bridge: a client reaches a server by IP and by --link alias" {
  skiff run -d --name srv "$IMG" sh -c \
    'mkdir /www && echo hello-from-srv > /www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
  local ip
  ip=$(ip_of srv)
  wait_for "skiff exec srv sh -c 'netstat -ltn | grep -q :80'" 10
  run -0 --separate-stderr skiff run --rm "$IMG" wget -q -O - "http://$ip/"
  assert_equal "$output" hello-from-srv "by IP"
  run -0 --separate-stderr skiff run --rm --link srv:web "$IMG" wget -q -O - http://web/
  assert_equal "$output" hello-from-srv "by link alias"
}

@test "bridge: -p 127.0.0.1:PORT:80 on the default bridge reaches the container from the host" {
  local port=18080
  if is_rootless; then port=$((20000 + RANDOM % 20000)); else in_ns ip link set lo up; fi
  skiff run -d --name pweb -p "127.0.0.1:$port:80" "$IMG" sh -c \
    'mkdir /www && echo hello-through-bridge > /www/index.html && exec httpd -f -p 80 -h /www' >/dev/null
  run -0 skiff inspect --format '{{.HostConfig.NetworkMode}}' pweb
  assert_equal "$output" bridge "the network mode"
  wait_for "skiff exec pweb sh -c 'netstat -ltn | grep -q :80'" 10
  run -0 in_ns wget -q -O - "http://127.0.0.1:$port/"
  assert_equal "$output" hello-through-bridge "from the host's loopback"
  run -0 skiff port pweb 80
  assert_equal "$output" "127.0.0.1:$port" "port"
  skiff rm -f pweb >/dev/null
  run ! in_ns wget -q -T 2 -O - "http://127.0.0.1:$port/"
}

@test "bridge: 50 parallel run -d get 50 distinct addresses, all released after rm" {
  local i pids=()
  for i in $(seq 1 50); do
    skiff run -d --name par$i "$IMG" sleep 600 >/dev/null &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || fail "a run -d failed"; done
  run -0 skiff inspect --format '{{.NetworkSettings.IPAddress}}' $(seq -f 'par%g' 1 50)
  assert_equal "$(printf '%s\n' "${lines[@]}" | grep -cE '^10\.88\.[0-9]+\.[0-9]+$')" 50 "addresses"
  assert_equal "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" 50 "distinct addresses"
  assert_equal "$(leases | wc -l)" 50 "leases"
  skiff rm -f $(seq -f 'par%g' 1 50) >/dev/null
  assert_equal "$(leases | wc -l)" 0 "leases after rm"
  run -0 skiff run --rm "$IMG" sh -c "ip -4 -o addr show eth0 | grep -o '10\.88\.[0-9.]*/'"
  assert_equal "$output" "10.88.0.2/" "the first address is free again"
}

@test "bridge: a SIGKILLed monitor's lease is reported by system check, repaired, and reaped" {
  skiff run -d --name mk1 "$IMG" sleep 600 >/dev/null
  local ip mon pid id
  ip=$(ip_of mk1)
  id=$(container_id_of mk1)
  mon=$(skiff inspect --format '{{.State.ConmonPid}}' mk1)
  pid=$(skiff inspect --format '{{.State.Pid}}' mk1)
  kill -KILL "$mon"
  wait_for "! kill -0 $pid 2>/dev/null" 10
  assert_contains "$(leases)" "$ip $id" "the lease is left behind"
  run -1 skiff system check
  assert_contains "$output" "network skiff: address $ip is leased to container $id, whose process is gone"
  run -0 skiff system check --repair
  assert_contains "$output" "address $ip is leased to container $id" "repair reports it"
  assert_equal "$(leases)" "" "leases after repair"
  run -0 skiff system check
  # the next start reaps a dead holder's lease by itself too
  skiff start mk1 >/dev/null
  mon=$(skiff inspect --format '{{.State.ConmonPid}}' mk1)
  pid=$(skiff inspect --format '{{.State.Pid}}' mk1)
  kill -KILL "$mon"
  wait_for "! kill -0 $pid 2>/dev/null" 10
  run -0 skiff run --rm "$IMG" sh -c "ip -4 -o addr show eth0 | grep -o '10\.88\.[0-9.]*/'"
  assert_equal "$output" "$ip/" "the dead holder's address was handed out again"
  assert_equal "$(leases)" "" "leases after the --rm run"
}

@test "link: hosts line and the variables of links.md's example, exactly" {
  skiff import -c 'EXPOSE 6379 6380' -c 'ENV REDIS_VERSION=7.2' \
    "$SKIFF_TEST_FIXTURE/rootfs.tar" skiff-test/redis-like >/dev/null
  skiff run -d --name db -e PASSWORD=s3cret skiff-test/redis-like sleep 600 >/dev/null
  local ip host
  ip=$(ip_of db)
  host=$(skiff inspect --format '{{.Config.Hostname}}' db)
  run -0 --separate-stderr skiff run --rm --name web --link db:cache "$IMG" \
    sh -c 'env | grep ^CACHE_ | sort; echo --; tail -n 2 /etc/hosts'
  local want
  want=$(sort <<EOT
CACHE_PORT=tcp://$ip:6379
CACHE_PORT_6379_TCP=tcp://$ip:6379
CACHE_PORT_6379_TCP_ADDR=$ip
CACHE_PORT_6379_TCP_PORT=6379
CACHE_PORT_6379_TCP_PROTO=tcp
CACHE_PORT_6380_TCP=tcp://$ip:6380
CACHE_PORT_6380_TCP_ADDR=$ip
CACHE_PORT_6380_TCP_PORT=6380
CACHE_PORT_6380_TCP_PROTO=tcp
CACHE_PORT_6379_TCP_START=tcp://$ip:6379
CACHE_PORT_6379_TCP_PORT_START=6379
CACHE_PORT_6379_TCP_END=tcp://$ip:6380
CACHE_PORT_6379_TCP_PORT_END=6380
CACHE_NAME=/web/cache
CACHE_ENV_PASSWORD=s3cret
CACHE_ENV_REDIS_VERSION=7.2
EOT
)
  assert_equal "${output%%$'\n'--*}" "$want" "link variables"
  assert_match "${output#*--$'\n'}" "^$ip	cache $host db"$'\n''10\.88\.[0-9.]+	[0-9a-f]{12} web$' "hosts tail"
  skiff create --name web2 --link db:cache --link db "$IMG" true >/dev/null
  run -0 skiff inspect --format '{{json .HostConfig.Links}}' web2
  assert_equal "$output" '["/db:/web2/cache","/db:/web2/db"]'
}

@test "link: a missing target fails at create (125), a stopped one at start (run 125, start 1)" {
  run -125 --separate-stderr skiff create --name lk1 --link bogus "$IMG" true
  assert_equal "$stderr" "Error: could not get container for bogus: No such container: bogus"
  assert_equal "$(skiff ps -a -q | wc -l)" 0 "containers after the failed create"
  skiff create --name db "$IMG" sleep 600 >/dev/null
  skiff create --name web --link db:pg "$IMG" true >/dev/null
  run -125 --separate-stderr skiff run --rm --name lk2 --link db:pg "$IMG" true
  assert_equal "$stderr" "Error: Cannot link to a non running container: /db AS /lk2/pg"
  run -1 --separate-stderr skiff start web  # docker start: the same text, exit 1
  assert_equal "$stderr" "Error: Cannot link to a non running container: /db AS /web/pg"
  skiff run -d --name nonet --network none "$IMG" sleep 600 >/dev/null
  run -125 --separate-stderr skiff run --rm --link nonet "$IMG" true
  assert_equal "$stderr" "Error: Cannot link to nonet, as it does not belong to the default network"
}

@test "link: rm of a linked target is refused unless -f" {
  skiff create --name db "$IMG" true >/dev/null
  skiff create --name web --link db:pg "$IMG" true >/dev/null
  run -1 --separate-stderr skiff rm db
  assert_equal "$stderr" "Error: container db has dependent containers which must be removed before it: web (their --link)"
  [ -n "$(container_id_of db)" ] || fail "db was removed"
  run -0 skiff rm -f db
  assert_equal "$(container_id_of db)" "" "db after rm -f"
  run -0 skiff inspect --format '{{json .HostConfig.Links}}' web
  assert_match "$output" '^\["/[0-9a-f]{64}:/web/pg"\]$' "the link names the gone target by ID"
}

@test "link: a chain db <- app <- web starts in dependency order; start web with its target stopped fails" {
  skiff create --name db "$IMG" sleep 600 >/dev/null
  skiff create --name app --link db "$IMG" sleep 600 >/dev/null
  skiff create --name web --link app "$IMG" sh -c 'env | grep -c ^APP_NAME=; sleep 600' >/dev/null
  run -0 skiff start web app db
  assert_equal "$output" $'db\napp\nweb' "start order"
  run -0 skiff inspect --format '{{.State.Running}}' db app web
  assert_equal "$output" $'true\ntrue\ntrue' "all running"
  skiff stop -t 0 web app db >/dev/null
  run -1 --separate-stderr skiff start web
  assert_equal "$stderr" "Error: Cannot link to a non running container: /app AS /web/app"
}

@test "bridge: a container restarted by its monitor (--restart) is attached again" {
  skiff run -d --name rs1 --restart always "$IMG" \
    sh -c 'ip -4 -o addr show eth0 | grep -o "inet 10\.88\.[0-9.]*"; sleep 0.3; exit 3' >/dev/null
  # the third run's line, not just its restart (the count goes up before it prints)
  wait_for '[ "$(skiff logs rs1 | wc -l)" -ge 3 ]' 30 \
    || fail "rs1 did not print three times: $(skiff inspect --format '{{.RestartCount}} {{.State.Status}}' rs1)"
  run -0 skiff logs rs1
  assert_match "${lines[2]}" '^inet 10\.88\.[0-9]+\.[0-9]+$' "eth0's address in the third run"
  assert_equal "$(leases | wc -l)" 1 "leases of the restarting container"
}
