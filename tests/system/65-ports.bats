#!/usr/bin/env bats
# Port publishing: -p, -P, --expose; port, ps and inspect; the helper that carries the
# traffic (root: skiff's forwarder, a child of the monitor; rootless: pasta) gone after rm and
# after a SIGKILLed monitor.  Root: every test in a network namespace of its own (ip netns,
# skiff and the host-side wget through nsenter), port 18080.  Rootless: the user cannot make a
# network namespace in which skiff's own user namespace still gets its subuid range (newuidmap
# refuses inside one), and pasta's host side is the namespace skiff runs in; so rootless tests
# use the host's loopback only (127.0.0.1, a random high port) and no traffic leaves it.
# Rootless needs /dev/net/tun mode 0666 (run-all.sh sets it, as root, before that pass).
load helpers

setup () {
  [ -n "$IMG" ] || fail "SKIFF_TEST_IMAGE is not set: setup_suite.bash did not run"
  netns_setup
  if is_rootless; then
    PORT=$((20000 + RANDOM % 20000))
  else
    in_ns sh -e -c 'ip link set lo up
      # an interface with a default route for pasta to copy (nothing answers behind it)
      ip link add h0 type veth peer name h1
      ip addr add 192.0.2.1/24 dev h0
      ip link set h0 up && ip link set h1 up
      ip route add default via 192.0.2.254 dev h0'
    PORT=18080
  fi
}

teardown () {
  netns_teardown
}

# The pid of the process carrying a container's ports (from its record).
helper_of () { # NAME
  awk '$1 == "helper" { print $2 }' "$SKIFF_TEST_ROOT/containers/$(container_id_of "$1")/ports"
}

HTTPD='mkdir /www && echo hello-from-ctr > /www/index.html && exec httpd -f -p 80 -h /www'

@test "ports: -p 127.0.0.1:PORT:80 reaches the container from the host; port, ps, inspect show it; rm stops the helper" {
  skiff run -d --name web -p "127.0.0.1:$PORT:80" "$IMG" sh -c "$HTTPD" >/dev/null
  wait_for "skiff exec web sh -c 'netstat -ltn | grep -q :80'" 10
  run -0 in_ns timeout 5 busybox wget -q -O - "http://127.0.0.1:$PORT/"
  assert_equal "$output" hello-from-ctr "the page through the published port"
  run -0 skiff port web
  assert_equal "$output" "80/tcp -> 127.0.0.1:$PORT" "port"
  run -0 skiff port web 80/tcp
  assert_equal "$output" "127.0.0.1:$PORT" "port 80/tcp"
  run -0 skiff ps --format '{{.Names}} {{.Ports}}'
  assert_equal "$output" "web 127.0.0.1:$PORT->80/tcp" "ps PORTS"
  run -0 skiff inspect --format '{{json .HostConfig.PortBindings}} {{json .NetworkSettings.Ports}}' web
  assert_equal "$output" "{\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$PORT\"}]} {\"80/tcp\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":\"$PORT\"}]}" "inspect"
  run -1 --separate-stderr skiff port web 81
  assert_equal "$stderr" "Error: No public port '81' published for web" "an unpublished port"
  local helper
  helper=$(helper_of web)
  [ -n "$helper" ] && kill -0 "$helper" || fail "no live helper recorded"
  skiff rm -f web >/dev/null
  ! kill -0 "$helper" 2>/dev/null || fail "helper $helper still runs after rm"
  run in_ns timeout 5 busybox wget -q -O - "http://127.0.0.1:$PORT/"
  [ "$status" -ne 0 ] || fail "the port still answers after rm"
}

@test "ports: -P publishes every exposed port on a free host port" {
  skiff run -d --name allp -P --expose 7000-7001 "$IMG" sh -c \
    'mkdir /www && echo seven > /www/index.html && exec httpd -f -p 7000 -h /www' >/dev/null
  run -0 skiff port allp
  assert_match "${lines[0]}" '^7000/tcp -> 0\.0\.0\.0:[0-9]+$' "7000"
  assert_match "${lines[1]}" '^7001/tcp -> 0\.0\.0\.0:[0-9]+$' "7001"
  assert_equal "${#lines[@]}" 2 "two mappings"
  local p7000 p7001
  p7000=${lines[0]##*:}
  p7001=${lines[1]##*:}
  run -0 skiff ps --format '{{.Ports}}'
  assert_equal "$output" "0.0.0.0:$p7000->7000/tcp, 0.0.0.0:$p7001->7001/tcp" "ps PORTS"
  run -0 skiff inspect --format '{{.HostConfig.PublishAllPorts}} {{json .Config.ExposedPorts}}' allp
  assert_equal "$output" 'true {"7000/tcp":{},"7001/tcp":{}}' "inspect"
  wait_for "skiff exec allp sh -c 'netstat -ltn | grep -q :7000'" 10
  run -0 in_ns timeout 5 busybox wget -q -O - "http://127.0.0.1:$p7000/"
  assert_equal "$output" seven "through the -P port"
}

@test "ports: bad -p and --expose values are refused with docker's texts, exit 125, nothing made" {
  local before
  before=$(all_container_ids)
  local -a cases=(
    "-p 80/bogus|Error: Invalid proto: bogus"
    "-p abc|Error: Invalid containerPort: abc"
    "-p 70000:80|Error: Invalid hostPort: 70000"
    "-p 1.2.3:80:80|Error: Invalid ip address: 1.2.3"
    "-p 8080-8081:80-85|Error: Invalid ranges specified for container and host Ports: 80-85 and 8080-8081"
    "-p 127.0.0.1::|Error: No port specified: 127.0.0.1::<empty>"
    "--expose 1:2|Error: invalid port format for --expose: 1:2"
  )
  local c
  for c in "${cases[@]}"; do
    # shellcheck disable=SC2086
    run -125 --separate-stderr skiff run --rm ${c%%|*} "$IMG" true
    assert_one_line_error "$stderr"
    assert_equal "$stderr" "${c#*|}" "${c%%|*}"
  done
  assert_equal "$(all_container_ids)" "$before" "no container made"
}

@test "ports: a SIGKILLed monitor takes its helper along; the port is free again; a port in use fails the start" {
  skiff run -d --name killed -p "127.0.0.1:$PORT:80" "$IMG" sleep 600 >/dev/null
  local helper monitor
  helper=$(helper_of killed)
  monitor=$(skiff inspect --format "{{.State.ConmonPid}}" killed)
  kill -0 "$helper" || fail "no live helper"
  kill -KILL "$monitor"
  wait_for "! kill -0 $helper 2>/dev/null" 10 || fail "helper $helper outlived its monitor"
  skiff rm -f killed >/dev/null
  skiff run -d --name k2 -p "127.0.0.1:$PORT:80" "$IMG" sleep 600 >/dev/null
  run -0 skiff port k2 80
  assert_equal "$output" "127.0.0.1:$PORT" "the same port again"
  run -125 --separate-stderr skiff run --rm -p "127.0.0.1:$PORT:80" "$IMG" true
  assert_equal "$stderr" "Error: Bind for 127.0.0.1:$PORT failed: port is already allocated" \
    "a port in use"
}

@test "ports: ps --filter publish= and expose= match docker's ports, ranges and protocols" {
  skiff create --name fp80 -p "127.0.0.1:$PORT:80" "$IMG" true >/dev/null
  skiff create --name fpu -p "$((PORT + 1)):53/udp" "$IMG" true >/dev/null
  skiff create --name fe7 --expose 7000-7001 "$IMG" true >/dev/null
  skiff create --name fnone "$IMG" true >/dev/null
  local f want
  for f in "publish=80|fp80" "publish=80/tcp|fp80" "publish=53/udp|fpu" "publish=53|" \
    "publish=1-100|fp80" "expose=7001|fe7" "expose=80|fp80" "expose=53/udp|fpu" \
    "expose=6000-7000|fe7"; do
    want=${f#*|}
    run -0 skiff ps -a --filter "${f%%|*}" --format '{{.Names}}'
    assert_equal "$output" "$want" "--filter ${f%%|*}"
  done
  run -1 --separate-stderr skiff ps -a --filter publish=abc
  assert_one_line_error "$stderr"
  run -1 --separate-stderr skiff ps -a --filter expose=80/xyz
  assert_one_line_error "$stderr"
}

@test "ports: --network pasta gives the container the host side's address and a default route" {
  run -0 --separate-stderr skiff run --rm --network pasta "$IMG" ip -4 route show default
  assert_match "$output" '^default via [0-9.]+ dev ' "the default route"
  run -0 skiff run --rm -p "127.0.0.1:$PORT:80" --network pasta "$IMG" sh -c \
    "ip -4 -o addr show | grep -c 'scope global'"
  assert_equal "$output" 1 "an address of the host side's"
}

@test "ports: --network pasta without the pasta binary is a one-line error naming it" {
  local bin=$BATS_TEST_TMPDIR/bin ns=()
  mkdir "$bin"
  ln -s /usr/bin/newuidmap /usr/bin/newgidmap "$bin/"
  [ -z "$NS" ] || ns=(nsenter --net="/run/netns/$NS")
  run -125 --separate-stderr timeout 60 "${ns[@]}" env PATH="$bin" "$SKIFF" \
    --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" run --rm --network pasta "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "needs pasta: executable file not found in \$PATH" "the error"
}
