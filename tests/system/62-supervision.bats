#!/usr/bin/env bats
# Supervision: --init (skiff's own init as PID 1), the events journal and `events`, stop
# timeouts and stop signals.

load helpers

field () { # CONTAINER TEMPLATE
  skiff inspect --format "$2" "$1"
}

# In-container: pids whose cmdline is exactly "sleep $1", space-separated.
pids_of_sleep='for p in /proc/[0-9]*; do [ "$(tr "\0" " " <$p/cmdline 2>/dev/null)" = "sleep $1 " ] && printf "%s " ${p#/proc/}; done'

@test "--init: PID 1 is skiff's init, PID 2 the command; inspect says Init" {
  run -0 skiff run --name ini --init "$IMG" sh -c 'cat /proc/1/comm; echo "pid=$$ ppid=$PPID"; tr "\0" " " </proc/2/cmdline; echo'
  assert_equal "${lines[0]}" "skiff-init" "PID 1's comm"
  assert_equal "${lines[1]}" "pid=2 ppid=1" "the command's pid"
  assert_equal "${lines[2]}" "sh -c cat /proc/1/comm; echo \"pid=\$\$ ppid=\$PPID\"; tr \"\\0\" \" \" </proc/2/cmdline; echo " "PID 2's cmdline"
  assert_equal "$(field ini '{{.HostConfig.Init}}')" "true"
  # --init-path is accepted for compatibility (the init is skiff itself)
  run -0 skiff run --rm --init --init-path /usr/libexec/podman/catatonit "$IMG" cat /proc/1/comm
  assert_equal "$output" "skiff-init"
  # without --init the command is PID 1
  run -0 skiff run --rm "$IMG" sh -c 'echo $$'
  assert_equal "$output" "1"
}

@test "--init: the init holds nothing of the host's: exe, fds and memory are closed to the container" {
  run -0 skiff run --rm --init "$IMG" sh -c '
    readlink /proc/1/exe >/dev/null 2>&1 && echo EXE
    readlink /proc/1/fd/2 >/dev/null 2>&1 && echo FD
    cat /proc/1/maps >/dev/null 2>&1 && echo MAPS
    echo "fds: $(ls /proc/1/fd 2>/dev/null | tr "\n" " ")"
    grep VmRSS /proc/1/status'
  # listable by container root as root (not rootless: the init belongs to the host's user)
  [ "${lines[0]}" = "fds: 0 1 2 3 " ] || [ "${lines[0]}" = "fds: " ] \
    || fail "PID 1's fds: expected stdio and its signalfd, got '${lines[0]}'"
  assert_match "${lines[-1]}" '^VmRSS:' "nothing readable: $output"
  # tiny: ~1 MiB resident, most of it libc's shared text
  [[ ${lines[-1]} =~ VmRSS:[[:space:]]+([0-9]+)\ kB ]] || fail "no VmRSS in: $output"
  # (an ASan-built skiff carries its sanitizer's shadow and allocator: a looser bound there)
  local max_kb=4096
  [ -z "${ASAN_OPTIONS:-}" ] || max_kb=32768
  [ "${BASH_REMATCH[1]}" -lt "$max_kb" ] || fail "init RSS ${BASH_REMATCH[1]} kB"
  # the CLI's own arguments (store paths) are not shown as PID 1's command line
  run -0 skiff run --rm --init "$IMG" sh -c 'tr "\0" " " </proc/1/cmdline'
  assert_not_contains "$output" "$SKIFF_TEST_ROOT"
  assert_equal "$output" "skiff-init -- sh -c tr \"\\0\" \" \" </proc/1/cmdline " "PID 1's cmdline"
}

@test "--init: exit codes and 128+N pass through; a missing command is 127 as without --init" {
  run -7 skiff run --rm --init "$IMG" sh -c 'exit 7'
  run -137 skiff run --rm --init "$IMG" sh -c 'kill -KILL $$'
  run -138 skiff run --rm --init "$IMG" sh -c 'kill -USR1 $$'
  run -127 --separate-stderr skiff run --rm --init "$IMG" /no/such/command
  assert_one_line_error "$stderr"
  assert_match "$stderr" '/no/such/command.*no such file or directory'
  run -0 skiff run -d --init --name dexit "$IMG" sh -c 'exit 3'
  run -0 skiff wait dexit
  assert_equal "$output" "3"
}

@test "--init: stop of sleep 1000 ends within a second through forwarding (SIGTERM, 143)" {
  skiff run -d --init --name sleeper "$IMG" sleep 1000 >/dev/null
  wait_for "[ \"\$(skiff exec sleeper sh -c '$pids_of_sleep' _ 1000)\" = '2 ' ]" 10 \
    || fail "sleep 1000 is not PID 2"
  local t0 t1
  t0=$(date +%s%N)
  run -0 skiff stop sleeper
  t1=$(date +%s%N)
  [ $(((t1 - t0) / 1000000)) -lt 1000 ] || fail "stop took $(((t1 - t0) / 1000000)) ms"
  assert_equal "$(field sleeper '{{.State.ExitCode}}')" "143"
}

@test "--init: signals go to the command's process group" {
  skiff run -d --init --name trapper "$IMG" sh -c 'trap "echo got-usr1; exit 5" USR1; sleep 1000 & while :; do sleep 0.1; done' >/dev/null
  wait_for "[ -n \"\$(skiff exec trapper sh -c '$pids_of_sleep' _ 1000)\" ]" 10
  run -0 skiff kill -s USR1 trapper
  run -0 skiff wait trapper
  assert_equal "$output" "5"
  assert_contains "$(skiff logs trapper)" "got-usr1"
}

@test "--init: sh -c 'sleep 1000 & sleep 1000 & wait' and orphans leave no zombies" {
  skiff run -d --init --name reaper "$IMG" sh -c 'sleep 1000 & sleep 1000 & wait' >/dev/null
  wait_for "[ \"\$(skiff exec reaper sh -c '$pids_of_sleep' _ 1000 | wc -w)\" -eq 2 ]" 10
  # orphans: an exec'd shell leaves two sleeps behind; they are re-parented to PID 1
  skiff exec reaper sh -c 'sleep 2000 & sleep 2000 &'
  wait_for "[ \"\$(skiff exec reaper sh -c '$pids_of_sleep' _ 2000 | wc -w)\" -eq 2 ]" 10
  run -0 skiff exec reaper sh -c 'for p in $('"$pids_of_sleep"'); do grep PPid /proc/$p/status; done' _ 2000
  assert_equal "$output" $'PPid:\t1\nPPid:\t1' "the orphans' parent"
  # kill them: PID 1 reaps them
  skiff exec reaper sh -c 'kill $('"$pids_of_sleep"')' _ 2000
  local zombies='grep -l "^State:.*Z" /proc/[0-9]*/status 2>/dev/null | wc -l'
  wait_for "[ \"\$(skiff exec reaper sh -c '$pids_of_sleep' _ 2000)\" = '' ] && [ \"\$(skiff exec reaper sh -c '$zombies')\" -eq 0 ]" 10 \
    || fail "zombies left: $(skiff exec reaper sh -c 'grep -H "^State" /proc/[0-9]*/status')"
  # then the command's own children: sh reaps them, exits 0, and the container ends
  skiff exec reaper sh -c 'kill $('"$pids_of_sleep"')' _ 1000
  run -0 skiff wait reaper
  assert_equal "$output" "0"
}

@test "skiff.conf: init and stop_timeout defaults; flags win; unknown keys warn; bad values name file, line and key" {
  local conf=$BATS_TEST_TMPDIR/skiff.conf
  printf '# test\n[containers]\ninit = true\nfuture_key = "x"\n[engine]\nstop_timeout = 1\n' >"$conf"
  run -0 --separate-stderr env SKIFF_CONFIG="$conf" "$SKIFF" --root "$SKIFF_TEST_ROOT" \
    --runroot "$SKIFF_TEST_RUNROOT" run --name conf1 "$IMG" cat /proc/1/comm
  assert_equal "$output" "skiff-init" "PID 1 with init = true"
  assert_contains "$stderr" "$conf:4: unknown key \"containers.future_key\""
  assert_equal "$(field conf1 '{{.Config.StopTimeout}} {{.HostConfig.Init}}')" "1 true"
  run -0 env SKIFF_CONFIG="$conf" "$SKIFF" --root "$SKIFF_TEST_ROOT" \
    --runroot "$SKIFF_TEST_RUNROOT" run --rm --init=false --stop-timeout 7 "$IMG" cat /proc/1/comm
  assert_equal "${lines[-1]}" "cat" "--init=false wins over the file"
  # the file's stop_timeout is the container's: sleep as PID 1 ignores SIGTERM, killed after 1 s
  env SKIFF_CONFIG="$conf" "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    run -d --init=false --name conf2 "$IMG" sleep 1000 >/dev/null 2>&1
  local start=$SECONDS
  run -0 skiff stop conf2
  [ $((SECONDS - start)) -le 4 ] || fail "stop took $((SECONDS - start)) s with stop_timeout = 1"
  assert_equal "$(field conf2 '{{.State.ExitCode}}')" "137"
  # a bad value: one line naming file, line and key; nothing is created
  printf '[containers]\ninit = true\n[engine]\nstop_timeout = "soon"\n' >"$conf"
  local before
  before=$(all_container_ids)
  run -125 --separate-stderr env SKIFF_CONFIG="$conf" "$SKIFF" --root "$SKIFF_TEST_ROOT" \
    --runroot "$SKIFF_TEST_RUNROOT" run --rm "$IMG" true
  assert_one_line_error "$stderr"
  assert_equal "$stderr" "Error: $conf:4: engine.stop_timeout: expected an integer"
  assert_equal "$(all_container_ids)" "$before" "containers after the failed run"
}

@test "--stop-timeout -1 waits forever (no SIGKILL after the default 10 s); inspect shows -1" {
  skiff run -d --name forever --stop-timeout -1 "$IMG" sleep 1000 >/dev/null
  assert_equal "$(field forever '{{.Config.StopTimeout}}')" "-1"
  # sleep as PID 1 ignores SIGTERM: stop is still waiting after 12 s
  run -124 timeout 12 "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" stop forever
  assert_equal "$(field forever '{{.State.Status}}')" "running"
  run -0 skiff stop -t 0 forever
  assert_equal "$(field forever '{{.State.ExitCode}}')" "137"
  # not given: no StopTimeout (docker omits it), the default 10 s
  skiff create --name dflt "$IMG" true >/dev/null
  assert_not_contains "$(field dflt '{{json .Config}}')" "StopTimeout"
}

@test "events --since 1m --until 0s: the lifecycle of a container, in order" {
  skiff run -d --name life "$IMG" sleep 1000 >/dev/null
  local id
  id=$(container_id_of life)
  skiff exec life true
  local paused=$'pause life\nunpause life\n'
  if is_rootless; then
    paused= # rootless containers have no cgroup here: no freezer, no pause
  else
    skiff pause life >/dev/null
    skiff unpause life >/dev/null
  fi
  skiff kill -s USR1 life >/dev/null # sleep as PID 1 has no handler: nothing happens
  skiff stop -t 1 life >/dev/null
  skiff rename life life2
  skiff rm life2 >/dev/null
  run -0 skiff events --since 1m --until 0s --filter container="$id" \
    --format '{{.Status}} {{.Actor.Attributes.name}}'
  assert_equal "$output" "create life
start life
exec_start life
exec_die life
${paused}kill life
die life
stop life
rename life2
destroy life2" "events"
  run -0 skiff events --since 1m --until 0s --filter container=life --filter event=die \
    --format '{{.Type}} {{.Action}} {{.Actor.Attributes.exitCode}} {{.Actor.Attributes.image}}'
  assert_equal "$output" "container die 137 $IMG" "die with its exit code"
  run -0 skiff events --since 1m --until 0s --filter container="${id:0:12}" --filter event=kill \
    --format '{{.Actor.Attributes.signal}} {{.ID}}'
  assert_equal "$output" "10 $id" "kill with its signal"
  # docker's default line: time, type, action, ID, sorted attributes
  run -0 skiff events --since 1m --until 0s --filter event=rename
  assert_match "$output" "^20[0-9-]+T[0-9:]+\.[0-9]{9}Z container rename $id \(image=$IMG, name=life2, oldName=life\)$"
  run -1 --separate-stderr skiff events --since 1m --until 0s --filter colour=red
  assert_equal "$stderr" "Error: invalid filter 'colour'"
}

@test "events: image events (tag, untag, save, load, delete)" {
  local since
  since=$(date +%s.%N) # only this test's: other files' tests remove images of their own
  skiff tag "$IMG" evtest:one
  skiff save -o "$BATS_TEST_TMPDIR/img.tar" evtest:one
  skiff untag "$IMG" evtest:one
  skiff load -i "$BATS_TEST_TMPDIR/img.tar" >/dev/null
  skiff rmi evtest:one >/dev/null
  mkdir -p "$BATS_TEST_TMPDIR/tiny" && echo x >"$BATS_TEST_TMPDIR/tiny/f"
  tar -C "$BATS_TEST_TMPDIR/tiny" -cf "$BATS_TEST_TMPDIR/tiny.tar" f
  skiff import "$BATS_TEST_TMPDIR/tiny.tar" evtest:tiny >/dev/null
  skiff rmi evtest:tiny >/dev/null
  run -0 skiff events --since "$since" --until 0s --filter type=image \
    --format '{{.Action}}{{with .Actor.Attributes.name}} {{.}}{{end}}'
  # (the fixture's import may be among them)
  assert_equal "$(printf '%s\n' "$output" | grep -v '^import')" "tag evtest:one
save evtest:one
untag evtest:one
load evtest:one
untag evtest:one
untag evtest:tiny
delete" "image events (evtest:one's image keeps its other tag: no delete)"
}

@test "events follows live (inotify) and returns at --until" {
  local out=$BATS_TEST_TMPDIR/events.out start=$SECONDS
  # docker's durations count back from now: -8s is 8 s ahead
  background skiff events --since 1m --until=-8s --filter container=live \
    --format '{{.Status}} {{.Actor.Attributes.name}}' >"$out"
  local pid=$!
  skiff run --rm --name live "$IMG" true
  wait_for "grep -q 'destroy live' '$out'" 5 || fail "no live events: $(cat "$out")"
  kill -0 "$pid" || fail "events ended before --until"
  wait "$pid"
  [ $((SECONDS - start)) -ge 6 ] && [ $((SECONDS - start)) -le 12 ] \
    || fail "events returned after $((SECONDS - start)) s (--until=-8s)"
  assert_equal "$(cat "$out")" $'create live\nstart live\ndie live\ndestroy live' "live events"
}

@test "events: concurrent writers never mix records; the journal rotates at its size" {
  export SKIFF_EVENTS_MAX_BYTES=8192
  local w
  for w in 1 2 3 4; do
    background sh -c "for i in 1 2 3 4 5 6 7 8 9 10 11 12; do \"\$0\" --root \"\$1\" --runroot \"\$2\" tag \"\$3\" conc$w:\$i || exit 1; done" \
      "$SKIFF" "$SKIFF_TEST_ROOT" "$SKIFF_TEST_RUNROOT" "$IMG"
  done
  wait
  [ -f "$SKIFF_TEST_ROOT/events.log.1" ] || fail "no rotation"
  local f size
  for f in "$SKIFF_TEST_ROOT"/events.log "$SKIFF_TEST_ROOT"/events.log.1; do
    size=$(stat -c %s "$f")
    [ "$size" -le $((8192 + 4096)) ] || fail "$f is $size bytes"
  done
  # every line a whole record; the newest are kept
  run -0 skiff events --since 1h --until 0s --format json
  printf '%s\n' "$output" | python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' \
    || fail "damaged records"
  for w in 1 2 3 4; do
    assert_contains "$output" "\"name\":\"conc$w:12\""
  done
  for w in 1 2 3 4; do
    for i in 1 2 3 4 5 6 7 8 9 10 11 12; do skiff untag "$IMG" "conc$w:$i"; done
  done
}
