#!/usr/bin/env bats
# The monitor as PID 1's parent in every mode: restart loops seen by pollers and ended by
# stop/kill/rm -f at any moment, foreground containers outliving a killed client (exit code,
# FinishedAt, --rm), foreground runs logged, and the log drivers and rotation.

load helpers

field () { # CONTAINER TEMPLATE
  skiff inspect --format "$2" "$1"
}

# Polls the loops' status until all are over (or 30 s), one line per container and look.
poll_loops () { # FILE NAME...
  local out=$1 deadline=$((SECONDS + 30)) s
  shift
  while [ $SECONDS -lt $deadline ]; do
    s=$(skiff inspect --format '{{.State.Status}} {{.RestartCount}}' "$@") || return
    echo "$s" >>"$out"
    [ "$(echo "$s" | grep -cx 'exited 5')" -ne $# ] || return 0
  done
}

@test "restart loop: pollers never see exited between restarts, only once it is over" {
  local names=() n p pids=() seen=$BATS_TEST_TMPDIR/seen
  for n in 1 2 3 4 5 6; do
    skiff run -d --name "rl$n" --restart on-failure:5 "$IMG" sh -c 'exit 3' >/dev/null
    names+=("rl$n")
  done
  for p in 1 2; do
    background poll_loops "$seen.$p" "${names[@]}"
    pids+=($!)
  done
  wait "${pids[@]}"
  for n in "${names[@]}"; do
    assert_equal "$(field "$n" '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}')" \
      "exited 5 3" "the end of $n's loop"
  done
  cat "$seen".* >"$seen"
  run grep -c '^restarting' "$seen"
  [ "$output" -gt 0 ] || fail "never saw restarting"
  if grep -v '^exited 5$' "$seen" | grep -q '^exited'; then
    fail "a transient exited: $(grep '^exited' "$seen" | sort | uniq -c | tr '\n' ' ')"
  fi
}

# rm -f, stop or kill at some moment of a tight loop (exit at once, backoff 100 ms, 200 ms...)
end_loop () { # round COMMAND...
  local name=loop$1
  shift
  skiff run -d --name "$name" --restart always "$IMG" true >/dev/null
  wait_for "[ \"\$(skiff inspect --format '{{.RestartCount}}' $name 2>/dev/null)\" -ge $((1 + $RANDOM % 3)) ]" 15 \
    || fail "$name did not restart"
  run "$@" "$name"
  [ "$status" -eq 0 ] || fail "round $name: '$*' exited $status: $output"
}

@test "restart loop: rm -f at any moment removes it for good; stop and kill end it for good" {
  local round
  for round in $(seq 1 12); do
    end_loop "$round" skiff rm -f
    run ! skiff inspect "loop$round"
  done
  for round in $(seq 13 18); do
    end_loop "$round" skiff stop -t 1
    assert_equal "$(field "loop$round" '{{.State.Status}}')" exited "after stop, round $round"
    local n
    n=$(field "loop$round" '{{.RestartCount}}')
    # the monitor is gone once stop returns: nothing can restart it any more
    run -0 skiff wait "loop$round"
    assert_equal "$(field "loop$round" '{{.State.Status}} {{.RestartCount}}')" "exited $n"
    run -0 skiff rm "loop$round"
    end_loop "k$round" skiff kill
    wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' loopk$round)\" = exited ]" 5 \
      || fail "kill did not end loop k$round"
    run -0 skiff rm "loopk$round"
  done
  run -0 skiff ps -a -q
  assert_equal "$output" "" "containers left"
}

# Starts a skiff client in the background ($! is the skiff process itself) and waits until
# its container runs.
start_client () { # NAME ARGS...
  local name=$1
  shift
  background exec "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" "$@"
  client=$!
  wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' $name 2>/dev/null)\" = running ]" 30 \
    || fail "$name did not start"
}

# The client is SIGKILLed while the container runs; the container ends on its own later.
@test "a killed foreground client: the container keeps its exit code, FinishedAt and --rm (run, run -i, run -t, start -a)" {
  local mode client waiter='until [ -e /go ]; do sleep 0.1; done'
  for mode in run run-i run-t start-a; do
    case $mode in
      run) start_client "k-$mode" run --name "k-$mode" "$IMG" sh -c "$waiter; exit 7" ;;
      run-i) start_client "k-$mode" run -i --name "k-$mode" "$IMG" sh -c "$waiter; exit 7" <<<input ;;
      run-t) start_client "k-$mode" run -t --name "k-$mode" "$IMG" sh -c "$waiter; exit 7" ;;
      start-a) skiff create --name "k-$mode" "$IMG" sh -c "$waiter; exit 7" >/dev/null
               start_client "k-$mode" start -a "k-$mode" ;;
    esac
    kill -KILL "$client"
    wait "$client" || true
  done
  # as `timeout -k 2 3 skiff run --rm ...`: SIGTERM (proxied to PID 1, which ignores it), then
  # SIGKILL
  start_client tmo run --rm --name tmo "$IMG" sh -c "$waiter"
  kill -TERM "$client"
  wait_for "! kill -0 $client 2>/dev/null" 1 || kill -KILL "$client"
  wait "$client" || true
  # the clients are gone, the containers still run (as docker's do)
  for mode in run run-i run-t start-a; do
    assert_equal "$(field "k-$mode" '{{.State.Status}}')" running "$mode after its client died"
  done
  assert_equal "$(field tmo '{{.State.Status}}')" running "tmo after its client died"
  # (touch may be killed with the container it ends: only the container's end is checked)
  for mode in run run-i run-t start-a; do
    skiff exec "k-$mode" touch /go || true
  done
  skiff exec tmo touch /go || true
  for mode in run run-i run-t start-a; do
    wait_for "[ \"\$(skiff inspect --format '{{.State.Status}}' k-$mode)\" = exited ]" 15 \
      || fail "$mode: not exited"
    assert_equal "$(field "k-$mode" '{{.State.ExitCode}}')" 7 "$mode exit code"
    run -0 field "k-$mode" '{{.State.FinishedAt}}'
    assert_not_contains "$output" "0001-01-01" "$mode FinishedAt"
  done
  wait_for "! skiff inspect tmo >/dev/null 2>&1" 15 || fail "--rm container tmo was not removed"
}

@test "foreground runs are logged (run, run -t, run -a stdout), stdout and stderr apart" {
  run -3 --separate-stderr skiff run --name fg "$IMG" sh -c 'echo hi; echo oops >&2; exit 3'
  assert_equal "$output" hi
  assert_equal "$stderr" oops
  run -0 --separate-stderr skiff logs fg
  assert_equal "$output" hi "logs stdout"
  assert_equal "$stderr" oops "logs stderr"
  run -0 skiff run -t --name fgt "$IMG" echo tty-hi
  run -0 skiff logs fgt
  assert_equal "$(printf '%s' "$output" | tr -d '\r')" tty-hi
  run -0 --separate-stderr skiff run -a stdout --name fga "$IMG" sh -c 'echo shown; echo hidden >&2'
  assert_equal "$output" shown
  assert_equal "$stderr" ""
  run -0 --separate-stderr skiff logs fga
  assert_equal "$stderr" hidden "an unattached stream is still logged"
  # files and pipes pass through: stdin from a file, stdout into a pipe
  printf 'a\nb\n' >"$BATS_TEST_TMPDIR/in"
  run -0 bash -c "'$SKIFF' --root '$SKIFF_TEST_ROOT' --runroot '$SKIFF_TEST_RUNROOT' run -i --rm '$IMG' cat <'$BATS_TEST_TMPDIR/in' | wc -l"
  assert_equal "$output" 2
}

@test "--log-driver: none makes logs say so; passthrough; journald, syslog, unknown drivers and opts are refused" {
  run -0 skiff run --log-driver none --name ln "$IMG" echo hi
  assert_equal "$output" hi "none still shows a foreground run's output"
  run -1 --separate-stderr skiff logs ln
  assert_equal "$stderr" "Error: configured logging driver does not support reading"
  run -0 skiff run --log-driver passthrough --name lp "$IMG" echo through
  assert_equal "$output" through
  run -1 skiff logs lp
  run -0 skiff run --log-driver json-file --name lj "$IMG" echo json
  run -0 skiff logs lj
  assert_equal "$output" json
  assert_equal "$(field lj '{{.HostConfig.LogConfig.Type}}')" json-file
  run -125 --separate-stderr skiff run --log-driver journald "$IMG" true
  assert_match "$stderr" "journald log driver is not supported"
  run -125 --separate-stderr skiff run --log-driver syslog "$IMG" true
  assert_match "$stderr" "syslog log driver is not supported"
  run -125 --separate-stderr skiff create --log-driver bogus "$IMG" true
  assert_equal "$stderr" "Error: no log driver named 'bogus' is registered"
  run -125 --separate-stderr skiff run --log-opt bogus=1 "$IMG" true
  assert_equal "$stderr" "Error: unknown log opt 'bogus' for k8s-file log driver"
  run -125 --separate-stderr skiff run --log-opt max-size=0 "$IMG" true
  assert_equal "$stderr" "Error: max-size must be a positive number"
  run -125 --separate-stderr skiff run --log-opt max-file=0 "$IMG" true
  assert_equal "$stderr" "Error: max-file cannot be less than 1"
  run -125 --separate-stderr skiff run --log-driver none --log-opt max-size=1k "$IMG" true
  assert_equal "$stderr" "Error: invalid logging opts for driver none"
  run -0 skiff ps -a --format '{{.Names}}'
  assert_equal "$(echo "$output" | sort | tr '\n' ' ')" "lj ln lp " "nothing made by a refused run"
}

@test "--log-opt max-size/max-file rotate the log; logs and logs --tail read across the files" {
  local log=$BATS_TEST_TMPDIR/ctr.log
  run -0 skiff run --name rot --log-opt max-size=2k --log-opt max-file=3 --log-opt "path=$log" \
    "$IMG" sh -c 'i=1; while [ $i -le 400 ]; do echo line-$i; i=$((i+1)); done'
  run -0 ls "$log" "$log.1" "$log.2"
  run ! ls "$log.3"
  local f
  for f in "$log" "$log.1" "$log.2"; do
    [ "$(stat -c %s "$f")" -le 2048 ] || fail "$f is $(stat -c %s "$f") bytes"
  done
  run -0 skiff logs rot
  local n=${#lines[@]}
  [ "$n" -gt 20 ] && [ "$n" -lt 400 ] || fail "logs gave $n lines"
  assert_equal "${lines[$((n - 1))]}" line-400
  local first=${lines[0]#line-} i
  for ((i = 0; i < n; i++)); do
    [ "${lines[$i]}" = "line-$((first + i))" ] || fail "line $i is ${lines[$i]}"
  done
  run -0 skiff logs --tail $((n - 2)) rot
  assert_equal "${#lines[@]}" $((n - 2))
  assert_equal "${lines[0]}" "line-$((first + 2))"
  # max-file=1: the file is emptied, never more than max-size
  run -0 skiff run --name rot1 --log-opt max-size=1k --log-opt "path=$log-one" \
    "$IMG" sh -c 'i=1; while [ $i -le 200 ]; do echo line-$i; i=$((i+1)); done'
  [ "$(stat -c %s "$log-one")" -le 1024 ] || fail "max-file=1 file grew to $(stat -c %s "$log-one")"
  run -0 skiff logs rot1
  assert_equal "${lines[$((${#lines[@]} - 1))]}" line-200
}

@test "logs -f follows the log across rotations" {
  skiff run -d --name rf --log-opt max-size=1k --log-opt max-file=2 "$IMG" sh -c \
    'echo ready; until [ -e /go ]; do sleep 0.05; done; i=1; while [ $i -le 150 ]; do echo line-$i; i=$((i+1)); [ $((i % 10)) -ne 0 ] || sleep 0.05; done' >/dev/null
  local out=$BATS_TEST_TMPDIR/follow
  background skiff logs -f rf >"$out"
  local follower=$!
  wait_for "grep -q ready '$out'" 10 || fail "logs -f printed nothing"
  skiff exec rf touch /go || true
  wait "$follower"
  run -0 cat "$out"
  assert_equal "${#lines[@]}" 151 "ready + 150 lines"
  local i
  for ((i = 1; i <= 150; i++)); do
    [ "${lines[$i]}" = "line-$i" ] || fail "line $i is ${lines[$i]}"
  done
}

@test "foreground output reaches a pipe the user did not make (root's pipe around runuser)" {
  if is_rootless; then # only our own pipes here: the plain case
    run -0 sh -c "$(skiff_cmd) run --rm $IMG echo through-pipe | cat"
    assert_equal "$output" through-pipe
    return 0
  fi
  local d
  d=$(mktemp -d /tmp/skiff-56.XXXXXX)
  chmod 0755 "$d"
  chown skifftest: "$d"
  tar -C "$(dirname "$SKIFF_TEST_FIXTURE/rootfs.tar")" -cf - rootfs.tar | tar -C "$d" -xf -
  chmod 0644 "$d/rootfs.tar"
  local as_user=(runuser -u skifftest -- env -i PATH=/usr/bin:/bin HOME="$d" USER=skifftest
    XDG_RUNTIME_DIR="$d" "$SKIFF" --root "$d/store" --runroot "$d/run")
  (cd "$d" && "${as_user[@]}" import rootfs.tar pipe/bb >/dev/null)
  # the pipe to cat is root's: the user's monitor cannot reopen it through /proc
  run -0 sh -c 'cd "$1" && shift && "$@" run --rm pipe/bb echo through-pipe | cat' sh "$d" "${as_user[@]}"
  assert_equal "$output" through-pipe "output through root's pipe"
  rm -rf "$d"
}
