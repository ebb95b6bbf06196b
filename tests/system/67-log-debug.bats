#!/usr/bin/env bats
# --log-level debug: each lifecycle step of run in podman's line shape (time= level=debug
# msg=...), the CLI's on its stderr, the monitor's in the container's monitor.log; nothing at
# the default level.

load helpers

@test "--log-level debug logs run's steps: create, start, mount, cgroup, network, spawn, wait, cleanup" {
  run -0 --separate-stderr skiff --log-level debug run --name dbg "$IMG" true
  local step
  for step in "create: image $IMG is " "create: container " "start: " "attach: the monitor of "; do
    assert_match "$stderr" "(^|"$'\n'")time=\"[0-9T:+-]+\" level=debug msg=\"$step" "CLI step $step"
  done
  local log
  log=$SKIFF_TEST_ROOT/containers/$(container_id_of dbg)/monitor.log
  for step in mount: cgroup: network: spawn: wait: cleanup:; do
    grep -q "level=debug msg=\"$step " "$log" || fail "no '$step' line in monitor.log: $(cat "$log")"
  done
  run -0 --separate-stderr skiff run --rm "$IMG" true
  assert_equal "$stderr" "" "the default level"
}
