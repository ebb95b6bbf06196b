#!/usr/bin/env bats
# Escape class: the host's skiff binary through /proc/<pid>/exe of the process `exec` joins
# (CVE-2019-5736).  That process is in the container's PID namespace before it execs the
# command; a container that opens its exe link and keeps the handle could write to the host's
# skiff once nothing runs it any more.  fixture/probe-proc-exe.c tries exactly that.
#
# `exec` runs from a copy of skiff at a path of its own ($COPY): the monitor runs $SKIFF, so
# once an exec is over nothing keeps the copy busy (no ETXTBSY to hide a hole).

load helpers

PROBE_IMG=skiff-test/probe-proc-exe:latest
EXECS=50

setup_file () {
  local dir=$BATS_FILE_TMPDIR/probe
  mkdir -p "$dir"
  gcc -static -O2 -o "$dir/probe" "$BATS_TEST_DIRNAME/fixture/probe-proc-exe.c"
  # the busybox fixture plus /probe
  tar --numeric-owner --owner=0 --group=0 -cf "$dir/rootfs.tar" \
    -C "$SKIFF_TEST_FIXTURE/rootfs" . -C "$dir" probe
  skiff import "$dir/rootfs.tar" "$PROBE_IMG" </dev/null >/dev/null
  export COPY=$BATS_FILE_TMPDIR/skiff-copy
  install -m 0755 "$SKIFF" "$COPY"
}

skiff_copy () {
  timeout --kill-after=10 60 "$COPY" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" "$@"
}

# `exec NAME true` through the copy, EXECS times.
exec_copies () { # NAME
  local i
  for ((i = 0; i < EXECS; i++)); do
    skiff_copy exec "$1" true || fail "exec $i through the copy failed"
  done
}

# Checks the probe's report ($1): it caught joining processes (else this test proves nothing),
# wrote no byte and saw the binary of none but as a sealed copy; the copy is unchanged ($2).
assert_no_write () { # REPORT SHA256-BEFORE
  local summary
  summary=$(grep '^summary ' <<<"$1") || fail "the probe printed no summary: $1"
  [[ $summary =~ denied=([0-9]+)\ late=[0-9]+\ handles=([0-9]+).*written=([0-9]+) ]] \
    || fail "unexpected summary: $summary"
  local caught=$((BASH_REMATCH[1] + BASH_REMATCH[2]))
  [ "$caught" -ge 1 ] || fail "the probe caught no joining process in $EXECS execs: $1"
  [ "${BASH_REMATCH[3]}" -eq 0 ] || fail "the container wrote to the binary of a joining process: $1"
  ! grep -qE '^handle .* sealed=no' <<<"$1" \
    || fail "the container opened the (unsealed) binary of a joining process: $1"
  assert_equal "$(sha256sum <"$COPY")" "$2" "sha256 of the exec binary"
}

@test "escape: a container cannot open /proc/PID/exe of a joining exec process at all" {
  local before
  before=$(sha256sum <"$COPY")
  skiff run -d --name pe1 "$PROBE_IMG" /probe >/dev/null
  wait_for "skiff logs pe1 2>/dev/null | grep -q '^ready '" 10 || fail "the probe did not start"
  exec_copies pe1
  skiff kill -s USR1 pe1 >/dev/null
  run -0 skiff wait pe1
  assert_equal "$output" 0 "exit status of the probe"
  local report
  report=$(skiff logs pe1)
  assert_no_write "$report" "$before"
  # non-dumpable: not even an O_PATH handle, and no write access through the link either
  ! grep -qE '^handle ' <<<"$report" \
    || fail "the container opened the exe link of a joining process: $report"
}

# With every capability (CAP_SYS_PTRACE overrides non-dumpable as root) the probe reaches the
# binary, and must find a sealed copy that refuses writes, never the host's file.  Rootless its
# capabilities count in the container's user namespace only, and it is refused as above.
@test "escape: a privileged process in the container finds only a sealed copy of skiff" {
  local before
  before=$(sha256sum <"$COPY")
  skiff run -d --name pe2 "$PROBE_IMG" sleep 600 >/dev/null
  skiff exec -d --privileged pe2 /probe /tmp/report
  wait_for "skiff exec pe2 grep -q '^ready ' /tmp/report 2>/dev/null" 10 \
    || fail "the probe did not start"
  exec_copies pe2
  local pid
  pid=$(skiff exec pe2 sed -n 's/^ready //p' /tmp/report)
  skiff exec pe2 kill -USR1 "$pid"
  wait_for "skiff exec pe2 grep -q '^summary ' /tmp/report 2>/dev/null" 10 \
    || fail "the probe did not finish: $(skiff exec pe2 cat /tmp/report)"
  local report
  report=$(skiff exec pe2 cat /tmp/report)
  assert_no_write "$report" "$before"
}
