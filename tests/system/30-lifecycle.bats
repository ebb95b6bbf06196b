#!/usr/bin/env bats
# Detached containers and the lifecycle commands: run -d under a monitor, create/start, stop,
# kill, wait, restart, pause/unpause, rename, prune, exists, inspect, ps filters and formats,
# logs, top, port, stats, a killed monitor, and many containers at once.

load helpers

# Reads a --format field of a container.
field () { # CONTAINER TEMPLATE
  skiff inspect --format "$2" "$1"
}

@test "run -d: prints the ID, the CLI exits while the container runs, ps shows it Up" {
  skiff run -d --name bg1 "$IMG" sh -c 'echo to-out; echo to-err >&2; sleep 60' >"$BATS_TEST_TMPDIR/out" &
  local cli=$!
  wait "$cli"
  run ! kill -0 "$cli" 2>/dev/null
  local id
  id=$(cat "$BATS_TEST_TMPDIR/out")
  assert_match "$id" '^[0-9a-f]{64}$' "run -d output"
  run -0 skiff ps
  assert_match "$output" "${id:0:12} .* Up (Less than a second|[0-9]+ seconds?) .* bg1"
  assert_equal "$(field bg1 '{{.State.Status}} {{.State.Running}}')" "running true"
  wait_for "[ \"\$(skiff logs bg1 2>/dev/null)\" = to-out ]" 5
  run -0 --separate-stderr skiff logs bg1
  assert_equal "$output" "to-out" "logs stdout"
  assert_equal "$stderr" "to-err" "logs stderr"
}

@test "run -d: \$(...) returns at once; the container's stdin is /dev/null" {
  local start=$SECONDS id
  id=$(skiff run -d "$IMG" sh -c 'cat; echo cat-done; sleep 60')
  [ $((SECONDS - start)) -lt 5 ] || fail "run -d took $((SECONDS - start)) s"
  wait_for "skiff logs $id | grep -q cat-done" 5
}

@test "run -d with a missing command fails like a foreground run (127), the container stays Created" {
  run -127 --separate-stderr skiff run -d --name badcmd "$IMG" /no/such/command
  assert_match "$stderr" '/no/such/command.*[Nn]o such file or directory'
  assert_equal "$(field badcmd '{{.State.Status}}')" "created"
}

@test "stop: the stop signal, then SIGKILL after -t; wait prints the code; stopping again is fine" {
  skiff run -d --name trapper "$IMG" sh -c 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
  skiff run -d --name stubborn "$IMG" sleep 60 >/dev/null
  wait_ready trapper
  local start=$SECONDS
  run -0 skiff stop -t 1 trapper stubborn
  [ $((SECONDS - start)) -le 4 ] || fail "stop took $((SECONDS - start)) s"
  assert_contains "$output" trapper
  assert_contains "$output" stubborn
  run -0 skiff wait trapper stubborn
  assert_equal "$output" $'3\n137' "wait output"
  assert_contains "$(skiff logs trapper)" got-term
  run -0 skiff ps -a --filter name=trapper --format '{{.Status}}'
  assert_match "$output" '^Exited \(3\) '
  run -0 skiff stop trapper
  assert_equal "$output" trapper
  run -0 skiff stop trapper -t 1 # flags may follow the arguments, as with docker
  assert_equal "$output" trapper
  # -t -1: no limit, even over the container's own --stop-timeout
  skiff run -d --name patient --stop-timeout 1 "$IMG" \
    sh -c 'trap "sleep 2; exit 4" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
  wait_ready patient
  run -0 skiff stop -t -1 patient
  run -0 skiff wait patient
  assert_equal "$output" 4 "exit code after stop -t -1"
}

@test "stop of several containers: in parallel, printed in argument order" {
  skiff run -d --name slow "$IMG" sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
  skiff run -d --name fast "$IMG" sh -c 'trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
  wait_ready slow
  wait_ready fast
  local start=$SECONDS
  run -0 skiff stop -t 1 slow fast
  assert_equal "$output" $'slow\nfast'
  [ $((SECONDS - start)) -lt 3 ] || fail "stop took $((SECONDS - start)) s: not in parallel"
}

@test "races: two stops at once, a stop racing the exit, rm -f racing stop all end consistent" {
  skiff run -d --name twice "$IMG" sh -c 'trap "sleep 0.3; exit 9" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
  wait_ready twice
  skiff stop -t 5 twice >"$BATS_TEST_TMPDIR/s1" 2>&1 &
  local p1=$!
  skiff stop -t 5 twice >"$BATS_TEST_TMPDIR/s2" 2>&1 &
  local p2=$!
  wait "$p1" || fail "first stop failed: $(cat "$BATS_TEST_TMPDIR/s1")"
  wait "$p2" || fail "second stop failed: $(cat "$BATS_TEST_TMPDIR/s2")"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/s1" "$BATS_TEST_TMPDIR/s2")" $'twice\ntwice'
  assert_equal "$(field twice '{{.State.Status}} {{.State.ExitCode}}')" "exited 9"
  local id
  # it prints, then exits about when the stop comes
  id=$(skiff run -d "$IMG" sh -c 'echo ready; sleep 0.3')
  wait_ready "$id"
  run -0 skiff stop -t 1 "$id"
  assert_equal "$(field "$id" '{{.State.Status}} {{.State.Running}}')" "exited false"
  id=$(skiff run -d "$IMG" sleep 60)
  skiff stop -t 5 "$id" >/dev/null 2>&1 &
  run -0 skiff rm -f "$id"
  wait || true
  run -1 skiff container exists "$id"
}

@test "wait blocks until the container exits, also for --rm containers" {
  local id
  id=$(skiff run -d "$IMG" sh -c 'sleep 0.5; exit 7')
  run -0 skiff wait "$id"
  assert_equal "$output" 7
  # --rm: the container ends (and is removed) only once `wait` is connected to its monitor;
  # a wait that comes later finds no container, as docker's does
  id=$(skiff run -d --rm "$IMG" sh -c 'until [ -e /tmp/go ]; do sleep 0.1; done; exit 4')
  skiff wait "$id" > "$BATS_TEST_TMPDIR/wait.out" &
  local job=$! wpid
  wait_for "wpid=\$(pgrep -n -f -- '--root $SKIFF_TEST_ROOT .*wait $id') \
    && ls -l /proc/\$wpid/fd 2>/dev/null | grep -q socket:" 30 || fail "wait never connected"
  skiff exec "$id" touch /tmp/go
  wait "$job" || fail "wait exited $?: $(cat "$BATS_TEST_TMPDIR/wait.out")"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/wait.out")" 4
  wait_for "! skiff container exists $id" 5
}

@test "kill: default SIGKILL, -s by name and number; a stopped container is an error (exit 1)" {
  skiff run -d --name k1 "$IMG" sh -c 'trap "exit 10" USR1; trap "exit 12" 12; echo ready; while :; do sleep 0.1; done' >/dev/null
  wait_ready k1
  run -0 skiff kill -s USR1 k1
  assert_equal "$output" k1
  run -0 skiff wait k1
  assert_equal "$output" 10
  skiff start k1 >/dev/null
  wait_ready k1 2
  run -0 skiff kill -s 12 k1
  run -0 skiff wait k1
  assert_equal "$output" 12
  skiff start k1 >/dev/null
  run -0 skiff kill k1
  run -0 skiff wait k1
  assert_equal "$output" 137
  local id
  id=$(container_id_of k1)
  run -1 --separate-stderr skiff kill k1
  assert_equal "$stderr" "Error: Cannot kill container: k1: Container $id is not running"
  run -125 --separate-stderr skiff kill -s NOPE k1
  assert_contains "$stderr" "Invalid signal: NOPE"
}

@test "create makes a Created container; start runs it under a monitor; restart starts it again" {
  run -0 skiff create --name c1 "$IMG" sh -c 'echo started; sleep 60'
  local id=$output
  assert_match "$id" '^[0-9a-f]{64}$'
  assert_equal "$(field c1 '{{.State.Status}} {{.State.Pid}}')" "created 0"
  run -0 skiff ps -a --filter status=created --format '{{.Names}} {{.Status}}'
  assert_equal "$output" "c1 Created"
  run -0 skiff start c1
  assert_equal "$output" c1
  assert_equal "$(field c1 '{{.State.Status}}')" running
  local pid1 started1
  pid1=$(field c1 '{{.State.Pid}}')
  started1=$(field c1 '{{.State.StartedAt}}')
  run -0 skiff start c1 # already running: a no-op that prints the name
  assert_equal "$output" c1
  run -0 skiff restart -t 1 c1
  assert_equal "$output" c1
  assert_equal "$(field c1 '{{.State.Status}}')" running
  [ "$(field c1 '{{.State.Pid}}')" != "$pid1" ] || fail "restart kept the old process"
  [ "$(field c1 '{{.State.StartedAt}}')" != "$started1" ] || fail "StartedAt unchanged"
  assert_equal "$(skiff logs c1)" $'started\nstarted'
}

@test "pause/unpause freeze the container (root), or fail clearly without a cgroup (rootless)" {
  skiff run -d --name pz "$IMG" sh -c 'while :; do echo tick; sleep 0.1; done' >/dev/null
  wait_for "skiff logs pz | grep -q tick" 10
  if rootless_without_cgroup; then
    run -1 --separate-stderr skiff pause pz
    assert_equal "$stderr" "$ROOTLESS_PAUSE_ERROR"
    return 0
  fi
  run -0 skiff pause pz
  assert_equal "$output" pz
  assert_equal "$(field pz '{{.State.Status}} {{.State.Paused}} {{.State.Running}}')" "paused true true"
  run -0 skiff ps --format '{{.Status}}'
  assert_match "$output" '^Up .* \(Paused\)$'
  local n1 n2
  n1=$(skiff logs pz | wc -l)
  sleep 0.5
  n2=$(skiff logs pz | wc -l)
  assert_equal "$n2" "$n1" "log lines while paused"
  run -1 --separate-stderr skiff pause pz
  assert_contains "$stderr" "is already paused"
  run -0 skiff unpause pz
  assert_equal "$(field pz '{{.State.Status}}')" running
  wait_for "[ \$(skiff logs pz | wc -l) -gt $n2 ]" 5
  run -1 --separate-stderr skiff unpause pz
  assert_contains "$stderr" "is not paused"
}

@test "a SIGKILLed monitor: the container is reported exited, not running; rm -f cleans up" {
  local id mon
  id=$(skiff run -d "$IMG" sleep 60)
  mon=$(field "$id" '{{.State.ConmonPid}}')
  [ "$mon" -gt 0 ] || fail "no monitor pid in inspect"
  kill -9 "$mon"
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' $id)\" = exited ]" 5
  run -0 skiff ps -q
  assert_not_contains "$output" "${id:0:12}"
  run -0 timeout 5 "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" wait "$id"
  run -0 skiff rm -f "$id"
  run ! skiff container exists "$id"
}

@test "rm: a running container needs -f; -f kills and removes it" {
  skiff run -d --name rmme "$IMG" sleep 60 >/dev/null
  run -1 --separate-stderr skiff rm rmme
  assert_contains "$stderr" 'container is running: stop the container before removing or force remove'
  run -0 skiff rm -f rmme
  assert_equal "$output" rmme
  run -1 skiff container exists rmme
  # an --rm container removes itself once killed: rm -f still succeeds, in argument order
  skiff run -d --rm --name rmself "$IMG" sleep 60 >/dev/null
  skiff run -d --name rmother "$IMG" sleep 60 >/dev/null
  run -0 --separate-stderr skiff rm -f rmself rmother
  assert_equal "$output" $'rmself\nrmother'
  assert_equal "$stderr" ""
  run -1 skiff container exists rmself
}

@test "rm: a container being removed is never listed half-removed (as Created)" {
  local k i seen=""
  for k in 1 2 3 4 5 6 7 8; do
    skiff run -d --rm --name gone$k "$IMG" sleep 100 >/dev/null
    skiff kill gone$k >/dev/null
    for i in $(seq 30); do # not through `timeout`: as often as possible
      seen+=$("$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
        ps -a --format '{{.Names}} {{.Status}}')$'\n'
    done
  done
  assert_not_contains "$seen" "Created" "ps while --rm containers remove themselves"
}

@test "rename, container exists, container prune" {
  skiff create --name old1 "$IMG" true >/dev/null
  run -0 skiff rename old1 new1
  run -0 skiff container exists new1
  run -1 skiff container exists old1
  assert_equal "$(field new1 '{{.Name}}')" /new1
  skiff create --name other "$IMG" true >/dev/null
  run -125 --separate-stderr skiff rename new1 other
  assert_contains "$stderr" 'is already in use'
  skiff run -d --name keeper "$IMG" sleep 60 >/dev/null
  local gone
  gone=$(skiff ps -a --no-trunc --filter status=created -q | sort)
  run -0 skiff container prune -f
  assert_equal "${lines[0]}" "Deleted Containers:"
  for id in $gone; do assert_contains "$output" "$id"; done
  assert_match "${lines[-1]}" '^Total reclaimed space: [0-9.]+[kMG]?B$'
  run -0 skiff ps -a --format '{{.Names}}'
  assert_equal "$output" keeper
}

@test "inspect: docker's container fields, --format, a JSON array; unknown names exit 1" {
  skiff run -d --name insp -l tier=web --stop-signal USR2 --restart on-failure:3 "$IMG" sleep 60 >/dev/null
  local id
  id=$(container_id_of insp)
  assert_equal "$(field insp '{{.Id}} {{.Name}} {{.Path}} {{json .Args}}')" "$id /insp sleep [\"60\"]"
  assert_equal "$(field insp '{{.Image}}')" "$(skiff inspect --type image --format '{{.Id}}' "$IMG")"
  assert_equal "$(field insp '{{.Config.Image}} {{index .Config.Labels "tier"}} {{.Config.StopSignal}}')" \
    "$IMG web USR2"
  assert_equal "$(field insp '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}} {{.RestartCount}}')" \
    "on-failure 3 0"
  assert_match "$(field insp '{{.State.StartedAt}} {{.State.FinishedAt}}')" \
    '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z 0001-01-01T00:00:00Z$'
  assert_match "$(field insp '{{.LogPath}}')" "/containers/$id/ctr.log$"
  run -0 skiff container inspect insp
  assert_equal "${lines[0]}" "["
  assert_contains "$output" '    {'
  assert_contains "$output" '"Status": "running"'
  run -1 --separate-stderr skiff inspect --format '{{.Name}}' insp nosuch
  assert_equal "$output" /insp
  assert_contains "$stderr" nosuch
}

@test "ps: filters, -l, -n, --format, json" {
  skiff create --name f1 -l app=a "$IMG" true >/dev/null
  skiff run -d --name f2 -l app=b "$IMG" sleep 60 >/dev/null
  skiff run --name f3 "$IMG" sh -c 'exit 2' || true
  assert_equal "$(skiff ps --format '{{.Names}}')" f2
  assert_equal "$(skiff ps -a --filter status=exited --format '{{.Names}}')" f3
  assert_equal "$(skiff ps -a --filter exited=2 --format '{{.Names}}')" f3
  assert_equal "$(skiff ps -a --filter label=app=a --format '{{.Names}}')" f1
  assert_equal "$(skiff ps -a --filter label=app --format '{{.Names}}' | sort | tr '\n' ' ')" "f1 f2 "
  assert_equal "$(skiff ps -a --filter name=f2 --filter name=f3 --format '{{.Names}}' | sort | tr '\n' ' ')" "f2 f3 "
  assert_equal "$(skiff ps -a --filter ancestor=$IMG --filter status=running -q)" "$(container_id_of f2 | cut -c1-12)"
  assert_equal "$(skiff ps -l --format '{{.Names}}')" f3
  assert_equal "$(skiff ps -n 2 --format '{{.Names}}' | tr '\n' ' ')" "f3 f2 "
  run -0 skiff ps --format 'table {{.Names}}\t{{.State}}'
  assert_match "${lines[0]}" '^NAMES +STATE$'
  run -0 skiff ps --format json
  assert_match "$output" '^\{"Command":"\\"sleep 60\\"",.*"Names":"f2",.*"State":"running"'
  run -1 skiff ps --filter bogus=1
}

@test "logs: --tail, -t, and -f follows until the container exits" {
  local id
  id=$(skiff run -d "$IMG" sh -c 'for i in 1 2 3; do echo line$i; done; sleep 1; echo last')
  run -0 timeout 20 "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" logs -f "$id"
  assert_equal "$output" $'line1\nline2\nline3\nlast'
  assert_equal "$(skiff logs --tail 1 "$id")" last
  run -0 skiff logs -t --tail 1 "$id"
  assert_match "$output" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z last$'
}

@test "top lists the container's processes; port prints nothing; stats --no-stream has docker's columns" {
  skiff run -d --name tp "$IMG" sleep 61 >/dev/null
  run -0 skiff top tp
  assert_match "${lines[0]}" '^UID +PID +PPID +C +STIME +TTY +TIME +CMD$'
  assert_contains "$output" "sleep 61"
  assert_equal "${#lines[@]}" 2 "top rows"
  run -0 skiff port tp
  assert_equal "$output" ""
  run -0 skiff stats --no-stream tp
  assert_match "${lines[0]}" '^CONTAINER ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET I/O +BLOCK I/O +PIDS$'
  assert_match "${lines[1]}" ' tp '
}

@test "restart policies: on-failure:2 restarts twice with backoff; always loops until stop" {
  skiff run -d --name rs --restart on-failure:2 "$IMG" sh -c 'echo run; exit 5' >/dev/null
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}} {{.RestartCount}}' rs)\" = 'exited 2' ]" 10
  assert_equal "$(skiff logs rs)" $'run\nrun\nrun'
  assert_equal "$(field rs '{{.State.ExitCode}}')" 5
  # always: a crash loop until the user stops it, whether it runs or waits out the backoff
  skiff run -d --name loop --restart always "$IMG" sh -c 'sleep 0.05; exit 1' >/dev/null
  wait_for "[ \$(skiff inspect --format '{{.RestartCount}}' loop) -ge 2 ]" 10
  run -0 skiff stop -t 1 loop
  assert_equal "$(field loop '{{.State.Status}}')" exited
  local n
  n=$(field loop '{{.RestartCount}}')
  wait_monitor_gone loop
  assert_equal "$(field loop '{{.State.Status}} {{.RestartCount}}')" "exited $n" "after stop"
}

@test "kill with the container's stop signal ends a restart policy; another signal does not" {
  skiff run -d --name ks --restart always --stop-signal USR1 "$IMG" \
    sh -c 'trap "exit 3" USR1; trap "exit 4" TERM; echo ready; while :; do sleep 0.1; done' >/dev/null
  wait_ready ks
  run -0 skiff kill -s TERM ks
  wait_for "[ \$(skiff inspect --format '{{.RestartCount}}' ks) -ge 1 ]" 10
  wait_ready ks 2
  run -0 skiff kill -s SIGUSR1 ks
  run -0 skiff wait ks
  assert_equal "$output" 3
  wait_monitor_gone ks
  assert_equal "$(field ks '{{.State.Status}} {{.RestartCount}}')" "exited 1" "after kill -s USR1"
  # no stop signal configured: any signal the user kills with ends it
  skiff run -d --name ks2 --restart always "$IMG" \
    sh -c 'trap "exit 5" USR2; echo ready; while :; do sleep 0.1; done' >/dev/null
  wait_ready ks2
  run -0 skiff kill -s USR2 ks2
  run -0 skiff wait ks2
  assert_equal "$output" 5
  wait_monitor_gone ks2
  assert_equal "$(field ks2 '{{.State.Status}} {{.RestartCount}}')" "exited 0" "after kill -s USR2"
  # paused: the stop signal is delivered once thawed; another signal is refused
  skiff start ks >/dev/null
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' ks)\" = running ]" 10
  if rootless_without_cgroup; then # nothing to freeze: refused, and the signal still works
    run -1 --separate-stderr skiff pause ks
    assert_equal "$stderr" "$ROOTLESS_PAUSE_ERROR"
    run -0 skiff kill -s USR1 ks
    run -0 skiff wait ks
    assert_equal "$output" 3
    return 0
  fi
  skiff pause ks >/dev/null
  run -1 skiff kill -s TERM ks
  assert_contains "$output" "is paused"
  run -0 skiff kill -s USR1 ks
  run -0 skiff wait ks
  assert_equal "$output" 3
}

@test "restart backoff: wait blocks until the next exit; start is a no-op; kill ends the loop" {
  # each run exits with its own number: 1, 2, 3, ...
  skiff run -d --name rw --restart always "$IMG" \
    sh -c 'n=$(cat /n 2>/dev/null || echo 0); n=$((n + 1)); echo $n > /n; exit $n' >/dev/null
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}} {{ge .RestartCount 4}}' rw)\" = 'restarting true' ]" 15
  local before
  before=$(field rw '{{.State.ExitCode}}')
  run -0 skiff wait rw
  [ "$output" -gt "$before" ] || fail "wait returned $output, the exit before the backoff was $before"
  # start in the backoff is a no-op (it counts as running); kill ends the loop (moby)
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' rw)\" = restarting ]" 15
  run -0 skiff start rw
  assert_equal "$output" rw
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' rw)\" = restarting ]" 15
  run -0 skiff kill rw
  assert_equal "$output" rw
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' rw)\" = exited ]" 5
  local n
  n=$(field rw '{{.RestartCount}}')
  wait_monitor_gone rw
  assert_equal "$(field rw '{{.State.Status}} {{.RestartCount}}')" "exited $n" "after kill"
}

@test "attach socket (monitor side): -i stdin with EOF, -t resize, output by stream, EXIT code" {
  local here id sock
  here=$(cd "$(dirname "$BATS_TEST_FILENAME")" && pwd)
  id=$(skiff run -d -i "$IMG" sh -c 'cat; echo done >&2; exit 3')
  sock=$SKIFF_TEST_RUNROOT/containers/$id/attach.sock
  run -0 python3 "$here/attach-client.py" "$sock" pipe
  assert_equal "$output" "b'hello\\n' b'done\\n' 3"
  id=$(skiff run -d -i -t "$IMG" sh)
  wait_for "skiff logs $id | grep -q '# '" 10 # its prompt: the shell reads the terminal
  sock=$SKIFF_TEST_RUNROOT/containers/$id/attach.sock
  run -0 python3 "$here/attach-client.py" "$sock" tty
  assert_contains "$output" '33 77'
  assert_match "$output" ' 5$'
  assert_equal "$(field "$id" '{{.State.Status}} {{.State.ExitCode}} {{.Config.Tty}}')" "exited 5 true"
  # more input than a pipe holds, to a container that reads it late
  id=$(skiff run -d -i "$IMG" sh -c 'sleep 1; wc -c')
  run -0 python3 "$here/attach-client.py" "$SKIFF_TEST_RUNROOT/containers/$id/attach.sock" big
  assert_equal "$output" "b'300000\\n' b'' 0"
}

@test "50 detached containers in parallel: all run, all stop, all are removed, nothing is left" {
  seq 50 | xargs -P 8 -I{} "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    run -d --name many{} "$IMG" sleep 123 >"$BATS_TEST_TMPDIR/ids"
  assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/ids")" 50 "IDs printed"
  assert_equal "$(skiff ps -q | wc -l)" 50 "running"
  run -0 skiff stop -t 1 $(cat "$BATS_TEST_TMPDIR/ids")
  assert_equal "${#lines[@]}" 50 "stopped"
  assert_equal "$(skiff ps -q | wc -l)" 0 "still running"
  run -0 skiff rm $(cat "$BATS_TEST_TMPDIR/ids")
  assert_equal "$(skiff ps -aq | wc -l)" 0 "left in ps -a"
  assert_equal "$(ls "$SKIFF_TEST_ROOT/containers" | wc -l)" 0 "container dirs"
  assert_equal "$(ls "$SKIFF_TEST_RUNROOT/containers" | wc -l)" 0 "run dirs"
  # monitors exit right after they recorded the exit that stop/rm waited for
  wait_for "! pgrep -f -- '--root $SKIFF_TEST_ROOT .*many' >/dev/null" 5 \
    || fail "monitors left: $(pgrep -af -- "--root $SKIFF_TEST_ROOT .*many")"
  wait_for "! pgrep -f 'sleep 123' >/dev/null" 5 || fail "containers left: $(pgrep -af 'sleep 123')"
  run ! grep -F "$SKIFF_TEST_RUNROOT" /proc/mounts
}
