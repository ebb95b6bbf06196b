#!/usr/bin/env bats
# Data integrity of load, import and save: failed writes fail the unpack, `system check
# --verify` compares layer files with what their unpack wrote, save -o never replaces a
# device, FIFO or symlink, non-archives are refused from their first bytes, a signal undoes a
# load or import, and the free-space reserve stops a decompression bomb.  The tests that need
# a small filesystem of their own (tmpfs, root only) are in 45-integrity-root.bats.

load helpers

MKARCHIVE=$BATS_TEST_DIRNAME/fixture/mkarchive.py

archive () { # OUT  (spec JSON on stdin)
  python3 "$MKARCHIVE" "$1"
}

# Temp dirs in the store (there are none between commands).
store_temps () {
  ls -A "$SKIFF_TEST_ROOT/tmp"
}

assert_store_clean () {
  assert_equal "$(store_temps)" "" "temp dirs left in the store"
  run -0 skiff system check
  assert_equal "$output" "" "system check"
}

# The directory holding the (one-layer) image's files.
layer_diff_of () { # IMAGE
  local chain
  chain=$(skiff image inspect --format '{{index .RootFS.Layers 0}}' "$1") || return 1
  # a one-layer image: ChainID = DiffID
  echo "$SKIFF_TEST_ROOT/layers/${chain#sha256:}/diff"
}

@test "load: a write that fails (file size limit, EFBIG) fails the load and keeps nothing" {
  archive "$BATS_TEST_TMPDIR/big.tar" <<< \
    '{"format":"docker","tag":"localhost/fsize:1","layers":[[{"name":"small","data":"x"},{"name":"big","zeros":8388608}]]}'
  local before
  before=$(skiff images -q)
  # 4 MiB: the 8 MiB file cannot be written whole; small files (the records) can
  run --separate-stderr bash -c 'ulimit -f 4096; exec "$@"' _ \
    "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" load -i "$BATS_TEST_TMPDIR/big.tar"
  assert_equal "$status" 125 "exit status (153: killed by SIGXFSZ)"
  assert_one_line_error "$stderr"
  assert_contains "$stderr" 'entry "big"'
  assert_contains "$stderr" "File too large"
  assert_equal "$(skiff images -q)" "$before" "images"
  assert_store_clean
}

@test "system check --verify: a layer file that differs from what was unpacked is named" {
  archive "$BATS_TEST_TMPDIR/v.tar" <<< \
    '{"format":"docker","tag":"localhost/verify:1","layers":[[{"name":"d","type":"dir"},{"name":"d/f","data":"original content"},{"name":"d/h","type":"hardlink","link":"d/f"},{"name":"g","data":"other"}]]}'
  run -0 skiff load -i "$BATS_TEST_TMPDIR/v.tar"
  run -0 skiff system check --verify
  assert_equal "$output" "" "verify of an intact store"
  local diff
  diff=$(layer_diff_of localhost/verify:1)
  # what a lost write leaves: the same size, zeros
  head -c "$(stat -c %s "$diff/g")" /dev/zero > "$BATS_TEST_TMPDIR/zeros"
  cp "$BATS_TEST_TMPDIR/zeros" "$diff/g"
  run -0 skiff system check
  assert_equal "$output" "" "plain check (reads no file data)"
  run -1 skiff system check --verify
  assert_contains "$output" "g: content differs from what was unpacked"
  rm "$diff/d/h"
  run -1 skiff system check --verify
  assert_contains "$output" "d/h: missing"
  run -0 skiff system check --verify --repair
  run -0 skiff system check --verify
  assert_equal "$output" ""
  run -1 --separate-stderr skiff image inspect localhost/verify:1
  assert_contains "$stderr" "no such"
}

@test "save -o /dev/full: a clear no-space error, /dev/full stays a device" {
  # as root a private node of /dev/full: a skiff that replaces it must not take the host's
  local full=/dev/full
  if ! is_rootless; then
    full=$BATS_TEST_TMPDIR/full
    mknod -m 0666 "$full" c 1 7
  fi
  run -125 --separate-stderr skiff save -o "$full" "$IMG"
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "No space left on device"
  [ -c "$full" ] || fail "$full is no longer a character device: $(ls -l "$full")"
}

@test "save -o LINK: the symlink stays, the file it points to gets the archive" {
  cd "$BATS_TEST_TMPDIR"
  ln -s real.tar link.tar
  run -0 skiff save -o link.tar "$IMG"
  [ -L link.tar ] || fail "link.tar was replaced: $(ls -l link.tar)"
  [ -f real.tar ] || fail "real.tar was not written"
  run -0 tar -tf real.tar manifest.json
  run -0 skiff save -o link.tar "$IMG" # again: the target is replaced, the link stays
  [ -L link.tar ] || fail "link.tar was replaced on the second save"
}

@test "save -o FIFO: the archive is written through the FIFO, which stays one" {
  cd "$BATS_TEST_TMPDIR"
  mkfifo pipe
  background timeout 30 cp pipe got.tar
  local reader=$!
  run -0 skiff save -o pipe "$IMG"
  if [ ! -p pipe ]; then
    kill "$reader" 2>/dev/null
    fail "the FIFO was replaced: $(ls -l pipe)"
  fi
  wait "$reader" || fail "the reader of the FIFO failed"
  run -0 tar -tf got.tar manifest.json
}

@test "load -i /dev/zero, import /dev/zero: refused at once from the first bytes" {
  # a file size limit keeps a binary that spools /dev/zero from filling the disk
  local cmd
  for cmd in "load -i /dev/zero" "import /dev/zero" "import -"; do
    SECONDS=0
    run --separate-stderr bash -c 'ulimit -f 102400; exec timeout 20 "$@" < /dev/zero' _ \
      "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" $cmd
    assert_equal "$status" 125 "$cmd: exit status"
    assert_one_line_error "$stderr"
    assert_contains "$stderr" "not a tar archive" "$cmd"
    [ "$SECONDS" -lt 5 ] || fail "$cmd took ${SECONDS}s"
  done
  assert_store_clean
  # an empty tar (docker's empty layer: zero blocks only) is still one
  head -c 1024 /dev/zero > "$BATS_TEST_TMPDIR/empty.tar"
  run -0 skiff import "$BATS_TEST_TMPDIR/empty.tar" localhost/empty:1
  skiff rmi localhost/empty:1 >/dev/null
}

# Starts skiff COMMAND... reading a FIFO it is fed a part of an archive through, waits until
# its temp dir exists, sends SIGNAL and checks it died of it and left nothing.
interrupt_while_reading () { # SIGNAL COMMAND...
  local sig=$1 pid
  shift
  archive "$BATS_TEST_TMPDIR/slow.tar" <<EOF
{"format":"docker","tag":"localhost/slow:1","layers":[[{"name":"a","data":"$(head -c 3000000 /dev/urandom | base64 -w0)"}]]}
EOF
  rm -f "$BATS_TEST_TMPDIR/feed"
  mkfifo "$BATS_TEST_TMPDIR/feed"
  # exec'd (so $! is skiff), with SIGINT at its default (a background job inherits it ignored)
  background exec python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    "$@" "$BATS_TEST_TMPDIR/feed"
  pid=$!
  local feed
  exec {feed}> "$BATS_TEST_TMPDIR/feed"
  head -c 1000000 "$BATS_TEST_TMPDIR/slow.tar" >&"$feed"
  wait_for '[ -n "$(store_temps)" ]' 10 || fail "no temp dir appeared"
  kill -"$sig" "$pid"
  local status=0
  wait "$pid" || status=$?
  exec {feed}>&-
  assert_equal "$status" "$((128 + $(kill -l "$sig")))" "exit status after SIG$sig"
  assert_equal "$(store_temps)" "" "temp dirs left after SIG$sig"
  run -0 skiff system check
  assert_equal "$output" ""
  run -1 skiff image inspect localhost/slow:1
}

@test "load interrupted by SIGTERM: its temp dir goes with it" {
  interrupt_while_reading TERM load -i
}

@test "import interrupted by SIGINT: its temp dirs go with it" {
  interrupt_while_reading INT import
}

# A gzip layer of 128 MiB of zeros: 130 kB on disk.
bomb () {
  archive "$BATS_TEST_TMPDIR/bomb.tar" <<< \
    '{"format":"docker","tag":"localhost/bomb:1","gzip":true,"layers":[[{"name":"bomb","zeros":134217728}]]}'
}

@test "load: a decompression bomb stops at the free-space reserve (SKIFF_MIN_FREE), naming the layer" {
  bomb
  local before avail
  before=$(skiff images -q)
  # a reserve 16 MiB below what is free now: the bomb has 16 MiB, not the disk
  avail=$(df --output=avail -B1 "$SKIFF_TEST_ROOT" | tail -1)
  run --separate-stderr env SKIFF_MIN_FREE=$((avail - 16777216)) \
    "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" load -i "$BATS_TEST_TMPDIR/bomb.tar"
  assert_equal "$status" 125 "exit status"
  assert_one_line_error "$stderr"
  assert_match "$stderr" 'layer [0-9a-f]{64}\.tar: stopped: .*free-space reserve'
  assert_contains "$stderr" SKIFF_MIN_FREE
  assert_equal "$(skiff images -q)" "$before" "images"
  assert_store_clean
}

@test "load: SKIFF_MIN_FREE that is not a size is a one-line error" {
  bomb
  run -125 --separate-stderr env SKIFF_MIN_FREE=lots \
    "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" load -i "$BATS_TEST_TMPDIR/bomb.tar"
  assert_one_line_error "$stderr"
  assert_contains "$stderr" 'SKIFF_MIN_FREE="lots": not a size'
  assert_store_clean
}
