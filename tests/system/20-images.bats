#!/usr/bin/env bats
# The image store: import, images, tag/untag/rmi, inspect, history, save/load (docker-archive
# and OCI), hostile archives, concurrency and crash safety, system check, podman interop.

load helpers

MKARCHIVE=$BATS_TEST_DIRNAME/fixture/mkarchive.py

# Everything in the store but tmp/ and lock files: "the store as it was".
store_snapshot () {
  (cd "$SKIFF_TEST_ROOT" && find . -mindepth 1 -not -path './tmp/*' -not -name '*.lock' \
    -not -path './containers*' | sort)
}

archive () { # OUT  (spec JSON on stdin)
  python3 "$MKARCHIVE" "$1"
}

two_layers='[[{"name":"d","type":"dir"},{"name":"d/f","data":"one"},{"name":"etc","type":"dir"},{"name":"etc/gone","data":"x"}],
             [{"name":"etc/.wh.gone"},{"name":"d/.wh..wh..opq"},{"name":"d/g","data":"two"}]]'

@test "import: prints sha256:<id>, the same tarball reuses its layer, --change and --message" {
  local layers_before
  layers_before=$(ls "$SKIFF_TEST_ROOT/layers" | grep -vc lock || true)
  run -0 --separate-stderr skiff import -m "my comment" \
    -c 'CMD echo hi' -c 'ENV A=1 B="two words"' -c 'WORKDIR /tmp' -c 'EXPOSE 8080' \
    "$SKIFF_TEST_FIXTURE/rootfs.tar" imp/one:1
  assert_match "$output" '^sha256:[0-9a-f]{64}$' "import output"
  assert_equal "$stderr" ""
  local id=${output#sha256:}
  assert_equal "$(ls "$SKIFF_TEST_ROOT/layers" | grep -vc lock)" "$layers_before" \
    "layers after importing the fixture again"
  run -0 skiff image inspect --format '{{json .Config.Cmd}} {{json .Config.Env}} {{.Config.WorkingDir}} {{json .Config.ExposedPorts}}' imp/one:1
  assert_equal "$output" '["/bin/sh","-c","echo hi"] ["A=1","B=two words"] /tmp {"8080/tcp":{}}'
  run -0 skiff history --format '{{.ID}} {{.Comment}}' "$id"
  assert_equal "$output" "${id:0:12} my comment"
  run -0 skiff run --rm imp/one:1 sh -c 'echo "$B" $(pwd)'
  assert_equal "$output" "two words /tmp"
  skiff rmi imp/one:1 >/dev/null
}

@test "import: bad archives are refused with the entry named and leave the store as it was" {
  local before
  before=$(store_snapshot)
  head -c 300000 <(gzip -c "$SKIFF_TEST_FIXTURE/rootfs.tar") > "$BATS_TEST_TMPDIR/trunc.tar.gz"
  run -125 --separate-stderr skiff import "$BATS_TEST_TMPDIR/trunc.tar.gz" bad:1
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "truncated gzip input"
  python3 -c 'import tarfile,io,sys
t=tarfile.open(sys.argv[1],"w"); i=tarfile.TarInfo("../../escape"); i.size=1; t.addfile(i,io.BytesIO(b"x"))' \
    "$BATS_TEST_TMPDIR/dotdot.tar"
  run -125 --separate-stderr skiff import "$BATS_TEST_TMPDIR/dotdot.tar" bad:2
  assert_equal "$stderr" "Error: $BATS_TEST_TMPDIR/dotdot.tar: entry \"../../escape\": path escapes the layer"
  run -125 --separate-stderr skiff import -c 'RUN true' "$SKIFF_TEST_FIXTURE/rootfs.tar" bad:3
  assert_equal "$stderr" 'Error: --change "RUN true": RUN is not a valid change command'
  run -125 --separate-stderr skiff import "$SKIFF_TEST_FIXTURE/rootfs.tar" Bad
  assert_contains "$stderr" "must be lowercase"
  assert_equal "$(store_snapshot)" "$before" "store after failed imports"
  [ ! -e "$BATS_TEST_TMPDIR/../../escape" ] || fail "an entry escaped"
}

@test "images: docker columns, familiar names, <none>, --digests, -q, --format, filter" {
  run -0 skiff tag "$IMG" docker.io/library/imgtest:2
  run -0 skiff images
  assert_match "${lines[0]}" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$'
  assert_match "$output" $'\nimgtest +2 +'"${SKIFF_TEST_IMAGE_ID:0:12}"' +[A-Za-z0-9 ]+ ago +[0-9.]+[kM]?B'
  run -0 skiff images --digests imgtest
  assert_match "${lines[0]}" '^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$'
  assert_equal "${#lines[@]}" 2
  run -0 skiff images -q
  [ "$(printf '%s\n' "$output" | grep -c "${SKIFF_TEST_IMAGE_ID:0:12}")" -eq 1 ] \
    || fail "images -q lists an image once per name: $output"
  run -0 skiff images --format '{{.Repository}}:{{.Tag}}' imgtest:2
  assert_equal "$output" "imgtest:2"
  run -0 skiff images --format json imgtest
  assert_match "$output" '^\{"Containers":"N/A","CreatedAt":"[^"]+","CreatedSince":"[^"]+ ago","Digest":"<none>","ID":"'"${SKIFF_TEST_IMAGE_ID:0:12}"'","Repository":"imgtest"'
  run -0 skiff untag "$IMG" imgtest:2
  run -0 skiff import "$SKIFF_TEST_FIXTURE/rootfs.tar"
  local untagged=${output#sha256:}
  run -0 skiff images
  assert_match "$output" $'\n<none> +<none> +'"${untagged:0:12}"
  skiff image prune -f >/dev/null
}

@test "tag, untag, rmi: names move, conflicts and exit codes as docker/podman" {
  run -0 skiff import "$SKIFF_TEST_FIXTURE/rootfs.tar" rmt/a:1
  local id=${output#sha256:}
  run -0 skiff tag rmt/a:1 rmt/b:1 localhost/rmt-c
  run -0 skiff image exists localhost/rmt-c
  run -0 skiff image exists rmt-c        # podman: short name finds localhost/
  run -1 skiff image exists rmt/nope

  run -2 --separate-stderr skiff rmi "$id"
  assert_equal "$stderr" "Error: conflict: unable to delete ${id:0:12} (must be forced) - image is referenced in multiple repositories"
  run -0 skiff rmi rmt/b:1
  assert_equal "$output" "Untagged: rmt/b:1"
  run -125 --separate-stderr skiff untag "$id" rmt/b:1
  assert_equal "$stderr" "Error: rmt/b:1: tag not known"

  # a tag moves to the new image; the old one stays, untagged
  run -0 skiff import "$SKIFF_TEST_FIXTURE/rootfs.tar" rmt/a:1
  local id2=${output#sha256:}
  run -0 skiff images --format '{{.ID}} {{.Repository}}:{{.Tag}}' --no-trunc
  assert_contains "$output" "sha256:$id2 rmt/a:1"
  assert_contains "$output" "sha256:$id localhost/rmt-c:latest"

  run -0 skiff rmi -f "$id" "$id2"
  assert_equal "$output" "Untagged: localhost/rmt-c:latest
Deleted: sha256:$id
Untagged: rmt/a:1
Deleted: sha256:$id2"
  run -1 --separate-stderr skiff rmi "$id"
  assert_equal "$stderr" "Error: $id: image not known"
  run -0 skiff system check
}

@test "rmi: an image used by a container is refused" {
  run -0 skiff import "$SKIFF_TEST_FIXTURE/rootfs.tar" inuse:1
  local id=${output#sha256:}
  run -0 skiff run --name inuse-ctr inuse:1 true
  run -2 --separate-stderr skiff rmi inuse:1
  assert_match "$stderr" "^Error: conflict: unable to remove repository reference \"inuse:1\" \(must force\) - container [0-9a-f]{12} is using its referenced image ${id:0:12}$"
  run -2 --separate-stderr skiff rmi "$id"
  assert_match "$stderr" "^Error: conflict: unable to delete ${id:0:12} \(must be forced\) - image is being used by stopped container [0-9a-f]{12}$"
  skiff rm inuse-ctr >/dev/null
  run -0 skiff rmi inuse:1
}

@test "rmi -f: an image a stopped container uses is deleted (docker), the container keeps its layers" {
  # a layer of its own, so that no other image holds it
  cp "$SKIFF_TEST_FIXTURE/rootfs.tar" "$BATS_TEST_TMPDIR/own.tar"
  echo own > "$BATS_TEST_TMPDIR/own-marker"
  tar -rf "$BATS_TEST_TMPDIR/own.tar" -C "$BATS_TEST_TMPDIR" own-marker
  run -0 skiff import "$BATS_TEST_TMPDIR/own.tar" forced:1
  local id=${output#sha256:}
  local layers_before
  layers_before=$(ls "$SKIFF_TEST_ROOT/layers" | grep -vc lock)
  run -0 skiff run --name forced-ctr forced:1 true
  run -0 skiff rmi -f forced:1
  assert_equal "$output" "Untagged: forced:1
Deleted: sha256:$id"
  run -0 skiff images -q --no-trunc
  assert_not_contains "$output" "$id"
  run -1 skiff image inspect "$id"
  assert_equal "$(ls "$SKIFF_TEST_ROOT/layers" | grep -vc lock)" "$layers_before"
  run -0 skiff system check
  # the container still starts, from the removed image's layers
  run -0 skiff start -a forced-ctr
  run -125 skiff run --rm forced:1 true
  assert_contains "$output" "forced:1"
  # gc (any rmi runs it) keeps the container's layer
  skiff import "$SKIFF_TEST_FIXTURE/rootfs.tar" forced-gc:1 >/dev/null
  run -0 skiff rmi forced-gc:1
  assert_equal "$(ls "$SKIFF_TEST_ROOT/layers" | grep -vc lock)" "$layers_before"
  skiff rm forced-ctr >/dev/null
  skiff import "$SKIFF_TEST_FIXTURE/rootfs.tar" forced-gc:1 >/dev/null
  run -0 skiff rmi forced-gc:1
  [ "$(ls "$SKIFF_TEST_ROOT/layers" | grep -vc lock)" -lt "$layers_before" ] \
    || fail "the layer outlived its last container"
  [ ! -e "$SKIFF_TEST_ROOT/images/$id" ] || fail "the removed record outlived its last container"
  run -0 skiff system check
}

@test "image inspect: docker's fields, --format, missing objects" {
  run -0 skiff image inspect "$IMG"
  assert_match "${lines[0]}" '^\[$'
  assert_match "${lines[1]}" '^    \{$'
  assert_contains "$output" "\"Id\": \"sha256:$SKIFF_TEST_IMAGE_ID\""
  assert_contains "$output" '"RepoTags": [
            "skiff-test/busybox:latest"
        ],'
  assert_contains "$output" '"RepoDigests": [],'
  run -0 skiff inspect --format '{{.Os}}/{{.Architecture}} {{len .RootFS.Layers}} {{.Size}}' "$IMG"
  assert_match "$output" '^linux/(amd64|arm64) 1 [0-9]+$'
  run -1 --separate-stderr skiff image inspect --format '{{.Id}}' nope "$IMG"
  assert_equal "$output" "sha256:$SKIFF_TEST_IMAGE_ID"
  assert_equal "$stderr" "Error: no such object: nope"
}

@test "save and load: docker-archive and oci-archive round trips, stdin, names, runnable" {
  archive "$BATS_TEST_TMPDIR/src.tar" <<EOF
{"format":"docker","tag":"localhost/rt:1","config":{"Entrypoint":["/bin/sh","-c"],"Cmd":["ls /d; test -e /etc/gone || echo gone"],"Env":["K=v"],"WorkingDir":"/d"},
 "layers":$two_layers}
EOF
  run -0 skiff load -i "$BATS_TEST_TMPDIR/src.tar"
  assert_equal "$output" "Loaded image: localhost/rt:1"
  run -0 skiff image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Env}} {{.Config.WorkingDir}}' localhost/rt:1
  local want=$output d fmt
  for fmt in docker-archive oci-archive; do
    run -0 skiff save --format "$fmt" -o "$BATS_TEST_TMPDIR/$fmt.tar" localhost/rt:1
    run -0 skiff rmi localhost/rt:1
    run -0 skiff load < "$BATS_TEST_TMPDIR/$fmt.tar"
    assert_equal "$output" "Loaded image: localhost/rt:1" "load of $fmt"
    run -0 skiff image inspect --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.Env}} {{.Config.WorkingDir}}' localhost/rt:1
    assert_equal "$output" "$want" "config after a $fmt round trip"
    local mt=application/vnd.docker.distribution.manifest.v2+json
    [ "$fmt" = docker-archive ] || mt=application/vnd.oci.image.manifest.v1+json
    assert_equal "$(skiff image inspect --format '{{.ManifestType}}' localhost/rt:1)" "$mt" \
      "podman's ManifestType after loading a $fmt"
    d=$(skiff image inspect --format '{{.GraphDriver.Data.LowerDir}}' localhost/rt:1)
    assert_equal "$(cat "${d%%:*}/d/g")" two "top layer content"
    [ -c "${d%%:*}/etc/gone" ] || fail "whiteout is not a character device"
  done
  run -0 skiff save -o "$BATS_TEST_TMPDIR/again.tar" localhost/rt:1
  cmp -s "$BATS_TEST_TMPDIR/docker-archive.tar" "$BATS_TEST_TMPDIR/again.tar" \
    || fail "save is not deterministic"
  run -125 --separate-stderr skiff save --format tarball -o "$BATS_TEST_TMPDIR/x.tar" localhost/rt:1
  assert_contains "$stderr" 'unsupported format "tarball"'
  skiff rmi localhost/rt:1 >/dev/null
  run -0 skiff system check
}

@test "save and load: a loaded image runs on top of the fixture's layer" {
  skiff save -o "$BATS_TEST_TMPDIR/fixture.tar" "$IMG"
  run -0 skiff tag "$IMG" localhost/keep:1
  run -0 skiff load -i "$BATS_TEST_TMPDIR/fixture.tar"
  assert_equal "$output" "Loaded image: skiff-test/busybox:latest"
  run -0 skiff run --rm "$IMG" sh -c 'echo ok'
  assert_equal "$output" ok
  # the suite's image name back on the suite's image (a re-packed layer may change the ID)
  skiff tag "$SKIFF_TEST_IMAGE_ID" "$IMG"
  skiff rmi localhost/keep:1 >/dev/null
}

@test "load: hostile or broken archives are refused, leaving no trace" {
  local before c
  before=$(store_snapshot)
  local -A cases=(
    [traversal]='{"format":"docker","layers":[[{"name":"../../x","data":"a"}]]}'
    [symlink]='{"format":"docker","layers":[[{"name":"l","type":"symlink","link":"/tmp"},{"name":"l/x","data":"a"}]]}'
    [hardlink]='{"format":"oci","layers":[[{"name":"h","type":"hardlink","link":"../../etc/passwd"}]]}'
    [absurd-size]='{"format":"docker","layers":[[{"name":"big","data":"abc","size":99999999999}]]}'
    [truncated-gzip]='{"format":"oci","gzip":true,"break":"truncate","layers":[[{"name":"a","data":"'"$(head -c 3000 /dev/urandom | base64 -w0)"'"}]]}'
    [bad-json]='{"format":"docker","break":"bad-json","layers":[[{"name":"a","data":"x"}]]}'
    [diffid-mismatch]='{"format":"docker","break":"diffid","layers":[[{"name":"a","data":"x"}],[{"name":"b","data":"y"}]]}'
    [config-digest]='{"format":"oci","break":"config-digest","layers":[[{"name":"a","data":"x"}]]}'
    [missing-layer]='{"format":"docker","break":"missing-layer","layers":[[{"name":"a","data":"x"}],[{"name":"b","data":"y"}]]}'
  )
  local -A want=(
    [traversal]='entry "../../x": path escapes the layer'
    [symlink]='Cannot extract through symlink'
    [hardlink]='hard link "h": entry "../../etc/passwd": path escapes the layer'
    [absurd-size]='entry "big": Truncated tar archive'
    [truncated-gzip]='truncated gzip input'
    [bad-json]='invalid JSON in manifest.json'
    [diffid-mismatch]='layer digest (DiffID) mismatch'
    [config-digest]='digest mismatch'
    [missing-layer]='layer blobs are missing from the archive'
  )
  for c in "${!cases[@]}"; do
    archive "$BATS_TEST_TMPDIR/$c.tar" <<< "${cases[$c]}"
    run -125 --separate-stderr skiff load -i "$BATS_TEST_TMPDIR/$c.tar"
    assert_one_line_error "$stderr"
    assert_contains "$stderr" "${want[$c]}" "$c"
    assert_equal "$(store_snapshot)" "$before" "store after the $c archive"
  done
  run -0 skiff system check
}

@test "load: concurrent loads sharing layers unpack each layer once" {
  archive "$BATS_TEST_TMPDIR/c.tar" <<EOF
{"format":"docker","tag":"localhost/conc:1","gzip":true,"layers":[[{"name":"a","data":"$(head -c 200000 /dev/urandom | base64 -w0)"}],[{"name":"b","data":"y"}]]}
EOF
  local i pids=()
  for i in 1 2 3 4; do
    "$SKIFF" --log-level debug --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
      load -i "$BATS_TEST_TMPDIR/c.tar" > "$BATS_TEST_TMPDIR/out.$i" 2>&1 &
    pids+=($!)
  done
  for i in "${pids[@]}"; do
    wait "$i" || fail "a concurrent load failed: $(cat "$BATS_TEST_TMPDIR"/out.*)"
  done
  run -0 bash -c "cat '$BATS_TEST_TMPDIR'/out.* | grep -c 'unpacking layer'"
  assert_equal "$output" 2 "layer unpacks across 4 loads"
  run -0 skiff system check
  skiff rmi localhost/conc:1 >/dev/null
}

@test "load: SIGKILLed halfway, then rerun: succeeds and system check passes" {
  archive "$BATS_TEST_TMPDIR/k.tar" <<EOF
{"format":"docker","tag":"localhost/kill:1","layers":[[{"name":"a","data":"$(head -c 3000000 /dev/urandom | base64 -w0)"}],[{"name":"b","data":"$(head -c 3000000 /dev/urandom | base64 -w0)"}]]}
EOF
  local delay pid
  for delay in 0.05 0.2; do
    "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
      load -i "$BATS_TEST_TMPDIR/k.tar" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" || true
  done
  run -0 skiff load -i "$BATS_TEST_TMPDIR/k.tar"
  assert_equal "$output" "Loaded image: localhost/kill:1"
  run -0 skiff system check
  assert_equal "$output" ""
  skiff rmi localhost/kill:1 >/dev/null
}

@test "history: newest first, <missing> below the top" {
  archive "$BATS_TEST_TMPDIR/h.tar" <<EOF
{"format":"docker","tag":"localhost/hist:1","layers":$two_layers}
EOF
  run -0 skiff load -i "$BATS_TEST_TMPDIR/h.tar"
  run -0 skiff history localhost/hist:1
  assert_match "${lines[0]}" '^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$'
  assert_match "${lines[1]}" '^[0-9a-f]{12} +.* ago +layer 1 +[0-9]+B'
  assert_match "${lines[2]}" '^<missing> +.* ago +layer 0 +[0-9]+B'
  run -0 skiff history -q localhost/hist:1
  assert_equal "${lines[1]}" "<missing>"
  skiff rmi localhost/hist:1 >/dev/null
}

@test "image prune and system check --repair" {
  run -0 skiff import "$SKIFF_TEST_FIXTURE/rootfs.tar"
  local id=${output#sha256:}
  run -0 skiff image prune -f
  assert_contains "$output" "deleted: sha256:$id"
  assert_match "${lines[-1]}" '^Total reclaimed space: '
  run -1 skiff image exists "$id"

  ln -s "$(printf 'b%.0s' {1..64})" "$SKIFF_TEST_ROOT/names/images/docker.io%2Flibrary%2Fbroken:latest"
  mkdir "$SKIFF_TEST_ROOT/layers/$(printf 'a%.0s' {1..64})"
  run -1 skiff system check
  assert_contains "$output" "name docker.io/library/broken:latest points to a missing image"
  assert_contains "$output" "is incomplete"
  run -0 skiff system check --repair
  run -0 skiff system check
  assert_equal "$output" ""
  run -0 skiff image exists "$IMG"
}
