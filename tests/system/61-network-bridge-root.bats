#!/usr/bin/env bats
# Root only (see run-all.sh): resolv.conf of the default bridge from the host's without its
# loopback resolvers (a bind mount over the host's /etc/resolv.conf), and --network ns:PATH
# (rootless, a container's namespace belongs to its own user namespace).  Every test in a
# network namespace of its own (ip netns, skiff through nsenter), deleted afterwards.
load helpers

setup () {
  netns_setup
}

teardown () {
  netns_teardown
}

@test "bridge: resolv.conf is the host's without loopback nameservers (host network: with them)" {
  local fake=$BATS_TEST_TMPDIR/resolv.conf
  printf 'search example.test\nnameserver 127.0.0.53\nnameserver 192.0.2.1\nnameserver ::1\noptions edns0\n' >"$fake"
  run -0 --separate-stderr unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
    sh "$fake" nsenter --net="/run/netns/$NS" "$SKIFF" --root "$SKIFF_TEST_ROOT" \
    --runroot "$SKIFF_TEST_RUNROOT" run --rm "$IMG" cat /etc/resolv.conf
  assert_equal "$output" $'search example.test\nnameserver 192.0.2.1\noptions edns0' "resolv.conf"
  # the host's own network reaches its loopback resolvers: kept
  run -0 --separate-stderr unshare -m sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
    sh "$fake" nsenter --net="/run/netns/$NS" "$SKIFF" --root "$SKIFF_TEST_ROOT" \
    --runroot "$SKIFF_TEST_RUNROOT" run --rm --network host "$IMG" cat /etc/resolv.conf
  assert_equal "$output" "$(cat "$fake")" "resolv.conf with --network host"
}

@test "--network ns:PATH joins that namespace" {
  skiff run -d --name ns1 --network none "$IMG" sleep 600 >/dev/null
  run -0 skiff inspect --format '{{.State.Pid}}' ns1
  local pid=$output
  run -0 skiff exec ns1 readlink /proc/self/ns/net
  local ns=$output
  run -0 skiff run --rm --network "ns:/proc/$pid/ns/net" "$IMG" readlink /proc/self/ns/net
  assert_equal "$output" "$ns" "namespace"
  run -125 --separate-stderr skiff run --rm --network ns:/no/such/ns "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "/no/such/ns"
}
