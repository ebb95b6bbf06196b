#!/usr/bin/env bats
# Issue 9, items 1 and 6: what exists must hold under scripts and races -- container names
# under any concurrency, system check on names, and the smaller bugs (cidfile exit code, TERM
# with -t, -t -i without a terminal, rootless import of device nodes, the rootless runroot
# fallback).  Rootless behaviour is checked in both passes: directly in the rootless pass, as
# the user skifftest (runuser) in the root pass.
load helpers

RL_USER=skifftest

teardown () {
  local ids
  ids=$(skiff ps -a -q --no-trunc 2>/dev/null) || true
  [ -z "$ids" ] || skiff rm -f $ids >/dev/null 2>&1 || true
  if [ -n "${RL_DIR:-}" ]; then
    if is_rootless; then
      unshare --map-root-user --map-auto rm -rf "$RL_DIR" 2>/dev/null || rm -rf "$RL_DIR"
    else
      rm -rf "$RL_DIR"
    fi
  fi
}

# A directory the rootless user can use: $RL_DIR (0755; owned by that user in the root pass).
rootless_dir () {
  RL_DIR=$(mktemp -d "${BATS_TEST_TMPDIR}/rl.XXXXXX")
  if ! is_rootless; then
    id "$RL_USER" >/dev/null 2>&1 || fail "user $RL_USER missing (tests/run-all.sh creates it)"
    RL_DIR=$(mktemp -d /tmp/skiff-55.XXXXXX)
    chown "$RL_USER:" "$RL_DIR"
    runuser -u "$RL_USER" -- test -x "$SKIFF" \
      || fail "$RL_USER cannot execute $SKIFF: put skiff in a world-readable place"
  fi
  chmod 0755 "$RL_DIR"
}

# Runs a command rootless with a clean environment plus the VAR=VALUE words before "--":
# ourselves in the rootless pass, as $RL_USER in the root pass.
rootless_env () { # [VAR=VALUE...] -- COMMAND...
  local vars=()
  while [ "$1" != -- ]; do vars+=("$1"); shift; done
  shift
  local user=(env)
  is_rootless || user=(runuser -u "$RL_USER" -- env)
  (cd "$RL_DIR" && "${user[@]}" -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$RL_DIR" \
    USER="$RL_USER" "${vars[@]}" timeout --kill-after=10 "${SKIFF_TEST_TIMEOUT:-120}" "$@")
}

# The IDs of the containers named NAME in `ps -a` (any number of them).
named () { # NAME
  skiff ps -a --no-trunc --format '{{.ID}} {{.Names}}' | awk -v n="$1" '$2 == n { print $1 }'
}

# ---- item 1: names ----------------------------------------------------------------------

@test "names: 20 parallel 'create --name same': one wins, the others get docker's conflict (125), nothing half-created" {
  local i pids=()
  for i in $(seq 20); do
    skiff create --name same "$IMG" true >"$BATS_TEST_TMPDIR/out.$i" 2>"$BATS_TEST_TMPDIR/err.$i" &
    pids+=($!)
  done
  local won=0 lost=0 rc
  for i in $(seq 20); do
    rc=0
    wait "${pids[$((i - 1))]}" || rc=$?
    if [ "$rc" -eq 0 ]; then
      won=$((won + 1))
    else
      assert_equal "$rc" 125 "exit status of a loser"
      assert_one_line_error "$(cat "$BATS_TEST_TMPDIR/err.$i")"
      assert_match "$(cat "$BATS_TEST_TMPDIR/err.$i")" \
        'Conflict\. The container name "/same" is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\) that container to be able to reuse that name\.$'
    fi
  done
  assert_equal "$won" 1 "creates that won"
  assert_equal "$(named same | wc -l)" 1 "containers named same"
  assert_equal "$(all_container_ids | wc -l)" 1 "containers in the store"
  assert_equal "$(ls -A "$SKIFF_TEST_ROOT/tmp")" "" "temp dirs left by the losers"
  run -0 skiff system check
  run -0 skiff rm same
}

@test "names: 16 parallel 'create --replace --name same' all succeed and leave exactly one container" {
  skiff create --name same "$IMG" true >/dev/null
  local i pids=() failed=0
  for i in $(seq 16); do
    skiff create --replace --name same "$IMG" true >/dev/null 2>"$BATS_TEST_TMPDIR/err.$i" &
    pids+=($!)
  done
  for i in $(seq 16); do
    wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); cat "$BATS_TEST_TMPDIR/err.$i" >&2; }
  done
  assert_equal "$failed" 0 "replacing creates that failed"
  assert_equal "$(named same | wc -l)" 1 "containers named same"
  assert_equal "$(all_container_ids | wc -l)" 1 "containers in the store"
  run -0 skiff system check
  assert_equal "$output" "" "system check"
}

@test "names: parallel 'rm -f' and 'run -d' of one name never leave two holders or a stale link" {
  local round i
  for round in $(seq 6); do
    skiff run -d --name race "$IMG" sleep 60 >/dev/null
    for i in $(seq 8); do
      skiff rm -f race >/dev/null 2>&1 &
      skiff run -d --name race "$IMG" sleep 60 >/dev/null 2>&1 &
    done
    wait
    local n
    n=$(named race | wc -l)
    [ "$n" -le 1 ] || fail "round $round: $n containers named race"
    run -0 skiff system check
    assert_equal "$output" "" "round $round: system check"
    if [ "$n" -eq 1 ]; then
      run -0 skiff inspect --format '{{.Id}}' race
      assert_equal "$output" "$(named race)" "round $round: what the name resolves to"
    fi
    skiff rm -f $(all_container_ids) >/dev/null 2>&1 || true
  done
}

@test "system check: a duplicate and a dangling name are reported, and --repair fixes both" {
  local id dup
  id=$(skiff create --name twin "$IMG" true)
  # a second record carrying the same name (what the race used to leave), and a name
  # pointing to a container that does not exist
  dup=$(printf 'd%.0s' $(seq 64))
  cp -a "$SKIFF_TEST_ROOT/containers/$id" "$SKIFF_TEST_ROOT/containers/$dup"
  sed -i "s/$id/$dup/" "$SKIFF_TEST_ROOT/containers/$dup/config.json"
  ln -s "$(printf 'e%.0s' $(seq 64))" "$SKIFF_TEST_ROOT/names/containers/ghost"

  run -1 --separate-stderr skiff system check
  assert_contains "$output" "name ghost points to a missing container" "check"
  assert_contains "$output" "container dddddddddddd: its name twin belongs to container ${id:0:12}" "check"

  run -0 skiff system check --repair
  run -0 skiff system check
  assert_equal "$output" "" "system check after --repair"
  assert_equal "$(named twin)" "$id" "the container that kept the name"
  [ ! -e "$SKIFF_TEST_ROOT/names/containers/ghost" ] && [ ! -L "$SKIFF_TEST_ROOT/names/containers/ghost" ] \
    || fail "the dangling name is still there"
  run -0 skiff inspect --format '{{.Name}}' "$dup"
  assert_not_contains "$output" "twin" "the duplicate's new name"
  run -0 skiff rm twin "$dup"
}

# ---- item 6: the smaller ones ------------------------------------------------------------

@test "--cidfile in a missing directory: exit 125 (an engine failure, not a missing command)" {
  run -125 --separate-stderr skiff run --rm --cidfile /nonexistent/dir/cid "$IMG" true
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "failed to create the container ID file: open /nonexistent/dir/cid"
  assert_equal "$(all_container_ids)" "" "containers"
}

@test "-t sets TERM=xterm in the container's environment; -e TERM wins" {
  run -0 skiff run --rm -t "$IMG" sh -c 'echo "[$TERM]"' </dev/null
  assert_contains "$output" "[xterm]" "TERM with -t"
  run -0 skiff run --rm -t -e TERM=vt100 "$IMG" sh -c 'echo "[$TERM]"' </dev/null
  assert_contains "$output" "[vt100]" "TERM with -t -e TERM=vt100"
  run -0 skiff create -t --name term "$IMG" true
  run -0 skiff inspect --format '{{.Config.Env}}' term
  assert_contains "$output" "TERM=xterm" "Config.Env of a -t container"
  run -0 skiff run --rm "$IMG" sh -c 'echo "[${TERM-unset}]"'
  assert_equal "$output" "[unset]" "TERM without -t"
}

@test "run -t -i with a stdin that is not a terminal: docker's 'the input device is not a TTY', exit 1, nothing created" {
  run -1 --separate-stderr skiff run --rm -t -i --name notty "$IMG" true <<<"input"
  assert_equal "$stderr" "Error: the input device is not a TTY" "stderr"
  assert_equal "$(all_container_ids)" "" "containers"
  # -t alone (no stdin attached) and -d are fine without a terminal
  run -0 skiff run --rm -t "$IMG" true <<<"input"
  run -0 skiff run -d -t -i --name detached "$IMG" true <<<"input"
}

@test "ps --filter name=... without -a lists only running containers" {
  skiff run --name flt-exited "$IMG" true
  skiff run -d --name flt-running "$IMG" sleep 60 >/dev/null
  run -0 skiff ps --filter name=flt- --format '{{.Names}}'
  assert_equal "$output" "flt-running" "ps --filter name=flt-"
  run -0 skiff ps -a --filter name=flt- --format '{{.Names}}'
  assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "flt-exited flt-running " "ps -a --filter"
}

@test "rootless import of a rootfs holding device nodes: skipped with one warning counting them, the rest kept" {
  rootless_dir
  # the busybox rootfs plus char and block nodes, a hard link to one, and a file next to them
  python3 - "$SKIFF_TEST_FIXTURE/rootfs.tar" "$RL_DIR/devs.tar" <<'EOF'
import io, sys, tarfile
src, dst = sys.argv[1], sys.argv[2]
with tarfile.open(src) as i, tarfile.open(dst, "w", format=tarfile.GNU_FORMAT) as o:
    for m in i.getmembers():
        o.addfile(m, i.extractfile(m) if m.isfile() else None)
    def node(name, kind, major, minor):
        t = tarfile.TarInfo(name); t.type = kind; t.devmajor, t.devminor = major, minor
        t.mode = 0o666; o.addfile(t)
    d = tarfile.TarInfo("devs"); d.type = tarfile.DIRTYPE; d.mode = 0o755; o.addfile(d)
    node("devs/full", tarfile.CHRTYPE, 1, 7)
    node("devs/loop0", tarfile.BLKTYPE, 7, 0)
    node("./dev/full", tarfile.CHRTYPE, 1, 7)
    h = tarfile.TarInfo("devs/full2"); h.type = tarfile.LNKTYPE; h.linkname = "devs/full"; o.addfile(h)
    f = tarfile.TarInfo("devs/keep"); f.size = 5; f.mode = 0o644; o.addfile(f, io.BytesIO(b"kept\n"))
EOF
  chmod 0644 "$RL_DIR/devs.tar"
  local store=$RL_DIR/store
  run -0 --separate-stderr rootless_env XDG_RUNTIME_DIR="$RL_DIR" -- \
    "$SKIFF" --root "$store" --runroot "$RL_DIR/run" import devs.tar devs
  assert_match "$output" '^sha256:[0-9a-f]{64}$' "import's output"
  assert_equal "$(grep -ci 'device node' <<<"$stderr")" 1 "warnings about device nodes"
  assert_contains "$stderr" "skipped 4 device nodes" "the warning"
  run -0 --separate-stderr rootless_env XDG_RUNTIME_DIR="$RL_DIR" -- \
    "$SKIFF" --root "$store" --runroot "$RL_DIR/run" run --rm devs sh -c 'ls /devs; cat /devs/keep'
  assert_equal "$(tr '\n' ' ' <<<"$output")" "keep kept " "/devs in the container"
}

@test "rootless runroot fallback (XDG_RUNTIME_DIR unset): a directory that is not ours with mode 0700 is refused" {
  rootless_dir
  local uid fallback
  uid=$(id -u "$RL_USER")
  is_rootless && uid=$(id -u)
  fallback=$RL_DIR/tmp/skiff-run-$uid
  mkdir -p "$RL_DIR/tmp"
  chmod 1777 "$RL_DIR/tmp"
  # another user's (root's in the root pass), or ours but open to everyone
  mkdir -m 0777 "$fallback"
  chmod 0777 "$fallback"
  run -125 --separate-stderr rootless_env TMPDIR="$RL_DIR/tmp" -- \
    "$SKIFF" --root "$RL_DIR/store" ps
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "runtime directory $fallback (XDG_RUNTIME_DIR is not set) is not a directory of uid $uid with mode 0700"
  [ ! -e "$fallback/containers" ] || fail "the refused directory was used"
  # a symlink planted there is refused as well
  rmdir "$fallback"
  ln -s "$RL_DIR" "$fallback"
  run -125 --separate-stderr rootless_env TMPDIR="$RL_DIR/tmp" -- \
    "$SKIFF" --root "$RL_DIR/store" ps
  assert_contains "$stderr" "is not a directory of uid $uid with mode 0700"
  # none there: created 0700 and used
  rm "$fallback"
  run -0 rootless_env TMPDIR="$RL_DIR/tmp" -- "$SKIFF" --root "$RL_DIR/store" ps -q
  assert_equal "$(stat -c '%a %u' "$fallback")" "700 $uid" "the fallback directory"
  [ -d "$fallback/containers" ] || fail "the fallback directory was not used"
}
