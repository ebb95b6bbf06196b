# Runs once per bats invocation, before any test: builds the busybox-static fixture and
# imports it into the suite's private store.  Any failure here fails the whole run loudly
# ("not ok 1 setup_suite" with this function's output); nothing is skipped.

setup_suite () {
  local here
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

  [ -n "${SKIFF:-}" ] || { echo "SKIFF must name the skiff binary to test" >&2; return 1; }
  [ -x "$SKIFF" ] || { echo "SKIFF=$SKIFF is not an executable file" >&2; return 1; }
  # Root's default network is the bridge: every container run without --network none outside
  # netns_setup makes skiff0 and a veth where bats runs.  run-all.sh runs root's bats in a
  # network namespace of its own (only lo); run by hand in one with a default route (the
  # host's), say so (a TAP comment).
  if [ "$(id -u)" -eq 0 ] && [ -n "$(ip route show default 2>/dev/null)" ]; then
    echo "# warning: root in the host's network namespace: containers will make skiff0 and" \
      "veths here; run bats as tests/run-all.sh does:" \
      "unshare --net sh -c 'ip link set lo up && exec bats ...'" >&3
  fi

  export SKIFF_TEST_ROOT=$BATS_SUITE_TMPDIR/root
  export SKIFF_TEST_RUNROOT=$BATS_SUITE_TMPDIR/runroot
  export SKIFF_TEST_FIXTURE=$BATS_SUITE_TMPDIR/fixture      # rootfs/ and rootfs.tar
  export SKIFF_TEST_IMAGE=skiff-test/busybox:latest

  "$here/fixture/busybox-rootfs.sh" "$SKIFF_TEST_FIXTURE"

  local out
  if ! out=$("$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    import "$SKIFF_TEST_FIXTURE/rootfs.tar" "$SKIFF_TEST_IMAGE" 2>&1 </dev/null); then
    echo "importing the fixture failed: $out" >&2
    return 1
  fi
  if ! [[ $out =~ ([0-9a-f]{64}) ]]; then
    echo "import printed no image ID: $out" >&2
    return 1
  fi
  export SKIFF_TEST_IMAGE_ID=${BASH_REMATCH[1]}
}

# Rootless: files that containers wrote as other mapped UIDs cannot be removed by the user
# directly; remove the store inside a user namespace mapped like skiff's (best effort: the
# tests' own teardown already removed the containers through skiff).
teardown_suite () {
  if [ "$(id -u)" -ne 0 ] && [ -n "${SKIFF_TEST_ROOT:-}" ]; then
    unshare --map-root-user --map-auto rm -rf "$SKIFF_TEST_ROOT" "$SKIFF_TEST_RUNROOT" \
      2>/dev/null || true
  fi
  return 0
}
