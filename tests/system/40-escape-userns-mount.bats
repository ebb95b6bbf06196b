#!/usr/bin/env bats
# Escape class: mounts inside a nested user namespace.  A container that may create a user
# namespace becomes its root and may then mount tmpfs (and other FS_USERNS_MOUNT filesystems),
# reaching filesystem code the container's own capabilities never allowed.

load helpers
load security-probe

setup_file () {
  build_security_probe
}

@test "userns-mount: a tmpfs mount in a nested user namespace fails, root and rootless" {
  run skiff run --rm "$SEC_IMG" /probe userns-tmpfs
  assert_equal "$output" "userns-tmpfs: Operation not permitted"
  assert_equal "$status" 1 "exit status"
  run skiff run --rm "$SEC_IMG" /probe mount
  assert_equal "$output" "mount: Operation not permitted" "a plain mount"
}
