#!/usr/bin/env bats
# What a default container may do (security-defaults.md): docker's capabilities, its seccomp
# profile, no_new_privs on request (also for exec), masked and read-only kernel paths, and
# --privileged lifting all of it.  Raw syscalls come from fixture/probe-security.c (/probe).

load helpers
load security-probe

DEFAULT_CAPS=00000000a80425fb

setup_file () {
  build_security_probe
}

teardown () {
  skiff rm -f -a >/dev/null 2>&1 || true
}

status_field () { # OUTPUT FIELD: the value of "FIELD:\t..." in /proc/self/status text
  awk -v f="$2:" '$1 == f { print $2 }' <<<"$1"
}

@test "security: a default container has docker's capabilities and seccomp filter, no no_new_privs" {
  run -0 skiff run --rm "$IMG" cat /proc/self/status
  assert_equal "$(status_field "$output" CapEff)" "$DEFAULT_CAPS" "CapEff"
  assert_equal "$(status_field "$output" CapBnd)" "$DEFAULT_CAPS" "CapBnd"
  assert_equal "$(status_field "$output" CapInh)" 0000000000000000 "CapInh"
  assert_equal "$(status_field "$output" CapAmb)" 0000000000000000 "CapAmb"
  assert_equal "$(status_field "$output" Seccomp)" 2 "Seccomp"
  assert_equal "$(status_field "$output" NoNewPrivs)" 0 "NoNewPrivs"
}

@test "security: --security-opt no-new-privileges sets NoNewPrivs: 1, in exec too; =false does not" {
  run -0 skiff run --rm --security-opt no-new-privileges "$IMG" cat /proc/self/status
  assert_equal "$(status_field "$output" NoNewPrivs)" 1 "NoNewPrivs"
  run -0 skiff run --rm --security-opt no-new-privileges=false "$IMG" cat /proc/self/status
  assert_equal "$(status_field "$output" NoNewPrivs)" 0 "NoNewPrivs with =false"
  skiff run -d --name nnp --security-opt no-new-privileges=true "$IMG" sleep 100 >/dev/null
  run -0 skiff exec nnp cat /proc/self/status
  assert_equal "$(status_field "$output" NoNewPrivs)" 1 "NoNewPrivs in exec"
  assert_equal "$(status_field "$output" Seccomp)" 2 "Seccomp in exec"
  run -0 skiff exec -u 1000 nnp cat /proc/self/status
  assert_equal "$(status_field "$output" CapEff)" 0000000000000000 "CapEff of a non-root exec"
}

@test "security: keyctl, add_key, unshare -U, mount, reboot, kexec_load fail with EPERM" {
  local c
  for c in keyctl "add-key skiff-58 secret" userns mount reboot kexec; do
    run -1 skiff run --rm "$SEC_IMG" /probe $c
    assert_equal "$output" "${c%% *}: Operation not permitted" "probe $c"
  done
  run -1 skiff run --rm "$IMG" unshare -U true
  assert_contains "$output" "Operation not permitted" "busybox unshare -U"
}

@test "security: /proc/kcore reads empty, /proc/sys and /proc/sysrq-trigger refuse writes" {
  run -0 skiff run --rm "$IMG" sh -c 'cat /proc/kcore 2>/dev/null | wc -c'
  assert_equal "$output" 0 "bytes read from /proc/kcore"
  run -0 skiff run --rm "$IMG" sh -c \
    '(echo 1 > /proc/sys/net/ipv4/ip_forward) 2>&1 && echo sys-written; (: > /proc/sysrq-trigger) 2>&1 && echo sysrq-opened; true'
  assert_not_contains "$output" "written" "/proc/sys write"
  assert_not_contains "$output" "opened" "/proc/sysrq-trigger open for writing"
  assert_contains "$output" "Read-only file system" "the errors"
}

@test "security: --privileged behaves like the host's root (rootless: its user namespace's)" {
  run -0 skiff run --rm --privileged "$IMG" cat /proc/self/status
  assert_equal "$(status_field "$output" Seccomp)" 0 "Seccomp"
  # every capability we hold: the host's bounding set, or a fresh user namespace's full set
  local all
  all=$(status_field "$(cat /proc/self/status)" CapBnd)
  is_rootless && all=$(printf '%016x' $(((1 << ($(cat /proc/sys/kernel/cap_last_cap) + 1)) - 1)))
  assert_equal "$(status_field "$output" CapEff)" "$all" "CapEff"
  local c
  for c in keyctl userns mount; do
    run -0 skiff run --rm --privileged "$SEC_IMG" /probe $c
  done
  # past the capability checks: what the kernel says to root for these arguments
  run -1 skiff run --rm --privileged "$SEC_IMG" /probe reboot
  assert_equal "$output" "reboot: Invalid argument"
  run -1 skiff run --rm --privileged "$SEC_IMG" /probe kexec
  # EINVAL for the flags, or ENOSYS from a kernel without kexec: not the filter's EPERM; a
  # user namespace's root lacks CAP_SYS_BOOT where kexec checks it (the initial namespace)
  if is_rootless; then
    assert_match "$output" "^kexec: (Operation not permitted|Function not implemented)$"
  else
    assert_match "$output" "^kexec: (Invalid argument|Function not implemented)$"
  fi
  # the container's own network namespace: a harmless sysctl to write
  run -0 skiff run --rm --privileged "$IMG" sh -c \
    'echo 1 > /proc/sys/net/ipv4/ip_forward && cat /proc/sys/net/ipv4/ip_forward && mount | grep " /sys "'
  assert_match "$output" "^1" "/proc/sys/net/ipv4/ip_forward written"
  assert_match "$output" "sysfs on /sys type sysfs \(rw," "/sys"
  # no device cgroup rules: a node outside docker's allowlist (fuse) opens
  if ! is_rootless; then
    run -0 skiff run --rm --privileged "$IMG" sh -c 'mknod /tmp/fuse c 10 229 && (exec 3</tmp/fuse) && echo opened'
    assert_equal "$output" opened "fuse opened with --privileged"
  fi
  if [ -e /proc/sysrq-trigger ]; then # not on every kernel (CONFIG_MAGIC_SYSRQ)
    run -0 skiff run --rm --privileged "$IMG" sh -c '(: > /proc/sysrq-trigger) && echo sysrq-opened'
    assert_equal "$output" "sysrq-opened" "/proc/sysrq-trigger opened for writing"
  fi
}

@test "security: --privileged has every host device (root: made; rootless: bound), the default none of them" {
  # the host's device nodes outside docker's default set, with their type and numbers
  local want
  want=$(cd /dev && find . -maxdepth 1 \( -type c -o -type b \) ! -name console ! -name ptmx \
    ! -name null ! -name zero ! -name full ! -name random ! -name urandom ! -name tty \
    -printf '%f\n' | sort | head -20)
  [ -n "$want" ] || fail "the host has no device nodes beyond the default ones to compare"
  local names
  names=$(echo "$want" | tr '\n' ' ')
  run -0 skiff run --rm --privileged "$IMG" sh -c "cd /dev && for n in $names; do
      [ -c \$n ] && t=c; [ -b \$n ] && t=b; echo \$n \${t:-missing} \$(stat -c '%t:%T' \$n); done"
  local expect
  expect=$(cd /dev && for n in $names; do
    t=c; [ -b "$n" ] && t=b; echo "$n $t $(stat -c '%t:%T' "$n")"; done)
  assert_equal "$output" "$expect" "the host's devices in a --privileged container"
  run -0 skiff run --rm "$IMG" sh -c "cd /dev && for n in $names; do [ -e \$n ] && echo \$n; done; true"
  assert_equal "$output" "" "host devices in a default container"
}

@test "security: --cap-add, --cap-drop (ALL), and a non-root user's capabilities" {
  run -0 skiff run --rm --cap-drop ALL "$IMG" grep CapEff /proc/self/status
  assert_equal "$(status_field "$output" CapEff)" 0000000000000000
  run -0 skiff run --rm --cap-drop ALL --cap-add chown "$IMG" grep CapEff /proc/self/status
  assert_equal "$(status_field "$output" CapEff)" 0000000000000001
  run -0 skiff run --rm --cap-drop net_raw --cap-add CAP_SYS_ADMIN "$IMG" cat /proc/self/status
  assert_equal "$(status_field "$output" CapEff)" 00000000a82405fb "CapEff"
  # CAP_SYS_ADMIN opens the profile's mount and unshare rules
  run -0 skiff run --rm --cap-add sys_admin "$SEC_IMG" /probe mount
  run -0 skiff run --rm -u 1000 "$IMG" cat /proc/self/status
  assert_equal "$(status_field "$output" CapEff)" 0000000000000000 "non-root CapEff"
  assert_equal "$(status_field "$output" CapBnd)" "$DEFAULT_CAPS" "non-root CapBnd"
  run -0 skiff run --rm -u 1000 --cap-add net_bind_service "$IMG" cat /proc/self/status
  assert_equal "$(status_field "$output" CapEff)" 0000000000000400 "non-root CapEff with --cap-add"
  assert_equal "$(status_field "$output" CapAmb)" 0000000000000400 "non-root CapAmb with --cap-add"
  run --separate-stderr -125 skiff run --rm --cap-add bogus "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" 'unknown capability: "CAP_BOGUS"'
}

@test "security: a custom seccomp profile blocking mkdir with errno 1; unconfined" {
  cat >"$BATS_TEST_TMPDIR/nomkdir.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
  run -1 skiff run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/nomkdir.json" "$IMG" mkdir /x
  assert_contains "$output" "Operation not permitted" "mkdir"
  skiff run -d --name prof --security-opt "seccomp=$BATS_TEST_TMPDIR/nomkdir.json" "$IMG" sleep 100 >/dev/null
  # the container keeps the profile it was created with; its execs get it too
  rm "$BATS_TEST_TMPDIR/nomkdir.json"
  run -1 skiff exec prof mkdir /y
  assert_contains "$output" "Operation not permitted" "mkdir in exec"
  run -0 skiff run --rm --security-opt seccomp=unconfined "$IMG" grep Seccomp: /proc/self/status
  assert_equal "$(status_field "$output" Seccomp)" 0
}

@test "security: a malformed seccomp profile is refused naming the file and key, exit 125" {
  local p=$BATS_TEST_TMPDIR/bad.json before
  before=$(all_container_ids)
  echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_BOGUS"}]}' >"$p"
  run --separate-stderr -125 skiff run --rm --security-opt "seccomp=$p" "$IMG" true
  assert_one_line_error "$stderr"
  assert_equal "$stderr" "Error: seccomp profile $p: \"syscalls[0].action\": unknown action SCMP_ACT_BOGUS"
  echo '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read", "mkdirr"], "action": "SCMP_ACT_ALLOW"}]}' >"$p"
  run --separate-stderr -125 skiff create --security-opt "seccomp=$p" "$IMG" true
  assert_equal "$stderr" "Error: seccomp profile $p: \"syscalls[0].names[1]\": unknown syscall mkdirr"
  echo '{"defaultAction": ' >"$p"
  run --separate-stderr -125 skiff run --rm --security-opt "seccomp=$p" "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "$p"
  run --separate-stderr -125 skiff run --rm --security-opt seccomp=/nonexistent.json "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "opening seccomp profile (/nonexistent.json) failed"
  run --separate-stderr -125 skiff run --rm --security-opt bogus "$IMG" true
  assert_equal "$stderr" 'Error: Invalid --security-opt: "bogus"'
  assert_equal "$(all_container_ids)" "$before" "containers after the failures"
}

@test "security: mask= and unmask= (podman), --read-only with writable /tmp, /run, /dev/shm" {
  run -0 skiff run --rm --security-opt mask=/etc/passwd "$IMG" sh -c 'wc -c < /etc/passwd'
  assert_equal "$output" 0 "bytes of a masked /etc/passwd"
  run -0 skiff run --rm "$IMG" sh -c 'mount | grep -c " /proc/sys "'
  run -0 skiff run --rm --security-opt unmask=/proc/sys "$IMG" sh -c 'mount | grep -c " /proc/sys " || true'
  assert_equal "$output" 0 "/proc/sys mounts with unmask=/proc/sys"
  run -0 skiff run --rm --security-opt unmask=ALL "$IMG" sh -c 'mount | grep -cE " /proc/(sys|keys|timer_list) " || true'
  assert_equal "$output" 0 "masks with unmask=ALL"
  run -0 skiff run --rm --read-only "$IMG" sh -c \
    'touch /x 2>&1; for d in /tmp /run /var/tmp /dev/shm; do touch $d/f && echo "$d ok"; done'
  assert_contains "$output" "Read-only file system" "a write to /"
  local d
  for d in /tmp /run /var/tmp /dev/shm; do assert_contains "$output" "$d ok"; done
  run -0 skiff run --rm --read-only --read-only-tmpfs=false "$IMG" sh -c 'touch /tmp/f 2>&1; true'
  assert_contains "$output" "Read-only file system" "/tmp without --read-only-tmpfs"
}
