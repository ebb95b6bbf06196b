#!/usr/bin/env bats
# Recovery checks that need root: the cgroups a killed start leaves (listed in ROOT_ONLY_FILES
# in tests/run-all.sh: rootless without a delegated subtree no container has a cgroup).
load helpers

teardown () {
  skiff rm -fa >/dev/null 2>&1 || true
  local d
  if [ -e "$BATS_TEST_TMPDIR/cgroups" ]; then
    while read -r d; do [ ! -d "$d" ] || rmdir "$d"; done <"$BATS_TEST_TMPDIR/cgroups"
  fi
}

@test "system check: the cgroup of a container that does not run (a start killed before it saved the state); --repair removes it" {
  local id d
  id=$(skiff create --name cgleft "$IMG" true)
  # where start puts a container: the v2 root, or each v1 controller's hierarchy
  local dirs=()
  if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    dirs=(/sys/fs/cgroup)
  else
    for d in cpu cpuacct cpuset memory devices freezer blkio pids; do
      [ -d "/sys/fs/cgroup/$d" ] && dirs+=("/sys/fs/cgroup/$d")
    done
  fi
  for d in "${dirs[@]}"; do
    mkdir -p "$d/skiff/$id"
    echo "$d/skiff/$id" >>"$BATS_TEST_TMPDIR/cgroups" # for teardown, should the test fail
  done
  run skiff system check
  assert_equal "$status" 1
  assert_contains "$output" "container ${id:0:12}: leftover cgroup skiff/$id"
  run skiff system check --repair
  assert_equal "$status" 0
  run skiff system check
  assert_equal "$output" "" "system check after --repair"
  for d in "${dirs[@]}"; do
    [ ! -d "$d/skiff/$id" ] || fail "cgroup $d/skiff/$id is still there"
  done
  skiff rm cgleft
}
