#!/usr/bin/env bats
# save -> rmi -> load keeps the image ID: a layer's original tar stream is reproduced byte for
# byte from its tar-split record and the unpacked files (the tests with podman as the peer are
# in 57-save-load-identity-podman.bats, root only).
load helpers

MKARCHIVE=$BATS_TEST_DIRNAME/fixture/mkarchive.py

# The image ID (64 hex) of a reference.
image_id () { # REF
  skiff image inspect --format '{{.Id}}' "$1" | sed 's/^sha256://'
}

# sha256 of every layer tar in a docker-archive, in manifest order, and the config's
# diff_ids: "layers=<hex...> diff_ids=<hex...>".
docker_archive_layers () { # ARCHIVE
  python3 - "$1" <<'EOF'
import hashlib, json, sys, tarfile
t = tarfile.open(sys.argv[1])
m = json.load(t.extractfile("manifest.json"))[0]
cfg = json.load(t.extractfile(m["Config"]))
layers = [hashlib.sha256(t.extractfile(l).read()).hexdigest() for l in m["Layers"]]
print("layers=%s diff_ids=%s" % (",".join(layers),
      ",".join(d.split(":")[1] for d in cfg["rootfs"]["diff_ids"])))
EOF
}

# The layer dir of an image's top layer in the test store.
top_layer_dir () { # REF
  local chain
  chain=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["chain_ids"][-1].split(":")[1])' \
    "$SKIFF_TEST_ROOT/images/$(image_id "$1")/image.json")
  echo "$SKIFF_TEST_ROOT/layers/$chain"
}

# The fixture rootfs as a tar of its own (a layer no other image of the store shares), with a
# marker file naming the test.
own_rootfs_tar () { # OUT
  local dir=$BATS_TEST_TMPDIR/own-rootfs
  rm -rf "$dir" && cp -a "$SKIFF_TEST_FIXTURE/rootfs" "$dir"
  printf '%s\n' "$BATS_TEST_NAME" >"$dir/etc/marker"
  tar --owner=0 --group=0 -C "$dir" -cf "$1" .
}

# The busybox base and two gzip-compressed layers: a GNU tar (long names, a hard link) and a Python pax tar (a
# whiteout, a long symlink target, non-ASCII and a file of 1 MiB).
make_oci_archive () { # OUT
  local src=$BATS_TEST_TMPDIR/gnusrc long
  long=$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})
  mkdir -p "$src/$long" "$src/etc"
  printf 'one\n' >"$src/etc/one"
  printf 'deep\n' >"$src/$long/file-with-a-long-name-$(printf 'x%.0s' {1..40})"
  ln "$src/etc/one" "$src/etc/one-again"
  printf 'gone\n' >"$src/etc/gone"
  tar --format=gnu --owner=0 --group=0 -C "$src" -cf "$BATS_TEST_TMPDIR/gnu.tar" .
  python3 "$MKARCHIVE" "$1" <<EOF
{"format": "oci", "tag": "localhost/ident-oci:1", "gzip": true, "config": {"Cmd": ["/bin/sh"]},
 "layers": [{"tar": "$SKIFF_TEST_FIXTURE/rootfs.tar"}, {"tar": "$BATS_TEST_TMPDIR/gnu.tar"},
            [{"name": "etc/.wh.gone"}, {"name": "etc/two", "data": "two\n"},
             {"name": "etc/caf\u00e9", "data": "accent\n"},
             {"name": "etc/big", "data": "$(head -c 1048576 /dev/zero | tr '\0' 'a')"},
             {"name": "etc/ln", "type": "symlink", "link": "$(printf 'z%.0s' {1..150})"}]]}
EOF
}

@test "save/load identity: an imported image keeps its ID, and save gives back the imported tar byte for byte" {
  own_rootfs_tar "$BATS_TEST_TMPDIR/rootfs.tar"
  gzip -k "$BATS_TEST_TMPDIR/rootfs.tar"
  run -0 skiff import "$BATS_TEST_TMPDIR/rootfs.tar.gz" localhost/ident-imp:1
  local id want
  id=$(image_id localhost/ident-imp:1)
  want=$(sha256sum <"$BATS_TEST_TMPDIR/rootfs.tar" | cut -d' ' -f1)
  run -0 skiff save -o "$BATS_TEST_TMPDIR/imp.tar" localhost/ident-imp:1
  run -0 docker_archive_layers "$BATS_TEST_TMPDIR/imp.tar"
  assert_equal "$output" "layers=$want diff_ids=$want" "the saved layer is the uncompressed input"
  run -0 skiff rmi localhost/ident-imp:1
  run -0 skiff load -i "$BATS_TEST_TMPDIR/imp.tar"
  assert_equal "$(image_id localhost/ident-imp:1)" "$id" "image ID after save, rmi, load"
  # and once more from the loaded copy
  run -0 skiff save -o "$BATS_TEST_TMPDIR/imp2.tar" localhost/ident-imp:1
  cmp "$BATS_TEST_TMPDIR/imp.tar" "$BATS_TEST_TMPDIR/imp2.tar" \
    || fail "the second save differs from the first"
  skiff rmi localhost/ident-imp:1 >/dev/null
}

@test "save/load identity: an OCI archive with compressed layers keeps its ID through both save formats" {
  make_oci_archive "$BATS_TEST_TMPDIR/in-oci.tar"
  run -0 skiff load -i "$BATS_TEST_TMPDIR/in-oci.tar"
  local id fmt
  id=$(image_id localhost/ident-oci:1)
  for fmt in oci-archive docker-archive; do
    run -0 skiff save --format "$fmt" -o "$BATS_TEST_TMPDIR/out-$fmt.tar" localhost/ident-oci:1
    run -0 skiff rmi localhost/ident-oci:1
    run -0 skiff load -i "$BATS_TEST_TMPDIR/out-$fmt.tar"
    assert_equal "$(image_id localhost/ident-oci:1)" "$id" "image ID after save --format $fmt, rmi, load"
  done
  run -0 docker_archive_layers "$BATS_TEST_TMPDIR/out-docker-archive.tar"
  [[ $output =~ ^layers=([^ ]*)\ diff_ids=(.*)$ ]] || fail "unexpected: $output"
  assert_equal "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" "docker-archive layers are the uncompressed DiffID streams"
  run -0 skiff run --rm localhost/ident-oci:1 cat /etc/two /etc/one-again
  assert_equal "$output" $'two\none'
  skiff rmi localhost/ident-oci:1 >/dev/null
}

@test "save/load identity: a layer changed on disk fails save with the layer and file named, and writes nothing" {
  own_rootfs_tar "$BATS_TEST_TMPDIR/rootfs.tar"
  run -0 skiff import "$BATS_TEST_TMPDIR/rootfs.tar" localhost/ident-chg:1
  local dir
  dir=$(top_layer_dir localhost/ident-chg:1)
  printf 'tampered\n' >>"$dir/diff/etc/passwd"
  run -125 --separate-stderr skiff save -o "$BATS_TEST_TMPDIR/chg.tar" localhost/ident-chg:1
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "layer sha256:"
  assert_contains "$stderr" "etc/passwd changed size since the layer was stored"
  [ ! -e "$BATS_TEST_TMPDIR/chg.tar" ] || fail "save left an archive behind"
  run -1 skiff system check --verify
  assert_contains "$output" "etc/passwd"
  skiff rmi localhost/ident-chg:1 >/dev/null
}

@test "save/load identity: system check --verify checks the tar-split record" {
  own_rootfs_tar "$BATS_TEST_TMPDIR/rootfs.tar"
  run -0 skiff import "$BATS_TEST_TMPDIR/rootfs.tar" localhost/ident-rec:1
  local dir
  dir=$(top_layer_dir localhost/ident-rec:1)
  [ -f "$dir/tar-split" ] || fail "no tar-split record in $dir"
  run -0 skiff system check --verify
  truncate -s -7 "$dir/tar-split"
  run -1 skiff system check --verify
  assert_contains "$output" "tar-split record digest is"
  run -125 --separate-stderr skiff save -o "$BATS_TEST_TMPDIR/rec.tar" localhost/ident-rec:1
  assert_contains "$stderr" "tar-split record digest is"
  skiff rmi localhost/ident-rec:1 >/dev/null
}

@test "save/load identity: a layer whose stream cannot be rebuilt from its files is re-packed with a warning" {
  # the same path twice: the first copy's bytes are in no file of the unpacked layer
  python3 "$MKARCHIVE" "$BATS_TEST_TMPDIR/dup.tar" <<EOF
{"format": "docker", "tag": "localhost/ident-dup:1", "config": {},
 "layers": [{"tar": "$SKIFF_TEST_FIXTURE/rootfs.tar"},
            [{"name": "etc/f", "data": "first\\n"}, {"name": "etc/f", "data": "second\\n"}]]}
EOF
  run -0 skiff load -i "$BATS_TEST_TMPDIR/dup.tar"
  local id
  id=$(image_id localhost/ident-dup:1)
  run -0 --separate-stderr skiff save -o "$BATS_TEST_TMPDIR/dup-out.tar" localhost/ident-dup:1
  assert_contains "$stderr" "its original tar stream cannot be reproduced"
  assert_contains "$stderr" 'entry "etc/f" replaces "etc/f"'
  skiff rmi localhost/ident-dup:1 >/dev/null
  run -0 skiff load -i "$BATS_TEST_TMPDIR/dup-out.tar"
  run -0 skiff run --rm localhost/ident-dup:1 cat /etc/f
  assert_equal "$output" "second"
  skiff rmi localhost/ident-dup:1 >/dev/null
}
