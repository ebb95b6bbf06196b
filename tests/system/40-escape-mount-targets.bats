#!/usr/bin/env bats
# Escape suite, class "mount targets through symlinks": every path skiff mounts on inside the
# rootfs (/proc, /sys, /dev, /etc/hostname, /etc/hosts, /etc/resolv.conf, the masked paths)
# is resolved inside the rootfs.  An image whose /etc (or /proc, /dev, /sys) is a symlink to a
# host path gets its mounts inside the container, at that path under its own root, and the
# host directory stays untouched.

load helpers

# Images whose DIR is a symlink to an absolute path that exists on the host (an empty
# directory of the test's own), or a relative one climbing out of the rootfs.
setup_file () {
  export HOSTDIR=$BATS_FILE_TMPDIR/hostdir
  local d rootfs
  for d in etc proc dev sys; do
    rootfs=$BATS_FILE_TMPDIR/rootfs-$d
    cp -a "$SKIFF_TEST_FIXTURE/rootfs" "$rootfs"
    rm -rf "${rootfs:?}/$d"
    ln -s "$HOSTDIR" "$rootfs/$d"
    tar -C "$rootfs" -cf "$rootfs.tar" .
    skiff import "$rootfs.tar" "skiff-test/symlinked-$d" >/dev/null
    rm -rf "$rootfs"
  done
  rootfs=$BATS_FILE_TMPDIR/rootfs-rel
  cp -a "$SKIFF_TEST_FIXTURE/rootfs" "$rootfs"
  rm -rf "$rootfs/etc"
  ln -s "../../../../../../../../../..$HOSTDIR" "$rootfs/etc"
  tar -C "$rootfs" -cf "$rootfs.tar" .
  skiff import "$rootfs.tar" skiff-test/symlinked-etc-rel >/dev/null
  rm -rf "$rootfs"
  rootfs=$BATS_FILE_TMPDIR/rootfs-dangling
  cp -a "$SKIFF_TEST_FIXTURE/rootfs" "$rootfs"
  rm -f "$rootfs/etc/hostname"
  ln -s "$HOSTDIR/hostname" "$rootfs/etc/hostname"
  tar -C "$rootfs" -cf "$rootfs.tar" .
  skiff import "$rootfs.tar" skiff-test/dangling-hostname >/dev/null
  rm -rf "$rootfs"
  rootfs=$BATS_FILE_TMPDIR/rootfs-no-etc
  cp -a "$SKIFF_TEST_FIXTURE/rootfs" "$rootfs"
  rm -rf "$rootfs/etc"
  tar -C "$rootfs" -cf "$rootfs.tar" .
  skiff import "$rootfs.tar" skiff-test/no-etc >/dev/null
  rm -rf "$rootfs"
}

teardown_file () {
  local d
  for d in symlinked-etc symlinked-proc symlinked-dev symlinked-sys symlinked-etc-rel \
    dangling-hostname no-etc; do
    skiff rmi -f "skiff-test/$d" >/dev/null 2>&1 || true
  done
}

setup () {
  [ -n "$IMG" ] || fail "SKIFF_TEST_IMAGE is not set: setup_suite.bash did not run"
  rm -rf "$HOSTDIR"
  mkdir "$HOSTDIR"
}

assert_host_dir_untouched () { # WHAT
  local left
  left=$(ls -A "$HOSTDIR")
  [ -z "$left" ] || fail "$1: skiff created files in the host directory: $left"
  [ -z "$(grep -F " $HOSTDIR" /proc/self/mounts)" ] || fail "$1: a mount on the host directory"
}

@test "escape mount-targets: a symlinked /etc gets hostname, hosts, resolv.conf inside" {
  run -0 skiff run --rm --hostname etcbox skiff-test/symlinked-etc \
    sh -c "cat $HOSTDIR/hostname; ls $HOSTDIR"
  assert_equal "${lines[0]}" etcbox "the container's /etc/hostname, at the link's target inside"
  assert_contains "$output" resolv.conf
  assert_host_dir_untouched "image with /etc -> $HOSTDIR"
}

@test "escape mount-targets: a relative symlink climbing out of the rootfs stays inside" {
  run -0 skiff run --rm --hostname relbox skiff-test/symlinked-etc-rel cat /etc/hostname
  assert_equal "$output" relbox
  assert_host_dir_untouched "image with /etc -> ../../..$HOSTDIR"
}

@test "escape mount-targets: symlinked /proc, /dev and /sys are mounted inside the rootfs" {
  run -0 skiff run --rm skiff-test/symlinked-proc sh -c "cat $HOSTDIR/1/comm"
  assert_equal "$output" cat "proc mounted at the link's target inside"
  assert_host_dir_untouched "image with /proc -> $HOSTDIR"

  run -0 skiff run --rm skiff-test/symlinked-dev sh -c "echo ok > $HOSTDIR/null; ls $HOSTDIR"
  assert_contains "$output" urandom "the container's /dev at the link's target"
  assert_host_dir_untouched "image with /dev -> $HOSTDIR"

  run -0 skiff run --rm skiff-test/symlinked-sys ls "$HOSTDIR"
  assert_contains "$output" class "sysfs at the link's target"
  assert_host_dir_untouched "image with /sys -> $HOSTDIR"
}

@test "escape mount-targets: with /proc symlinked, the masked paths are still masked" {
  # the masks follow the same resolution as the proc mount: /proc/keys is an empty file
  run -0 skiff run --rm skiff-test/symlinked-proc sh -c "wc -c < $HOSTDIR/keys"
  assert_equal "$output" 0 "/proc/keys masked"
  run skiff run --rm skiff-test/symlinked-proc sh -c "echo 1 > $HOSTDIR/sys/kernel/ns_last_pid"
  [ "$status" -ne 0 ] || fail "/proc/sys is writable: $output"
  assert_host_dir_untouched "image with /proc -> $HOSTDIR"
}

@test "escape mount-targets: a dangling /etc/hostname link to a host path stays inside" {
  run -0 skiff run --rm --hostname dangle skiff-test/dangling-hostname cat /etc/hostname
  assert_equal "$output" dangle
  assert_host_dir_untouched "image with /etc/hostname -> $HOSTDIR/hostname"
}

@test "escape mount-targets: a container that replaced its /etc with a host link, started again" {
  # an image without /etc: the sandbox makes it in the upper layer, where the container can
  # rename it and put a symlink to a host directory in its place
  run -0 skiff run --name mt-restart skiff-test/no-etc \
    sh -c "mv /etc /etc.old && ln -s $HOSTDIR /etc && echo replaced"
  assert_equal "$output" replaced
  run -0 skiff start -a mt-restart
  run -0 skiff start -a mt-restart
  assert_host_dir_untouched "restarted container whose /etc -> $HOSTDIR"
  skiff rm mt-restart >/dev/null
}
