#!/usr/bin/env bats
# Escapes through device nodes: a root container has CAP_MKNOD, so only its device cgroup keeps
# it from making and opening a host disk, the console's ttys, fuse or the hardware RNG.  docker's
# allowlist (security-defaults.md §3) must apply to every container, foreground ones too, which
# also need their cgroup for pause.  Rootless containers get no device cgroup (as podman): their
# user namespace cannot mknod, and /dev holds only bind mounts of the harmless host nodes.

load helpers

# Host devices outside the allowlist that open on a host without a device cgroup: a loop disk,
# fuse, the first virtual console and the hardware RNG.
ESCAPE_NODES=("b 7 0" "c 10 229" "c 4 0" "c 10 183")

# For each "TYPE MAJOR MINOR": mknod it in /tmp, open it for reading and say how it went.
probe_script () {
  local d out=''
  for d in "$@"; do
    out+="if mknod /tmp/n $d; then if (exec 3</tmp/n) 2>/tmp/err; then echo '$d opened';"
    out+=" else echo \"$d refused: \$(cat /tmp/err)\"; fi; rm -f /tmp/n; fi; "
  done
  printf '%s' "$out"
}

# v1 controllers (this project's CI machines are hybrid) or one cgroup2 tree.
cgroup_v1 () {
  [ -d /sys/fs/cgroup/devices ]
}

# The container's cgroup directory holding CONTROLLER's files.
cgroup_dir () { # CONTROLLER ID
  if cgroup_v1; then echo "/sys/fs/cgroup/$1/skiff/$2"; else echo "/sys/fs/cgroup/skiff/$2"; fi
}

# Every directory of the container's cgroup that still exists, one per line.
cgroup_leftovers () { # ID
  compgen -G "/sys/fs/cgroup/*/skiff/$1" || true
  compgen -G "/sys/fs/cgroup/skiff/$1" || true
}

@test "devices: a host device node made in the container cannot be opened (EPERM), root and rootless" {
  run --separate-stderr skiff run --rm "$IMG" sh -c "$(probe_script "${ESCAPE_NODES[@]}")"
  if is_rootless; then
    # no CAP_MKNOD that counts in a user namespace: nothing is made, nothing opened
    assert_equal "$output" "" "devices opened"
    assert_equal "$(grep -c 'Operation not permitted' <<<"$stderr")" "${#ESCAPE_NODES[@]}" \
      "mknod failures in '$stderr'"
    run -0 skiff run --rm "$IMG" ls /dev
    local n
    for n in loop0 fuse tty0 hwrng kvm; do
      assert_not_contains " $(echo $output) " " $n " "the container's /dev"
    done
    return 0
  fi
  assert_equal "$status" 0 "probe exit status (stderr: $stderr)"
  local d
  for d in "${ESCAPE_NODES[@]}"; do
    assert_contains "$output" "$d refused: " "the open of $d"
    assert_match "$(grep "^$d refused" <<<"$output")" "Operation not permitted" "the open of $d"
  done
  assert_not_contains "$output" "opened" "device opens"
  # the issue's exact reproduction
  run -1 --separate-stderr skiff run --rm "$IMG" sh -c 'mknod /tmp/hd b 7 0 && head -c16 /tmp/hd'
  assert_contains "$stderr" "Operation not permitted" "reading a host loop device"
}

@test "devices: the allowlisted devices still work (null, zero, full, random, urandom, tty, ptmx, tun)" {
  local want="null-ok zero-ok urandom-ok random-ok full-ok ptmx-ok tty-ok tun-ok"
  is_rootless && want="${want% tun-ok} tun-no-mknod" # /dev/net/tun is not among the bound nodes
  run -0 --separate-stderr skiff run --rm "$IMG" sh -c '
    echo discarded >/dev/null && echo null-ok
    [ "$(head -c4 /dev/zero | od -An -tx1 | tr -d " ")" = 00000000 ] && echo zero-ok
    [ "$(head -c8 /dev/urandom | wc -c)" -eq 8 ] && echo urandom-ok
    [ "$(head -c8 /dev/random | wc -c)" -eq 8 ] && echo random-ok
    echo x 2>/tmp/full-err >/dev/full; grep -q "No space left" /tmp/full-err && echo full-ok
    exec 3<>/dev/ptmx && echo ptmx-ok; exec 3<&-
    # no controlling terminal: the tty driver says ENXIO, the device cgroup let it through
    (exec 4</dev/tty) 2>/tmp/tty-err; grep -q "No such device or address" /tmp/tty-err && echo tty-ok
    if mknod /tmp/tun c 10 200 2>/dev/null; then exec 5<>/tmp/tun && echo tun-ok; else echo tun-no-mknod; fi'
  assert_equal "$(echo $output)" "$want" "allowed devices (stderr: $stderr)"
}

@test "devices: a run -d container and exec into it are limited the same way" {
  skiff run -d --name devd "$IMG" sleep 600 >/dev/null
  run -0 --separate-stderr skiff exec devd sh -c "$(probe_script "b 7 0" "c 10 229")"
  if is_rootless; then
    assert_equal "$output" "" "devices opened"
    assert_equal "$(grep -c 'Operation not permitted' <<<"$stderr")" 2 "mknod failures in '$stderr'"
    return 0
  fi
  assert_equal "$(grep -c 'Operation not permitted' <<<"$output")" 2 "refused opens in '$output'"
  local id
  id=$(container_id_of devd)
  cgroup_v1 || return 0 # v2: a BPF program, nothing to list without bpftool
  run -0 cat "$(cgroup_dir devices "$id")/devices.list"
  assert_equal "$(paste -sd' ' <<<"$output")" \
    "c *:* m b *:* m c 1:3 rwm c 1:5 rwm c 1:7 rwm c 1:8 rwm c 1:9 rwm c 5:0 rwm c 5:1 rwm c 5:2 rwm c 136:* rwm c 10:200 rwm" \
    "devices.list of the container"
}

@test "foreground run: PID 1 is in the container's cgroup, gone afterwards (root; rootless: none)" {
  run -0 --separate-stderr skiff run --name fgcg "$IMG" cat /proc/1/cgroup
  local id
  id=$(container_id_of fgcg)
  [ -n "$id" ] || fail "no container fgcg"
  if is_rootless; then
    # no delegated cgroup here: PID 1 stays where the user is, skiff claims no cgroup
    assert_not_contains "$output" "/skiff/" "/proc/1/cgroup"
    return 0
  fi
  local c ctrls=(devices memory freezer pids)
  cgroup_v1 || ctrls=("")
  for c in "${ctrls[@]}"; do
    grep -qx "[0-9]*:$c:/skiff/$id" <<<"$output" || fail "no '$c:/skiff/$id' line in: $output"
  done
  assert_equal "$(cgroup_leftovers "$id")" "" "cgroups left after the container ended"
  # --rm too
  run -0 skiff run --rm "$IMG" sh -c 'cat /proc/1/cgroup'
  local rm_id
  rm_id=$(grep -o '/skiff/[0-9a-f]\{64\}$' <<<"$output" | head -1) || fail "no skiff cgroup in: $output"
  assert_equal "$(cgroup_leftovers "${rm_id##*/}")" "" "cgroups left after run --rm"
}

@test "foreground run: pause and unpause work as for a detached container (root; rootless: refused)" {
  background skiff run --name fgp "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; mv /tmp/n /tmp/last; sleep 0.05; done' \
    >"$BATS_TEST_TMPDIR/out" 2>&1
  local job=$! rc=0
  wait_for '[ "$(skiff inspect --format "{{.State.Status}}" fgp 2>/dev/null)" = running ]' 15 \
    || fail "fgp never ran"
  if is_rootless; then
    run -1 --separate-stderr skiff pause fgp
    assert_contains "$stderr" "pause is not supported for rootless containers"
  else
    run -0 --separate-stderr skiff pause fgp
    assert_equal "$output" fgp "pause output (stderr: $stderr)"
    local id
    id=$(container_id_of fgp)
    if cgroup_v1; then
      assert_equal "$(cat "$(cgroup_dir freezer "$id")/freezer.state")" FROZEN "freezer.state"
    else
      assert_contains "$(cat "$(cgroup_dir freezer "$id")/cgroup.events")" "frozen 1" "cgroup.events"
    fi
    assert_equal "$(skiff inspect --format '{{.State.Status}} {{.State.Paused}}' fgp)" "paused true"
    run -0 skiff unpause fgp
    assert_equal "$(skiff inspect --format '{{.State.Status}}' fgp)" running
    # the loop renames each count into place, so a read never sees a half-written file
    local t1=""
    wait_for 't1=$(skiff exec fgp cat /tmp/last 2>/dev/null) && [[ "$t1" =~ ^[0-9]+$ ]]' 5 \
      || fail "no count in /tmp/last: '$t1'"
    wait_for '[ "$(skiff exec fgp cat /tmp/last)" -gt "$t1" ]' 5 || fail "the loop did not go on after $t1"
  fi
  run -0 skiff rm -f fgp
  wait "$job" || rc=$?
  assert_equal "$rc" 137 "exit status of the foreground run after rm -f"
}
