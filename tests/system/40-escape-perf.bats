#!/usr/bin/env bats
# Escape class: perf_event_open.  With kernel.perf_event_paranoid <= 2 any process may open
# counters on itself, a large attack surface with a history of privilege escalations and side
# channels.  docker's profile allows it only with CAP_SYS_ADMIN or CAP_PERFMON.

load helpers
load security-probe

setup_file () {
  build_security_probe
}

@test "perf: perf_event_open fails in a container, root and rootless" {
  run skiff run --rm "$SEC_IMG" /probe perf
  assert_equal "$output" "perf: Operation not permitted"
  assert_equal "$status" 1 "exit status"
}
