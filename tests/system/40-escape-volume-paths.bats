#!/usr/bin/env bats
# Escape suite, class "volume and bind mount paths": a mount target (-v, --mount, --tmpfs, an
# image VOLUME) is resolved inside the rootfs, so a symlink the image or a volume holds never
# puts a mount, a created directory or copied-up files on the host; the copy-up of an image
# VOLUME reads the container's files, never the host's through a link.

load helpers

setup_file () {
  export HOSTDIR=$BATS_FILE_TMPDIR/hostdir
  local rootfs=$BATS_FILE_TMPDIR/rootfs-link
  # /escape -> a host directory (absolute), /climb -> the same through ../.., and a VOLUME
  # whose path is a link to /etc: its copy-up must read the image's /etc
  cp -a "$SKIFF_TEST_FIXTURE/rootfs" "$rootfs"
  ln -s "$HOSTDIR" "$rootfs/escape"
  ln -s "../../../../../../../../..$HOSTDIR" "$rootfs/climb"
  ln -s /etc "$rootfs/vol"
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$rootfs.tar" .
  skiff import --change 'VOLUME /vol' "$rootfs.tar" skiff-test/volume-links >/dev/null
  rm -rf "$rootfs" "$rootfs.tar"
}

teardown_file () {
  skiff rmi -f skiff-test/volume-links >/dev/null 2>&1 || true
}

setup () {
  [ -n "$IMG" ] || fail "SKIFF_TEST_IMAGE is not set: setup_suite.bash did not run"
  rm -rf "$HOSTDIR"
  mkdir "$HOSTDIR"
  SRC=$BATS_TEST_TMPDIR/src
  mkdir -p "$SRC"
  echo from-host > "$SRC/file"
}

teardown () {
  local ids
  ids=$(skiff ps -a -q --no-trunc 2>/dev/null) || true
  [ -z "$ids" ] || skiff rm -f -v $ids >/dev/null 2>&1 || true
  skiff volume prune -a -f >/dev/null 2>&1 || true
}

assert_host_dir_untouched () { # WHAT
  local left
  left=$(ls -A "$HOSTDIR")
  [ -z "$left" ] || fail "$1: skiff created files in the host directory: $left"
  [ -z "$(grep -F " $HOSTDIR" /proc/self/mountinfo)" ] || fail "$1: a mount on the host directory"
}

@test "escape volume-paths: -v, --mount and --tmpfs targets through an absolute link stay inside" {
  run -0 skiff run --rm -v "$SRC":/escape/bind -v vol1:/escape/vol --tmpfs /escape/tmp \
    --mount "type=bind,src=$SRC,dst=/escape/m" skiff-test/volume-links \
    sh -c "cat $HOSTDIR/bind/file $HOSTDIR/m/file; echo x > $HOSTDIR/vol/f; ls $HOSTDIR"
  assert_equal "${lines[0]}" from-host "the bind mount, at the link's target inside"
  assert_contains "$output" tmp
  assert_host_dir_untouched "targets under /escape -> $HOSTDIR"
}

@test "escape volume-paths: a link climbing out of the rootfs stays inside" {
  run -0 skiff run --rm -v "$SRC":/climb/bind skiff-test/volume-links cat /climb/bind/file
  assert_equal "$output" from-host
  assert_host_dir_untouched "target under /climb -> ../..$HOSTDIR"
}

@test "escape volume-paths: an image VOLUME that is a link to /etc copies the image's /etc" {
  run -0 skiff run --name linkvol skiff-test/volume-links sh -c 'cat /vol/passwd; ls /vol'
  assert_contains "$output" "user1:x:1000:1000"
  local mp name
  name=$(skiff inspect -f '{{range .Mounts}}{{.Name}}{{end}}' linkvol)
  mp=$(skiff volume inspect -f '{{.Mountpoint}}' "$name")
  [ -f "$mp/passwd" ] || fail "the image's /etc was not copied up"
  run diff "$mp/passwd" "$SKIFF_TEST_FIXTURE/rootfs/etc/passwd"
  [ "$status" -eq 0 ] || fail "the copied-up passwd is not the image's: $output"
  [ ! -e "$mp/os-release" ] || fail "the host's /etc/os-release was copied up"
}

@test "escape volume-paths: a link a container left in a volume does not lead the next mount out" {
  # the first container plants /data/x -> $HOSTDIR in the volume; the next one mounts a tmpfs
  # and a bind under /data/x: both land inside its rootfs
  run -0 skiff run --rm -v planted:/data "$IMG" ln -s "$HOSTDIR" /data/x
  run -0 skiff run --rm -v planted:/data --tmpfs /data/x/t -v "$SRC":/data/x/b "$IMG" \
    sh -c "cat /data/x/b/file; ls $HOSTDIR"
  assert_equal "${lines[0]}" from-host
  assert_host_dir_untouched "targets under a planted /data/x -> $HOSTDIR"
}

@test "escape volume-paths: the copy-up of a volume does not follow a link out of the image" {
  # a VOLUME over /escape (a link to a host dir): copy-up reads the rootfs's $HOSTDIR (missing)
  echo secret > "$HOSTDIR/secret"
  run -0 skiff run --rm -v /escape skiff-test/volume-links ls -A /escape
  assert_equal "$output" "" "nothing of the host's $HOSTDIR in the volume"
  rm "$HOSTDIR/secret"
  assert_host_dir_untouched "anonymous volume at /escape -> $HOSTDIR"
}

@test "escape volume-paths: cp into a stopped container's volume does not follow the volume's links on the host" {
  # links a container left in a volume: absolute and climbing, to the host directory; cp into
  # the stopped container writes into the volume's data, its links resolved inside it
  run -0 skiff run --rm -v planted:/data "$IMG" sh -c \
    "ln -s $HOSTDIR /data/abs && ln -s ../../../../../../../..$HOSTDIR /data/climb"
  skiff create --name cpstop -v planted:/data "$IMG" true >/dev/null
  run skiff cp "$SRC/file" cpstop:/data/abs/
  run skiff cp "$SRC/file" cpstop:/data/climb/f
  run skiff cp "$SRC" cpstop:/data/abs
  assert_host_dir_untouched "cp into a stopped container's /data/{abs,climb} -> $HOSTDIR"
}
