#!/usr/bin/env bats
# pull, push, login over the distribution protocol, against Debian's docker-registry on
# 127.0.0.1 (one plain-HTTP instance, one TLS + htpasswd instance) and a misbehaving registry
# of the tests' own (fault-registry.py).  Root and rootless: the registries are plain user
# processes.

load helpers
load registry-helpers

setup_file () {
  start_plain_registry "$BATS_FILE_TMPDIR/plain"
  start_tls_registry "$BATS_FILE_TMPDIR/tls"
  python3 "$BATS_TEST_DIRNAME/fault-registry.py" "$BATS_FILE_TMPDIR/fault.port" "m$$-$RANDOM" \
    </dev/null >"$BATS_FILE_TMPDIR/fault.log" 2>&1 3>&- &
  export FAULT_PID=$!
  local deadline=$((SECONDS + 30))
  until [ -s "$BATS_FILE_TMPDIR/fault.port" ]; do
    [ $SECONDS -lt $deadline ] || { echo "fault registry did not start" >&2; return 1; }
    sleep 0.1
  done
  export FAULT=127.0.0.1:$(cat "$BATS_FILE_TMPDIR/fault.port")
}

teardown_file () {
  stop_pid "${REG_PID:-}"
  stop_pid "${TLSREG_PID:-}"
  stop_pid "${FAULT_PID:-}"
}

@test "registry: push of a three-layer image, rmi, pull back: the same image ID, RepoDigests, and it runs" {
  make_multilayer_image localhost/reg-ml:1 push1
  local id digest
  id=$(image_id localhost/reg-ml:1)
  run -0 --separate-stderr skiff push --tls-verify=false localhost/reg-ml:1 "$REG/reg-ml:1"
  assert_match "$output" '^sha256:[0-9a-f]{64}$' "push prints the manifest digest"
  digest=$output
  run -0 skiff rmi localhost/reg-ml:1
  run -0 --separate-stderr skiff pull --tls-verify=false "$REG/reg-ml:1"
  assert_equal "$output" "$id" "pull prints the image ID"
  assert_contains "$stderr" "Trying to pull $REG/reg-ml:1..."
  assert_contains "$stderr" "Writing manifest to image destination"
  [ "$(grep -c '^Copying blob sha256:' <<<"$stderr")" -eq 3 ] || fail "three blobs copied: $stderr"
  run -0 skiff image inspect --format '{{.RepoDigests}}' "$REG/reg-ml:1"
  assert_equal "$output" "[$REG/reg-ml@$digest]"
  # manifest inspect prints the registry's bytes: they hash to the digest push printed
  run -0 --separate-stderr skiff manifest inspect --tls-verify=false "$REG/reg-ml:1"
  assert_equal "sha256:$(printf '%s' "$output" | sha256sum | cut -d' ' -f1)" "$digest"
  run -0 skiff run --rm "$REG/reg-ml:1"
  assert_equal "$output" $'two push1\nthree push1'
  # again: every layer is there, nothing is fetched
  run -0 --separate-stderr skiff pull -q --tls-verify=false "$REG/reg-ml:1"
  assert_equal "$output" "$id" "-q prints only the ID"
  assert_equal "$stderr" ""
  run -0 skiff system check
}

@test "registry: push to another repository of the registry mounts the layers it has (cross-repository mount)" {
  make_multilayer_image localhost/reg-mnt:1 mnt1
  run -0 skiff push -q --tls-verify=false localhost/reg-mnt:1 "$REG/mnt-a:1"
  run -0 --separate-stderr skiff --log-level info push -q --tls-verify=false localhost/reg-mnt:1 \
    "$REG/mnt-b:1"
  local layers
  layers=$(skiff image inspect --format '{{len .RootFS.Layers}}' localhost/reg-mnt:1)
  [ "$(grep -c "mounted from $REG/mnt-a" <<<"$stderr")" -eq "$layers" ] \
    || fail "each of the $layers layers mounted from mnt-a: $stderr"
  # really there: mnt-b pulls back and runs
  run -0 skiff rmi localhost/reg-mnt:1
  run -0 skiff pull -q --tls-verify=false "$REG/mnt-b:1"
  run -0 skiff run --rm "$REG/mnt-b:1"
  assert_equal "$output" $'two mnt1\nthree mnt1'
  run -0 skiff rmi "$REG/mnt-b:1"
}

@test "registry: pull --all-tags pulls every tag of the repository; a tag with it is refused" {
  make_multilayer_image localhost/reg-at:1 at1
  make_multilayer_image localhost/reg-at:2 at2
  local id1 id2
  id1=$(image_id localhost/reg-at:1)
  id2=$(image_id localhost/reg-at:2)
  run -0 skiff push --tls-verify=false localhost/reg-at:1 "$REG/reg-at:1"
  run -0 skiff push --tls-verify=false localhost/reg-at:2 "$REG/reg-at:2"
  run -0 skiff push --tls-verify=false localhost/reg-at:2 "$REG/reg-at:latest"
  run -0 skiff rmi localhost/reg-at:1 localhost/reg-at:2
  run -0 --separate-stderr skiff pull --all-tags -q --tls-verify=false "$REG/reg-at"
  assert_equal "$output" "$id1"$'\n'"$id2"$'\n'"$id2" "the IDs of tags 1, 2 and latest"
  run -0 skiff images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$REG/reg-at"
  assert_equal "$(sort <<<"$output" | tr '\n' ' ')" "$REG/reg-at:1 $REG/reg-at:2 $REG/reg-at:latest " "the tags"
  run -0 skiff run --rm "$REG/reg-at:1"
  assert_equal "$output" $'two at1\nthree at1'
  run -125 --separate-stderr skiff pull -a --tls-verify=false "$REG/reg-at:1"
  assert_equal "$stderr" "Error: tag can't be used with --all-tags/-a"
  run -125 --separate-stderr skiff pull -a --tls-verify=false "$REG/no-such-repo"
  assert_one_line_error "$stderr"
  run -0 skiff system check
}

@test "registry: push --all-tags pushes every local tag of the repository" {
  make_multilayer_image localhost/reg-pa:1 pa1
  make_multilayer_image localhost/reg-pa:2 pa2
  skiff tag localhost/reg-pa:1 "$REG/reg-pa:1"
  skiff tag localhost/reg-pa:2 "$REG/reg-pa:2"
  run -0 --separate-stderr skiff push --all-tags --tls-verify=false "$REG/reg-pa"
  assert_equal "${#lines[@]}" 2 "a digest per tag: $output"
  assert_match "${lines[0]}" '^sha256:[0-9a-f]{64}$'
  run -0 skiff manifest inspect --tls-verify=false "$REG/reg-pa:2"
  run -0 skiff search --tls-verify=false --list-tags --format '{{.Tag}}' "$REG/reg-pa"
  assert_equal "$output" $'1\n2' "both tags in the registry"
  run -125 --separate-stderr skiff push -a --tls-verify=false "$REG/reg-pa:1"
  assert_equal "$stderr" "Error: tag can't be used with --all-tags/-a"
  run -125 --separate-stderr skiff push -a --tls-verify=false "$REG/reg-none"
  assert_equal "$stderr" "Error: An image does not exist locally with the tag: $REG/reg-none"
}

@test "registry: commit -f oci|docker records the manifest type (podman's ManifestType); push writes it unless -f says; pull records the registry's" {
  local oci=application/vnd.oci.image.manifest.v1+json
  local v2s2=application/vnd.docker.distribution.manifest.v2+json
  skiff create --name mtc "$IMG" sh -c 'echo mt' >/dev/null
  run -0 skiff commit -q -f oci mtc localhost/mt-oci
  run -0 skiff commit -q -f docker -c 'LABEL f=docker' mtc localhost/mt-docker
  run -0 skiff commit -q mtc localhost/mt-plain
  run -0 skiff image inspect --format '{{.ManifestType}}' localhost/mt-oci localhost/mt-docker \
    localhost/mt-plain
  assert_equal "${lines[*]}" "$oci $v2s2 $v2s2" "oci, docker, and docker's by default"
  run -125 --separate-stderr skiff commit -f tar mtc localhost/mt-bad
  assert_equal "$stderr" 'Error: unrecognized image type "tar"'
  mediatype () { python3 -c 'import json,sys; print(json.load(sys.stdin)["mediaType"])'; }
  run -0 skiff push -q --tls-verify=false localhost/mt-oci "$REG/mt:oci"
  assert_equal "$(skiff manifest inspect --tls-verify=false "$REG/mt:oci" | mediatype)" "$oci" \
    "push without -f writes the image's type"
  run -0 skiff push -q --tls-verify=false localhost/mt-docker "$REG/mt:docker"
  assert_equal "$(skiff manifest inspect --tls-verify=false "$REG/mt:docker" | mediatype)" "$v2s2"
  run -0 skiff push -q --tls-verify=false --format v2s2 localhost/mt-oci "$REG/mt:forced"
  assert_equal "$(skiff manifest inspect --tls-verify=false "$REG/mt:forced" | mediatype)" "$v2s2" \
    "-f v2s2 wins"
  skiff rmi localhost/mt-oci localhost/mt-docker >/dev/null
  run -0 skiff pull -q --tls-verify=false "$REG/mt:oci"
  run -0 skiff image inspect --format '{{.ManifestType}}' "$REG/mt:oci"
  assert_equal "$output" "$oci" "pull records the registry's manifest type"
  skiff rm mtc >/dev/null
  skiff rmi localhost/mt-plain "$REG/mt:oci" >/dev/null
}

@test "registry: pull at a terminal draws a line per layer, redrawn in place, then a summary" {
  make_multilayer_image localhost/reg-tty:1 tty1
  run -0 skiff push -q --tls-verify=false localhost/reg-tty:1 "$REG/reg-tty:1"
  skiff rmi localhost/reg-tty:1 >/dev/null
  run -0 script -qec "stty cols 120; $(skiff_cmd) pull --tls-verify=false $REG/reg-tty:1" /dev/null
  local out=${output//$'\r'/} fetched
  fetched=$(grep -oE 'Copying blob [0-9a-f]{12} done [0-9.]+(B|KiB|MiB)' <<<"$out" | sort -u | wc -l)
  [ "$fetched" -ge 2 ] || fail "a 'done' line per fetched layer: $out"
  assert_contains "$out" $'\e['"${fetched}A" "the layer lines are redrawn in place"
  grep -qE 'Copying blob [0-9a-f]{12} \[[=> ]+\] [0-9.]+(B|KiB|MiB) / [0-9.]+(B|KiB|MiB)' <<<"$out" \
    || fail "a bar with bytes done and total: $out"
  assert_match "$out" "Copied $fetched blobs, [0-9.]+(B|KiB|MiB) in [0-9.]+s \\([0-9.]+(B|KiB|MiB)/s\\)"
  assert_contains "$out" "Writing manifest to image destination"
  assert_not_contains "$out" "Copying blob sha256:" "the non-terminal lines"
  assert_match "$(tail -1 <<<"$out")" '^[0-9a-f]{64}$' "the image ID last, on stdout"
  skiff rmi "$REG/reg-tty:1" >/dev/null
}

@test "registry: search lists the catalog's matching repositories (podman's table, --format, --limit, --list-tags, filters)" {
  make_multilayer_image localhost/reg-s:1 s1
  local r
  for r in srch/alpha:1 srchbeta:1 srchbeta:2 zzother:1; do
    run -0 skiff push -q --tls-verify=false localhost/reg-s:1 "$REG/$r"
  done
  run -0 --separate-stderr skiff search --tls-verify=false "$REG/srch"
  assert_match "${lines[0]}" '^NAME +DESCRIPTION$' "podman's columns"
  assert_equal "$(printf '%s\n' "${lines[@]:1}" | sed 's/ *$//')" "$REG/srch/alpha"$'\n'"$REG/srchbeta"
  run -0 skiff search --tls-verify=false --format '{{.Index}} {{.Name}} {{.Stars}}' "$REG/"
  assert_contains "$output" "$REG $REG/zzother 0"
  assert_contains "$output" "$REG $REG/srchbeta 0"
  run -0 skiff search --tls-verify=false --limit 1 --format '{{.Name}}' "$REG/srch"
  assert_equal "$output" "$REG/srch/alpha" "--limit 1"
  run -0 skiff search --tls-verify=false --list-tags --format '{{.Name}} {{.Tag}}' "$REG/srchbeta"
  assert_equal "$output" "$REG/srchbeta 1"$'\n'"$REG/srchbeta 2"
  run -0 skiff search --tls-verify=false --compatible "$REG/srchbeta"
  assert_match "${lines[0]}" '^NAME +DESCRIPTION +STARS +OFFICIAL +AUTOMATED$' "--compatible"
  run -0 skiff search --tls-verify=false "$REG/nothing-matches-this"
  assert_equal "$output" "" "no match: nothing printed"
  run -0 skiff search --tls-verify=false --filter stars=1 "$REG/srch"
  assert_equal "$output" "" "stars=1: a catalog entry has none"
  run -125 --separate-stderr skiff search --tls-verify=false --filter bogus=1 "$REG/srch"
  assert_equal "$stderr" 'Error: invalid filter "bogus"'
  run -125 --separate-stderr skiff search --tls-verify=false --list-tags "$REG/srchbeta:1"
  assert_one_line_error "$stderr"
}

@test "registry: search and --list-tags follow the Link header's next pages (the tests' own registry pages by two)" {
  run -0 --separate-stderr skiff search --tls-verify=false --format '{{.Name}}' "$FAULT/"
  assert_equal "$output" "$(printf "$FAULT/%s\n" bearer corrupt err500 good reset size slow)" \
    "all seven repositories of four pages"
  run -0 --separate-stderr skiff search --tls-verify=false --list-tags --format '{{.Tag}}' "$FAULT/good"
  assert_equal "$output" $'1\n2\n3\n4\n5' "all five tags of three pages"
}

@test "registry: search asks the v1 search API first where a registry offers it: descriptions, stars, marks, filters" {
  run -0 --separate-stderr skiff search --tls-verify=false --format '{{.Name}}|{{.Description}}|{{.Stars}}|{{.Official}}|{{.Automated}}' "$FAULT/o"
  assert_equal "$output" "$FAULT/fault/corrupt|the corrupt image|7||"$'\n'"$FAULT/fault/good|the good image|4|[OK]|"$'\n'"$FAULT/fault/slow|the slow image|4||[OK]" \
    "the v1 results (names containing o), in the registry's order"
  run -0 --separate-stderr skiff search --tls-verify=false --filter is-official=true --format '{{.Name}}' "$FAULT/"
  assert_equal "$output" "" "an empty text lists the catalog, which has no marks"
  run -0 --separate-stderr skiff search --tls-verify=false --filter stars=5 --format '{{.Name}} {{.Stars}}' "$FAULT/r"
  assert_equal "$output" "$(printf "$FAULT/fault/%s\n" "bearer 6" "corrupt 7" "err500 6" "reset 5")" \
    "stars=5: at least 5"
  run -0 --separate-stderr skiff search --tls-verify=false --filter is-automated=true --limit 10 --format '{{.Name}}' "$FAULT/s"
  assert_equal "$output" "$FAULT/fault/slow"
  run -0 --separate-stderr skiff search --tls-verify=false --compatible "$FAULT/good"
  assert_match "${lines[1]}" "^$FAULT/fault/good +the good image +4 +\\[OK\\] *$" "docker's columns"
}

@test "registry: run of a missing image pulls it; --pull never fails with 125" {
  make_multilayer_image localhost/reg-run:1 run1
  run -0 skiff push --tls-verify=false localhost/reg-run:1 "$REG/reg-run:1"
  run -0 skiff rmi localhost/reg-run:1
  run -125 --separate-stderr skiff run --rm --pull never "$REG/reg-run:1"
  assert_equal "$stderr" "Error: $REG/reg-run:1: image not known"
  run -0 --separate-stderr skiff run --rm --tls-verify=false "$REG/reg-run:1"
  assert_equal "$output" $'two run1\nthree run1'
  assert_contains "$stderr" "Trying to pull $REG/reg-run:1..."
}

@test "registry: auth: a wrong password fails with 125; login then push works; the auth file is 0600; logout forgets" {
  export XDG_RUNTIME_DIR=$BATS_TEST_TMPDIR/xdg
  mkdir -m 700 "$XDG_RUNTIME_DIR"
  make_multilayer_image localhost/reg-auth:1 auth1
  run -125 --separate-stderr skiff login --cert-dir "$TLSREG_CERTS" -u skiff -p wrong "$TLSREG"
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "invalid username/password"
  [ ! -e "$XDG_RUNTIME_DIR/containers/auth.json" ] || fail "a failed login wrote the auth file"
  run -125 --separate-stderr skiff push --cert-dir "$TLSREG_CERTS" localhost/reg-auth:1 "$TLSREG/reg-auth:1"
  assert_contains "$stderr" "authentication required"
  run -0 skiff login --cert-dir "$TLSREG_CERTS" -u skiff --password-stdin "$TLSREG" <<<"s3cret"
  assert_equal "$output" "Login Succeeded!"
  assert_equal "$(stat -c %a "$XDG_RUNTIME_DIR/containers/auth.json")" 600 "auth file mode"
  run -0 skiff login --get-login "$TLSREG"
  assert_equal "$output" skiff
  run -0 --separate-stderr skiff push --cert-dir "$TLSREG_CERTS" localhost/reg-auth:1 "$TLSREG/reg-auth:1"
  run -0 skiff rmi localhost/reg-auth:1
  run -0 --separate-stderr skiff pull -q --cert-dir "$TLSREG_CERTS" "$TLSREG/reg-auth:1"
  run -0 skiff logout "$TLSREG"
  assert_equal "$output" "Removed login credentials for $TLSREG"
  run -125 --separate-stderr skiff pull --cert-dir "$TLSREG_CERTS" "$TLSREG/reg-auth:1"
  assert_contains "$stderr" "authentication required"
  run -125 --separate-stderr skiff logout "$TLSREG"
  assert_equal "$stderr" "Error: not logged into $TLSREG"
  # without the CA, TLS verification fails clearly
  run -125 --separate-stderr skiff pull -q "$TLSREG/reg-auth:1"
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "pinging container registry $TLSREG"
}

@test "registry: without --cert-dir the CA comes from ~/.config/containers/certs.d/HOST (podman's lookup)" {
  local home=$BATS_TEST_TMPDIR/home auth=$BATS_TEST_TMPDIR/auth.json
  mkdir -p "$home/.config/containers/certs.d/$TLSREG"
  run -125 --separate-stderr env HOME="$home" "$SKIFF" --root "$SKIFF_TEST_ROOT" \
    --runroot "$SKIFF_TEST_RUNROOT" login --authfile "$auth" -u skiff -p s3cret "$TLSREG"
  assert_contains "$stderr" "certificate" "no CA there yet: the TLS check fails"
  cp "$TLSREG_CERTS/ca.crt" "$home/.config/containers/certs.d/$TLSREG/"
  run -0 --separate-stderr env HOME="$home" "$SKIFF" --root "$SKIFF_TEST_ROOT" \
    --runroot "$SKIFF_TEST_RUNROOT" login --authfile "$auth" -u skiff -p s3cret "$TLSREG"
  assert_equal "$output" "Login Succeeded!"
}

@test "registry: a blob that lies about its digest, a wrong size, a 500 and a reset mid-layer each fail cleanly; the store is unchanged" {
  local before repo
  before=$(store_listing)
  for repo in corrupt size err500 reset; do
    run -125 --separate-stderr skiff pull -q --tls-verify=false "$FAULT/$repo:1"
    assert_one_line_error "$stderr"
    case $repo in
      corrupt) assert_contains "$stderr" "digest" ;;
      size) assert_contains "$stderr" "bytes" ;;
      err500) assert_contains "$stderr" "injected failure" ;;
      reset) assert_match "$stderr" "reset|Recv failure|transfer closed|Connection" ;;
    esac
    run -1 skiff image exists "$FAULT/$repo:1"
    assert_equal "$(store_listing)" "$before" "store after the $repo pull"
    run -0 --separate-stderr skiff system check
    assert_equal "$output" "" "system check after the $repo pull"
  done
  # the same image served properly pulls, also behind a Bearer token from the challenge's realm
  run -0 skiff pull -q --tls-verify=false "$FAULT/good:1"
  run -0 skiff pull -q --tls-verify=false "$FAULT/bearer:1"
  run -0 skiff rmi "$FAULT/good:1" "$FAULT/bearer:1"
}

@test "registry: a pull killed with SIGKILL mid-layer leaves nothing behind; the retry succeeds" {
  local before pidfile=$BATS_TEST_TMPDIR/pull.pid
  before=$(store_listing)
  background sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$pidfile" \
    "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    pull -q --tls-verify=false "$FAULT/slow:1" >/dev/null 2>&1 </dev/null
  # killed while a layer is being unpacked (its temp dir exists)
  wait_for "ls '$SKIFF_TEST_ROOT/tmp' 2>/dev/null | grep -q '^layer-'" 10
  kill -9 "$(cat "$pidfile")"
  # its layer downloads die with it (PR_SET_PDEATHSIG)
  wait_for "! pgrep -f -- 'pull -q --tls-verify=false $FAULT/slow:1' >/dev/null" 10
  run -1 skiff image exists "$FAULT/slow:1"
  # a layer it completed is unreferenced (its pin died with the pull): the issue's rule is
  # that the next system check --repair leaves nothing of it
  run -0 skiff system check --repair
  assert_equal "$(store_listing)" "$before" "store after the killed pull and a repair"
  run -0 skiff pull -q --tls-verify=false "$FAULT/slow:1"
  run -0 skiff image exists "$FAULT/slow:1"
  run -0 skiff system check
  run -0 skiff rmi "$FAULT/slow:1"
}

@test "registry: skiff.conf's mirrors: REGISTRY/NAME comes from the first mirror that has it; the name stays" {
  make_multilayer_image localhost/reg-mir:1 mir1
  run -0 skiff push -q --tls-verify=false localhost/reg-mir:1 "$REG/mirrored/reg-mir:1"
  run -0 skiff rmi localhost/reg-mir:1
  # the registry itself (127.0.0.1:1) and the first mirror (:2) have nothing listening
  export SKIFF_CONFIG=$BATS_TEST_TMPDIR/skiff.conf
  printf '[registries]\nmirrors = ["127.0.0.1:1=127.0.0.1:2", "127.0.0.1:1=%s"]\ninsecure = ["127.0.0.1:1", "127.0.0.1:2", "%s"]\n' \
    "$REG" "$REG" >"$SKIFF_CONFIG"
  run -0 --separate-stderr skiff pull 127.0.0.1:1/mirrored/reg-mir:1
  assert_contains "$stderr" "Trying to pull 127.0.0.1:1/mirrored/reg-mir:1..."
  run -0 skiff run --rm 127.0.0.1:1/mirrored/reg-mir:1
  assert_equal "$output" $'two mir1\nthree mir1'
  run -0 skiff image inspect --format '{{.RepoTags}} {{.RepoDigests}}' 127.0.0.1:1/mirrored/reg-mir:1
  assert_match "$output" '^\[127\.0\.0\.1:1/mirrored/reg-mir:1\] \[127\.0\.0\.1:1/mirrored/reg-mir@sha256:[0-9a-f]{64}\]$'
  # a name no mirror has: the registry's own error
  run -125 --separate-stderr skiff pull -q 127.0.0.1:1/mirrored/none:1
  assert_one_line_error "$stderr"
  assert_contains "$stderr" "127.0.0.1:1"
  run -0 skiff rmi 127.0.0.1:1/mirrored/reg-mir:1
  printf '[registries]\nmirrors = ["no-equals-sign"]\n' >"$SKIFF_CONFIG"
  run -125 --separate-stderr skiff pull 127.0.0.1:1/mirrored/reg-mir:1
  assert_contains "$stderr" 'mirrors'
  assert_contains "$stderr" 'expected an array of "REGISTRY=MIRROR" strings'
}

@test "registry: skiff.conf's unqualified_search, short_name_aliases and insecure resolve a short name" {
  make_multilayer_image localhost/reg-short:1 short1
  run -0 skiff push --tls-verify=false localhost/reg-short:1 "$REG/reg-short:1"
  run -0 skiff rmi localhost/reg-short:1
  # the first search registry has nothing listening: the next one serves the name
  export SKIFF_CONFIG=$BATS_TEST_TMPDIR/skiff.conf
  printf '[registries]\nunqualified_search = ["127.0.0.1:1", "%s"]\ninsecure = ["127.0.0.1:1", "%s"]\nshort_name_aliases = ["shorty=%s/reg-short"]\n' \
    "$REG" "$REG" "$REG" >"$SKIFF_CONFIG"
  run -0 --separate-stderr skiff run --rm reg-short:1
  assert_equal "$output" $'two short1\nthree short1'
  assert_contains "$stderr" "Trying to pull $REG/reg-short:1..."
  run -0 skiff image exists "$REG/reg-short:1"
  # present now: the short name finds it without a pull
  run -0 --separate-stderr skiff run --rm reg-short:1
  assert_equal "$stderr" ""
  run -0 skiff rmi "$REG/reg-short:1"
  run -0 --separate-stderr skiff pull -q shorty:1
  run -0 skiff image exists "$REG/reg-short:1"
  run -0 skiff rmi "$REG/reg-short:1"
}
