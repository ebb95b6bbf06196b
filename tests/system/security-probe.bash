# Shared by 58-security and the 40-escape-* files that need raw syscalls: fixture/probe-security.c
# built static and added to the busybox fixture as /probe (image $SEC_IMG); $SEC_PROBE is the
# same binary for the host side of a test.  Call from setup_file.
SEC_IMG=skiff-test/probe-security:latest

build_security_probe () {
  local dir=$BATS_FILE_TMPDIR/secprobe
  mkdir -p "$dir"
  gcc -static -O2 -o "$dir/probe" "$BATS_TEST_DIRNAME/fixture/probe-security.c" \
    || { echo "building probe-security.c failed" >&2; return 1; }
  tar --numeric-owner --owner=0 --group=0 -cf "$dir/rootfs.tar" \
    -C "$SKIFF_TEST_FIXTURE/rootfs" . -C "$dir" probe
  skiff import "$dir/rootfs.tar" "$SEC_IMG" </dev/null >/dev/null \
    || { echo "importing the probe image failed" >&2; return 1; }
  export SEC_PROBE=$dir/probe
}
