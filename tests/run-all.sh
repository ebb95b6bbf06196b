#!/usr/bin/env bash
# Command 2 of the README (and what .ci/run calls): on Debian 12 as root, installs what the
# tests need with apt, builds skiff, and runs every suite:
#   harness           tests/harness: the result counting below, on known inputs
#   meson             every `meson test` suite of build/: the Check unit tests and the
#                     integration checks registered there (sandbox: root, skifftest, skiffsolo)
#   unit-asan         the Check unit tests built with -Db_sanitize=address,undefined
#   system-root       bats tests/system as root
#   system-rootless   bats tests/system as the user skifftest (subuid range)
#   system-asan       bats tests/system as root with the ASan+UBSan binary (any report fails)
#   clang-build       the tree built with clang (build-clang/)
#   clang-format      tests/clang-format-check.sh over the C files, once .clang-format-enforced
#                     exists at the top of the repo
# Files that mean something in one mode only are listed below and run only in that pass
# (never skipped): ROOT_ONLY_FILES (they switch users, drive podman as root, mount a tmpfs, or
# make network namespaces and bridges) and
# ROOTLESS_ONLY_FILES.
# Prints one line per suite, then "N passed, N failed" summing them all; exits 1 on any
# failure.  Idempotent: reuses build dirs, users and ranges it made before.
# Environment: SKIFF_TEST_STRICT=1 turns skips into failures (set when CI is set).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo" || exit 1
[ -n "${CI:-}" ] && export SKIFF_TEST_STRICT=1
export SKIFF_TEST_STRICT=${SKIFF_TEST_STRICT:-0}
TEST_USER=skifftest            # with a subuid/subgid range
SOLO_USER=skiffsolo            # without one (single-UID mapping)
TEST_RANGE_START=200000
ROOT_ONLY_FILES=(20-users.bats 25-podman-interop.bats 45-integrity-root.bats 46-recovery-root.bats
                 61-network-bridge-root.bats 57-save-load-identity-podman.bats
                 66-ports-root.bats    # UDP via root's forwarder: Debian 12's pasta drops
                                       # replies of loopback UDP flows (see the file)
                 67-networks-root.bats  # system check of bridges: rootless they go with
                                        # skiff's network namespace
                 69-commit-save-podman.bats 64-registry-podman.bats)
ROOTLESS_ONLY_FILES=(26-rootless-only.bats)
# Not in the ASan pass (it runs the root files again with the sanitized binary): the stress
# test is about races, already run root and rootless, and takes minutes under ASan; the podman
# files exercise podman's side of an exchange skiff's plain passes already cover.
# (35-exec-attach and 55-correctness are back: their failures seen only here were a CLI that
# lost the EXIT message when the monitor closed first, and starved parallel --replace creates.)
ASAN_SKIP_FILES=(48-stress.bats 25-podman-interop.bats 57-save-load-identity-podman.bats
                 69-commit-save-podman.bats 64-registry-podman.bats)
SUITE_TIMEOUT=${SKIFF_SUITE_TIMEOUT:-2400}

total_passed=0
total_failed=0
summary=()

record () { # SUITE PASSED FAILED
  summary+=("$(printf '%-16s %4d passed, %d failed' "$1" "$2" "$3")")
  total_passed=$((total_passed + $2))
  total_failed=$((total_failed + $3))
}

finish () {
  printf '\n(%d s)\n' "$SECONDS"
  printf '%s\n' "${summary[@]}"
  echo "$total_passed passed, $total_failed failed"
  [ "$total_failed" -eq 0 ]
  exit
}

section () { printf '\n=== %s (at %ds) ===\n' "$*" "$SECONDS"; }

if [ "$(id -u)" -ne 0 ]; then
  echo "run-all.sh: run as root (it installs packages, creates test users, runs the root pass)" >&2
  record setup 0 1
  finish
fi

section "dependencies"
if ! "$repo/contrib/install-deps.sh" --test; then
  record dependencies 0 1
  finish
fi

# Builds DIR with extra meson options; prints nothing on success but ninja's progress.
build () { # DIR [MESON_OPTION...]
  local dir=$1
  shift
  { [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@"; } && ninja -C "$dir"
}

# Scratch space for every suite; also where the system tests run from (see below).
stage=$(mktemp -d /tmp/skiff-ci.XXXXXX)
trap 'rm -rf "$stage"' EXIT
chmod 0755 "$stage"

section "harness self-test"
bats --tap tests/harness </dev/null 2>&1 | tee "$stage/harness.tap"
counts=$(python3 tests/tally.py tap "$stage/harness.tap" "$?") || counts="0 1"
record harness $counts

section "test users"
ensure_user () { # USER
  id "$1" >/dev/null 2>&1 \
    || useradd --create-home --shell /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$1"
}
if ensure_user "$TEST_USER" && ensure_user "$SOLO_USER" \
  && contrib/setup-rootless.sh "$TEST_USER" "$TEST_RANGE_START" \
  && sed -i "/^$SOLO_USER:/d" /etc/subuid /etc/subgid; then
  users_ok=1
else
  echo "run-all.sh: could not create the test users" >&2
  users_ok=0
fi

# Runs `meson test` in a build dir (extra args: which suites) and records the counts.
meson_suite () { # NAME DIR [MESON_TEST_ARG...]
  local name=$1 dir=$2 counts
  shift 2
  SKIFF_TEST_ROOTLESS_USER=$TEST_USER SKIFF_TEST_NORANGE_USER=$SOLO_USER \
    meson test -C "$dir" --print-errorlogs "$@" </dev/null
  counts=$(python3 tests/tally.py meson "$dir/meson-logs/testlog.json") || counts="0 1"
  record "$name" $counts
}

section "build"
if build build; then
  section "meson tests"
  meson_suite meson build
  built=1
else
  record build 0 1
  built=0
fi

section "build with ASan+UBSan"
asan_built=0
if build build-asan -Db_sanitize=address,undefined; then
  section "unit tests (ASan+UBSan)"
  meson_suite unit-asan build-asan --suite unit
  asan_built=1
else
  record build-asan 0 1
fi

section "build with clang"
# Compiles everything with clang under meson.build's -Werror= set (the warnings gcc errs on).
if CC=clang build build-clang; then record clang-build 1 0; else record clang-build 0 1; fi

# Until the tree has been formatted once (the file marks it), the check is not run.
if [ -f .clang-format-enforced ]; then
  section "clang-format"
  mapfile -t c_files < <(find src include tests/unit tests/helpers -name '*.[ch]' | sort)
  if tests/clang-format-check.sh "${c_files[@]}"; then
    record clang-format 1 0
  else
    record clang-format 0 1
  fi
fi

[ "$built" -eq 1 ] || finish

# The clone may live where other users cannot read (/root): the system tests run from a
# world-readable copy of the binary and tests/system.
install -m 0755 build/skiff "$stage/skiff"
[ "$asan_built" -eq 0 ] || install -m 0755 build-asan/skiff "$stage/skiff-asan"
cp -r tests/system "$stage/system"
chmod -R a+rX "$stage/system"

# Runs bats over FILES as the current user or (with USER) through runuser, and records the
# TAP counts.  The user's bats works in a TMPDIR under $stage, so that whatever it cannot
# delete itself (files of other mapped UIDs) goes with $stage; root's uses the default /tmp
# (podman refuses a runroot path over 50 characters, so test dirs must stay short).
bats_suite () { # NAME USER|"" FILE...
  bats_run "$@"
  record "$1" $(cat "$stage/$1.counts")
}

# bats_suite without the record: the counts go to $stage/NAME.counts (for a run in the
# background, whose record is made once it is waited for).  Root's bats runs in a network
# namespace of its own (unshare --net): as root skiff's default network is the bridge, and every
# container a test runs without --network none or netns_setup would otherwise make skiff0
# (10.88.0.1/16, never deleted: it stays for the next container) and its veths in the host's
# namespace.  There only lo exists (up: the registry tests' servers listen on 127.0.0.1); the
# tests that make namespaces (ip netns add) still do, from it.  The namespace goes when bats
# exits.  The user's bats cannot make bridges; it runs in the host's namespace as before.
bats_run () { # NAME USER|"" FILE...
  local name=$1 user=$2 tap=$stage/$1.tap rc=0 counts
  shift 2
  local -a envv=(SKIFF="${SUITE_SKIFF:-$stage/skiff}" SKIFF_TEST_STRICT="$SKIFF_TEST_STRICT"
                 ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}"
                 SKIFF_TEST_KILLS="${SKIFF_TEST_KILLS:-}"
                 SKIFF_TEST_ENV_ENTRIES="${SKIFF_TEST_ENV_ENTRIES:-}"
                 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
  if [ -n "$user" ]; then
    local uid home tmp=$stage/tmp-$name
    uid=$(id -u "$user")
    home=$(getent passwd "$user" | cut -d: -f6)
    install -d -m 0700 -o "$user" -g "$user" "$tmp"
    envv+=(TMPDIR="$tmp")
    # runuser sets no XDG_RUNTIME_DIR: make the usual one (0700, owned by the user).
    install -d -m 0700 -o "$user" -g "$user" "/run/user/$uid"
    (cd "$stage" && timeout "$SUITE_TIMEOUT" runuser -u "$user" -- env -i "${envv[@]}" \
      HOME="$home" USER="$user" LOGNAME="$user" XDG_RUNTIME_DIR="/run/user/$uid" \
      bats --tap "$@" </dev/null 2>&1 | tee "$tap")
    rc=$?
  else
    (cd "$stage" && timeout "$SUITE_TIMEOUT" unshare --net -- \
      sh -c 'ip link set lo up && exec "$@"' sh env "${envv[@]}" bats --tap "$@" </dev/null 2>&1 \
      | tee "$tap")
    rc=$?
  fi
  [ "$rc" -ne 124 ] || echo "run-all.sh: $name timed out after ${SUITE_TIMEOUT}s"
  counts=$(python3 tests/tally.py tap "$tap" "$rc") || counts="0 1"
  echo "$counts" >"$stage/$name.counts"
}

# The host's interfaces and routing rules (what a bridge network adds: skiff0, veths, skiff's
# rules at priority 30000): the root passes must leave them as they were (host-netns below).
host_net_state () {
  ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort
  ip rule show
}
host_net_before=$(host_net_state)

# All three system passes run side by side (they mostly wait for containers; root's then the
# other two together took 23 of CI's 28 minutes).  Nothing host-wide is shared between them:
# each bats has its own store, root's two each their own network namespace (bats_run), every
# container its own cgroup, and the podman files are not in the ASan pass.
# SKIFF_TEST_SERIAL=1 runs them one after the other.  Each one's output is printed once it ends.
# A pass run in the background (bats_run ... &): once it ends, its output and its record.
collect_background () { # NAME PID|"" TITLE
  [ -n "$2" ] || return 0
  wait "$2"
  section "$3"
  cat "$stage/$1.log"
  if [ -s "$stage/$1.counts" ]; then
    record "$1" $(cat "$stage/$1.counts")
  else
    record "$1" 0 1
  fi
}

root_files=()
for f in "$stage"/system/*.bats; do
  [[ " ${ROOTLESS_ONLY_FILES[*]} " == *" ${f##*/} "* ]] || root_files+=("$f")
done
root_pid=
if [ "${SKIFF_TEST_SERIAL:-0}" = 1 ]; then
  section "system tests as root"
  bats_suite system-root "" "${root_files[@]}"
else
  echo "(system tests as root run in the background meanwhile; their output follows the ASan pass)"
  bats_run system-root "" "${root_files[@]}" >"$stage/system-root.log" 2>&1 &
  root_pid=$!
fi

rootless_pid=
# Rootless networking (pasta, 65-ports) opens /dev/net/tun: without udev it is 0600.
[ -c /dev/net/tun ] && chmod 0666 /dev/net/tun
if [ "$users_ok" -eq 1 ]; then
  rootless_files=()
  for f in "$stage"/system/*.bats; do
    [[ " ${ROOT_ONLY_FILES[*]} " == *" ${f##*/} "* ]] || rootless_files+=("$f")
  done
  if [ "${SKIFF_TEST_SERIAL:-0}" = 1 ]; then
    section "system tests as $TEST_USER (rootless)"
    bats_suite system-rootless "$TEST_USER" "${rootless_files[@]}"
  else
    echo "(system tests as $TEST_USER run in the background meanwhile; their output follows the ASan pass)"
    bats_run system-rootless "$TEST_USER" "${rootless_files[@]}" >"$stage/system-rootless.log" 2>&1 &
    rootless_pid=$!
  fi
else
  record system-rootless 0 1
fi

section "system tests as root, ASan+UBSan binary"
if [ "$asan_built" -eq 1 ]; then
  # A sanitizer report makes the command fail (UBSan would otherwise only print), which the
  # tests see as a wrong exit status or unexpected stderr.
  # the kill test's points are covered by the plain passes; here fewer, ASan is slower
  asan_files=()
  for f in "${root_files[@]}"; do
    [[ " ${ASAN_SKIP_FILES[*]} " == *" ${f##*/} "* ]] || asan_files+=("$f")
  done
  SUITE_SKIFF=$stage/skiff-asan ASAN_OPTIONS=abort_on_error=0:exitcode=86 SKIFF_TEST_KILLS=25 \
    SKIFF_TEST_ENV_ENTRIES=2000 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=87 \
    bats_suite system-asan "" "${asan_files[@]}"
else
  record system-asan 0 1
fi

collect_background system-root "$root_pid" "system tests as root"

section "host network namespace"
if [ "$(host_net_state)" = "$host_net_before" ]; then
  echo "unchanged by the root passes"
  record host-netns 1 0
else
  echo "run-all.sh: the root passes changed the host's interfaces or rules:" >&2
  diff <(printf '%s\n' "$host_net_before") <(host_net_state) >&2
  record host-netns 0 1
fi

collect_background system-rootless "$rootless_pid" "system tests as $TEST_USER (rootless)"

finish
