#!/usr/bin/env bats
# The image and global commands' flags from option tables: images --sort/--noheading/--filter,
# inspect --type, save --uncompressed/--compress, the global --noout/--storage-driver/
# --cgroup-manager/--log-level debug, and skiff info.  Root and rootless.

load helpers

# Each test starts from the fixture image alone (the store is shared by the file's tests).
setup () {
  [ -n "$IMG" ] || fail "SKIFF_TEST_IMAGE is not set: setup_suite.bash did not run"
  # (earlier files of the suite may have left other images, untagged ones too: by ID then)
  local id name
  while read -r id name; do
    [ "$name" = "$IMG" ] && continue
    if [ "$name" = "<none>:<none>" ]; then
      [ "$id" = "${SKIFF_TEST_IMAGE_ID:0:12}" ] || skiff rmi -f "$id" > /dev/null
    else
      skiff rmi -f "$name" > /dev/null
    fi
  done < <(skiff images --format '{{.ID}} {{.Repository}}:{{.Tag}}')
}

# A one-file image: smaller than the busybox fixture.
small_image () { # NAME [--change...]
  local name=$1
  shift
  mkdir -p "$BATS_TEST_TMPDIR/small"
  echo tiny > "$BATS_TEST_TMPDIR/small/f"
  tar -cf "$BATS_TEST_TMPDIR/small.tar" -C "$BATS_TEST_TMPDIR/small" f
  run -0 skiff import "$@" "$BATS_TEST_TMPDIR/small.tar" "$name"
}

@test "images --sort size --noheading: podman's order, no header line; a bad key is refused" {
  small_image localhost/aaa-small:1
  run -0 skiff tag "$IMG" localhost/zzz-big:1
  run -0 skiff images --sort size --noheading localhost/aaa-small
  assert_match "$output" '^localhost/aaa-small +1 +[0-9a-f]{12} ' "a row, no REPOSITORY header"
  run -0 skiff images --sort size --noheading
  assert_not_contains "$output" "REPOSITORY"
  assert_match "${lines[0]}" '^localhost/aaa-small ' "smallest first"
  run -0 skiff images --sort repository --format '{{.Repository}}'
  assert_equal "${lines[0]}" "localhost/aaa-small"
  assert_equal "${lines[-1]}" "skiff-test/busybox"
  run -0 skiff images --sort tag --format '{{.Tag}}'
  assert_equal "${lines[0]}" "1"
  run -0 skiff images -n
  assert_not_contains "$output" "REPOSITORY"
  run -0 skiff images
  assert_match "${lines[0]}" '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$'
  assert_match "${lines[1]}" '^localhost/aaa-small ' "created: newest first (the default)"
  run -125 --separate-stderr skiff images --sort bogus
  assert_equal "$stderr" 'Error: "bogus" is not a valid field for sorting. Choose from: created, id, repository, size, tag'
  assert_equal "$output" ""
}

@test "images --filter: docker's and podman's keys; unknown keys and values are refused" {
  run -0 skiff images --format '{{.ID}}' "$IMG"
  local old=$output
  small_image localhost/lab:1 -c 'LABEL tier=gold team=core'
  run -0 skiff images -q localhost/lab:1
  local new=$output
  run -0 skiff tag "$IMG" localhost/other:2
  run -0 skiff images --filter reference='localhost/*' --format '{{.Repository}}:{{.Tag}}' --sort repository
  assert_equal "$output" "localhost/lab:1
localhost/other:2"
  run -0 skiff images --filter reference='localhost/*:2' --filter reference=localhost/lab --format '{{.Repository}}' --sort repository
  assert_equal "$output" "localhost/lab
localhost/other" "several references: any"
  run -0 skiff images --filter label=tier=gold --format '{{.Repository}}'
  assert_equal "$output" "localhost/lab"
  run -0 skiff images --filter label=tier --filter label=team=core -q
  assert_equal "$output" "$new" "several labels: all"
  run -0 skiff images --filter label=tier=silver -q
  assert_equal "$output" ""
  run -0 skiff images --filter 'label!=tier' --filter reference=localhost/lab -q
  assert_equal "$output" ""
  run -0 skiff images --filter since="$IMG" --format '{{.Repository}}'
  assert_equal "$output" "localhost/lab"
  run -0 skiff images --filter after="$IMG" --format '{{.Repository}}'
  assert_equal "$output" "localhost/lab"
  run -0 skiff images --filter before=localhost/lab:1 -q
  assert_equal "$output" "$old"
  run -0 skiff images --filter id="${new:0:6}" --format '{{.Repository}}'
  assert_equal "$output" "localhost/lab"
  run -0 skiff images --filter dangling=true -q
  assert_equal "$output" ""
  run -0 skiff images --filter dangling=false --filter reference=localhost/lab -q
  assert_equal "$output" "$new"
  run -0 skiff images --filter until=2000-01-01T00:00:00Z -q
  assert_equal "$output" ""
  run -0 skiff images --filter until=1h --filter reference=localhost/lab -q
  assert_equal "$output" "" "created just now: not until an hour ago"
  run -0 skiff images --filter until=2100-01-01T00:00:00Z --filter reference=localhost/lab -q
  assert_equal "$output" "$new"
  run -0 skiff images --filter intermediate=true -q
  assert_equal "$output" ""
  run -0 skiff create --name used localhost/lab:1 /f
  run -0 skiff images --filter containers=true --format '{{.Repository}}'
  assert_equal "$output" "localhost/lab"
  run -0 skiff images --filter containers=false --filter reference=localhost/lab -q
  assert_equal "$output" ""
  run -125 --separate-stderr skiff images --filter bogus=1
  assert_equal "$stderr" "Error: invalid filter 'bogus'"
  run -125 --separate-stderr skiff images --filter dangling=maybe
  assert_equal "$stderr" "Error: invalid filter 'dangling=[maybe]'"
  run -125 --separate-stderr skiff images --filter until=soon
  assert_equal "$stderr" "Error: invalid filter 'until=[soon]'"
  run -125 --separate-stderr skiff images --filter dangling
  assert_equal "$stderr" "Error: bad format of filter (expected name=value)"
  run -125 --separate-stderr skiff images --filter before=no/such:image
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "no/such:image"
}

@test "images --digests adds a DIGEST column, --no-trunc prints full IDs" {
  run -0 skiff images --digests "$IMG"
  assert_match "${lines[0]}" '^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$'
  run -0 skiff images --no-trunc --format '{{.ID}}' "$IMG"
  assert_match "$output" '^sha256:[0-9a-f]{64}$'
}

@test "inspect --type image|container|all; a bad type is refused; --size is accepted" {
  run -0 skiff create --name insp "$IMG" true
  run -0 skiff inspect --type image --format '{{.Id}}' "$IMG"
  assert_match "$output" '^sha256:[0-9a-f]{64}$'
  run -0 skiff inspect --type all --format '{{.Name}}' insp
  assert_equal "$output" "/insp"
  run -0 skiff inspect --size --type container --format '{{.Name}}' insp
  assert_equal "$output" "/insp"
  run -1 --separate-stderr skiff inspect --type container "$IMG"
  assert_equal "$stderr" "Error: No such container: $IMG"
  run -125 --separate-stderr skiff inspect --type bogus insp
  assert_equal "$stderr" 'Error: "bogus" is not a valid value for --type'
  run -125 --separate-stderr skiff inspect --type
  assert_equal "$stderr" "Error: flag needs an argument: --type (see 'skiff inspect --help')"
}

@test "save --uncompressed writes a loadable archive; --compress is refused as podman does" {
  run -0 skiff save --uncompressed -o "$BATS_TEST_TMPDIR/u.tar" "$IMG"
  run -0 tar -tf "$BATS_TEST_TMPDIR/u.tar" manifest.json
  run -0 skiff rmi "$IMG"
  run -0 skiff load -i "$BATS_TEST_TMPDIR/u.tar"
  assert_equal "$output" "Loaded image: $IMG"
  run -125 --separate-stderr skiff save --compress -o "$BATS_TEST_TMPDIR/c.tar" "$IMG"
  assert_equal "$stderr" "Error: --compress can only be set when --format is 'docker-dir'"
  [ ! -e "$BATS_TEST_TMPDIR/c.tar" ] || fail "--compress wrote an archive"
}

@test "global --noout, --storage-driver overlay, --cgroup-manager cgroupfs; others refused" {
  run -0 --separate-stderr skiff --noout images
  assert_equal "$output" ""
  run -0 skiff --noout tag "$IMG" localhost/noout:1
  run -0 skiff images -q localhost/noout:1
  assert_match "$output" '^[0-9a-f]{12}$' "the command ran"
  run -1 --separate-stderr skiff --noout rmi no/such:image
  assert_contains "$stderr" "no/such:image" "errors still show"
  run -0 skiff --storage-driver overlay images -q "$IMG"
  assert_match "$output" '^[0-9a-f]{12}$'
  run -125 --separate-stderr skiff --storage-driver vfs images
  assert_equal "$stderr" 'Error: storage driver "vfs" is not supported: skiff stores images and containers with "overlay"'
  run -0 skiff --cgroup-manager cgroupfs images -q "$IMG"
  run -125 --separate-stderr skiff --cgroup-manager systemd images
  assert_equal "$stderr" 'Error: cgroup manager "systemd" is not supported: skiff manages cgroups with "cgroupfs"'
  run -125 --separate-stderr skiff --cgroup-manager bogus images
  assert_equal "$stderr" 'Error: cgroup manager must be one of cgroupfs and systemd: "bogus" is invalid'
  run -125 --separate-stderr skiff --bogus images
  assert_equal "$stderr" "Error: unknown flag: --bogus (see 'skiff --help')"
  run -125 --separate-stderr skiff --syslog images
  assert_equal "$stderr" "Error: --syslog is not supported by skiff yet (see 'skiff --help')"
  run -0 skiff --help
  assert_contains "$output" "--storage-driver string"
  assert_contains "$output" "--noout"
}

@test "--log-level debug logs the steps of the image commands" {
  run -0 --separate-stderr skiff --log-level debug tag "$IMG" localhost/dbg:1
  assert_contains "$stderr" "level=debug msg=\"tag: $IMG as localhost/dbg:1\""
  run -0 --separate-stderr skiff --log-level debug images -q localhost/dbg
  assert_contains "$stderr" "level=debug msg=\"images: listing the store's images\""
  run -0 --separate-stderr skiff --log-level debug save -o "$BATS_TEST_TMPDIR/d.tar" localhost/dbg:1
  assert_contains "$stderr" "level=debug msg=\"save: 1 image(s) as docker-archive to $BATS_TEST_TMPDIR/d.tar\""
  run -0 --separate-stderr skiff --log-level debug rmi localhost/dbg:1
  assert_contains "$stderr" "level=debug msg=\"rmi: removing localhost/dbg:1\""
  run -0 --separate-stderr skiff --log-level debug load -i "$BATS_TEST_TMPDIR/d.tar"
  assert_contains "$stderr" "level=debug msg=\"load: reading the archive $BATS_TEST_TMPDIR/d.tar\""
  run -0 --separate-stderr skiff images -q localhost/dbg
  assert_equal "$stderr" "" "no debug lines at the default level"
}

@test "info: podman's JSON layout, templates over its field names, counts of the store" {
  run -0 skiff create --name infoc "$IMG" true
  run -0 --separate-stderr skiff info --format json
  printf '%s\n' "$output" > "$BATS_TEST_TMPDIR/info.json"
  run -0 python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
h, s = d["host"], d["store"]
print(h["kernel"], h["os"], h["arch"], h["cgroupManager"], h["cgroupVersion"],
      h["security"]["rootless"], s["graphRoot"], s["runRoot"], s["graphDriverName"],
      s["imageStore"]["number"], s["containerStore"]["number"], s["containerStore"]["stopped"],
      h["cpus"] > 0, h["memTotal"] > 0, h["hostname"] != "", d["version"]["Version"] != "")' \
    "$BATS_TEST_TMPDIR/info.json"
  local rootless=False
  is_rootless && rootless=True
  local images
  images=$(skiff images -q --no-trunc | sort -u | wc -l)
  assert_match "$output" "^$(uname -r) linux [a-z0-9]+ cgroupfs (v1|hybrid|v2) $rootless $SKIFF_TEST_ROOT $SKIFF_TEST_RUNROOT overlay $images 1 1 True True True True\$"
  run -0 skiff info --format '{{.Host.Kernel}}'
  assert_equal "$output" "$(uname -r)"
  run -0 skiff info --format '{{.Store.GraphRoot}} {{.Store.ContainerStore.Number}} {{.Host.Security.Rootless}}'
  assert_equal "$output" "$SKIFF_TEST_ROOT 1 ${rootless,,}"
  local want=v2
  if [ -d /sys/fs/cgroup/unified ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then want=hybrid; fi
  if [ ! -d /sys/fs/cgroup/unified ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then want=v1; fi
  run -0 skiff info --format '{{.Host.CgroupVersion}}'
  assert_equal "$output" "$want"
  run -0 skiff info
  assert_match "${lines[0]}" '^host:$'
  assert_contains "$output" "  kernel: $(uname -r)"
  run -125 --separate-stderr skiff info extra
  assert_equal "$stderr" "Error: \"skiff info\" accepts no arguments (see 'skiff info --help')"
}

@test "image ls and image rm take images' and rmi's flags, and their not-yet flags" {
  run -0 skiff image ls --sort size --noheading -q "$IMG"
  assert_match "$output" '^[0-9a-f]{12}$'
  run -125 --separate-stderr skiff image ls --history
  assert_equal "$stderr" "Error: --history is not supported by skiff yet (see 'skiff image ls --help')"
  run -125 --separate-stderr skiff image rm --no-prune "$IMG"
  assert_equal "$stderr" "Error: --no-prune is not supported by skiff yet (see 'skiff image rm --help')"
  run -0 skiff image inspect --format '{{.Id}}' "$IMG"
  assert_match "$output" '^sha256:'
}
