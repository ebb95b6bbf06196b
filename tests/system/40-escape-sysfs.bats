#!/usr/bin/env bats
# Escape class: writing /sys.  sysfs is the host's (only a few directories are namespaced):
# a write there changes the host's kernel (ksm, uevent_helper, power state...).  It is mounted
# read-only and cannot be remounted without CAP_SYS_ADMIN (denied by the filter's mount rule).

load helpers

@test "sysfs: a container cannot write /sys or remount it read-write, root and rootless" {
  local ksm=/sys/kernel/mm/ksm/run
  # the value written back is the current one: a hole would change nothing on the host
  run skiff run --rm "$IMG" sh -c "v=\$(cat $ksm) && echo \$v > $ksm && echo written"
  assert_not_contains "$output" written "write of $ksm"
  assert_contains "$output" "Read-only file system" "write of $ksm"
  run skiff run --rm "$IMG" sh -c 'mount -o remount,rw /sys && echo remounted'
  assert_not_contains "$output" remounted "remount of /sys"
  run skiff run --rm "$IMG" sh -c 'mkdir /sys/fs/cgroup/skiff-escape && echo made'
  assert_not_contains "$output" made "mkdir under /sys/fs/cgroup"
  [ ! -e /sys/fs/cgroup/skiff-escape ] || fail "/sys/fs/cgroup/skiff-escape exists on the host"
}
