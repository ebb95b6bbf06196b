#!/usr/bin/env bats
# Interop with Debian's podman as a real peer: archives each side saved load in the other.
# Root only (listed in ROOT_ONLY_FILES in tests/run-all.sh): podman's rootless storage needs
# its own user setup that the test user does not have.
load helpers

podman_setup () {
  command -v podman >/dev/null || fail "podman is not installed (tests/run-all.sh installs it)"
  PODMAN=(podman --root "$BATS_TEST_TMPDIR/podroot" --runroot "$BATS_TEST_TMPDIR/podrun"
          --storage-driver vfs)
}

@test "podman interop: podman save (both formats) loads and runs in skiff; skiff save loads in podman" {
  podman_setup
  "${PODMAN[@]}" import --change 'ENTRYPOINT ["/bin/sh","-c"]' --change 'CMD ["echo $K; pwd"]' \
    --change 'ENV K=from-podman' --change 'WORKDIR /etc' \
    "$SKIFF_TEST_FIXTURE/rootfs.tar" localhost/interop:1 >"$BATS_TEST_TMPDIR/podman.log" 2>&1 \
    || fail "podman import failed: $(cat "$BATS_TEST_TMPDIR/podman.log")"
  local fmt pid
  pid=$("${PODMAN[@]}" image inspect --format '{{.ID}}' localhost/interop:1)
  for fmt in docker-archive oci-archive; do
    "${PODMAN[@]}" save --format "$fmt" -o "$BATS_TEST_TMPDIR/p-$fmt.tar" localhost/interop:1 2>/dev/null
    run -0 skiff load -i "$BATS_TEST_TMPDIR/p-$fmt.tar"
    assert_equal "$output" "Loaded image: localhost/interop:1"
    run -0 skiff image inspect --format '{{.Id}} {{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.WorkingDir}}' localhost/interop:1
    assert_equal "$output" "sha256:$pid [\"/bin/sh\",\"-c\"] [\"echo \$K; pwd\"] /etc" "$fmt"
    run -0 skiff run --rm localhost/interop:1
    assert_equal "$output" $'from-podman\n/etc' "$fmt image run in skiff"
    skiff rmi localhost/interop:1 >/dev/null
  done
  run -0 skiff load -i "$BATS_TEST_TMPDIR/p-docker-archive.tar"
  for fmt in docker-archive oci-archive; do
    skiff save --format "$fmt" -o "$BATS_TEST_TMPDIR/s-$fmt.tar" localhost/interop:1
    "${PODMAN[@]}" rmi -f localhost/interop:1 >/dev/null 2>&1 || true
    run -0 "${PODMAN[@]}" load -i "$BATS_TEST_TMPDIR/s-$fmt.tar"
    run -0 "${PODMAN[@]}" image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Env}} {{.Config.WorkingDir}}' localhost/interop:1
    assert_contains "$output" '["/bin/sh","-c"] ["echo $K; pwd"]' "podman's view of skiff's $fmt"
    assert_contains "$output" 'K=from-podman' "podman's view of skiff's $fmt"
  done
  skiff rmi localhost/interop:1 >/dev/null
}

