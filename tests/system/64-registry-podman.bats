#!/usr/bin/env bats
# skiff and skopeo through the same local registry (root only: the podman/skopeo peers run
# as root in CI, as 25-podman-interop does; see tests/run-all.sh).  An image skiff pushed
# copies with skopeo to dir: with its config (= image ID) and layers as skiff sent them; an
# image skopeo pushed pulls and runs in skiff with the ID of its config.

load helpers
load registry-helpers

setup_file () {
  start_plain_registry "$BATS_FILE_TMPDIR/plain"
}

teardown_file () {
  stop_pid "${REG_PID:-}"
}

@test "registry interop: skopeo copies what skiff pushed, with the same image ID and layer digests" {
  make_multilayer_image localhost/reg-sk:1 sk1
  local id
  id=$(image_id localhost/reg-sk:1)
  run -0 skiff push --tls-verify=false localhost/reg-sk:1 "$REG/reg-sk:1"
  run -0 skopeo copy --src-tls-verify=false "docker://$REG/reg-sk:1" "dir:$BATS_TEST_TMPDIR/dir" </dev/null
  run -0 python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["config"]["digest"]); print(" ".join(l["digest"] for l in m["layers"]))' "$BATS_TEST_TMPDIR/dir/manifest.json"
  local config=${lines[0]} layers=${lines[1]}
  assert_equal "$config" "sha256:$id" "config digest = skiff's image ID"
  run -0 skiff image inspect --format '{{join .RootFS.Layers " "}}' localhost/reg-sk:1
  assert_equal "$output" "$layers" "layer digests = skiff's DiffIDs (uncompressed layers)"
  # skopeo's copy verified every blob; the config it wrote hashes to the ID
  assert_equal "$(sha256sum <"$BATS_TEST_TMPDIR/dir/$id" | cut -d' ' -f1)" "$id"
}

@test "registry interop: an image skopeo pushed (gzip layers) pulls and runs in skiff with its config's ID" {
  make_multilayer_image localhost/reg-sk2:1 sk2
  run -0 skiff save -o "$BATS_TEST_TMPDIR/sk2.tar" localhost/reg-sk2:1
  local id
  id=$(image_id localhost/reg-sk2:1)
  run -0 skiff rmi localhost/reg-sk2:1
  run -0 skopeo copy --dest-tls-verify=false --dest-compress "docker-archive:$BATS_TEST_TMPDIR/sk2.tar" \
    "docker://$REG/reg-sk2:1" </dev/null
  run -0 --separate-stderr skiff pull --tls-verify=false "$REG/reg-sk2:1"
  assert_equal "$output" "$id" "the ID of the config skopeo pushed"
  run -0 skiff run --rm "$REG/reg-sk2:1"
  assert_equal "$output" $'two sk2\nthree sk2'
  run -0 skiff system check
}
