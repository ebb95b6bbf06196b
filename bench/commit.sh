#!/usr/bin/env bash
# `commit` of a container with a 100 MB change and `cp` of a 100 MB host tree into a container,
# skiff and podman side by side (two hyperfine runs):
#   cp       cp TREE CTR:/data into a fresh created (never started) container each run
#   commit   commit CTR REF of a created container whose writable layer holds the 100 MB
#            (copied in by each engine's own cp), the previous image removed before each run
# The tree: 100 directories of 10 files of 100 kB (random bytes, so nothing compresses or
# dedups), 1000 files in all.  The image is the tests' busybox fixture, imported into each
# engine's private store (podman: overlay driver); nothing is run, so no runtime is involved.
# Each run starts after a sync.  Prints the medians and ratios.  Root only; installs hyperfine
# and podman with apt when missing.  Not part of CI.  Environment: RUNS (default 5), WARMUP
# (default 1), SKIFF (default build/skiff).
set -euo pipefail

die () { echo "bench/commit.sh: $*" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" -eq 0 ] || die "run as root (podman's store)"
"$repo/contrib/install-deps.sh" hyperfine podman
skiff=${SKIFF:-$repo/build/skiff}
if [ -z "${SKIFF:-}" ]; then
  [ -f "$repo/build/build.ninja" ] || meson setup "$repo/build"
  ninja -C "$repo/build" >/dev/null
fi
[ -x "$skiff" ] || die "$skiff is not executable"

tmp=$(mktemp -d /tmp/skiff-bench-commit.XXXXXX)
podman_store=(--root "$tmp/podman-root" --runroot "$tmp/podman-run")
cleanup () {
  podman "${podman_store[@]}" rm -a -f >/dev/null 2>&1 || true
  podman "${podman_store[@]}" rmi -a -f >/dev/null 2>&1 || true
  findmnt -rn -o TARGET | grep "^$tmp/" | sort -r | xargs -r umount || true
  rm -rf "$tmp"
}
trap cleanup EXIT
printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
  > "$tmp/containers.conf"
export CONTAINERS_CONF=$tmp/containers.conf

"$repo/tests/system/fixture/busybox-rootfs.sh" "$tmp/fixture" >/dev/null
for d in $(seq 100); do
  mkdir -p "$tmp/tree/d$d"
  for f in $(seq 10); do head -c 102400 /dev/urandom > "$tmp/tree/d$d/f$f"; done
done
echo "bench/commit.sh: tree of $(du -sm "$tmp/tree" | cut -f1) MB, $(find "$tmp/tree" -type f | wc -l) files" >&2

sk=("$skiff" --root "$tmp/skiff-root" --runroot "$tmp/skiff-run")
pod=(podman "${podman_store[@]}")
"${sk[@]}" import "$tmp/fixture/rootfs.tar" localhost/bench-bb:1 >/dev/null </dev/null
"${pod[@]}" import "$tmp/fixture/rootfs.tar" localhost/bench-bb:1 >/dev/null 2>&1 </dev/null

hyperfine --runs "${RUNS:-5}" --warmup "${WARMUP:-1}" --export-json "$tmp/cp.json" \
  -n "skiff cp" --prepare "${sk[*]} rm -f cpb >/dev/null 2>&1; ${sk[*]} create --name cpb localhost/bench-bb:1 true >/dev/null; sync" \
  "${sk[*]} cp $tmp/tree cpb:/data" \
  -n "podman cp" --prepare "${pod[*]} rm -f cpb >/dev/null 2>&1; ${pod[*]} create --name cpb localhost/bench-bb:1 true >/dev/null; sync" \
  "${pod[*]} cp $tmp/tree cpb:/data" >&2

"${sk[@]}" create --name cmb localhost/bench-bb:1 true >/dev/null
"${sk[@]}" cp "$tmp/tree" cmb:/data
"${pod[@]}" create --name cmb localhost/bench-bb:1 true >/dev/null
"${pod[@]}" cp "$tmp/tree" cmb:/data
hyperfine --runs "${RUNS:-5}" --warmup "${WARMUP:-1}" --export-json "$tmp/commit.json" \
  -n "skiff commit" --prepare "${sk[*]} rmi -f localhost/bench-c:1 >/dev/null 2>&1; sync" \
  "${sk[*]} commit cmb localhost/bench-c:1" \
  -n "podman commit" --prepare "${pod[*]} rmi -f localhost/bench-c:1 >/dev/null 2>&1; sync" \
  "${pod[*]} commit -q cmb localhost/bench-c:1" >&2

python3 - "$tmp/cp.json" "$tmp/commit.json" <<'PY'
import json, sys
for path in sys.argv[1:]:
    r = {x["command"]: x["median"] for x in json.load(open(path))["results"]}
    (s, sv), (p, pv) = sorted(r.items(), key=lambda kv: not kv[0].startswith("skiff"))
    print("%-14s median %.3f s   %-14s median %.3f s   podman/skiff %.2fx" % (s, sv, p, pv, pv / sv))
PY
