#!/usr/bin/env bats
# Supervision end to end: restart policies (backoff read from the events journal, foreground
# runs, SIGKILL, stop), a simulated reboot and the boot command, `generate systemd`, and health
# checks (the monitor's schedule, State.Health, ps, events, healthcheck run,
# --health-on-failure).

load helpers

field () { # CONTAINER TEMPLATE
  skiff inspect --format "$2" "$1"
}

@test "--restart on-failure:3 of exit 1: exactly 4 starts, 100/200/400 ms apart (events journal)" {
  skiff run -d --name of3 --restart on-failure:3 "$IMG" sh -c 'exit 1' >/dev/null
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}} {{.RestartCount}}' of3)\" = 'exited 3' ]" 10
  run -0 skiff events --since 1m --until 0s --filter container=of3 --filter event=start \
    --format '{{.TimeNano}}'
  assert_equal "${#lines[@]}" 4 "starts: $output"
  # each gap: the backoff (docker's 100, 200, 400 ms) plus one short run; generous bounds
  local expect=(100 200 400) i gap
  for i in 0 1 2; do
    gap=$(( (${lines[i + 1]} - ${lines[i]}) / 1000000 ))
    [ "$gap" -ge "${expect[i]}" ] && [ "$gap" -lt $(( expect[i] + 1500 )) ] \
      || fail "gap $i: ${gap} ms, expected ${expect[i]} ms (+ a run)"
  done
  run -0 skiff events --since 1m --until 0s --filter container=of3 --filter event=die \
    --format '{{.Actor.Attributes.exitCode}}'
  assert_equal "$output" $'1\n1\n1\n1' "four deaths with exit code 1"
}

@test "a foreground run --restart on-failure:2 returns the first exit code and is restarted" {
  run -3 skiff run --name fg --restart on-failure:2 "$IMG" sh -c 'echo run; exit 3'
  assert_equal "${lines[0]}" run
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}} {{.RestartCount}}' fg)\" = 'exited 2' ]" 10
  assert_equal "$(skiff logs fg)" $'run\nrun\nrun' "three runs logged"
}

@test "--restart always: survives the CLI, SIGKILL of PID 1 brings it back, stop ends it for good" {
  skiff run -d --name al --restart always "$IMG" sleep 1000 >/dev/null
  local pid
  pid=$(field al '{{.State.Pid}}')
  assert_equal "$(field al '{{.State.Status}}')" running "after the CLI exited"
  kill -KILL "$pid"
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}} {{.RestartCount}}' al)\" = 'running 1' ]" 10
  [ "$(field al '{{.State.Pid}}')" != "$pid" ] || fail "the same PID 1 after the restart"
  local mon
  mon=$(field al '{{.State.ConmonPid}}')
  run -0 skiff stop -t 0 al
  assert_equal "$(field al '{{.State.Status}}')" exited
  # the monitor is gone: nothing is left to restart it
  wait_for "! kill -0 $mon 2>/dev/null" 5
  assert_equal "$(field al '{{.State.Status}} {{.RestartCount}}')" "exited 1" "after stop"
}

# Every monitor of the store killed (SIGKILL): their PID 1s die with them (PDEATHSIG), as at a
# power cut; then the boot unit's command.
@test "simulated reboot: always and unless-stopped come back, a user-stopped unless-stopped does not" {
  skiff run -d --name b-al --restart always "$IMG" sleep 1000 >/dev/null
  skiff run -d --name b-us --restart unless-stopped "$IMG" sleep 1000 >/dev/null
  skiff run -d --name b-stopped --restart unless-stopped "$IMG" sleep 1000 >/dev/null
  skiff run -d --name b-no "$IMG" sleep 1000 >/dev/null
  skiff stop -t 0 b-stopped >/dev/null
  local c mons=()
  for c in b-al b-us b-no; do
    mons+=("$(field "$c" '{{.State.ConmonPid}}')")
  done
  kill -KILL "${mons[@]}"
  wait_for "[ -z \"\$(skiff ps -q)\" ]" 5
  # what contrib/systemd/*/skiff-restart.service runs
  run -0 skiff start --all --filter should-start-on-boot=true
  assert_equal "${#lines[@]}" 2 "started: $output"
  run -0 skiff ps --format '{{.Names}}'
  assert_equal "$(sort <<<"$output")" $'b-al\nb-us' "running after the boot command"
  assert_equal "$(field b-stopped '{{.State.Status}}')" exited
  assert_equal "$(field b-no '{{.State.Status}}')" exited
  # podman 4's unit: only always
  skiff stop -t 0 b-al b-us >/dev/null
  run -0 skiff start --filter restart-policy=always
  assert_equal "$(skiff ps --format '{{.Names}}')" b-al
  run -1 --separate-stderr skiff start --all --filter should-start-on-boot=maybe
  assert_equal "$stderr" "Error: invalid filter 'should-start-on-boot=maybe'"
}

@test "generate systemd: start/stop units, and --new runs the recorded command line" {
  skiff create --name gs --restart always -e 'A=b c' "$IMG" sh -c 'env | grep ^A=; sleep 1000' >/dev/null
  local id
  id=$(container_id_of gs)
  run -0 skiff generate systemd --name -t 3 gs
  assert_contains "$output" "[Unit]"
  assert_contains "$output" "ExecStart=$SKIFF --root $SKIFF_TEST_ROOT --runroot $SKIFF_TEST_RUNROOT start gs"
  assert_contains "$output" "ExecStop=$SKIFF --root $SKIFF_TEST_ROOT --runroot $SKIFF_TEST_RUNROOT stop -t 3 gs"
  assert_contains "$output" "Restart=on-failure"
  assert_contains "$output" "WantedBy=default.target"
  run -0 skiff generate systemd --restart-policy always gs
  assert_contains "$output" "start $id"
  assert_contains "$output" "Restart=always"
  run -0 --separate-stderr skiff generate systemd --new --no-header gs
  [[ $output != "#"* ]] || fail "a header with --no-header"
  local exec_start
  exec_start=$(sed -n 's/^ExecStart=//p' <<<"$output")
  assert_contains "$exec_start" "run --cidfile=%t/%n.ctr-id --rm -d --replace -e \"A=b c\" --name gs $IMG sh -c"
  assert_not_contains "$exec_start" "--restart"
  # systemd's quoting is the shell's for these words (no $ in them); %t and %n are
  # systemd's specifiers
  local t=$BATS_TEST_TMPDIR
  exec_start=${exec_start//%t/$t}
  exec_start=${exec_start//%n/gs.service}
  skiff rm gs >/dev/null
  eval "$exec_start" >/dev/null
  wait_for "[ \"\$(skiff logs gs)\" = 'A=b c' ]" 5
  [ -s "$t/gs.service.ctr-id" ] || fail "no cidfile"
  run -125 --separate-stderr skiff generate systemd --restart-policy sometimes gs
  assert_equal "$stderr" "Error: sometimes is not a valid restart policy"
}

@test "health check: starting within the start period, healthy, then unhealthy; ps, inspect, events" {
  skiff run -d --name hc --health-cmd 'cat /tmp/ok' --health-interval 200ms \
    --health-retries 2 --health-start-period 60s "$IMG" sleep 1000 >/dev/null
  # failures within the start period do not count while it starts
  wait_for "[ \$(skiff inspect --format '{{len .State.Health.Log}}' hc) -ge 2 ]" 5
  assert_equal "$(field hc '{{.State.Health.Status}} {{.State.Health.FailingStreak}}')" "starting 0"
  run -0 skiff ps --format '{{.Status}}'
  assert_match "$output" '^Up .* \(health: starting\)$'
  assert_equal "$(skiff ps -q --filter health=starting)" "$(skiff ps -q --filter name=hc)"
  skiff exec hc sh -c 'echo fine > /tmp/ok'
  wait_for "[ \"\$(skiff inspect --format '{{.State.Health.Status}}' hc)\" = healthy ]" 3
  run -0 skiff ps --format '{{.Status}}'
  assert_match "$output" '^Up .* \(healthy\)$'
  # healthy: failures count now; two in a row (~400 ms) make it unhealthy
  skiff exec hc rm /tmp/ok
  wait_for "[ \"\$(skiff inspect --format '{{.State.Health.Status}}' hc)\" = unhealthy ]" 3
  run -0 skiff ps --format '{{.Status}}'
  assert_match "$output" '^Up .* \(unhealthy\)$'
  assert_equal "$(skiff ps -q --filter health=unhealthy)" "$(skiff ps -q --filter name=hc)"
  assert_equal "$(skiff ps -q --filter health=healthy)" ""
  run -0 skiff inspect --format '{{.State.Health.FailingStreak}} {{len .State.Health.Log}} {{json .Config.Healthcheck.Test}}' hc
  [[ $output =~ ^([0-9]+)\ ([0-9]+)\ (.*)$ ]] || fail "inspect: $output"
  [ "${BASH_REMATCH[1]}" -ge 2 ] || fail "FailingStreak ${BASH_REMATCH[1]}"
  [ "${BASH_REMATCH[2]}" -le 5 ] || fail "more than 5 log entries: ${BASH_REMATCH[2]}"
  assert_equal "${BASH_REMATCH[3]}" '["CMD-SHELL","cat /tmp/ok"]'
  run -0 skiff inspect --format '{{range .State.Health.Log}}{{.ExitCode}}{{end}}' hc
  assert_match "$output" '1$' "the last probe's exit code"
  run -0 skiff events --since 1m --until 0s --filter container=hc --format '{{.Status}}'
  assert_equal "$(grep health_status <<<"$output")" $'health_status: healthy\nhealth_status: unhealthy'
  # healthcheck run (podman): prints the status unless healthy, exit 1
  run -1 skiff healthcheck run hc
  assert_equal "$output" unhealthy
  skiff exec hc sh -c 'echo fine > /tmp/ok'
  run -0 skiff healthcheck run hc
  assert_equal "$output" ""
  assert_equal "$(field hc '{{.State.Health.Status}}')" healthy
  rootless_without_cgroup && return 0 # nothing to pause
  # paused: no probe (it would join the frozen cgroup and hold the monitor); on again after
  skiff pause hc >/dev/null
  local log
  log=$(field hc '{{range .State.Health.Log}}{{.Start}}{{end}}')
  run -125 --separate-stderr skiff healthcheck run hc
  assert_match "$stderr" '^Error: container [0-9a-f]{64} is paused$'
  sleep 0.6 # a window of three intervals in which nothing may happen
  assert_equal "$(field hc '{{range .State.Health.Log}}{{.Start}}{{end}}')" "$log" "probes while paused"
  skiff unpause hc >/dev/null
  wait_for "[ \"\$(skiff inspect --format '{{range .State.Health.Log}}{{.Start}}{{end}}' hc)\" != '$log' ]" 3
}

@test "--health-on-failure restart restarts an unhealthy container; kill ends one for good" {
  # unhealthy in its first run only: the second run finds /seen and makes /ok
  skiff run -d --name hr --stop-timeout 0 --health-cmd 'cat /ok' --health-interval 200ms \
    --health-retries 1 --health-on-failure restart "$IMG" \
    sh -c '[ -e /seen ] && echo > /ok; touch /seen; exec sleep 1000' >/dev/null
  local pid
  pid=$(field hr '{{.State.Pid}}')
  wait_for "[ \"\$(skiff inspect --format '{{.State.Health.Status}}' hr)\" = healthy ]" 5
  [ "$(field hr '{{.State.Pid}}')" != "$pid" ] || fail "not restarted"
  run -0 skiff events --since 1m --until 0s --filter container=hr --format '{{.Status}}'
  assert_equal "$(grep -v exec_ <<<"$output")" "create
start
health_status: unhealthy
die
start
health_status: healthy" "events"
  # kill: SIGKILL, and no policy restart afterwards (podman: stopped by the user)
  skiff run -d --name hk --restart always --health-cmd false --health-interval 200ms \
    --health-retries 1 --health-on-failure kill "$IMG" sleep 1000 >/dev/null
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' hk)\" = exited ]" 5
  assert_equal "$(field hk '{{.State.ExitCode}} {{.RestartCount}}')" "137 0"
}

@test "health flags: docker's checks and texts; --no-healthcheck; healthcheck run without one" {
  run -125 --separate-stderr skiff run --rm --health-interval 2x "$IMG" true
  assert_equal "$stderr" "Error: invalid argument \"2x\" for \"--health-interval\" flag: time: unknown unit \"x\" in duration \"2x\" (see 'skiff run --help')"
  run -125 --separate-stderr skiff run --rm --health-timeout -1s "$IMG" true
  assert_equal "$stderr" "Error: --health-timeout cannot be negative"
  run -125 --separate-stderr skiff run --rm --health-retries -1 "$IMG" true
  assert_equal "$stderr" "Error: --health-retries cannot be negative"
  run -125 --separate-stderr skiff run --rm --health-interval 500us "$IMG" true
  assert_equal "$stderr" "Error: Interval in Healthcheck cannot be less than 1ms"
  run -125 --separate-stderr skiff run --rm --no-healthcheck --health-cmd true "$IMG" true
  assert_equal "$stderr" "Error: --no-healthcheck conflicts with --health-* options"
  run -125 --separate-stderr skiff create --health-on-failure reboot "$IMG" true
  assert_equal "$stderr" 'Error: invalid on-failure action "reboot" for health check: supported actions are: none,kill,restart,stop'
  assert_equal "$(skiff ps -aq)" "" "nothing was made"
  # podman's JSON form; --no-healthcheck records NONE
  skiff create --name hj --health-cmd '["test", "-e", "/"]' "$IMG" true >/dev/null
  assert_equal "$(field hj '{{json .Config.Healthcheck.Test}}')" '["CMD","test","-e","/"]'
  skiff create --name hn --no-healthcheck "$IMG" true >/dev/null
  assert_equal "$(field hn '{{json .Config.Healthcheck.Test}}')" '["NONE"]'
  skiff run -d --name hnone "$IMG" sleep 1000 >/dev/null
  run -125 --separate-stderr skiff healthcheck run hnone
  assert_equal "$stderr" "Error: container hnone has no defined healthcheck"
  assert_equal "$(skiff ps -q --filter health=none)" "$(skiff ps -q --filter name=hnone)"
}

@test "the image's HEALTHCHECK: used, its values filled in under the flags, disabled by --no-healthcheck" {
  python3 "$BATS_TEST_DIRNAME/fixture/mkarchive.py" "$BATS_TEST_TMPDIR/hc.tar" <<JSON
{"format": "docker", "tag": "localhost/hc:1", "layers": [{"tar": "$SKIFF_TEST_FIXTURE/rootfs.tar"}],
 "config": {"Cmd": ["sleep", "1000"],
            "Healthcheck": {"Test": ["CMD", "test", "-e", "/etc/passwd"], "Interval": 100000000,
                            "Timeout": 5000000000, "Retries": 4}}}
JSON
  skiff load -i "$BATS_TEST_TMPDIR/hc.tar" >/dev/null
  skiff run -d --name ih localhost/hc:1 >/dev/null
  wait_for "[ \"\$(skiff inspect --format '{{.State.Health.Status}}' ih)\" = healthy ]" 5
  assert_equal "$(field ih '{{json .Config.Healthcheck}}')" \
    '{"Test":["CMD","test","-e","/etc/passwd"],"Interval":100000000,"Timeout":5000000000,"StartPeriod":0,"Retries":4}'
  # a flag replaces its value only
  skiff create --name ih2 --health-cmd 'exit 1' --health-retries 2 localhost/hc:1 >/dev/null
  assert_equal "$(field ih2 '{{json .Config.Healthcheck}}')" \
    '{"Test":["CMD-SHELL","exit 1"],"Interval":100000000,"Timeout":5000000000,"StartPeriod":0,"Retries":2}'
  skiff run -d --name ih3 --no-healthcheck localhost/hc:1 >/dev/null
  run -0 skiff ps --filter name=ih3 --format '{{.Status}}'
  assert_match "$output" '^Up [^(]*$' "no health status"
  assert_not_contains "$(field ih3 '{{json .State}}')" '"Health"' 
  skiff rm -f ih ih2 ih3 >/dev/null
  skiff rmi localhost/hc:1 >/dev/null
}
