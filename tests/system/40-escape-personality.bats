#!/usr/bin/env bats
# Escape class: personality.  Flags such as ADDR_NO_RANDOMIZE (no ASLR for what it execs next,
# a setuid binary included) or READ_IMPLIES_EXEC weaken exploit mitigations; docker's profile
# allows only the harmless personas (PER_LINUX, PER_LINUX32, UNAME26 and the query).

load helpers
load security-probe

setup_file () {
  build_security_probe
}

@test "personality: ADDR_NO_RANDOMIZE is refused in a container, root and rootless" {
  # the host allows it (else this test proves nothing)
  run -0 "$SEC_PROBE" personality
  run skiff run --rm "$SEC_IMG" /probe personality
  assert_equal "$output" "personality: Operation not permitted"
  assert_equal "$status" 1 "exit status"
  # the query stays allowed: busybox's setarch/linux32 and libc need it
  run -0 skiff run --rm "$IMG" cat /proc/self/personality
  assert_equal "$output" 00000000 "the container's personality"
}
