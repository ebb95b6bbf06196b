#!/usr/bin/env bats
# save -> rmi -> load keeps the image ID with podman as the peer: an archive podman made keeps
# podman's ID through skiff's save and load, and podman loads skiff's save under the same ID.
# Root only (ROOT_ONLY_FILES in tests/run-all.sh), as 25-podman-interop.bats: podman's
# rootless storage needs a user setup the test user does not have.
load helpers

podman_setup () {
  command -v podman >/dev/null || fail "podman is not installed (tests/run-all.sh installs it)"
  PODMAN=(podman --root "$BATS_TEST_TMPDIR/podroot" --runroot "$BATS_TEST_TMPDIR/podrun"
          --storage-driver vfs)
}

image_id () { # REF
  skiff image inspect --format '{{.Id}}' "$1" | sed 's/^sha256://'
}

# A podman-imported image of the fixture rootfs (with a marker file of its own), saved by podman
# as docker-archive and oci-archive; sets PID to podman's image ID.
podman_archives () {
  is_rootless && fail "57-save-load-identity-podman.bats runs as root only (run-all.sh: ROOT_ONLY_FILES)"
  podman_setup
  local dir=$BATS_TEST_TMPDIR/rootfs fmt
  cp -a "$SKIFF_TEST_FIXTURE/rootfs" "$dir"
  printf '%s\n' "$BATS_TEST_NAME" >"$dir/etc/marker"
  tar --owner=0 --group=0 -C "$dir" -cf "$BATS_TEST_TMPDIR/rootfs.tar" .
  "${PODMAN[@]}" import --change 'CMD ["/bin/sh"]' "$BATS_TEST_TMPDIR/rootfs.tar" \
    localhost/ident-pod:1 </dev/null >"$BATS_TEST_TMPDIR/podman.log" 2>&1 \
    || fail "podman import failed: $(cat "$BATS_TEST_TMPDIR/podman.log")"
  PID=$("${PODMAN[@]}" image inspect --format '{{.ID}}' localhost/ident-pod:1 </dev/null)
  for fmt in docker-archive oci-archive; do
    "${PODMAN[@]}" save --format "$fmt" -o "$BATS_TEST_TMPDIR/p-$fmt.tar" localhost/ident-pod:1 \
      </dev/null 2>/dev/null || fail "podman save --format $fmt failed"
  done
}

@test "save/load identity with podman: podman's archives keep podman's ID through skiff save, rmi, load" {
  podman_archives
  local fmt sfmt
  for fmt in docker-archive oci-archive; do
    run -0 skiff load -i "$BATS_TEST_TMPDIR/p-$fmt.tar"
    assert_equal "$(image_id localhost/ident-pod:1)" "$PID" "podman's $fmt loaded in skiff"
    for sfmt in docker-archive oci-archive; do
      run -0 skiff save --format "$sfmt" -o "$BATS_TEST_TMPDIR/s-$sfmt.tar" localhost/ident-pod:1
      run -0 skiff rmi localhost/ident-pod:1
      run -0 skiff load -i "$BATS_TEST_TMPDIR/s-$sfmt.tar"
      assert_equal "$(image_id localhost/ident-pod:1)" "$PID" "podman's $fmt after skiff save --format $sfmt, rmi, load"
    done
    skiff rmi localhost/ident-pod:1 >/dev/null
  done
}

@test "save/load identity with podman: podman loads skiff's save under the ID skiff shows" {
  podman_archives
  local sfmt sid
  run -0 skiff load -i "$BATS_TEST_TMPDIR/p-docker-archive.tar"
  sid=$(image_id localhost/ident-pod:1)
  for sfmt in docker-archive oci-archive; do
    run -0 skiff save --format "$sfmt" -o "$BATS_TEST_TMPDIR/s-$sfmt.tar" localhost/ident-pod:1
    "${PODMAN[@]}" rmi -f localhost/ident-pod:1 </dev/null >/dev/null 2>&1 || true
    run -0 "${PODMAN[@]}" load -i "$BATS_TEST_TMPDIR/s-$sfmt.tar" </dev/null
    run -0 "${PODMAN[@]}" image inspect --format '{{.ID}}' localhost/ident-pod:1 </dev/null
    assert_equal "$output" "$sid" "podman's ID of skiff's $sfmt save"
  done
  skiff rmi localhost/ident-pod:1 >/dev/null
}
