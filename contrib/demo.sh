#!/usr/bin/env bash
# Command 1 of the README: on Debian 12 as root, installs the build dependencies with apt,
# builds skiff, creates the default image "busybox" from the host's busybox-static (no network)
# and runs a container from it.  Idempotent: rebuilds what changed, imports the image once.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
contrib/install-deps.sh
[ -f build/build.ninja ] || meson setup build
ninja -C build
skiff=build/skiff

if ! "$skiff" images | grep -qE '^(docker\.io/library/)?busybox +latest '; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  tests/system/fixture/busybox-rootfs.sh "$tmp"
  "$skiff" import "$tmp/rootfs.tar" busybox
fi
"$skiff" run --rm busybox sh -c 'echo "hello from $(hostname)"'
