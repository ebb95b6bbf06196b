#!/bin/bash
# Integration check of skiff_sandbox_spawn through tests/helpers/sandbox-driver.c on a busybox
# rootfs.  Needs root and /bin/busybox (else skipped, exit 77).  Rootless runs too when
# SKIFF_TEST_ROOTLESS_USER names a user with /etc/subuid and /etc/subgid ranges, and
# SKIFF_TEST_NORANGE_USER one without.
# Usage: sandbox-check.sh DRIVER
set -u
driver=$1
[ "$(id -u)" = 0 ] && [ -x /bin/busybox ] || exit 77

tmp=$(mktemp -d /tmp/skiff-sandbox-check.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
root=$tmp/rootfs
mkdir -p "$root/bin" "$root/etc" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
chmod 1777 "$root/tmp"
cp /bin/busybox "$root/bin/"
for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
  > "$root/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nwheel:x:10:root,nobody\nnogroup:x:65534:\n' > "$root/etc/group"
cp "$driver" "$tmp/driver"
chmod 755 "$tmp/driver"

failures=0
# expect WHO CODE PATTERN -- DRIVER-ARGS: runs the driver (as WHO, "root" = directly) and checks
# its exit code and that its combined output matches the extended regex PATTERN.
expect() {
  local who=$1 code=$2 pattern=$3 out rc scratch
  shift 4
  scratch=$tmp/scratch-$who
  mkdir -p "$scratch"
  if [ "$who" = root ]; then
    out=$("$tmp/driver" "$@" 2>&1); rc=$?
  else
    chown "$who" "$scratch"
    mkdir -p "$tmp/xdg-$who" && chown "$who" "$tmp/xdg-$who" && chmod 700 "$tmp/xdg-$who"
    out=$(cd / && runuser -u "$who" -- env XDG_RUNTIME_DIR="$tmp/xdg-$who" \
          "$tmp/driver" "$@" 2>&1); rc=$?
  fi
  if [ "$rc" != "$code" ] || ! grep -Eq -- "$pattern" <<<"$out"; then
    echo "FAIL ($who): driver $* -> rc=$rc (want $code), output:"; echo "$out"
    failures=$((failures + 1))
  fi
  if [ -n "$(ls -A "$scratch")" ]; then
    echo "FAIL ($who): scratch dir not cleaned: $(ls -A "$scratch")"; failures=$((failures + 1))
  fi
}

checks() {
  local who=$1 s=$tmp/scratch-$1
  expect "$who" 0 '^1 ctr lo$' -- -h ctr "$s" "$root" sh -c 'echo $$ $(hostname) $(ls /sys/class/net)'
  expect "$who" 127 'exec: "nosuch": executable file not found in \$PATH' -- "$s" "$root" nosuch
  expect "$who" 127 '/no/such/command.*no such file or directory' -- "$s" "$root" /no/such/command
  expect "$who" 126 'exec.*permission denied' -- "$s" "$root" /etc
  expect "$who" 32 '' -- "$s" "$root" sh -c 'exit 32'
  expect "$who" 137 '' -- "$s" "$root" sh -c 'sh -c "kill -9 \$\$"; exit $?'
  expect "$who" 0 '^/a/b$' -- -w /a/b "$s" "$root" pwd
  expect "$who" 125 'Cannot mkdir: /etc/passwd is not a directory' -- -w /etc/passwd "$s" "$root" true
  expect "$who" 125 'unable to find user bob: no matching entries in passwd file' -- -u bob "$s" "$root" true
  expect "$who" 0 '^HOME=/root$' -- "$s" "$root" sh -c 'echo HOME=$HOME'
  expect "$who" 0 'null zero' -- "$s" "$root" sh -c 'cd /dev && echo $(ls null zero) && echo x > null && test -c urandom'
  expect "$who" 0 'devpts on /dev/pts' -- "$s" "$root" mount
  expect "$who" 0 '^/dev/pts/0 1' -- -t "$s" "$root" sh -c 'echo $(tty) $(cut -d" " -f6 /proc/$$/stat)'
  expect "$who" 0 '^1$' -- "$s" "$root" sh -c 'cut -d" " -f6 /proc/$$/stat'
  expect "$who" 1 'Read-only file system' -- "$s" "$root" sh -c 'echo x > /proc/sys/kernel/ostype'
  expect "$who" 0 '^0$' -- "$s" "$root" sh -c 'ls /sys/firmware | wc -l'
  expect "$who" 0 'CapEff:.*00000000a80425fb' -- "$s" "$root" grep CapEff /proc/self/status
  expect "$who" 0 'CapEff:.*0000000000000000' -- -u nobody "$s" "$root" grep CapEff /proc/self/status
  expect "$who" 1 'permission denied' -- "$s" "$root" mount -t tmpfs x /tmp
  expect "$who" 0 '^ok$' -- -a sys_admin "$s" "$root" sh -c 'mount -t tmpfs x /tmp && echo ok'
  expect "$who" 125 'unknown capability: "CAP_FOO"' -- -a foo "$s" "$root" true
  expect "$who" 0 '^up$' -- "$s" "$root" sh -c 'ping -c1 -W1 127.0.0.1 >/dev/null && echo up'
}

checks root
expect root 0 'uid=65534\(nobody\) gid=65534\(nogroup\) groups=10\(wheel\),65534\(nogroup\)' \
  -- -u nobody "$tmp/scratch-root" "$root" id
expect root 0 'NoNewPrivs:.*1' -- -N "$tmp/scratch-root" "$root" grep NoNewPrivs /proc/self/status
if [ -d /sys/fs/cgroup/pids ]; then
  expect root 0 "pids:/skiff-sbx-check-$$" -- -c "/sys/fs/cgroup/pids/skiff-sbx-check-$$" \
    "$tmp/scratch-root" "$root" cat /proc/self/cgroup
fi
expect root 125 'mkdir /nonexistent/cg: No such file' -- -c /nonexistent/cg "$tmp/scratch-root" "$root" true
expect root 0 'uid=123 gid=10\(wheel\) groups=10\(wheel\)$' -- -u 123:wheel "$tmp/scratch-root" "$root" id
if grep -q "$tmp" /proc/self/mountinfo; then
  echo "FAIL: container mounts leaked into the host"; failures=$((failures + 1))
fi
if [ -n "${SKIFF_TEST_ROOTLESS_USER:-}" ]; then
  u=$SKIFF_TEST_ROOTLESS_USER
  checks "$u"
  expect "$u" 0 '^ +1 +[0-9]+ +[0-9]+$' -- "$tmp/scratch-$u" "$root" sh -c 'tail -1 /proc/self/uid_map'
  expect "$u" 0 '1000 1000' -- "$tmp/scratch-$u" "$root" sh -c 'touch /f && chown 1000:1000 /f && stat -c "%u %g" /f'
fi
if [ -n "${SKIFF_TEST_NORANGE_USER:-}" ]; then
  u=$SKIFF_TEST_NORANGE_USER
  expect "$u" 0 'Using rootless single mapping into the namespace' -- "$tmp/scratch-$u" "$root" id
  expect "$u" 0 '^1 lo$' -- "$tmp/scratch-$u" "$root" sh -c 'echo $$ $(ls /sys/class/net)'
fi
[ "$failures" = 0 ] && echo "sandbox checks passed" && exit 0
exit 1
