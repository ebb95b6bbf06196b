#!/usr/bin/env bats
# Recovery: commands SIGKILLed at random points leave nothing that the next commands or
# `system check --repair` cannot clean up, and every name stays usable; races on one name.
load helpers

archive () { # OUT  (spec JSON on stdin)
  python3 "$BATS_TEST_DIRNAME/fixture/mkarchive.py" "$1"
}

# skiff without the helpers' timeout wrapper, so SIGKILL reaches skiff itself.
raw_skiff () {
  "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" "$@"
}

dead_pid () { # a pid that just exited
  sh -c 'echo $$'
}

now_ms () { # without a fork: the kill loops call it often
  local t=${EPOCHREALTIME/[.,]/}
  echo $((t / 1000))
}

# Milliseconds one call of `skiff ARGS...` takes here, as the upper end of the kill delays
# (at least 10, at most CAP).
duration_ms () { # CAP ARGS...
  local cap=$1 t0 ms
  shift
  t0=$(now_ms)
  raw_skiff "$@" >/dev/null 2>&1 || true
  ms=$((($(now_ms) - t0) * 3 / 2))
  ((ms < 10)) && ms=10
  ((ms > cap)) && ms=$cap
  echo "$ms"
}

# Runs `skiff ARGS...` and SIGKILLs it after a random delay of 0..MAX-1 ms (or lets it end).
kill_at_random () { # MAX ARGS...
  local ms=$((RANDOM % $1))
  shift
  timeout -s KILL "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))" \
    "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" "$@" \
    </dev/null >/dev/null 2>&1 || true
}

KILLS=${SKIFF_TEST_KILLS:-100}
BUDGET_MS=${SKIFF_TEST_KILL_BUDGET_MS:-15000} # per command, so the file stays bounded

# Kills `skiff ARGS-with-%i` KILLS times (or until the budget is spent); prints the count.
kill_loop () { # MAX SETUP-FUNCTION|- ARGS...  (%i in ARGS: the iteration number)
  local max=$1 setup=$2 i n=0 t0
  shift 2
  t0=${EPOCHREALTIME/[.,]/}
  for ((i = 1; i <= KILLS; i++)); do
    ((${EPOCHREALTIME/[.,]/} - t0 > BUDGET_MS * 1000)) && break
    [ "$setup" = - ] || "$setup" "$i"
    kill_at_random "$max" "${@//%i/$i}"
    n=$i
  done
  echo "$n"
}

setup_rm_target () { # I: a container to be removed (every fifth one running)
  if (($1 % 5 == 0)); then
    raw_skiff run -d --name "km$1" "$IMG" sleep 60 >/dev/null 2>&1 || true
  else
    raw_skiff create --name "km$1" "$IMG" true >/dev/null 2>&1 || true
  fi
}

# Parallel commands start together: each waits for a shared lock the test holds until all
# are spawned (a late one passes at once).
start_gate () {
  exec 8>"$BATS_TEST_TMPDIR/gate"
  flock -x 8
}
through_gate () { # ARGS...
  flock -s "$BATS_TEST_TMPDIR/gate" true 8>&-
  "$@" 8>&-
}
open_gate () {
  exec 8>&-
}

teardown () {
  skiff rm -fa >/dev/null 2>&1 || true
}

@test "recovery: create, run -d, rm -f, rmi and load SIGKILLed at random points; system check --repair cleans up, every name is usable again" {
  local tiny=$BATS_TEST_TMPDIR/tiny.tar n max report="" t_start
  t_start=$(now_ms)
  archive "$tiny" <<< '{"format":"docker","tag":"localhost/tiny:1","layers":[[{"name":"a","data":"one"}],[{"name":"b","data":"two"}]]}'

  max=$(duration_ms 60 create --name probe-c "$IMG" true)
  n=$(kill_loop "$max" - create --name kc%i "$IMG" true); report+=" create=$n(<${max}ms)"
  max=$(duration_ms 150 run -d --name probe-r "$IMG" true)
  n=$(kill_loop "$max" - run -d --name kr%i "$IMG" true); report+=" run-d=$n(<${max}ms)"
  max=$(duration_ms 80 rm -f probe-c)
  n=$(kill_loop "$max" setup_rm_target rm -f km%i); report+=" rm-f=$n(<${max}ms)"
  max=$(duration_ms 200 load -i "$tiny")
  n=$(kill_loop "$max" - load -i "$tiny"); report+=" load=$n(<${max}ms)"
  reload_tiny
  max=$(duration_ms 150 rmi -f localhost/tiny:1)
  # each rmi has an image to remove: loaded (not killed) first
  n=$(kill_loop "$max" reload_tiny rmi -f localhost/tiny:1); report+=" rmi=$n(<${max}ms)"
  echo "# kills:$report, $(($(now_ms) - t_start)) ms" >&3

  # one further command removes what the killed ones left in tmp/
  skiff images >/dev/null
  run ls -A "$SKIFF_TEST_ROOT/tmp"
  assert_equal "$output" "" "tmp/ after one more command"

  run skiff system check
  echo "# system check before --repair: status $status, ${#lines[@]} findings${lines:+, e.g. ${lines[0]}}" >&3
  skiff system check --repair >/dev/null
  run skiff system check
  assert_equal "$status" 0 "system check after --repair (output: $output)"
  assert_equal "$output" "" "system check after --repair"

  # every name is usable: whatever is left under it goes, and it can be created again
  local names=(probe-c probe-r) i
  for ((i = 1; i <= KILLS; i++)); do names+=("kc$i" "kr$i" "km$i"); done
  run skiff rm -f "${names[@]}"
  # four at a time (bounded time on a slow machine); xargs exits non-zero if any failed
  printf '%s\n' "${names[@]}" | timeout 300 xargs -P 4 -I{} \
    "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" create --name {} "$IMG" true \
    >/dev/null || fail "create --name failed for some name after the kills"
  run skiff rm "${names[@]}"
  assert_equal "$status" 0 "rm of every name: $output"
  run skiff ps -aq
  assert_equal "$output" "" "containers left"

  skiff load -i "$tiny"
  skiff rmi localhost/tiny:1
  echo "# all: $(($(now_ms) - t_start)) ms" >&3
  run skiff system check
  assert_equal "$status" 0 "system check at the end (output: $output)"
  assert_equal "$output" "" "system check at the end"
}

reload_tiny () {
  raw_skiff load -i "$BATS_TEST_TMPDIR/tiny.tar" >/dev/null 2>&1 || true
}

@test "rm -f: of 20 parallel removals of one container exactly one succeeds, the others say No such container" {
  local kind name i ok
  for kind in created running; do
    name=par-$kind
    if [ "$kind" = created ]; then
      skiff create --name "$name" "$IMG" true >/dev/null
    else
      skiff run -d --name "$name" "$IMG" sleep 60 >/dev/null
    fi
    start_gate
    for i in $(seq 20); do
      (
        rc=0
        through_gate skiff rm -f "$name" >"$BATS_TEST_TMPDIR/out.$i" 2>"$BATS_TEST_TMPDIR/err.$i" || rc=$?
        echo "$rc" >"$BATS_TEST_TMPDIR/rc.$i"
      ) 8>&- &
    done
    open_gate
    wait
    ok=0
    for i in $(seq 20); do
      if [ "$(cat "$BATS_TEST_TMPDIR/rc.$i")" = 0 ]; then
        ok=$((ok + 1))
        assert_equal "$(cat "$BATS_TEST_TMPDIR/out.$i")" "$name" "stdout of the winner"
      else
        assert_equal "$(cat "$BATS_TEST_TMPDIR/rc.$i")" 1 "exit status of a loser ($kind)"
        assert_equal "$(cat "$BATS_TEST_TMPDIR/err.$i")" "Error: No such container: $name" \
          "stderr of a loser ($kind)"
      fi
    done
    assert_equal "$ok" 1 "removals of the $kind container that succeeded"
  done
}

@test "create --name: of 20 parallel creations of one name exactly one succeeds" {
  local i ok=0
  start_gate
  for i in $(seq 20); do
    (
      rc=0
      through_gate skiff create --name same "$IMG" true >/dev/null 2>"$BATS_TEST_TMPDIR/err.$i" || rc=$?
      echo "$rc" >"$BATS_TEST_TMPDIR/rc.$i"
    ) 8>&- &
  done
  open_gate
  wait
  for i in $(seq 20); do
    if [ "$(cat "$BATS_TEST_TMPDIR/rc.$i")" = 0 ]; then
      ok=$((ok + 1))
    else
      assert_equal "$(cat "$BATS_TEST_TMPDIR/rc.$i")" 125 "exit status of a loser"
      assert_contains "$(cat "$BATS_TEST_TMPDIR/err.$i")" 'Conflict. The container name "/same" is already in use'
    fi
  done
  assert_equal "$ok" 1 "creations that succeeded"
  run skiff ps -a --format '{{.Names}}'
  assert_equal "$output" "same"
}

# What a create killed while writing config.json left (issue: 4 in 150 kills): the name link
# and a container dir holding only config.json.tmp.<pid>.
make_dangling_name () { # NAME
  local id
  id=$(printf '%064d' 0 | tr 0 d)
  mkdir -p "$SKIFF_TEST_ROOT/containers/$id"
  echo '{' >"$SKIFF_TEST_ROOT/containers/$id/config.json.tmp.$(dead_pid)"
  ln -s "$id" "$SKIFF_TEST_ROOT/names/containers/$1"
}

@test "create --name: a name a killed create left without a record is free again" {
  make_dangling_name dangling
  run -1 --separate-stderr skiff rm -f dangling
  assert_equal "$stderr" "Error: No such container: dangling"
  run skiff create --name dangling "$IMG" true
  assert_equal "$status" 0 "create --name over a dangling name: $output"
  skiff rm dangling
}

@test "system check: reports a dangling name and an incomplete record; --repair frees the name" {
  make_dangling_name dangling2
  run skiff system check
  assert_equal "$status" 1 "system check with a dangling name: $output"
  assert_contains "$output" "name dangling2 points to a missing container"
  assert_contains "$output" "incomplete record (no config.json)"
  run skiff system check --repair
  assert_equal "$status" 0
  assert_contains "$output" "(repaired)"
  run skiff system check
  assert_equal "$status" 0
  assert_equal "$output" ""
  [ ! -e "$SKIFF_TEST_ROOT/names/containers/dangling2" ] || fail "the dangling link is still there"
  skiff create --name dangling2 "$IMG" true
  skiff rm dangling2
}

@test "system check: a record without its name link, temp files of dead writers and a runtime dir of a missing container; --repair fixes them" {
  local id ghost
  id=$(skiff create --name unlinked "$IMG" true)
  rm "$SKIFF_TEST_ROOT/names/containers/unlinked"
  echo '{' >"$SKIFF_TEST_ROOT/containers/$id/state.json.tmp.$(dead_pid)"
  ghost=$(printf '%064d' 0 | tr 0 e)
  mkdir -p "$SKIFF_TEST_RUNROOT/containers/$ghost"
  run skiff system check
  assert_equal "$status" 1
  assert_contains "$output" "container ${id:0:12}: its name unlinked is not reserved"
  assert_contains "$output" "container ${id:0:12}: leftover temporary file state.json.tmp."
  assert_contains "$output" "container ${ghost:0:12}: runtime directory of a missing container"
  run skiff system check --repair
  assert_equal "$status" 0
  run skiff system check
  assert_equal "$output" "" "system check after --repair"
  run skiff rm unlinked
  assert_equal "$output" "unlinked" "rm by the restored name"
}

@test "store: any command removes the temp dirs of dead commands (killed rmi, load)" {
  local pid
  pid=$(dead_pid)
  mkdir -p "$SKIFF_TEST_ROOT/tmp/rm-$pid-abcdef/x" "$SKIFF_TEST_ROOT/tmp/load-$pid-ghijkl"
  skiff images >/dev/null
  run ls -A "$SKIFF_TEST_ROOT/tmp"
  assert_equal "$output" "" "tmp/ after one command"
}

@test "system check: a temporary image name a killed command left is reported, --repair removes it" {
  # what a load killed between its symlink and the rename leaves: NAME.tmp.PID, here pointing
  # at an existing image (a later rmi would leave it dangling), with a pid that is gone
  local dead=999999 link
  while kill -0 "$dead" 2>/dev/null; do dead=$((dead - 1)); done
  link="$SKIFF_TEST_ROOT/names/images/localhost%2Fleft:1.tmp.$dead"
  ln -s "$SKIFF_TEST_IMAGE_ID" "$link"
  run -1 skiff system check
  assert_contains "$output" "a temporary name left by a dead process"
  run -0 skiff system check --repair
  [ ! -L "$link" ] || fail "--repair left $link"
  run -0 skiff system check
  # a live writer's (ours) is left alone
  ln -s "$SKIFF_TEST_IMAGE_ID" "$SKIFF_TEST_ROOT/names/images/localhost%2Fleft:1.tmp.$$"
  run -0 skiff system check
  rm "$SKIFF_TEST_ROOT/names/images/localhost%2Fleft:1.tmp.$$"
}
