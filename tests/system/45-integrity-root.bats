#!/usr/bin/env bats
# Data integrity on a store of its own on a small tmpfs (mounting one needs root, so this file
# runs in the root pass only; 45-integrity.bats has what runs rootless too): a disk that fills
# during an unpack and frees again, and a decompression bomb against the default reserve.

load helpers

MKARCHIVE=$BATS_TEST_DIRNAME/fixture/mkarchive.py

setup_file () {
  export SMALL=$BATS_FILE_TMPDIR/small
  mkdir -p "$SMALL"
  mount -t tmpfs -o size=48m,mode=0700 skiff-test "$SMALL"
}

teardown_file () {
  umount "$SMALL"
}

# skiff on the tmpfs store.
small () {
  timeout --kill-after=10 60 "$SKIFF" --root "$SMALL/root" --runroot "$SMALL/run" "$@"
}

setup () {
  is_rootless && fail "45-integrity-root.bats runs as root only (run-all.sh: ROOT_ONLY_FILES)"
  rm -rf "${SMALL:?}"/*
  run -0 small images -q
}

assert_small_clean () {
  assert_equal "$(ls -A "$SMALL/root/tmp")" "" "temp dirs left in the store"
  assert_equal "$(ls -A "$SMALL/root/layers")" "" "layers left in the store"
  run -0 small images -q
  assert_equal "$output" "" "images"
  run -0 small system check
  assert_equal "$output" "" "system check"
}

@test "import: the disk fills during the unpack and frees again: the import fails, nothing is kept" {
  mkdir "$BATS_TEST_TMPDIR/src"
  head -c 8388608 /dev/urandom > "$BATS_TEST_TMPDIR/src/big"
  echo after > "$BATS_TEST_TMPDIR/src/after"
  tar -C "$BATS_TEST_TMPDIR/src" -cf "$BATS_TEST_TMPDIR/big.tar" big after
  # 2 MiB free: "big" hits ENOSPC within its first 6 MiB; then the hog goes and the rest of the
  # stream follows.  No reserve (SKIFF_MIN_FREE=0): the filesystem's own ENOSPC is what fails.
  local avail
  avail=$(df --output=avail -B1 "$SMALL" | tail -1)
  fallocate -l $((avail - 2097152)) "$SMALL/hog"
  run --separate-stderr env SKIFF_MIN_FREE=0 bash -c '
    { head -c 6291456 "$1"; rm -f "$2"; tail -c +6291457 "$1"; } 2>/dev/null \
      | timeout 60 "$3" --root "$4/root" --runroot "$4/run" import - localhost/enospc:1' _ \
    "$BATS_TEST_TMPDIR/big.tar" "$SMALL/hog" "$SKIFF" "$SMALL"
  [ ! -e "$SMALL/hog" ] || fail "the stream never got past the first 6 MiB"
  assert_equal "$status" 125 "exit status (0: the layer kept a hole of zeros)"
  assert_one_line_error "$stderr"
  assert_contains "$stderr" 'entry "big"'
  assert_contains "$stderr" "No space left on device"
  assert_small_clean
}

@test "load: a decompression bomb on a small store stops at the default reserve, naming the layer" {
  python3 "$MKARCHIVE" "$BATS_TEST_TMPDIR/bomb.tar" <<< \
    '{"format":"docker","tag":"localhost/bomb:1","gzip":true,"layers":[[{"name":"bomb","zeros":134217728}]]}'
  run --separate-stderr env -u SKIFF_MIN_FREE "$SKIFF" --root "$SMALL/root" --runroot "$SMALL/run" \
    load -i "$BATS_TEST_TMPDIR/bomb.tar"
  assert_equal "$status" 125 "exit status"
  assert_one_line_error "$stderr"
  assert_match "$stderr" 'layer [0-9a-f]{64}\.tar: stopped: .*free-space reserve \(.* free, reserve 2\.5[0-9]MB'
  assert_small_clean
  # the reserve leaves room for what fits: the same store loads an ordinary image
  python3 "$MKARCHIVE" "$BATS_TEST_TMPDIR/ok.tar" <<< \
    '{"format":"docker","tag":"localhost/ok:1","layers":[[{"name":"a","data":"fits"}]]}'
  run -0 small load -i "$BATS_TEST_TMPDIR/ok.tar"
  run -0 small system check --verify
}
