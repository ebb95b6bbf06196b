#!/usr/bin/env bash
# `load` of a ~200 MB three-layer Debian image (debootstrap minbase split into two layers plus
# a small third one), side by side in one hyperfine run:
#   skiff    skiff load -i image.tar          (private --root; images removed before each run)
#   podman   podman load -i image.tar         (private --root, overlay driver)
#   tar      tar -x of the same layer tarballs into a fresh directory: the floor
# Each run starts after a sync, so one contestant's dirty pages do not slow the next.
# Prints the three medians and the ratios.  Root only; installs hyperfine, podman and
# debootstrap with apt when missing and runs debootstrap against the machine's Debian mirror.
# Not part of CI.  Environment: RUNS (default 10), WARMUP (default 1), SKIFF (default
# build/skiff), MIRROR (default: the first Debian mirror URI in /etc/apt/sources*).
set -euo pipefail

die () { echo "bench/load.sh: $*" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and podman)"
"$repo/contrib/install-deps.sh" hyperfine podman debootstrap
skiff=${SKIFF:-$repo/build/skiff}
if [ -z "${SKIFF:-}" ]; then
  [ -f "$repo/build/build.ninja" ] || meson setup "$repo/build"
  ninja -C "$repo/build" >/dev/null
fi
[ -x "$skiff" ] || die "$skiff is not executable"

mirror=${MIRROR:-$({ grep -rhoE '(URIs:|deb) +https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list \
  /etc/apt/sources.list.d/ 2>/dev/null || true; } | awk 'NR == 1 {print $2}')}
[ -n "$mirror" ] || die "no Debian mirror found; set MIRROR"

tmp=$(mktemp -d /tmp/skiff-bench-load.XXXXXX)
podman_store=(--root "$tmp/podman-root" --runroot "$tmp/podman-run")
cleanup () {
  podman "${podman_store[@]}" rmi -a -f >/dev/null 2>&1 || true
  findmnt -rn -o TARGET | grep "^$tmp/" | sort -r | xargs -r umount || true
  rm -rf "$tmp"
}
trap cleanup EXIT
printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' \
  > "$tmp/containers.conf"
export CONTAINERS_CONF=$tmp/containers.conf

echo "bench/load.sh: debootstrap minbase bookworm from $mirror" >&2
debootstrap --variant=minbase bookworm "$tmp/rootfs" "$mirror" >"$tmp/debootstrap.log" 2>&1 \
  || die "debootstrap failed (see $tmp/debootstrap.log)"
tar -C "$tmp/rootfs" --exclude=./usr/share -cf "$tmp/base.tar" .
tar -C "$tmp/rootfs/usr/share" -cf "$tmp/share.tar" .
echo hello > "$tmp/motd"

# The image: base, then usr/share, then one small file (ADD needs no runtime).
pod=(podman "${podman_store[@]}")
"${pod[@]}" import "$tmp/base.tar" localhost/bench-base:1 >/dev/null 2>&1
printf 'FROM localhost/bench-base:1\nADD share.tar /usr/share/\nCOPY motd /etc/motd\nCMD ["/bin/bash"]\n' \
  > "$tmp/Containerfile"
"${pod[@]}" build --isolation chroot -t localhost/bench:1 -f "$tmp/Containerfile" "$tmp" \
  >/dev/null 2>&1 || die "podman build failed"
"${pod[@]}" save -o "$tmp/image.tar" localhost/bench:1 >/dev/null 2>&1
"${pod[@]}" rmi -a -f >/dev/null 2>&1
size=$(du -m "$tmp/image.tar" | cut -f1)
mkdir -p "$tmp/layers"
tar -C "$tmp/layers" -xf "$tmp/image.tar" --wildcards '*.tar'
echo "bench/load.sh: image.tar is ${size} MB, $(compgen -G "$tmp/layers/*.tar" | wc -l) layers" >&2

sk=("$skiff" --root "$tmp/skiff-root" --runroot "$tmp/skiff-run")
hyperfine --runs "${RUNS:-10}" --warmup "${WARMUP:-1}" --export-json "$tmp/result.json" \
  -n skiff --prepare "${sk[*]} rmi -a -f >/dev/null 2>&1; sync" \
  "${sk[*]} load -i $tmp/image.tar" \
  -n podman --prepare "${pod[*]} rmi -a -f >/dev/null 2>&1; sync" \
  "${pod[*]} load -q -i $tmp/image.tar" \
  -n tar --prepare "rm -rf $tmp/x; mkdir $tmp/x; sync" \
  "for l in $tmp/layers/*.tar; do tar -C $tmp/x -xf \$l; done" >&2

python3 - "$tmp/result.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
for k in ("skiff", "podman", "tar"):
    print("%-7s median %.3f s" % (k, r[k]))
print("skiff/tar %.2fx   podman/skiff %.2fx" % (r["skiff"] / r["tar"], r["podman"] / r["skiff"]))
PY
