#!/usr/bin/env bats
# Issue 9's stress test: names and removal under parallel scripts, against a restart loop.
# 8 rounds; in each, 16 parallel `run -d --name same-N` and 16 parallel `rm -f` (of same-N and
# of a --restart on-failure/always loop container) race; afterwards `system check` is clean,
# no name is held twice, and once the round is cleaned up no process, mount, cgroup, state or
# temp dir of it is left.  Bounded: every skiff call has the helpers' timeout and the whole
# test must end within STRESS_LIMIT seconds.
load helpers

STRESS_LIMIT=480 # ~90 s idle; ~3 min on a loaded 2-core machine
MARK=48048 # in every container's argv, to find leftover processes

# The round's commands, their outputs in $BATS_TEST_TMPDIR/<round>.<kind>.<i>.
race_round () { # ROUND
  local n=$1 i
  for i in $(seq 16); do
    skiff run -d --name "same-$n" "$IMG" sleep "$MARK" \
      >"$BATS_TEST_TMPDIR/$n.run.$i" 2>"$BATS_TEST_TMPDIR/$n.run-err.$i" &
    if [ $((i % 2)) -eq 0 ]; then
      skiff rm -f "same-$n" >/dev/null 2>"$BATS_TEST_TMPDIR/$n.rm-err.$i" &
    else
      skiff rm -f "loop-$n" >/dev/null 2>"$BATS_TEST_TMPDIR/$n.rm-err.$i" &
    fi
  done
  wait
}

# Every failure of the round was a lost race, with the message of one: the name taken, or the
# new container removed by a parallel rm -f before it started.
check_errors () { # ROUND
  local n=$1 f
  for f in "$BATS_TEST_TMPDIR/$n".run-err.*; do
    [ ! -s "$f" ] || assert_match "$(cat "$f")" \
      '^Error: (Conflict\. The container name "/same-'"$n"'" is already in use|No such container: same-'"$n"'$)' \
      "round $n: run -d"
  done
  for f in "$BATS_TEST_TMPDIR/$n".rm-err.*; do
    [ ! -s "$f" ] || assert_match "$(cat "$f")" '^Error: No such container: (same|loop)-'"$n"'$' \
      "round $n: rm -f"
  done
}

# Nothing of the round's containers left: processes (their monitors carry --name in argv),
# cgroups, records, names, runtime dirs, temp dirs, mounts.
nothing_left () { # ROUND MOUNTS-BEFORE IDS...
  local n=$1 mounts=$2 id
  shift 2
  ! pgrep -f -- "sleep $MARK|loop$MARK" >/dev/null || return 1
  ! pgrep -f -- "--name (same|loop)-$n( |\$)" >/dev/null || return 1
  for id in "$@"; do
    ! compgen -G "/sys/fs/cgroup/*/skiff/$id" >/dev/null || return 1
    [ ! -e "/sys/fs/cgroup/skiff/$id" ] || return 1
  done
  skiff ps -a -q >/dev/null || return 1 # reaps temp dirs of dead commands
  local d
  for d in "$SKIFF_TEST_ROOT"/{containers,tmp,names/containers} "$SKIFF_TEST_RUNROOT/containers"; do
    [ -z "$(ls -A "$d" 2>&1)" ] || return 1
  done
  [ "$(grep -c -- "$SKIFF_TEST_RUNROOT" /proc/self/mountinfo)" -eq "$mounts" ] || return 1
}

@test "stress: 8 rounds of 16 parallel 'run -d --name same-N' and 16 parallel 'rm -f' against a restart loop" {
  local n mounts ids dups policy t0=$SECONDS
  mounts=$(grep -c -- "$SKIFF_TEST_RUNROOT" /proc/self/mountinfo || true)
  for n in $(seq 8); do
    policy=on-failure
    [ $((n % 2)) -eq 0 ] && policy=always
    skiff run -d --name "loop-$n" --restart "$policy" "$IMG" \
      sh -c 'sleep 0.1; exit 1' "loop$MARK" >"$BATS_TEST_TMPDIR/$n.loop"
    race_round "$n"
    check_errors "$n"

    dups=$(skiff ps -a --format '{{.Names}}' | sort | uniq -d)
    assert_equal "$dups" "" "round $n: names held twice"
    [ "$(skiff ps -a --format '{{.Names}}' | grep -c "^same-$n\$")" -le 1 ] \
      || fail "round $n: more than one same-$n"
    run skiff system check
    assert_equal "$status: $output" "0: " "round $n: system check"
    assert_equal "$(skiff ps -a -q --filter "name=loop-$n")" "" "round $n: the loop container after rm -f"

    ids=$(cat "$BATS_TEST_TMPDIR/$n.loop" "$BATS_TEST_TMPDIR/$n".run.* | sort -u | tr "\n" " ")
    local left
    left=$(all_container_ids)
    [ -z "$left" ] || skiff rm -f $left >/dev/null
    wait_for "nothing_left $n $mounts $ids" 60 || {
      pgrep -af -- "sleep $MARK|loop$MARK|--name (same|loop)-$n" >&2 || true
      ls -A "$SKIFF_TEST_ROOT/containers" "$SKIFF_TEST_ROOT/tmp" "$SKIFF_TEST_ROOT/names/containers" \
        "$SKIFF_TEST_RUNROOT/containers" >&2 || true
      grep -c -- "$SKIFF_TEST_RUNROOT" /proc/self/mountinfo >&2 || true
      ls -d /sys/fs/cgroup/*/skiff/*/ >&2 || true
      fail "round $n: leftovers (above)"
    }
    [ $((SECONDS - t0)) -lt "$STRESS_LIMIT" ] || fail "round $n: over ${STRESS_LIMIT}s"
  done
}

# The race above, made certain (fixture/delay-preload.c): rm -f removes a just-created
# container's runtime dir while its monitor is about to listen there, and is slow to remove the
# rest.  run -d must say docker's "No such container" (it said "listen on .../attach.sock: No
# such file or directory" when it looked before the remover was done), and leave nothing.
@test "run -d removed by rm -f while its monitor starts: No such container, nothing left" {
  local shim=$BATS_TEST_TMPDIR/delay.so
  cc -shared -fPIC -O2 -o "$shim" "$BATS_TEST_DIRNAME/fixture/delay-preload.c" -ldl
  # an ASan build wants its runtime first; the shim only sleeps, it may come before
  local ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
  export ASAN_OPTIONS
  LD_PRELOAD=$shim DELAY_BIND_MATCH=attach.sock DELAY_BIND_MS=1500 \
    skiff run -d --name racing "$IMG" sleep 100 >"$BATS_TEST_TMPDIR/run.out" \
    2>"$BATS_TEST_TMPDIR/run.err" &
  local job=$!
  wait_for 'compgen -G "$SKIFF_TEST_RUNROOT/containers/*" >/dev/null' 30 \
    || fail "the monitor made no runtime dir"
  LD_PRELOAD=$shim DELAY_RENAME_MATCH=rmctr DELAY_RENAME_MS=3000 run skiff rm -f racing
  assert_equal "$status: $output" "0: racing" "rm -f"
  local rc=0
  wait "$job" || rc=$?
  assert_equal "$rc: $(cat "$BATS_TEST_TMPDIR/run.err")" "125: Error: No such container: racing" "run -d"
  assert_equal "$(skiff ps -a -q)" "" "containers left"
  run skiff system check
  assert_equal "$status: $output" "0: " "system check"
  [ -z "$(ls -A "$SKIFF_TEST_RUNROOT/containers")" ] || fail "runtime dirs left"
}
