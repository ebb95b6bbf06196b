#!/usr/bin/env bats
# Escape class: nested user namespaces.  Inside a user namespace of its own a container's
# process has every capability again (over that namespace's objects), which opens kernel code
# that is otherwise root-only (netfilter, mounts of some filesystems, ...): the source of many
# local privilege escalations.  docker's seccomp profile denies unshare and the namespace
# flags of clone (and clone3 entirely) without CAP_SYS_ADMIN.

load helpers
load security-probe

setup_file () {
  build_security_probe
}

@test "userns: unshare -U fails in a container, root and rootless" {
  run skiff run --rm "$SEC_IMG" /probe userns
  assert_equal "$output" "userns: Operation not permitted"
  assert_equal "$status" 1 "exit status"
  run skiff run --rm "$IMG" unshare -U true
  assert_equal "$status" 1 "busybox unshare -U: exit status ($output)"
  assert_contains "$output" "Operation not permitted"
}

@test "userns: clone with CLONE_NEWUSER fails too (unshare -U -f, busybox's fork path)" {
  run skiff run --rm "$IMG" unshare -U -f true
  assert_equal "$status" 1 "exit status ($output)"
  assert_contains "$output" "Operation not permitted"
}
