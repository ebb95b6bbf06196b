#!/usr/bin/env bats
# A committed image leaves skiff by save and is podman's: podman loads it under the ID skiff
# shows (the new layer's tar-split record gives back the bytes it was hashed from) and runs it
# with the change and the deletion.  Root only (ROOT_ONLY_FILES in tests/run-all.sh), as
# 57-save-load-identity-podman.bats: podman's rootless storage needs a user setup the test user
# does not have; not in the ASan pass (podman's side of an exchange the plain pass covers).
load helpers

@test "commit -> save (both formats) -> podman load: the same image ID; podman runs the change" {
  is_rootless && fail "69-commit-save-podman.bats runs as root only (run-all.sh: ROOT_ONLY_FILES)"
  command -v podman >/dev/null || fail "podman is not installed (tests/run-all.sh installs it)"
  # podman needs runc on this cgroup layout and limits below the hard ones (machine notes)
  printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\n' \
    >"$BATS_TEST_TMPDIR/containers.conf"
  local podman=(env CONTAINERS_CONF="$BATS_TEST_TMPDIR/containers.conf" podman
                --root "$BATS_TEST_TMPDIR/podroot" --runroot "$BATS_TEST_TMPDIR/podrun"
                --storage-driver vfs)
  skiff run --name pc1 "$IMG" sh -c 'echo committed > /m; rm /bin/ls; rm -rf /home; mkdir /home'
  run -0 skiff commit -c 'CMD ["cat","/m"]' pc1 localhost/commit-pod:1
  local id=${output#sha256:} fmt
  for fmt in docker-archive oci-archive; do
    run -0 skiff save --format "$fmt" -o "$BATS_TEST_TMPDIR/$fmt.tar" localhost/commit-pod:1
    "${podman[@]}" rmi -f localhost/commit-pod:1 </dev/null >/dev/null 2>&1 || true
    run -0 "${podman[@]}" load -i "$BATS_TEST_TMPDIR/$fmt.tar" </dev/null
    run -0 "${podman[@]}" image inspect --format '{{.ID}}' localhost/commit-pod:1 </dev/null
    assert_equal "$output" "$id" "podman's ID of skiff's $fmt save"
  done
  run -0 "${podman[@]}" run --rm --pull never --network none localhost/commit-pod:1 </dev/null
  assert_equal "$output" committed "podman runs the committed CMD"
  run -0 "${podman[@]}" run --rm --pull never --network none localhost/commit-pod:1 \
    sh -c 'test ! -e /bin/ls && ls -A /home && echo gone' </dev/null
  assert_equal "$output" gone "the deletions hold in podman (whiteouts, opaque /home)"
  skiff rmi localhost/commit-pod:1 >/dev/null
}
