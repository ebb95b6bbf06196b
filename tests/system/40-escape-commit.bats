#!/usr/bin/env bats
# Escape suite, class "commit of a running container": while `commit` (without -p) packs the
# container's upper dir, the container can swap any of its dirs for a symlink to a host path.
# The packer opens every entry beneath the upper dir with no symlink followed and reads it
# through that fd, so no host file lands in the layer: the commit fails or packs the
# container's own files.  The swap is made from outside, in the upper dir, at a moment the
# test waits for (the packing is in the middle of the dir), as a racing container would.

load helpers

@test "commit: a dir swapped for a symlink to a host dir mid-pack packs no host file" {
  local hostdir=$BATS_TEST_TMPDIR/hostdir id upper n=20000
  mkdir "$hostdir"
  # the same names on the host side of the link, the last ones holding a secret: a packer that
  # followed the link would find every name it expects and pack them
  (cd "$hostdir" && seq -f 'f%05g' 0 $((n - 1)) | xargs touch)
  printf 'HOST SECRET\n' >"$hostdir/f19998"
  printf 'HOST SECRET\n' >"$hostdir/f19999"
  id=$(skiff run -d "$IMG" sh -c 'mkdir -p /w/d; echo started; exec sleep 600')
  wait_for "skiff logs $id 2>/dev/null | grep -q started" 10 || fail "the container did not start"
  upper=$SKIFF_TEST_ROOT/containers/$id/upper
  [ -d "$upper/w/d" ] || fail "no upper dir at $upper/w/d"
  # the container's files: many, so that packing them takes a while
  (cd "$upper/w/d" && seq -f 'f%05g' 0 $((n - 1)) | xargs touch)
  skiff commit "$id" localhost/escape-commit:1 >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
  local pid=$!
  # the packer is in the middle of w/d: its entries are being unpacked into the new layer
  wait_for "compgen -G '$SKIFF_TEST_ROOT/tmp/layer-*/diff/w/d/f00200' >/dev/null" 30 \
    || { wait "$pid"; fail "the commit never got into w/d: $(cat "$BATS_TEST_TMPDIR/err")"; }
  mv "$upper/w/d" "$upper/w/x"
  ln -s "$hostdir" "$upper/w/d"
  local rc=0
  wait "$pid" || rc=$?
  if [ "$rc" -eq 0 ]; then
    # committed: the layer holds the container's (empty) files, never the host's
    run -0 skiff run --rm localhost/escape-commit:1 sh -c 'cat /w/d/f19999 /w/d/f19998 2>/dev/null; true'
    assert_equal "$output" "" "host file content in the committed image"
  else
    assert_equal "$rc" 125 "commit's exit code"
    assert_one_line_error "$(cat "$BATS_TEST_TMPDIR/err")"
    run -1 skiff image exists localhost/escape-commit:1
  fi
  run -0 skiff rm -f "$id"
  skiff rmi -f localhost/escape-commit:1 >/dev/null 2>&1 || true
}
