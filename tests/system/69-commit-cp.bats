#!/usr/bin/env bats
# cp into containers (running and stopped, files, directories, tar streams, volumes and binds;
# a symlink the container planted never leads to the host), cp out leaving nothing half-copied,
# commit (the change and a deletion survive into the new image, save keeps its ID), mount
# (root; rootless podman's refusal), system df figures, system prune.
load helpers

# A host tree to copy in: hf (a file), hd/sub/a.
host_tree () {
  H=$BATS_TEST_TMPDIR/h
  mkdir -p "$H/hd/sub"
  echo hostfile >"$H/hf"
  echo a >"$H/hd/sub/a"
}

@test "cp into a stopped container: a file, a directory, a tar stream on stdin; docker's DEST rules" {
  host_tree
  skiff create --name cps "$IMG" sh -c 'cat /x /hd/sub/a /tmp/hf /renamed/sub/a; ls -n /x' >/dev/null
  run -0 skiff cp "$H/hf" cps:/x
  run -0 skiff cp "$H/hd" cps:/
  run -0 skiff cp "$H/hd" cps:/renamed
  tar -C "$H" -cf - hf | skiff cp - cps:/tmp
  # a directory never replaces a file; a stream needs a directory
  run -1 --separate-stderr skiff cp "$H/hd" cps:/x
  assert_equal "$stderr" "Error: cannot copy directory"
  run -125 --separate-stderr bash -c "tar -C '$H' -cf - hf | $(skiff_cmd) cp - cps:/x"
  assert_equal "$stderr" 'Error: destination "/x" must be a directory'
  run -1 --separate-stderr skiff cp "$H/nosuch" cps:/
  assert_match "$stderr" "^Error: lstat $H/nosuch: " "missing host source"
  run -0 skiff start -a cps
  assert_equal "${lines[*]:0:4}" "hostfile a hostfile a" "the copies, read by the container"
  assert_match "${lines[4]}" '^-rw-r--r-- +1 0 +0 +9 ' "owned by the container's root, mode kept"
  run -0 skiff diff cps
  assert_contains "$output" "A /x"
  assert_contains "$output" "A /renamed/sub/a"
}

@test "cp into a stopped container's bind mount and volume: written where the next start shows it" {
  host_tree
  # a stopped container's mounts are not mounted: the copy goes to the bind's source and the
  # volume's data, never beneath the mount points in its own rootfs
  mkdir "$BATS_TEST_TMPDIR/b" "$BATS_TEST_TMPDIR/hostdir"
  skiff run --rm -v cpsvol:/vol "$IMG" ln -s "$BATS_TEST_TMPDIR/hostdir" /vol/esc
  # /etc as a fresh volume: written now, it is not empty at the first start, so the image's
  # /etc is not copied into it (docker's copy-up skips a volume with data)
  skiff create --name cpsv -v "$BATS_TEST_TMPDIR/b:/bind" -v cpsvol:/vol -v cpfresh:/etc \
    -v "$BATS_TEST_TMPDIR/b:/robind:ro" --tmpfs /tm "$IMG" \
    sh -c 'cat /bind/x /vol/y /vol/d/hf; ls /etc' >/dev/null
  run -0 skiff cp "$H/hf" cpsv:/bind/x
  assert_equal "$(cat "$BATS_TEST_TMPDIR/b/x")" hostfile "in the bind's source"
  run -0 skiff cp "$H/hf" cpsv:/vol/y
  mkdir "$H/d" && cp "$H/hf" "$H/d/hf"
  run -0 skiff cp "$H/d" cpsv:/vol/
  run -0 skiff cp "$H/hf" cpsv:/etc/only
  run -0 skiff diff cpsv
  assert_equal "$output" "" "nothing written beneath the mount points"
  run -0 skiff start -a cpsv
  assert_equal "${lines[*]}" "hostfile hostfile hostfile only" \
    "the next start sees the copies, and the written fresh volume without the image's /etc"
  # the volume's own symlink to a host path resolves inside the volume: nothing on the host
  run skiff cp "$H/hf" cpsv:/vol/esc/
  [ ! -e "$BATS_TEST_TMPDIR/hostdir/hf" ] || fail "written through the volume's symlink on the host"
  # :ro, and a volume the image's content has not gone into yet: refused, nothing written
  run -125 --separate-stderr skiff cp "$H/hf" cpsv:/robind/z
  assert_equal "$stderr" "Error: mounted volume is marked read-only"
  [ ! -e "$BATS_TEST_TMPDIR/b/z" ] || fail "written through a read-only mount"
  run -125 --separate-stderr skiff cp "$H/hf" cpsv:/tm/z
  assert_equal "$stderr" "Error: copying into /tm of stopped container cpsv (a mount) is not supported by skiff yet: start it first"
}

@test "cp into a running container, its volume and its bind mount; -a keeps owners" {
  host_tree
  mkdir "$BATS_TEST_TMPDIR/bind"
  skiff run -d --name cpr -v cpvol:/vol -v "$BATS_TEST_TMPDIR/bind:/bind" "$IMG" \
    sh -c 'touch /ready; sleep 60' >/dev/null
  wait_for "skiff exec cpr test -e /ready" 10
  run -0 skiff cp "$H/hd" cpr:/hd
  run -0 skiff cp "$H/hf" cpr:/vol/
  run -0 skiff cp "$H/hf" cpr:/bind/in-bind
  tar -C "$H" -cf - hd | skiff cp - cpr:/tmp
  run -0 skiff exec cpr sh -c 'cat /hd/sub/a /vol/hf /tmp/hd/sub/a'
  assert_equal "$output" $'a\nhostfile\na' "seen in the container"
  assert_equal "$(cat "$BATS_TEST_TMPDIR/bind/in-bind")" hostfile "written through the bind mount"
  # the volume holds it (another container sees it)
  run -0 skiff run --rm -v cpvol:/v "$IMG" cat /v/hf
  assert_equal "$output" hostfile "in the volume"
  # -a: the host owner as the container sees it (rootless: the user is the container's root)
  local want=0
  if ! is_rootless; then
    chown 4321:4321 "$H/hf"
    want=4321
  fi
  run -0 skiff cp -a "$H/hf" cpr:/owned
  run -0 skiff cp "$H/hf" cpr:/rooted
  run -0 skiff exec cpr stat -c '%u:%g' /owned /rooted
  assert_equal "$output" "$want:$want"$'\n0:0' "-a keeps the owner, else root's"
  skiff rm -f cpr >/dev/null
  skiff volume rm cpvol >/dev/null
}

@test "cp onto a file bind-mounted into a container: refused as docker (busy); the mount and the host file stay" {
  host_tree
  local f=$BATS_TEST_TMPDIR/conf
  echo hostconf >"$f"
  mkdir "$H/etcdir" && cp "$H/hf" "$H/etcdir/conf"
  skiff run -d --name cpfb -v "$f:/etc/conf" "$IMG" sh -c 'touch /ready; sleep 60' >/dev/null
  wait_for "skiff exec cpfb test -e /ready" 10
  # replacing the mount point from outside would detach the container's mount
  run -1 --separate-stderr skiff cp "$H/hf" cpfb:/etc/conf
  assert_equal "$stderr" "Error: unlinkat /etc/conf: Device or resource busy"
  run -1 --separate-stderr skiff cp "$H/etcdir/." cpfb:/etc/
  assert_equal "$stderr" "Error: unlinkat /etc/conf: Device or resource busy" "a directory's entry"
  run -0 skiff exec cpfb sh -c 'cat /etc/conf; grep -c " /etc/conf " /proc/self/mountinfo'
  assert_equal "${lines[*]}" "hostconf 1" "the container still has its bind mount"
  assert_equal "$(cat "$f")" hostconf "the host file"
  # stopped: the same refusal; a path below the file is no directory
  run -0 skiff stop -t 0 cpfb
  run -1 --separate-stderr skiff cp "$H/hf" cpfb:/etc/conf
  assert_equal "$stderr" "Error: unlinkat /etc/conf: Device or resource busy" "stopped"
  run -1 --separate-stderr skiff cp "$H/hf" cpfb:/etc/conf/x
  assert_equal "$stderr" "Error: copy to /etc/conf/x: Not a directory"
  assert_equal "$(cat "$f")" hostconf "the host file"
  skiff rm -f cpfb >/dev/null
}

@test "cp into a container: its symlinks to host paths stay inside it, nothing is written on the host" {
  host_tree
  local victim=$BATS_TEST_TMPDIR/victim
  mkdir "$victim"
  # /esc -> the host's victim dir (which the container has too), /x -> /etc
  local plant="mkdir -p $victim; ln -s $victim /esc; ln -s /etc /x; mkdir /d; ln -s ../../.. /d/up"
  skiff run --name cpesc "$IMG" sh -c "$plant"
  skiff run -d --name cpesc2 "$IMG" sh -c "$plant; touch /ready; sleep 60" >/dev/null
  wait_for "skiff exec cpesc2 test -e /ready" 10
  local c
  for c in cpesc cpesc2; do
    run -0 skiff cp "$H/hf" $c:/esc/pwned
    run -0 skiff cp "$H/hf" $c:/d/up/esc/pwned2
    run -0 skiff cp "$H/hd" $c:/x/
  done
  # a stream's directory entry on the container's link replaces the link, as tar -x does
  mkdir -p "$BATS_TEST_TMPDIR/t/esc"
  echo s >"$BATS_TEST_TMPDIR/t/esc/s"
  run -0 bash -c "tar -C '$BATS_TEST_TMPDIR/t' -cf - esc | $(skiff_cmd) cp - cpesc2:/"
  run -0 skiff exec cpesc2 sh -c 'test -d /esc -a ! -L /esc && cat /esc/s'
  assert_equal "$output" s "the stream's file, in the container's new directory"
  assert_equal "$(ls -A "$victim")" "" "nothing in the host's directory"
  [ ! -e /etc/hd ] || fail "/etc/hd appeared on the host"
  run -0 skiff exec cpesc2 sh -c "cat $victim/pwned $victim/pwned2 /etc/hd/sub/a"
  assert_equal "$output" $'hostfile\nhostfile\na' "inside the running container"
  run -0 skiff diff cpesc
  assert_contains "$output" "A $victim/pwned"
  assert_contains "$output" "A /etc/hd/sub/a"
}

@test "cp out: a copy that fails leaves nothing half-copied behind" {
  skiff run --name cpout "$IMG" sh -c 'mkdir /d; echo small > /d/a; head -c 3000000 /dev/zero > /d/big'
  mkdir "$BATS_TEST_TMPDIR/out"
  # a file size limit makes the host side's write of /d/big fail half-way (EFBIG: SIGXFSZ ignored)
  run -125 --separate-stderr bash -c "trap '' XFSZ; ulimit -f 1024; $(skiff_cmd) cp cpout:/d '$BATS_TEST_TMPDIR/out/new'"
  assert_one_line_error "$stderr"
  [ ! -e "$BATS_TEST_TMPDIR/out/new" ] || fail "a half-copied tree was left: $(ls -lR "$BATS_TEST_TMPDIR/out")"
  run -125 bash -c "trap '' XFSZ; ulimit -f 1024; $(skiff_cmd) cp cpout:/d/big '$BATS_TEST_TMPDIR/out/bigfile'"
  [ ! -e "$BATS_TEST_TMPDIR/out/bigfile" ] || fail "a half-written file was left"
  # into an existing directory: what was there stays, the new half file goes
  echo keep >"$BATS_TEST_TMPDIR/out/keep"
  run -125 bash -c "trap '' XFSZ; ulimit -f 1024; $(skiff_cmd) cp cpout:/d/. '$BATS_TEST_TMPDIR/out'"
  assert_equal "$(ls "$BATS_TEST_TMPDIR/out")" $'a\nkeep' "the old file and the complete one stay"
  run -0 skiff cp cpout:/d "$BATS_TEST_TMPDIR/out/ok"
  assert_equal "$(stat -c %s "$BATS_TEST_TMPDIR/out/ok/big")" 3000000 "the full copy"
}

@test "commit: run of the new image shows the change, a deleted file stays deleted; --change, -m, history, event" {
  skiff run --name cm1 "$IMG" sh -c \
    'echo new > /added; rm /bin/ls; rm -rf /home; mkdir /home; touch /home/only'
  run -0 skiff commit -c 'ENV CM=1' -m 'my message' -a 'A U Thor' cm1 localhost/committed:1
  assert_match "$output" '^sha256:[0-9a-f]{64}$'
  local id=${output#sha256:}
  run -0 skiff run --rm localhost/committed:1 sh -c 'cat /added; test ! -e /bin/ls && echo gone; ls -A /home; echo $CM'
  assert_equal "$output" $'new\ngone\nonly\n1' "the change, the deletion, the opaque dir, --change"
  run -0 skiff image inspect --format '{{.Id}} {{json .Config.Cmd}} {{.Author}} {{len .RootFS.Layers}}' localhost/committed:1
  assert_equal "$output" "sha256:$id [\"sh\",\"-c\",\"echo new > /added; rm /bin/ls; rm -rf /home; mkdir /home; touch /home/only\"] A U Thor 2" "config: the container's command, author, one more layer"
  run -0 skiff history --format '{{.Comment}}' localhost/committed:1
  assert_equal "${lines[0]}" "my message" "history entry"
  run -0 skiff events --since 1m --until 0s --filter event=commit --filter container=cm1 \
    --format '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}'
  assert_equal "$output" "container commit cm1" "event (other files' commits may be in the log)"
  # save, rmi, load: the same ID (the layer's tar-split record replays it)
  run -0 skiff save -o "$BATS_TEST_TMPDIR/c.tar" localhost/committed:1
  run -0 skiff rmi localhost/committed:1
  run -0 skiff load -i "$BATS_TEST_TMPDIR/c.tar"
  run -0 skiff image inspect --format '{{.Id}}' localhost/committed:1
  assert_equal "$output" "sha256:$id" "ID after save and load"
  # a running container (paused meanwhile when it has a cgroup), -q, --squash
  skiff run -d --name cm2 "$IMG" sh -c 'echo live > /live; touch /ready; sleep 60' >/dev/null
  wait_for "skiff exec cm2 test -e /ready" 10
  local pause=-p
  rootless_without_cgroup && pause=
  run -0 skiff commit $pause -q --squash cm2 localhost/squashed:1
  assert_match "$output" '^[0-9a-f]{64}$' "-q"
  run -0 skiff image inspect --format '{{len .RootFS.Layers}}' localhost/squashed:1
  assert_equal "$output" 1 "squashed into one layer"
  run -0 skiff run --rm localhost/squashed:1 cat /live
  assert_equal "$output" live
  run -0 skiff inspect --format '{{.State.Status}}' cm2
  assert_equal "$output" running "running again after the commit"
  skiff rm -f cm2 >/dev/null
  skiff rmi localhost/committed:1 localhost/squashed:1 >/dev/null
}

@test "commit: bad input changes nothing" {
  skiff run --name cm3 "$IMG" sh -c 'echo x > /x'
  local before layers
  before=$(skiff images -q --no-trunc | sort)
  layers=$(ls "$SKIFF_TEST_ROOT/layers" | sort)
  run -125 --separate-stderr skiff commit -c 'BOGUS x' cm3 localhost/bad:1
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "BOGUS"
  run -125 --separate-stderr skiff commit cm3 'Bad:Ref!'
  assert_one_line_error "$stderr"
  run -125 --separate-stderr skiff commit -f qcow cm3
  assert_equal "$stderr" 'Error: unrecognized image type "qcow"'
  run -125 --separate-stderr skiff commit nosuch
  assert_equal "$stderr" "Error: No such container: nosuch"
  run -125 --separate-stderr skiff commit
  assert_one_line_error "$stderr"
  assert_equal "$(skiff images -q --no-trunc | sort)" "$before" "no image made"
  assert_equal "$(ls "$SKIFF_TEST_ROOT/layers" | sort)" "$layers" "no layer left"
}

@test "mount: the rootfs at a path, counted, unmounted by umount and rm (root); rootless: podman's refusal, and mount inside skiff unshare" {
  skiff create --name mt1 "$IMG" cat /from-mount >/dev/null
  local id path
  id=$(container_id_of mt1)
  if is_rootless; then
    run -125 --separate-stderr skiff mount mt1
    assert_equal "$stderr" 'Error: cannot run command "skiff mount" in rootless mode, must execute `skiff unshare` first'
    run -125 --separate-stderr skiff umount mt1
    assert_equal "$stderr" 'Error: cannot run command "skiff umount" in rootless mode, must execute `skiff unshare` first'
    # inside `skiff unshare`: root of the user's namespace, where mount works on its store
    local sk
    sk=$(skiff_cmd)
    run -0 --separate-stderr "$SKIFF" unshare sh -c "id -u; p=\$($sk mount mt1) || exit 1
      echo written > \"\$p/from-mount\"; ls -n \"\$p/bin/busybox\" | awk '{ print \$3 }'
      $sk mount; $sk umount mt1 >/dev/null && ! mountpoint -q \"\$p\" && echo unmounted"
    assert_equal "${lines[0]}" 0 "root inside unshare"
    assert_equal "${lines[1]}" 0 "the image's files owned by the container's root"
    assert_match "${lines[2]}" "^${id:0:12}  $SKIFF_TEST_ROOT/containers/$id/merged\$" "the listing"
    assert_equal "${lines[3]}" unmounted
    run -0 skiff start -a mt1
    assert_equal "$output" written "what was written through the mount"
    run -127 --separate-stderr "$SKIFF" unshare no-such-command-here
    assert_equal "$stderr" 'Error: exec: "no-such-command-here": executable file not found in $PATH'
    return
  fi
  run -125 --separate-stderr "$SKIFF" unshare true
  assert_equal "$stderr" "Error: please use unshare with rootless" "root has nothing to unshare"
  run -0 skiff mount mt1
  path=$output
  assert_equal "$path" "$SKIFF_TEST_ROOT/containers/$id/merged"
  [ -e "$path/bin/busybox" ] || fail "the image's files are not at $path"
  echo written > "$path/from-mount"
  run -0 skiff mount mt1
  assert_equal "$output" "$path" "mounted again: the same path"
  run -0 skiff mount
  assert_equal "$output" "${id:0:12}  $path" "the listing"
  run -0 skiff umount mt1
  assert_equal "$output" "$id"
  mountpoint -q "$path" || fail "unmounted while a user is left"
  run -0 skiff unmount mt1
  ! mountpoint -q "$path" || fail "still mounted after the last umount"
  run -0 skiff start -a mt1
  assert_equal "$output" written "what was written through the mount"
  run -0 skiff mount mt1
  skiff rm mt1 >/dev/null
  ! grep -q " $path " /proc/self/mountinfo || fail "rm left the mount"
  run -125 --separate-stderr skiff umount
  assert_one_line_error "$stderr"
}

# A store of its own, so the figures are exactly known.
own_store () {
  OWN=("$SKIFF" --root "$BATS_TEST_TMPDIR/own" --runroot "$BATS_TEST_TMPDIR/ownrun")
  timeout 60 "${OWN[@]}" import "$SKIFF_TEST_FIXTURE/rootfs.tar" own/base </dev/null >/dev/null
}

own () {
  timeout 60 "${OWN[@]}" "$@" </dev/null
}

@test "system df: docker's rows, shared layers counted once" {
  own_store
  own run --name d1 own/base sh -c 'head -c 5000 /dev/zero > /f' >/dev/null
  own commit d1 own/child >/dev/null
  own run --name d2 -v dfvol:/v own/base sh -c 'head -c 3000 /dev/zero > /v/f' >/dev/null
  run -0 own images --format '{{.Repository}} {{.Size}}'
  local child_size base_size
  child_size=$(awk '$1 == "own/child" { print $2 }' <<<"$output")
  base_size=$(awk '$1 == "own/base" { print $2 }' <<<"$output")
  local d1size d2size
  d1size=$(own ps -a -s --filter name=d1 --format '{{.Size}}' | cut -d' ' -f1)
  run -0 own system df --format '{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}'
  # images: two, one used; the base layer once (the size of the child, which has both layers);
  # docker's reclaimable: all layers less the used image's unique bytes (none: the child shares them)
  assert_equal "${lines[0]}" "Images|2|1|$child_size|$child_size (100%)" "images row (base $base_size)"
  assert_match "${lines[1]}" '^Containers\|2\|0\|[0-9.]+kB\|[0-9.]+kB \(100%\)$' "containers row"
  assert_equal "${lines[2]}" "Local Volumes|1|1|3kB|0B (0%)" "volumes row"
  assert_equal "${lines[3]}" "Build Cache|0|0|0B|0B" "build cache row"
  [[ $d1size == *kB ]] || fail "d1's size: $d1size"
  run -0 own system df
  assert_equal "${lines[0]}" "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE" "header"
  run -0 own system df -v
  assert_contains "$output" "Images space usage:"
  assert_match "$output" $'\nown/child +latest +[0-9a-f]{12} [^\n]* 0 *\n' "the child: no container"
  assert_match "$output" $'\nown/base +latest +[0-9a-f]{12} [^\n]* 2 *\n' "the base: two containers"
  assert_match "$output" $'\ndfvol +1 +3kB *\n' "per volume"
  own rm -f d1 d2 >/dev/null
}

@test "system prune: stopped containers, dangling images, with --volumes anonymous unused volumes, with -a unused images; nothing else" {
  own_store
  own run --name p1 own/base sh -c 'echo 1 > /f' >/dev/null
  local dangling keep_ctr
  dangling=$(own commit -q p1)
  own commit p1 own/tagged >/dev/null
  own run --name p2 -v /anon own/base true >/dev/null
  own run --name p3 -v named:/n own/base true >/dev/null
  keep_ctr=$(own run -d --name p4 own/base sleep 60)
  local p1 p2 p3
  p1=$(own inspect --format '{{.Id}}' p1)
  p2=$(own inspect --format '{{.Id}}' p2)
  p3=$(own inspect --format '{{.Id}}' p3)
  run -0 own system prune -f
  assert_contains "$output" "Deleted Containers:"
  assert_contains "$output" "$p1"
  assert_contains "$output" "$p2"
  assert_contains "$output" "$p3"
  assert_contains "$output" $'Deleted Images:\ndeleted: sha256:'"$dangling"
  assert_match "${lines[-1]}" '^Total reclaimed space: [0-9.]+[kM]?B$'
  assert_not_contains "$output" "Deleted Volumes"
  run -0 own ps -a -q --no-trunc
  assert_equal "$output" "$keep_ctr" "the running container stays"
  run -0 own images --format '{{.Repository}}'
  assert_equal "$(sort <<<"$output")" $'own/base\nown/tagged' "tagged images stay"
  assert_equal "$(own volume ls -q | wc -l)" 2 "volumes stay without --volumes"
  run -0 own system prune -f -a --volumes
  assert_match "$output" $'Deleted Volumes:\n[0-9a-f]{64}\n' "the anonymous volume"
  assert_contains "$output" "untagged: own/tagged:latest"
  run -0 own volume ls -q
  assert_equal "$output" named "a named volume stays"
  run -0 own images --format '{{.Repository}}'
  assert_equal "$output" own/base "the running container's image stays"
  run -1 --separate-stderr own system prune -f --filter bogus=1
  assert_equal "$stderr" "Error: invalid filter 'bogus'"
  run -125 --separate-stderr own system prune -f --volumes --filter until=1h
  assert_equal "$stderr" 'Error: The "until" filter is not supported with "--volumes"'
  own rm -f p4 >/dev/null
}
