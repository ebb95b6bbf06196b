#!/usr/bin/env bash
# Gives USER a range of subordinate UIDs and GIDs (/etc/subuid, /etc/subgid) so rootless skiff
# can map a whole container user space.  Idempotent: a user who already has a range keeps it.
# Usage (as root): contrib/setup-rootless.sh USER [START [COUNT]]
#   START defaults to the first multiple of 65536 past every range already given (at least
#   131072); COUNT defaults to 65536.
set -euo pipefail

die () { echo "setup-rootless.sh: $*" >&2; exit 1; }

[ $# -ge 1 ] && [ $# -le 3 ] || die "usage: setup-rootless.sh USER [START [COUNT]]"
user=$1
count=${3:-65536}
[ "$(id -u)" -eq 0 ] || die "must run as root (it edits /etc/subuid and /etc/subgid)"
id "$user" >/dev/null 2>&1 || die "no such user: $user"
command -v newuidmap >/dev/null || die "newuidmap not found: apt-get install uidmap"

# First START past every existing range in both files, so ranges never overlap.
first_free () {
  local end=100000
  local f s c
  for f in /etc/subuid /etc/subgid; do
    [ -f "$f" ] || continue
    while IFS=: read -r _ s c; do
      [[ $s =~ ^[0-9]+$ && $c =~ ^[0-9]+$ ]] || continue
      [ $((s + c)) -le $end ] || end=$((s + c))
    done <"$f"
  done
  echo $(( (end + 65535) / 65536 * 65536 ))
}

start=${2:-$(first_free)}   # once: the uid and gid ranges get the same numbers
for kind in uid gid; do
  file=/etc/sub$kind
  touch "$file"
  if grep -q "^$user:" "$file"; then
    echo "$user already has a sub$kind range: $(grep "^$user:" "$file" | head -n 1)"
    continue
  fi
  usermod "--add-sub${kind}s" "$start-$((start + count - 1))" "$user"
  echo "$user: sub$kind range $start-$((start + count - 1))"
done
