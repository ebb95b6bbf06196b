#!/usr/bin/env bats
# Escape class: the container's monitor.  A detached container's monitor (its PID 1's parent,
# on the host) must be out of reach: neither signalled nor traced from inside, so that the
# container cannot take over or kill what records its exit and relays its logs.

load helpers
load security-probe

setup_file () {
  build_security_probe
}

teardown () {
  skiff rm -f -a >/dev/null 2>&1 || true
}

@test "monitor: a container can neither kill nor ptrace its monitor, root and rootless" {
  skiff run -d --name mon "$SEC_IMG" sleep 300 >/dev/null
  local mon
  mon=$(skiff inspect --format '{{.State.ConmonPid}}' mon)
  [ "$mon" -gt 0 ] && kill -0 "$mon" || fail "no live monitor: '$mon'"
  # the monitor's pid names nothing (or something of the container's own) in its PID namespace
  run skiff exec mon /probe ptrace "$mon"
  assert_not_contains "$output" "ptrace: ok" "ptrace of the monitor's pid"
  run skiff exec mon /probe kill "$mon"
  assert_not_contains "$output" "kill: ok" "kill of the monitor's pid"
  # PID 1's parent is outside: getppid says 0, and every process kill -1 reaches is inside
  run -0 skiff exec mon sh -c 'grep PPid /proc/1/status'
  assert_match "$output" "PPid:[[:space:]]+0$" "PID 1's parent"
  run skiff exec mon kill -9 -1
  kill -0 "$mon" || fail "the monitor died"
  assert_equal "$(ps -o ppid= -p "$mon" | tr -d ' ')" 1 "the monitor's parent (init)"
}
