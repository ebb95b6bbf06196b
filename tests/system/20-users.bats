#!/usr/bin/env bats
# Rootless defaults seen by real users: these tests switch users with runuser, so they run in
# the root pass only (ROOT_ONLY_FILES in tests/run-all.sh; the rootless pass, as the user
# skifftest, runs the other files).  The users come from tests/run-all.sh:
#   skifftest  with a /etc/subuid + /etc/subgid range
#   skiffsolo  without any range

load helpers

setup () {
  [ "$(id -u)" -eq 0 ] || skip_or_fail "switching users needs root"
  USERS_TMP=$(mktemp -d /tmp/skiff-users.XXXXXX)
  chmod 0755 "$USERS_TMP"
}

teardown () {
  [ -z "${USERS_TMP:-}" ] || rm -rf "$USERS_TMP"
}

# Checks USER exists and can run $SKIFF, then gives it a fresh HOME and XDG_RUNTIME_DIR (0700)
# holding a copy of the fixture tarball.
prepare_user () { # USER
  id "$1" >/dev/null 2>&1 || { skip_or_fail "user $1 missing (tests/run-all.sh creates it)"; return; }
  runuser -u "$1" -- test -x "$SKIFF" \
    || fail "$1 cannot execute $SKIFF: put skiff in a world-readable place (tests/run-all.sh does)"
  install -d -m 0755 -o "$1" -g "$1" "$USERS_TMP/$1" "$USERS_TMP/$1/home"
  install -d -m 0700 -o "$1" -g "$1" "$USERS_TMP/$1/xdg"
  install -m 0644 -o "$1" "$SKIFF_TEST_FIXTURE/rootfs.tar" "$USERS_TMP/$1/home/rootfs.tar"
}

# Runs a command as USER with a login-like environment (no XDG_DATA_HOME: default store).
as_user () { # USER COMMAND...
  local user=$1 dir=$USERS_TMP/$1
  shift
  (cd "$dir/home" && runuser -u "$user" -- env -i PATH=/usr/local/bin:/usr/bin:/bin \
    HOME="$dir/home" USER="$user" LOGNAME="$user" XDG_RUNTIME_DIR="$dir/xdg" \
    timeout --kill-after=10 "${SKIFF_TEST_TIMEOUT:-120}" "$@")
}

@test "rootless with a subuid range: default store under ~/.local/share/skiff" {
  grep -q '^skifftest:' /etc/subuid || fail "skifftest has no /etc/subuid range"
  prepare_user skifftest
  local home=$USERS_TMP/skifftest/home

  run -0 --separate-stderr as_user skifftest "$SKIFF" import rootfs.tar skiff-test/busybox
  run -0 --separate-stderr as_user skifftest "$SKIFF" run --rm skiff-test/busybox \
    sh -c 'id -u; awk "{ n += \$3 } END { print n }" /proc/self/uid_map'
  assert_equal "${lines[0]}" 0 "uid inside the container"
  [ "${lines[1]}" -gt 1000 ] || fail "only ${lines[1]} uids mapped with a subuid range"
  assert_not_contains "${stderr,,}" "single" "stderr with a subuid range"

  run -0 as_user skifftest "$SKIFF" run --rm -u user1 skiff-test/busybox id -u
  assert_equal "$output" 1000 "uid of user1 with a subuid range"

  [ -n "$(ls -A "$home/.local/share/skiff/images")" ] \
    || fail "no image under ~/.local/share/skiff/images"
  assert_equal "$(stat -c %U "$home/.local/share/skiff")" skifftest "owner of the store"
  run -0 as_user skifftest "$SKIFF" images -q
  assert_equal "${#lines[@]}" 1 "images in the default store"
}

@test "rootless without a subuid range: single-UID mapping with a warning" {
  prepare_user skiffsolo
  ! grep -q '^skiffsolo:' /etc/subuid || fail "skiffsolo must have no /etc/subuid range"

  run -0 --separate-stderr as_user skiffsolo "$SKIFF" import rootfs.tar skiff-test/busybox
  run -0 --separate-stderr as_user skiffsolo "$SKIFF" run --rm skiff-test/busybox id -u
  assert_equal "$output" 0 "uid inside the container"
  assert_contains "${stderr,,}" "single" "warning about the single-UID mapping"
}

@test "rootless without a subuid range: -u <uid> says that only ID 0 exists in a single-ID map" {
  prepare_user skiffsolo
  ! grep -q '^skiffsolo:' /etc/subuid || fail "skiffsolo must have no /etc/subuid range"
  local uid
  uid=$(id -u skiffsolo)
  run -0 --separate-stderr as_user skiffsolo "$SKIFF" import rootfs.tar skiff-test/busybox
  run -125 --separate-stderr as_user skiffsolo "$SKIFF" run --rm -u "$uid" skiff-test/busybox id -u
  assert_contains "$stderr" "Error: uid $uid is not mapped: without a subuid/subgid range the user namespace maps a single ID, so only ID 0 exists inside"
  run -125 --separate-stderr as_user skiffsolo "$SKIFF" run --rm -u "0:$uid" skiff-test/busybox id -u
  assert_contains "$stderr" "Error: gid $uid is not mapped"
  run -0 --separate-stderr as_user skiffsolo "$SKIFF" run --rm -u 0 skiff-test/busybox id -u
  assert_equal "$output" 0 "uid 0 inside"
}
