#!/usr/bin/env bats
# Mounts and volumes: -v, --mount, --tmpfs, --volumes-from, named and anonymous volumes, the
# image's VOLUMEs, the `volume` commands, --userns=keep-id and :U.  First of all the CI job of
# the design card: `skiff run --rm -v "$PWD":/src -w /src IMG make test` (busybox has no make:
# a shell script plays the Makefile).

load helpers

setup_file () {
  # an image with VOLUME /data holding a file of user 1000, mode 0640
  local rootfs=$BATS_FILE_TMPDIR/rootfs-vol
  cp -a "$SKIFF_TEST_FIXTURE/rootfs" "$rootfs"
  mkdir -p "$rootfs/data/sub"
  echo seed > "$rootfs/data/seed"
  chmod 0640 "$rootfs/data/seed"
  chmod 0750 "$rootfs/data/sub"
  tar -C "$rootfs" --numeric-owner --owner=0 --group=0 -cf "$rootfs.tar" --exclude=./data .
  tar -C "$rootfs" --numeric-owner --owner=1000 --group=1000 -rf "$rootfs.tar" ./data
  skiff import --change 'VOLUME /data' "$rootfs.tar" skiff-test/with-volume >/dev/null
  rm -rf "$rootfs" "$rootfs.tar"
}

teardown_file () {
  skiff rmi -f skiff-test/with-volume >/dev/null 2>&1 || true
}

teardown () {
  local ids
  ids=$(skiff ps -a -q --no-trunc 2>/dev/null) || true
  [ -z "$ids" ] || skiff rm -f -v $ids >/dev/null 2>&1 || true
  skiff volume prune -a -f >/dev/null 2>&1 || true
}

# A source tree with a "Makefile": `sh ci.sh` builds an artifact and exits with $RC.
make_tree () { # DIR
  mkdir -p "$1"
  printf '%s\n' 'echo building' 'echo "artifact of $(id -u)" > artifact.txt' 'exit ${RC:-0}' \
    > "$1/ci.sh"
}

assert_nothing_mounted () { # PATH
  [ -z "$(grep -F " $1" /proc/self/mountinfo)" ] || fail "still mounted on the host: $1"
}

@test "volumes: the CI job's exit code passes through and its artifact lands in the tree" {
  local tree=$BATS_TEST_TMPDIR/tree
  make_tree "$tree"
  cd "$tree"
  run -0 skiff run --rm -v "$PWD":/src -w /src "$IMG" sh ci.sh
  assert_equal "$output" building
  [ -f "$tree/artifact.txt" ] || fail "no artifact in the tree"
  run -3 skiff run --rm -e RC=3 -v "$PWD":/src -w /src "$IMG" sh ci.sh
  # rootless, the container's root is the user: the artifact is the user's
  assert_equal "$(stat -c %u "$tree/artifact.txt")" "$(id -u)" "artifact owner"
  assert_nothing_mounted "$tree"
  [ -z "$(skiff ps -a -q)" ] || fail "--rm left a container"
}

@test "volumes: :ro refuses writes, nothing is left mounted" {
  local tree=$BATS_TEST_TMPDIR/tree
  make_tree "$tree"
  run skiff run --rm -v "$tree":/src:ro -w /src "$IMG" sh -e ci.sh
  [ "$status" -ne 0 ] || fail "a write to a :ro bind mount succeeded"
  assert_contains "$output" "Read-only file system"
  [ ! -e "$tree/artifact.txt" ] || fail "the artifact was written through :ro"
  run -0 skiff run --rm --mount type=bind,source="$tree",target=/src,readonly "$IMG" \
    sh -c 'touch /src/x 2>&1; cat /src/ci.sh >/dev/null && echo read'
  assert_contains "$output" "Read-only file system"
  assert_contains "$output" read
  assert_nothing_mounted "$tree"
}

@test "volumes: --userns=keep-id runs as the user, and the artifact is the user's" {
  is_rootless || {
    run -125 skiff run --rm --userns=keep-id "$IMG" true
    assert_equal "$output" "Error: keep-id is only supported in rootless mode"
    return 0
  }
  local tree=$BATS_TEST_TMPDIR/tree
  make_tree "$tree"
  run -0 skiff run --rm --userns=keep-id -v "$tree":/src -w /src "$IMG" sh -c 'sh ci.sh; id -u; id -g'
  assert_equal "${lines[1]}" "$(id -u)" "uid inside"
  assert_equal "${lines[2]}" "$(id -g)" "gid inside"
  assert_equal "$(cat "$tree/artifact.txt")" "artifact of $(id -u)"
  assert_equal "$(stat -c %u:%g "$tree/artifact.txt")" "$(id -u):$(id -g)" "artifact owner"
  run -0 skiff run --rm --userns=keep-id -u 0 "$IMG" id -u
  assert_equal "$output" 0 "-u overrides keep-id's user"
  run -0 skiff run -d --name keepid --userns=keep-id "$IMG" sleep 60
  run -0 skiff inspect -f '{{.HostConfig.UsernsMode}} {{.Config.User}}' keepid
  assert_equal "$output" "keep-id $(id -u):$(id -g)"
  run -0 skiff exec keepid id -u
  assert_equal "$output" "$(id -u)" "exec joins the container's user namespace"
}

@test "volumes: -v SRC:DST:U chowns the source to the container's user" {
  local tree=$BATS_TEST_TMPDIR/tree
  make_tree "$tree"
  run -0 skiff run --rm -u 1000:1000 -v "$tree":/src:U -w /src "$IMG" sh -c 'sh ci.sh; ls -ln ci.sh'
  assert_match "${lines[1]}" '^-rw-r--r-- +1 1000 +1000 ' "ci.sh owned by 1000:1000 inside"
  assert_equal "$(cat "$tree/artifact.txt")" "artifact of 1000"
  # rootless, 1000 is a subordinate id: give the tree back so that the user can remove it
  run -0 skiff run --rm -v "$tree":/src "$IMG" chown -R 0:0 /src
}

@test "volumes: -v makes a missing host dir, --mount refuses it, relative paths are errors" {
  local d=$BATS_TEST_TMPDIR/made/by/v
  run -0 skiff run --rm -v "$d":/m "$IMG" sh -c 'echo x > /m/f'
  assert_equal "$(cat "$d/f")" x "-v created $d"
  run -125 skiff run --rm --mount "type=bind,source=$BATS_TEST_TMPDIR/nope,target=/m" "$IMG" true
  assert_equal "$output" "Error: invalid mount config for type \"bind\": bind source path does not exist: $BATS_TEST_TMPDIR/nope"
  [ ! -e "$BATS_TEST_TMPDIR/nope" ] || fail "--mount created its source"
  run -125 skiff run --rm -v ./rel:/m "$IMG" true
  assert_one_line_error "$output"
  assert_contains "$output" "includes invalid characters for a local volume name"
  assert_contains "$output" "use absolute path"
  run -125 skiff run --rm --mount type=bind,source=rel,target=/m "$IMG" true
  assert_contains "$output" "mount path must be absolute"
  run -125 skiff run --rm -v "$d":rel "$IMG" true
  assert_contains "$output" "must be absolute"
  run -125 skiff run --rm -v "$d":/m:bogus "$IMG" true
  assert_equal "$output" "Error: invalid mode: bogus"
  run -125 skiff run --rm -v "$d":/m -v /tmp:/m "$IMG" true
  assert_equal "$output" "Error: Duplicate mount point: /m"
  [ -z "$(skiff ps -a -q)" ] || fail "a refused run left a container"
}

@test "volumes: :O overlays the source (changes discarded), mount flags, --mount type=devpts" {
  local tree=$BATS_TEST_TMPDIR/tree
  mkdir -p "$tree"
  echo orig > "$tree/f"
  run -0 skiff run --name ov -v "$tree":/o:O "$IMG" sh -c 'cat /o/f; echo changed > /o/f; touch /o/new'
  assert_equal "$output" orig
  run -0 skiff start -a ov
  assert_equal "$output" orig "a restart sees the source again"
  assert_equal "$(cat "$tree/f")" orig "the source is unchanged"
  [ ! -e "$tree/new" ] || fail ":O wrote into the source"
  run -0 skiff run --rm -v "$tree":/m:nosuid,nodev,noexec "$IMG" grep " /m " /proc/mounts
  assert_match "$output" "nosuid,nodev,noexec" "the mount's flags"
  run -0 skiff run --rm --mount type=devpts,target=/pts2 "$IMG" sh -c 'grep " /pts2 " /proc/mounts; ls /pts2'
  assert_contains "$output" "devpts /pts2 devpts"
  assert_contains "$output" ptmx
}

@test "volumes: data in a named volume survives rm and is seen by the next container" {
  run -0 skiff run --name writer -v keep:/data "$IMG" sh -c 'echo kept > /data/f'
  run -0 skiff rm writer
  run -0 skiff volume ls -q
  assert_equal "$output" keep
  run -0 skiff run --rm -v keep:/data "$IMG" cat /data/f
  assert_equal "$output" kept
  run -0 skiff run --rm --mount type=volume,src=keep,dst=/v "$IMG" cat /v/f
  assert_equal "$output" kept
}

@test "volumes: two containers share one volume at once; a CID file is passed through it" {
  run -0 skiff volume create shared
  assert_equal "$output" shared
  local mp
  mp=$(skiff volume inspect -f '{{.Mountpoint}}' shared)
  run -0 skiff run -d --name one --cidfile "$mp/one.cid" -v shared:/shared "$IMG" \
    sh -c 'hostname > /shared/one.host; while [ ! -e /shared/two ]; do sleep 0.1; done; echo seen > /shared/one'
  local id=$output
  run -0 skiff run -d --name two -v shared:/shared "$IMG" \
    sh -c 'touch /shared/two; while [ ! -e /shared/one ]; do sleep 0.1; done'
  run -0 skiff wait one two
  assert_equal "$(echo $output)" "0 0" "both saw each other's file"
  run -0 skiff run --rm -v shared:/s:ro "$IMG" sh -c 'cat /s/one.cid; echo; cat /s/one.host'
  assert_equal "${lines[0]}" "$id" "the CID file in the volume, read by another container"
  assert_equal "${lines[1]}" "${id:0:12}" "the hostname one wrote"
}

@test "volumes: --tmpfs is empty on each start" {
  run -0 skiff run --name tmp --tmpfs /scratch:size=1m "$IMG" \
    sh -c 'ls -A /scratch; echo x > /scratch/f; grep " /scratch " /proc/mounts'
  assert_contains "$output" "tmpfs"
  assert_contains "$output" "nosuid,nodev,noexec"
  [[ ${lines[0]} == tmpfs* ]] || fail "the tmpfs was not empty at the first start: $output"
  run -0 skiff start -a tmp
  [[ ${lines[0]} == tmpfs* ]] || fail "the tmpfs kept a file across a restart: $output"
  run -0 skiff run --rm --mount type=tmpfs,target=/t,tmpfs-mode=0700 "$IMG" stat -c %a /t
  assert_equal "$output" 700
}

@test "volumes: --volumes-from takes another container's volumes and bind mounts" {
  local tree=$BATS_TEST_TMPDIR/tree
  mkdir -p "$tree"
  run -0 skiff create --name holder -v data1:/data -v "$tree":/tree -v /anon "$IMG" true
  run -0 skiff run --rm -v data1:/data "$IMG" sh -c 'echo one > /data/f'
  run -0 skiff run --rm --volumes-from holder "$IMG" sh -c 'cat /data/f; echo t > /tree/t; touch /anon/a'
  assert_equal "$output" one
  assert_equal "$(cat "$tree/t")" t
  run skiff run --rm --volumes-from holder:ro "$IMG" touch /data/g
  [ "$status" -ne 0 ] || fail "--volumes-from X:ro is writable"
  run -0 skiff run --rm --volumes-from holder "$IMG" ls /anon
  assert_equal "$output" a "the holder's anonymous volume is shared"
  run -125 skiff run --rm --volumes-from nosuchctr "$IMG" true
  assert_equal "$output" "Error: No such container: nosuchctr"
}

@test "volumes: an image VOLUME is populated with the image's files the first time only" {
  run -0 skiff run --name img-vol skiff-test/with-volume \
    sh -c 'ls -ln /data; stat -c "%a %u:%g" /data /data/sub; cat /data/seed; rm /data/seed'
  assert_match "$output" '-rw-r----- +1 1000 +1000 +5 .* seed' "seed kept its owner and mode"
  assert_contains "$output" "750 1000:1000"
  assert_contains "$output" seed
  run -1 skiff start -a img-vol
  assert_contains "$output" "can't open '/data/seed'" "a second start copies nothing up"
  run -0 skiff run --rm --volumes-from img-vol skiff-test/with-volume ls /data
  assert_equal "$output" sub "the deleted file stays deleted: no second copy-up"
  run -0 skiff inspect -f '{{range .Mounts}}{{.Type}} {{.Destination}} {{.RW}} {{len .Name}}{{end}}' img-vol
  assert_equal "$output" "volume /data true 64"
  run -0 skiff volume ls -q
  [ "${#lines[@]}" -eq 1 ] || fail "expected one anonymous volume: $output"
  run -0 skiff rm -v img-vol
  run -0 skiff volume ls -q
  assert_equal "$output" "" "rm -v removed the anonymous volume"
  # a named volume with nocopy stays empty
  run -0 skiff run --rm -v nc:/data:nocopy skiff-test/with-volume ls -A /data
  assert_equal "$output" ""
}

@test "volumes: containers starting at once with one fresh volume get one copy-up" {
  local i pids=()
  for i in 1 2 3 4; do
    skiff run --rm -v race:/data skiff-test/with-volume cat /data/seed \
      > "$BATS_TEST_TMPDIR/out.$i" 2>&1 &
    pids+=($!)
  done
  for i in 0 1 2 3; do
    wait "${pids[$i]}" || fail "run $((i + 1)) failed: $(cat "$BATS_TEST_TMPDIR/out.$((i + 1))")"
  done
  for i in 1 2 3 4; do
    assert_equal "$(cat "$BATS_TEST_TMPDIR/out.$i")" seed "run $i"
  done
}

@test "volumes: run --rm removes anonymous volumes, keeps named ones" {
  run -0 skiff run --rm -v named:/n -v /anon skiff-test/with-volume true
  run -0 skiff volume ls -q
  assert_equal "$output" named
}

@test "volumes: inspect lists every mount as docker does" {
  local tree=$BATS_TEST_TMPDIR/tree
  mkdir -p "$tree"
  run -0 skiff create --name insp -v "$tree":/src:ro,z -v nv:/nv --tmpfs /t "$IMG" true
  run -0 skiff inspect -f '{{json .Mounts}}' insp
  assert_contains "$output" "{\"Type\":\"bind\",\"Source\":\"$tree\",\"Destination\":\"/src\",\"Mode\":\"ro,z\",\"RW\":false,\"Propagation\":\"rprivate\"}"
  assert_contains "$output" '"Type":"volume","Name":"nv"'
  assert_contains "$output" '"Destination":"/nv","Driver":"local","Mode":"","RW":true,"Propagation":""'
  assert_contains "$output" '"Type":"tmpfs","Source":"","Destination":"/t"'
  local mp
  mp=$(skiff volume inspect -f '{{.Mountpoint}}' nv)
  assert_contains "$output" "\"Source\":\"$mp\""
}

@test "volumes: volume create/ls/inspect/rm/prune/exists" {
  run -0 skiff volume create --label team=ci --opt type=tmpfs --opt device=tmpfs --opt o=size=1m tv
  run -0 skiff volume inspect -f '{{.Name}} {{.Driver}} {{.Labels.team}} {{.Options.type}}' tv
  assert_equal "$output" "tv local ci tmpfs"
  run -0 skiff run --rm -v tv:/t "$IMG" sh -c 'grep " /t " /proc/mounts'
  assert_contains "$output" tmpfs "type=tmpfs volume"
  run -0 skiff volume create plain
  run -0 skiff volume ls --filter label=team=ci --format '{{.Name}}'
  assert_equal "$output" tv
  run -0 skiff volume ls
  assert_equal "${lines[0]}" "DRIVER    VOLUME NAME"
  run -0 skiff volume exists plain
  run -1 skiff volume exists nosuch
  run -1 skiff volume inspect nosuch
  assert_equal "$output" "Error: no such volume: nosuch"
  run -0 skiff create --name user -v plain:/p "$IMG" true
  local id
  id=$(skiff inspect -f '{{.Id}}' user)
  run -1 skiff volume rm plain
  assert_equal "$output" "Error: remove plain: volume is in use - [$id]"
  run -1 skiff volume rm -f plain
  run -0 skiff volume rm -f nosuch
  run -0 skiff volume prune -f
  run -0 skiff volume ls -q
  assert_equal "$(echo $output)" "plain tv" "prune keeps named volumes without -a"
  run -0 skiff volume prune -a -f
  assert_contains "$output" tv
  run -0 skiff volume ls -q
  assert_equal "$output" plain "prune -a keeps the volume in use"
  run -0 skiff rm user
  run -0 skiff volume rm plain
  assert_equal "$output" plain
  run -125 skiff volume create 'bad/name'
  assert_one_line_error "$output"
  run -0 skiff system check
}
