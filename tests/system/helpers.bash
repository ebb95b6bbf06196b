# Shared by every system test file (`load helpers`).  setup_suite.bash has already built the
# busybox fixture and imported it as $SKIFF_TEST_IMAGE into the private store.
#
# Environment:  SKIFF                 the skiff binary under test (required)
#               SKIFF_TEST_STRICT=1   a skip is a failure (CI)
#               SKIFF_TEST_TIMEOUT    seconds one skiff call may take (default 120)
bats_require_minimum_version 1.5.0

IMG=${SKIFF_TEST_IMAGE:-}

# Every skiff call in the tests goes through here: private store, bounded time; inside the
# test's network namespace when netns_setup made one.
skiff () {
  local ns=()
  [ -z "${NS:-}" ] || ns=(nsenter --net="/run/netns/$NS")
  timeout --kill-after=10 "${SKIFF_TEST_TIMEOUT:-120}" "${ns[@]}" \
    "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" "$@"
}

# Network tests as root run in a network namespace of their own (ip netns; skiff and in_ns
# through nsenter), deleted afterwards, so nothing touches the host's interfaces.  (The other
# tests' containers are on the default bridge too: run-all.sh runs root's whole bats in a
# network namespace it makes, `unshare --net`, so their skiff0 is not the host's.)  Rootless
# there is none (NS empty): the user cannot make one that skiff's own user namespace, with
# its subuid range, can still be set up from.
netns_setup () {
  NS=
  is_rootless && return 0
  NS=skiff-bats-$$-$BATS_TEST_NUMBER
  ip netns add "$NS"
}

# Removes the test's containers (and with --networks its custom networks), then the namespace.
netns_teardown () { # [--networks]
  local ids
  ids=$(skiff ps -a -q 2>/dev/null) || true
  [ -z "$ids" ] || skiff rm -f $ids >/dev/null 2>&1 || true
  if [ "${1:-}" = --networks ]; then
    ids=$(skiff network ls -q --filter type=custom 2>/dev/null) || true
    [ -z "$ids" ] || skiff network rm -f $ids >/dev/null 2>&1 || true
  fi
  [ -z "${NS:-}" ] || ip netns del "$NS"
}

# Runs a command where skiff's containers run: the test's namespace (root) or here.
in_ns () {
  if [ -n "${NS:-}" ]; then nsenter --net="/run/netns/$NS" "$@"; else "$@"; fi
}

# The same command line as a string, for a shell of its own (sh -c, script, tmux); no timeout.
skiff_cmd () {
  printf '%q ' "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT"
}

is_rootless () {
  [ "$(id -u)" -ne 0 ]
}

# A rootless user without a delegated cgroup: containers get none (no pause, no limits).
rootless_without_cgroup () {
  is_rootless && ! [ -w /sys/fs/cgroup/freezer ] && ! [ -w /sys/fs/cgroup/cgroup.subtree_control ]
}
ROOTLESS_PAUSE_ERROR="Error: pause is not supported for rootless containers: they run without a cgroup"

# Fails the test with a message on stderr (bats shows it under the failing test).
fail () {
  printf '%s\n' "$*" >&2
  return 1
}

assert_equal () { # ACTUAL EXPECTED [WHAT]
  [ "$1" = "$2" ] || fail "${3:-value}: expected '$2', got '$1'"
}

assert_match () { # ACTUAL ERE [WHAT]
  [[ $1 =~ $2 ]] || fail "${3:-value}: '$1' does not match /$2/"
}

assert_contains () { # HAYSTACK NEEDLE [WHAT]
  [[ $1 == *"$2"* ]] || fail "${3:-value}: '$1' does not contain '$2'"
}

assert_not_contains () { # HAYSTACK NEEDLE [WHAT]
  [[ $1 != *"$2"* ]] || fail "${3:-value}: '$1' contains '$2'"
}

# One line of stderr saying "Error: ...": the CLI's error format (podman's).
assert_one_line_error () { # STDERR
  [ -n "$1" ] || fail "expected an error message on stderr, got nothing"
  [ "$(printf '%s\n' "$1" | wc -l)" -eq 1 ] || fail "expected a one-line error, got: $1"
  assert_match "$1" '^Error: ' "error message"
}

# Skips, except under SKIFF_TEST_STRICT=1 where a skip fails (unless the reason is a missing
# kernel feature, which CI reports but does not count against us).
skip_or_fail () { # REASON
  if [ "${SKIFF_TEST_STRICT:-0}" = 1 ] && [[ $1 != *"missing kernel feature"* ]]; then
    fail "would skip ($1), but SKIFF_TEST_STRICT=1"
    return 1
  fi
  skip "$1"
}

# All container IDs (full), sorted, one per line.
all_container_ids () {
  skiff ps -a -q --no-trunc | sort
}

# Full ID of the container with this name, from `ps -a --no-trunc` (NAMES is the last column).
container_id_of () { # NAME
  skiff ps -a --no-trunc | awk -v n="$1" 'NR > 1 && $NF == n { print $1 }'
}

# Starts a command (or function) in the background with every fd above 2 closed: bats keeps
# its output pipe on several fds, and a job holding one would make bats (and whatever reads
# its output) wait for the job.  $! is the job.
background () { # COMMAND...
  (
    for fd in /proc/$BASHPID/fd/*; do
      fd=${fd##*/}
      [ "$fd" -le 2 ] || [ "$fd" -eq 255 ] || eval "exec $fd>&-"
    done
    "$@"
  ) &
}

# Waits up to $2 seconds (default 10) for a command to succeed.
wait_for () { # "COMMAND" [SECONDS]
  local deadline=$((SECONDS + ${2:-10}))
  until eval "$1"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.2
  done
}

setup () {
  [ -n "$IMG" ] || fail "SKIFF_TEST_IMAGE is not set: setup_suite.bash did not run"
}

# Removes every container the test left behind, so tests do not see each other's.
teardown () {
  local ids
  ids=$(skiff ps -a -q --no-trunc 2>/dev/null) || return 0
  [ -z "$ids" ] || skiff rm -f $ids >/dev/null 2>&1 || true
}

# Waits until container NAME has logged COUNT (default 1) lines "ready": what a test's
# container prints once its traps are set.
wait_ready () { # NAME [COUNT]
  wait_for "[ \$(skiff logs $1 2>/dev/null | grep -c '^ready\$') -ge ${2:-1} ]" 10 \
    || fail "$1 never logged 'ready' ${2:-1} time(s): $(skiff logs "$1" 2>&1)"
}

# Waits until container NAME's monitor has exited (it holds monitor.lock while it lives):
# after that nothing restarts the container or changes its record.
wait_monitor_gone () { # NAME
  local id
  id=$(container_id_of "$1")
  wait_for "flock -n '$SKIFF_TEST_ROOT/containers/$id/monitor.lock' true" 10 \
    || fail "the monitor of $1 is still there"
}
