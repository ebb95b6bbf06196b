#!/usr/bin/env bats
# Port publishing, root only (see run-all.sh): UDP through skiff's forwarder.  Rootless UDP is
# pasta's, and Debian 12's pasta (2023-03) drops the replies of a loopback (spliced) UDP flow:
# the datagram reaches the container, its answer never comes back.  The test runs in a
# network namespace of its own (ip netns), like 65-ports.
load helpers

setup () {
  [ -n "$IMG" ] || fail "SKIFF_TEST_IMAGE is not set: setup_suite.bash did not run"
  netns_setup
  in_ns ip link set lo up
  PORT=18080
}

teardown () {
  netns_teardown
}

@test "ports: -p PORT/udp relays datagrams both ways" {
  skiff run -d --name udp1 -p "127.0.0.1:$PORT:5353/udp" "$IMG" sleep 600 >/dev/null
  local pid
  pid=$(skiff inspect --format '{{.State.Pid}}' udp1)
  # an echo server in the container's network namespace (busybox has no UDP server)
  background nsenter -t "$pid" -n timeout 20 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5353))
while True:
    d, a = s.recvfrom(100)
    s.sendto(b"echo:" + d, a)'
  run -0 in_ns python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
deadline = time.time() + 10
for m in (b"one", b"two"):
    while True:
        s.sendto(m, ("127.0.0.1", int(sys.argv[1])))
        try:
            print(s.recvfrom(100)[0].decode()); break
        except socket.timeout:
            if time.time() > deadline: sys.exit("no reply")' "$PORT"
  assert_equal "${lines[*]}" "echo:one echo:two" "the replies"
  run -0 skiff port udp1
  assert_equal "$output" "5353/udp -> 127.0.0.1:$PORT" "port"
}
