#!/usr/bin/env bats
# Escape class: the host's keyrings.  A root container without a user namespace is uid 0 of the
# initial user namespace, so its user keyring (@u) is host root's: without a filter on keyctl
# and add_key it reads host root's keys and plants its own.  docker's seccomp profile denies
# both.  Rootless, the host user's keyring is the one to protect.

load helpers
load security-probe

setup_file () {
  build_security_probe
  export KEY_DESC=skiff-escape-$$ KEY_SECRET=host-secret-$$
  "$SEC_PROBE" add-key "$KEY_DESC" "$KEY_SECRET" >/dev/null \
    || { echo "cannot add a key to the host user's keyring" >&2; return 1; }
}

teardown_file () {
  "$SEC_PROBE" unlink-key "$KEY_DESC" >/dev/null || true
  "$SEC_PROBE" unlink-key "$KEY_DESC-planted" >/dev/null 2>&1 || true
}

@test "keyring: a container cannot read a key of the host user's keyring" {
  # the key is there for the host (else this test proves nothing)
  run -0 "$SEC_PROBE" read-key "$KEY_DESC"
  assert_equal "$output" "read-key: ok $KEY_SECRET" "the host's read"
  run skiff run --rm "$SEC_IMG" /probe read-key "$KEY_DESC"
  assert_not_contains "$output" "$KEY_SECRET" "the container's read"
  assert_equal "$status" 1 "exit status of the container's read ($output)"
  assert_equal "$output" "read-key: Operation not permitted"
}

@test "keyring: a container cannot add a key to the host user's keyring" {
  run skiff run --rm "$SEC_IMG" /probe add-key "$KEY_DESC-planted" planted
  assert_equal "$output" "add-key: Operation not permitted" "the container's add_key"
  run -1 "$SEC_PROBE" read-key "$KEY_DESC-planted"
  assert_not_contains "$output" planted "the host's keyring"
}
