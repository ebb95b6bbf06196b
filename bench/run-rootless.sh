#!/usr/bin/env bash
# Rootless `run --rm IMAGE true` by network mode, side by side in one hyperfine run as an
# unprivileged user with a subuid range (BENCH_USER, default skifftest), on the same
# busybox-static image in private stores:
#   skiff-none          --network none (the rootless default)
#   skiff-bridge-cold   --network bridge with no other container on a bridge: each run starts
#                       skiff's rootless network namespace (skiff-netns) and it goes after
#   skiff-bridge-warm   --network bridge while another container sleeps on the bridge: the
#                       namespace is there, the run joins its user namespace
#   skiff-none-warm     --network none while that namespace runs (joined, not newuidmap)
#   skiff-pasta         --network pasta (a pasta process per container)
#   podman              podman run --rm IMG true, rootless, its default network
#   podman-none         podman run --rm --network none IMG true, rootless
# and, as root for reference, the floor program (../shared/bench/floor.c: overlay +
# namespaces + exec of true; it has no user namespace).  Prints the medians and ratios.
# Run as root (it installs hyperfine, podman, runc, passt, slirp4netns with apt when missing and switches
# users); bridge runs under the user stay in skiff's own namespace, pasta and podman's own
# network only relay for the container (nothing is sent).  Not part of CI.
# Environment: RUNS (default 20), WARMUP (default 3), SKIFF (default build/skiff), BENCH_USER.
set -euo pipefail

die () { echo "bench/run-rootless.sh: $*" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED_DIR:-$repo/../shared}
floor_src=$shared/bench/floor.c
user=${BENCH_USER:-skifftest}
[ -f "$floor_src" ] || die "$floor_src not found: set SHARED_DIR to the directory that holds bench/floor.c"
[ "$(id -u)" -eq 0 ] || die "run as root (it runs the floor program and switches to $user)"
id "$user" >/dev/null 2>&1 || die "no user $user (contrib/setup-rootless.sh makes one with a range)"
"$repo/contrib/install-deps.sh" hyperfine podman runc passt slirp4netns
[ -c /dev/net/tun ] && chmod 0666 /dev/net/tun
skiff=${SKIFF:-$repo/build/skiff}
if [ -z "${SKIFF:-}" ]; then
  [ -f "$repo/build/build.ninja" ] || meson setup "$repo/build"
  ninja -C "$repo/build" >/dev/null
fi

tmp=$(mktemp -d /tmp/skiff-bench-rl.XXXXXX)
chmod 0755 "$tmp"
uid=$(id -u "$user")
as_user () { runuser -u "$user" -- env XDG_RUNTIME_DIR="/run/user/$uid" HOME="$tmp/home" "$@"; }
cleanup () {
  as_user "$tmp/skiff" --root "$tmp/u/skiff-root" --runroot "$tmp/u/skiff-run" rm -f keep >/dev/null 2>&1 || true
  as_user podman --root "$tmp/u/podman-root" --runroot "$tmp/u/podman-run" rmi -a -f >/dev/null 2>&1 || true
  as_user unshare --map-root-user --map-auto rm -rf "$tmp/u" 2>/dev/null || true
  findmnt -rn -o TARGET | grep "^$tmp/" | sort -r | xargs -r umount || true
  rm -rf "$tmp"
}
trap cleanup EXIT
install -d -m 0700 -o "$user" -g "$user" "/run/user/$uid" "$tmp/u" "$tmp/home"
install -m 0755 "$skiff" "$tmp/skiff"
cc -O2 -o "$tmp/floor" "$floor_src" || die "building $floor_src failed"
"$repo/tests/system/fixture/busybox-rootfs.sh" "$tmp/fixture" >/dev/null
chmod -R a+rX "$tmp/fixture"

sk="$tmp/skiff --root $tmp/u/skiff-root --runroot $tmp/u/skiff-run"
pm="podman --root $tmp/u/podman-root --runroot $tmp/u/podman-run"
img=skiff-bench/busybox
as_user $sk import "$tmp/fixture/rootfs.tar" $img >/dev/null
as_user $pm import -q "$tmp/fixture/rootfs.tar" $img >/dev/null
for m in none bridge pasta; do
  as_user $sk run --rm --network $m $img true || die "skiff run --network $m failed"
done
as_user $pm run --rm $img true || die "podman run failed"
mkdir -p "$tmp/floor-scratch"
lower=$(compgen -G "$tmp/u/skiff-root/layers/*/diff" | head -n 1) || true
[ -n "$lower" ] || lower=$tmp/fixture/rootfs

h=(hyperfine -N --warmup "${WARMUP:-3}" --runs "${RUNS:-20}")
as_user "${h[@]}" --export-json "$tmp/u/cold.json" \
  -n skiff-none "$sk run --rm --network none $img true" \
  -n skiff-bridge-cold "$sk run --rm --network bridge $img true" \
  -n skiff-pasta "$sk run --rm --network pasta $img true" \
  -n podman "$pm run --rm $img true" \
  -n podman-none "$pm run --rm --network none $img true" >/dev/null
as_user $sk run -d --name keep --network bridge $img sleep 3600 >/dev/null
as_user "${h[@]}" --export-json "$tmp/u/warm.json" \
  -n skiff-bridge-warm "$sk run --rm --network bridge $img true" \
  -n skiff-none-warm "$sk run --rm --network none $img true" >/dev/null
"${h[@]}" --export-json "$tmp/floor.json" -n floor "$tmp/floor $lower $tmp/floor-scratch /bin/true" >/dev/null

python3 - "$tmp/u/cold.json" "$tmp/u/warm.json" "$tmp/floor.json" <<'PY'
import json, sys
r = {}
for f in sys.argv[1:]:
    r.update({x["command"]: x["median"] * 1000 for x in json.load(open(f))["results"]})
for name in ("skiff-none", "skiff-bridge-cold", "skiff-bridge-warm", "skiff-none-warm",
             "skiff-pasta", "podman", "podman-none", "floor"):
    print(f"median {name:18} {r[name]:8.1f} ms   {r[name] / r['floor']:5.2f}x the floor")
print(f"podman/skiff-bridge-warm {r['podman'] / r['skiff-bridge-warm']:6.2f}x")
PY
