#!/usr/bin/env bats
# skiff.conf(5) [containers] no_new_privileges: no_new_privs on by default for new containers
# and their execs; the command line's --security-opt no-new-privileges=false wins.

load helpers

@test "skiff.conf no_new_privileges = true: NoNewPrivs 1 in run and exec, unless the flag says false" {
  local conf=$BATS_TEST_TMPDIR/skiff.conf
  printf '[containers]\nno_new_privileges = true\n' >"$conf"
  run -0 env SKIFF_CONFIG="$conf" "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    run --rm "$IMG" grep NoNewPrivs /proc/self/status
  assert_match "$output" $'^NoNewPrivs:\t1$' "with the key"
  run -0 env SKIFF_CONFIG="$conf" "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    run --rm --security-opt no-new-privileges=false "$IMG" grep NoNewPrivs /proc/self/status
  assert_match "$output" $'^NoNewPrivs:\t0$' "the flag over the key"
  env SKIFF_CONFIG="$conf" "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    run -d --name nnp "$IMG" sleep 600 >/dev/null
  run -0 skiff exec nnp grep NoNewPrivs /proc/self/status
  assert_match "$output" $'^NoNewPrivs:\t1$' "exec in a container created with the key"
  # without the key: off, as docker and podman
  run -0 env SKIFF_CONFIG=/dev/null "$SKIFF" --root "$SKIFF_TEST_ROOT" --runroot "$SKIFF_TEST_RUNROOT" \
    run --rm "$IMG" grep NoNewPrivs /proc/self/status
  assert_match "$output" $'^NoNewPrivs:\t0$' "default"
}
