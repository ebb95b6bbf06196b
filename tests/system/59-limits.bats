#!/usr/bin/env bats
# Resource limits and namespace modes of run/create: cgroup limits (--memory, --cpus,
# --pids-limit, ...), devices, --ulimit, --shm-size, --sysctl, --ipc, --pid, --uts, --cgroupns.
# Each effect is checked where a user sees it: inside the container (/proc/self/limits,
# /sys/fs/cgroup, hostname, /proc/self/ns), in inspect's HostConfig under docker's names, and
# in the exit status.  Rootless on a host without cgroup delegation (this project's CI: the
# hybrid layout) a container has no cgroup: a limit is not applied and skiff says so in one
# warning line; the tests assert that instead of the limit.

load helpers

LIMIT_WARNING="skiff: warning: resource limits are ignored: rootless without a delegated cgroup, the container runs without one"

# The controller file of the container's own cgroup as the container sees it (v1 or v2 name).
cg_file () { # V1-PATH V2-FILE
  if [ -d /sys/fs/cgroup/memory ]; then echo "/sys/fs/cgroup/$1"; else echo "/sys/fs/cgroup/$2"; fi
}

# The host's directory of the container's cgroup for CONTROLLER.
host_cg_dir () { # CONTROLLER ID
  if [ -d /sys/fs/cgroup/memory ]; then echo "/sys/fs/cgroup/$1/skiff/$2"; else echo "/sys/fs/cgroup/skiff/$2"; fi
}

inspect_field () { # CONTAINER TEMPLATE
  skiff inspect --format "$2" "$1"
}

@test "limits: --memory 32m kills a memory hog with 137 and inspect shows OOMKilled true" {
  if rootless_without_cgroup; then # no cgroup to limit: a warning, and the process runs
    run -0 --separate-stderr skiff run --name hog -m 32m "$IMG" sh -c 'echo ran'
    assert_equal "$output" "ran" "output"
    assert_equal "$stderr" "$LIMIT_WARNING" "the one warning line"
    assert_equal "$(inspect_field hog '{{.State.OOMKilled}} {{.HostConfig.Memory}}')" "false 33554432"
    return 0
  fi
  # tail buffers /dev/zero (no newline) without end: only the OOM killer stops it
  run -137 skiff run --name hog -m 32m "$IMG" tail /dev/zero
  assert_equal "$(inspect_field hog '{{.State.OOMKilled}} {{.State.ExitCode}}')" "true 137"
  assert_equal "$(inspect_field hog '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}')" \
    "33554432 67108864" "Memory and docker's default MemorySwap (twice)"
  # a container that exits normally is not OOMKilled
  run -0 skiff run --name calm -m 32m "$IMG" cat "$(cg_file memory/memory.limit_in_bytes memory.max)"
  assert_equal "$output" "33554432" "the limit inside the container"
  assert_equal "$(inspect_field calm '{{.State.OOMKilled}}')" "false"
}

@test "limits: --pids-limit 20 stops a fork bomb and the host stays responsive (root)" {
  if rootless_without_cgroup; then # no pids controller to stop a bomb: none is started
    run -0 --separate-stderr skiff run --rm --pids-limit 20 "$IMG" true
    assert_equal "$stderr" "$LIMIT_WARNING" "the one warning line"
    return 0
  fi
  local id
  id=$(skiff run -d --pids-limit 20 "$IMG" sh -c 'f() { f | f & }; f; exec tail -f /dev/null')
  local dir
  dir=$(host_cg_dir pids "$id")
  # the bomb fills the cgroup up to the limit, and not beyond
  wait_for "[ \$(cat $dir/pids.current) -ge 18 ]" 20 || fail "the bomb never got going: $(cat "$dir/pids.current")"
  local i max=0 n
  for i in $(seq 20); do
    n=$(cat "$dir/pids.current")
    [ "$n" -le "$max" ] || max=$n
  done
  [ "$max" -le 20 ] || fail "pids.current reached $max, above the limit 20"
  # the host still forks at will, quickly
  local t0=$SECONDS
  for i in $(seq 50); do /bin/true || fail "the host cannot fork"; done
  [ $((SECONDS - t0)) -lt 10 ] || fail "50 forks on the host took $((SECONDS - t0)) s"
  assert_equal "$(inspect_field "$id" '{{.HostConfig.PidsLimit}}')" "20"
  run -0 timeout 60 "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" rm -f "$id"
}

@test "limits: the default pids limit is podman's 2048, inside and in inspect" {
  run -0 --separate-stderr skiff run --name deflt "$IMG" sh -c \
    "cat $(cg_file pids/pids.max pids.max) 2>/dev/null || echo none"
  assert_equal "$stderr" "" "no warning without a limit asked for"
  if rootless_without_cgroup; then
    assert_equal "$output" "none" "no cgroup, no pids.max"
  else
    assert_equal "$output" "2048"
  fi
  assert_equal "$(inspect_field deflt '{{.HostConfig.PidsLimit}}')" "2048"
}

@test "limits: --cpus, --cpu-shares, --cpuset-cpus, --memory-swap, --memory-reservation" {
  local flags=(--cpus 0.5 -c 512 --cpuset-cpus 0 -m 64m --memory-swap 96m --memory-reservation 16m)
  if rootless_without_cgroup; then
    run -0 --separate-stderr skiff run --name cpu "${flags[@]}" "$IMG" true
    assert_equal "$stderr" "$LIMIT_WARNING" "the one warning line"
  elif [ -d /sys/fs/cgroup/memory ]; then
    run -0 skiff run --name cpu "${flags[@]}" "$IMG" sh -c 'cd /sys/fs/cgroup;
      cat cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu/cpu.shares cpuset/cpuset.cpus \
        memory/memory.memsw.limit_in_bytes memory/memory.soft_limit_in_bytes;
      grep Cpus_allowed_list /proc/self/status'
    assert_equal "$(echo $output)" "50000 100000 512 0 100663296 16777216 Cpus_allowed_list: 0"
  else
    run -0 skiff run --name cpu "${flags[@]}" "$IMG" sh -c 'cd /sys/fs/cgroup;
      cat cpu.max cpu.weight cpuset.cpus memory.swap.max memory.low;
      grep Cpus_allowed_list /proc/self/status'
    assert_equal "$(echo $output)" "50000 100000 20 0 33554432 16777216 Cpus_allowed_list: 0"
  fi
  assert_equal "$(inspect_field cpu '{{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}} {{.HostConfig.CpusetCpus}} {{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}}')" \
    "500000000 512 0 100663296 16777216"
}

@test "limits: stats shows the memory limit" {
  local id
  id=$(skiff run -d -m 64m "$IMG" sleep 1000)
  run -0 skiff stats --no-stream --format '{{.MemUsage}}' "$id"
  if rootless_without_cgroup; then
    assert_not_contains "$output" "/ 64MiB" "no cgroup: the host's memory is the limit"
  else
    assert_match "$output" ' / 64MiB$' "MEM USAGE / LIMIT"
  fi
}

@test "limits: --ulimit shows in /proc/self/limits and in inspect" {
  run -0 skiff run --name ul --ulimit nofile=1024:2048 --ulimit nproc=500 "$IMG" \
    sh -c 'grep -E "^Max (open files|processes)" /proc/self/limits; ulimit -n'
  assert_match "$output" 'Max processes +500 +500 ' "nproc"
  assert_match "$output" 'Max open files +1024 +2048 ' "nofile"
  assert_match "$output" $'\n1024$' "ulimit -n"
  assert_equal "$(inspect_field ul '{{json .HostConfig.Ulimits}}')" \
    '[{"Name":"nofile","Hard":2048,"Soft":1024},{"Name":"nproc","Hard":500,"Soft":500}]'
}

@test "limits: --ulimit above our own hard limit is a clear error and creates nothing" {
  local hard
  hard=$(ulimit -Hn)
  [ "$hard" != unlimited ] || skip_or_fail "the hard nofile limit is unlimited here"
  local before
  before=$(all_container_ids)
  run -125 --separate-stderr skiff run --rm --ulimit "nofile=$((hard + 1))" "$IMG" true
  assert_one_line_error "$stderr"
  assert_equal "$stderr" "Error: --ulimit nofile=$((hard + 1)): the hard limit $((hard + 1)) is above skiff's own hard limit $hard (raising it needs CAP_SYS_RESOURCE)"
  assert_equal "$(all_container_ids)" "$before" "containers"
}

@test "limits: --shm-size sizes /dev/shm (64m by default)" {
  run -0 skiff run --name shm --shm-size 10m "$IMG" sh -c "df -k /dev/shm | tail -1"
  assert_match "$output" '^shm +10240 ' "df of /dev/shm"
  assert_equal "$(inspect_field shm '{{.HostConfig.ShmSize}}')" "10485760"
  run -0 skiff run --rm "$IMG" sh -c "df -k /dev/shm | tail -1"
  assert_match "$output" '^shm +65536 ' "the default"
}

@test "limits: --sysctl sets namespaced sysctls in the container only" {
  local host_shmmax
  host_shmmax=$(cat /proc/sys/kernel/shmmax)
  run -0 skiff run --name sc --sysctl kernel.shmmax=12345678 \
    --sysctl net.ipv4.ip_unprivileged_port_start=500 "$IMG" \
    sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_unprivileged_port_start'
  assert_equal "$(echo $output)" "12345678 500"
  assert_equal "$(cat /proc/sys/kernel/shmmax)" "$host_shmmax" "the host's kernel.shmmax"
  assert_equal "$(inspect_field sc '{{index .HostConfig.Sysctls "kernel.shmmax"}}')" "12345678"
}

@test "limits: --uts host shows the host's name, --pid host the host's processes" {
  run -0 skiff run --name uts --uts host "$IMG" hostname
  assert_equal "$output" "$(hostname)" "hostname"
  assert_equal "$(inspect_field uts '{{.HostConfig.UTSMode}} {{.Config.Hostname}}')" "host $(hostname)"
  run -0 skiff run --rm --pid host "$IMG" sh -c 'readlink /proc/self/ns/pid; echo $$'
  assert_equal "${lines[0]}" "$(readlink /proc/self/ns/pid)" "the PID namespace"
  [ "${lines[1]}" -gt 1 ] || fail "the shell is PID ${lines[1]}: not the host's namespace"
}

@test "limits: --ipc host, none and private" {
  run -0 skiff run --rm --ipc host "$IMG" readlink /proc/self/ns/ipc
  assert_equal "$output" "$(readlink /proc/self/ns/ipc)" "the IPC namespace"
  run -0 skiff run --rm "$IMG" readlink /proc/self/ns/ipc
  [ "$output" != "$(readlink /proc/self/ns/ipc)" ] || fail "the default IPC namespace is the host's"
  run -0 skiff run --rm --ipc none "$IMG" sh -c 'grep -c " /dev/shm " /proc/mounts || true'
  assert_equal "$output" "0" "/dev/shm mounts with --ipc=none"
}

@test "limits: --ipc, --pid, --uts and --cgroupns container:NAME join a running container (root)" {
  skiff run -d --name target -h targethost "$IMG" sh -c 'echo shared > /dev/shm/x; exec sleep 1000' >/dev/null
  wait_for "skiff exec target test -e /dev/shm/x" 10
  local modes=(--ipc container:target --pid container:target --uts container:target --cgroupns container:target)
  if is_rootless; then
    run -125 --separate-stderr skiff run --rm --ipc container:target "$IMG" true
    assert_equal "$stderr" "Error: joining the IPC namespace of another container is not supported rootless: each has a user namespace of its own"
    return 0
  fi
  local pid
  pid=$(inspect_field target '{{.State.Pid}}')
  run -0 skiff run --rm "${modes[@]}" "$IMG" sh -c \
    'cat /dev/shm/x; hostname; for n in ipc uts pid cgroup; do readlink /proc/self/ns/$n; done; cat /proc/1/comm'
  assert_equal "${lines[0]}" "shared" "the other container's /dev/shm"
  assert_equal "${lines[1]}" "targethost" "its host name"
  assert_equal "${lines[2]}" "$(readlink /proc/$pid/ns/ipc)" "IPC"
  assert_equal "${lines[3]}" "$(readlink /proc/$pid/ns/uts)" "UTS"
  assert_equal "${lines[4]}" "$(readlink /proc/$pid/ns/pid)" "PID"
  assert_equal "${lines[5]}" "$(readlink /proc/$pid/ns/cgroup)" "cgroup"
  assert_equal "${lines[6]}" "sleep" "its PID 1"
  skiff stop -t 0 target >/dev/null
  run -125 --separate-stderr skiff run --rm --pid container:target "$IMG" true
  assert_equal "$stderr" "Error: cannot join PID of a non running container: target"
}

@test "limits: --cgroupns private roots /proc/self/cgroup at the container's cgroup" {
  run -0 skiff run --rm --cgroupns private "$IMG" cat /proc/self/cgroup
  local line
  for line in "${lines[@]}"; do
    assert_match "$line" ':/$' "a private cgroup namespace line"
  done
  run -0 skiff run --name cgh --cgroupns host "$IMG" cat /proc/self/cgroup
  if rootless_without_cgroup; then
    assert_equal "$output" "$(cat /proc/self/cgroup)" "no cgroup of its own: the session's"
  else
    local id
    id=$(container_id_of cgh)
    assert_match "$output" "memory:/skiff/$id" "the container's own cgroup"
  fi
  assert_equal "$(inspect_field cgh '{{.HostConfig.CgroupnsMode}}')" "host"
}

@test "limits: --cgroup-parent and --cgroups=disabled place the container's cgroup" {
  local parent=skifftest-$RANDOM
  run -0 skiff run --name cgp --cgroup-parent "/$parent" "$IMG" cat /proc/self/cgroup
  assert_equal "$(inspect_field cgp '{{.HostConfig.CgroupParent}}')" "/$parent"
  if ! rootless_without_cgroup; then
    assert_match "$output" "memory:/$parent/$(container_id_of cgp)" "the cgroup under the parent"
    rmdir /sys/fs/cgroup/*/"$parent" 2>/dev/null || rmdir "/sys/fs/cgroup/$parent"
  fi
  run -0 skiff run --name nocg --cgroups disabled "$IMG" sh -c 'grep -v "^0::" /proc/self/cgroup'
  assert_equal "$output" "$(grep -v '^0::' /proc/self/cgroup)" "the caller's cgroups"
  assert_equal "$(inspect_field nocg '{{.HostConfig.Cgroups}}')" "disabled"
  skiff run -d --name nocgd --cgroups disabled "$IMG" sleep 1000 >/dev/null
  run -1 --separate-stderr skiff pause nocgd
  assert_equal "$stderr" "Error: pause: container nocgd runs without a cgroup (--cgroups=disabled)"
}

@test "limits: --device and --device-cgroup-rule" {
  # the host's null under another name: a node (root) or a bind of it (rootless)
  run -0 skiff run --name dev --device /dev/null:/dev/mynull:rw "$IMG" \
    sh -c 'echo x > /dev/mynull && stat -c "%t:%T" /dev/mynull'
  assert_equal "$output" "1:3" "the device's numbers"
  assert_equal "$(inspect_field dev '{{range .HostConfig.Devices}}{{.PathOnHost}} {{.PathInContainer}} {{.CgroupPermissions}}{{end}}')" \
    "/dev/null /dev/mynull rw"
  if is_rootless; then
    return 0 # no device cgroup rootless (as podman): nothing more to allow
  fi
  [ -c /dev/fuse ] || skip_or_fail "no /dev/fuse on this host"
  local probe='mknod /tmp/f c 10 229 && (exec 3</tmp/f) 2>/dev/null && echo opened || echo refused'
  run -0 skiff run --rm "$IMG" sh -c "$probe"
  assert_equal "$output" "refused" "fuse without a rule"
  run -0 skiff run --rm --device-cgroup-rule 'c 10:229 rw' "$IMG" sh -c "$probe"
  assert_equal "$output" "opened" "fuse with the rule"
  run -0 skiff run --rm --device /dev/fuse "$IMG" sh -c '(exec 3</dev/fuse) && echo opened'
  assert_equal "$output" "opened" "--device /dev/fuse"
}

@test "limits: bad values get docker's one-line error, status 125 and no container" {
  local before
  before=$(all_container_ids)
  local cases=(
    "-m 1m|Error: Minimum memory limit allowed is 6MB"
    "-m abc|Error: invalid argument \"abc\" for \"-m, --memory\" flag: invalid size: 'abc' (see 'skiff run --help')"
    "-m 32m --memory-swap 16m|Error: Minimum memoryswap limit should be larger than memory limit, see usage"
    "--memory-swap 64m|Error: You should always set the Memory limit when using Memoryswap limit, see usage"
    "-m 32m --memory-reservation 64m|Error: Minimum memory limit can not be less than memory reservation limit, see usage"
    "--cpus x|Error: invalid argument \"x\" for \"--cpus\" flag: failed to parse x as a rational number (see 'skiff run --help')"
    "--cpus 1000|Error: Range of CPUs is from 0.01 to $(nproc).00, as there are only $(nproc) CPUs available"
    "--cpuset-cpus 1-a|Error: Invalid value 1-a for cpuset cpus"
    "--pids-limit many|Error: invalid argument \"many\" for \"--pids-limit\" flag: strconv.ParseInt: parsing \"many\": invalid syntax (see 'skiff run --help')"
    "--ulimit nofile=2:1|Error: invalid argument \"nofile=2:1\" for \"--ulimit\" flag: ulimit soft limit must be less than or equal to hard limit: 2 > 1 (see 'skiff run --help')"
    "--ulimit bogus=1|Error: invalid argument \"bogus=1\" for \"--ulimit\" flag: invalid ulimit type: bogus (see 'skiff run --help')"
    "--shm-size x|Error: invalid argument \"x\" for \"--shm-size\" flag: invalid size: 'x' (see 'skiff run --help')"
    "--sysctl kernel.hostname=x|Error: sysctl 'kernel.hostname=x' is not allowed"
    "--ipc=host --sysctl kernel.shmmax=1|Error: sysctl 'kernel.shmmax' is not allowed with --ipc=host: it would change the host's"
    "--ipc bogus|Error: --ipc: invalid IPC mode"
    "--pid container:|Error: --pid: invalid PID mode"
    "--uts bogus|Error: --uts: invalid UTS mode"
    "--cgroupns bogus|Error: --cgroupns: invalid CGROUP mode"
    "--uts host -h name|Error: Conflicting options: hostname and the UTS mode"
    "--cgroups bogus|Error: invalid cgroup mode \"bogus\": enabled, disabled or no-conmon (see 'skiff run --help')"
    "--cgroups disabled -m 32m|Error: cannot set resource limits with --cgroups=disabled: the container gets no cgroup"
    "--cgroup-parent ../up|Error: invalid --cgroup-parent ../up: a cgroup path of letters, digits and _.-:@ components without \"..\""
    "--device /dev/nonexistent|Error: error gathering device information while adding custom device \"/dev/nonexistent\": No such file or directory"
    "--device-cgroup-rule x|Error: invalid argument \"x\" for \"--device-cgroup-rule\" flag: invalid device cgroup format 'x' (see 'skiff run --help')"
  )
  local c
  for c in "${cases[@]}"; do
    local args=${c%%|*} want=${c#*|}
    # shellcheck disable=SC2086  # the flags split on purpose
    run -125 --separate-stderr skiff run --rm $args "$IMG" true
    assert_one_line_error "$stderr"
    assert_equal "$stderr" "$want" "skiff run $args"
  done
  assert_equal "$(all_container_ids)" "$before" "containers"
}
