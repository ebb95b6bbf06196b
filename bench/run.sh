#!/usr/bin/env bash
# `run --rm IMAGE true`, side by side in one hyperfine run, on the same busybox-static image:
#   skiff    skiff run --rm IMG true                    (private --root/--runroot): docker's
#            default capabilities, seccomp filter (cached in the store after the first run)
#            and masked paths; root's default network, the bridge (run the script under
#            `unshare -n` to keep its bridge and veths off the host)
#   skiff-privileged   the same with --privileged: none of that
#   skiff-none  the same with --network none
#   skiff-publish  the bridge with -p 127.0.0.1::80 (a free port, skiff's forwarder)
#   skiff-init  skiff run --rm --init IMG true          (skiff's init as PID 1, true as PID 2)
#   floor    the physical floor: overlay + namespaces + exec of true, minimal C
#            (a second run puts it in a cgroup per hierarchy, as skiff does: floor-cgroup)
#            (floor.c from the shared bench dir: $SHARED_DIR/bench/floor.c, default
#            ../shared/bench/floor.c next to the repository)
#   podman   podman run --rm --network none IMG true    (private storage and containers.conf;
#            runtime runc: Debian's crun 1.8 refuses a hybrid cgroup layout)
#   podman-bridge  podman run --rm IMG true: podman's default network (its CNI bridge)
# Prints the medians and the ratios to the floor, skiff-init/skiff and podman/skiff.  Root only; installs
# hyperfine, podman and runc with apt when missing.  Not part of CI.
# Environment: RUNS (default 30), WARMUP (default 3), SKIFF (default build/skiff).
set -euo pipefail

die () { echo "bench/run.sh: $*" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED_DIR:-$repo/../shared}
floor_src=$shared/bench/floor.c
[ -f "$floor_src" ] \
  || die "$floor_src not found: set SHARED_DIR to the directory that holds bench/floor.c"
[ "$(id -u)" -eq 0 ] || die "run as root (the floor program and podman mount overlays)"

"$repo/contrib/install-deps.sh" hyperfine podman runc
# Under `unshare -n` loopback starts down: skiff-publish binds 127.0.0.1.
ip link set lo up
skiff=${SKIFF:-$repo/build/skiff}
if [ -z "${SKIFF:-}" ]; then
  [ -f "$repo/build/build.ninja" ] || meson setup "$repo/build"
  ninja -C "$repo/build" >/dev/null
fi
[ -x "$skiff" ] || die "$skiff is not executable"

tmp=$(mktemp -d /tmp/skiff-bench.XXXXXX)
podman_store=(--root "$tmp/podman-root" --runroot "$tmp/podman-run")
cleanup () {
  podman "${podman_store[@]}" rmi -a -f >/dev/null 2>&1 || true
  # podman's overlay driver leaves its storage dir mounted on itself
  findmnt -rn -o TARGET | grep "^$tmp/" | sort -r | xargs -r umount || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cc -O2 -o "$tmp/floor" "$floor_src" || die "building $floor_src failed"
"$repo/tests/system/fixture/busybox-rootfs.sh" "$tmp/fixture"

sk=("$skiff" --root "$tmp/skiff-root" --runroot "$tmp/skiff-run")
"${sk[@]}" import "$tmp/fixture/rootfs.tar" skiff-bench/busybox >/dev/null
# The floor runs on skiff's own unpacked layer, so both read the same files.
lower=$(compgen -G "$tmp/skiff-root/layers/*/diff" | head -n 1) || true
[ -n "$lower" ] || lower=$tmp/fixture/rootfs
mkdir -p "$tmp/floor-scratch"

# Debian's podman fails every root run on this kind of machine (no CAP_SYS_RESOURCE) unless its
# default ulimits stay under the fixed hard limits, and its crun refuses hybrid cgroups: keep
# both settings in a private containers.conf rather than editing /etc/containers.
cat >"$tmp/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF=$tmp/containers.conf
podman "${podman_store[@]}" import -q "$tmp/fixture/rootfs.tar" skiff-bench/busybox >/dev/null

# Each must work before it is timed.
"${sk[@]}" run --rm skiff-bench/busybox true || die "skiff run failed"
"${sk[@]}" run --rm --init skiff-bench/busybox true || die "skiff run --init failed"
"$tmp/floor" "$lower" "$tmp/floor-scratch" /bin/true || die "the floor program failed"
podman "${podman_store[@]}" run --rm --network none skiff-bench/busybox true \
  || die "podman run failed"
podman "${podman_store[@]}" run --rm skiff-bench/busybox true || die "podman run (its bridge) failed"

hyperfine -N --warmup "${WARMUP:-3}" --runs "${RUNS:-30}" --export-json "$tmp/result.json" \
  -n skiff "${sk[*]} run --rm skiff-bench/busybox true" \
  -n skiff-none "${sk[*]} run --rm --network none skiff-bench/busybox true" \
  -n skiff-publish "${sk[*]} run --rm -p 127.0.0.1::80 skiff-bench/busybox true" \
  -n skiff-init "${sk[*]} run --rm --init skiff-bench/busybox true" \
  -n skiff-privileged "${sk[*]} run --rm --privileged skiff-bench/busybox true" \
  -n floor "$tmp/floor $lower $tmp/floor-scratch /bin/true" \
  -n podman "podman ${podman_store[*]} run --rm --network none skiff-bench/busybox true" \
  -n podman-bridge "podman ${podman_store[*]} run --rm skiff-bench/busybox true"

python3 - "$tmp/result.json" <<'EOF'
import json, sys
r = {x["command"]: x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
print()
for name in ("skiff", "skiff-none", "skiff-init", "skiff-privileged", "floor", "podman",
             "podman-bridge"):
    print(f"median {name:16} {r[name]:8.1f} ms")
print(f"skiff/floor  {r['skiff'] / r['floor']:6.2f}x  (the default network: bridge as root)")
print(f"skiff-none/floor {r['skiff-none'] / r['floor']:6.2f}x")
print(f"skiff-privileged/floor  {r['skiff-privileged'] / r['floor']:6.2f}x")
print(f"skiff-init/skiff {r['skiff-init'] / r['skiff']:6.2f}x")
print(f"podman/skiff {r['podman'] / r['skiff']:6.2f}x")
print(f"podman-bridge/skiff {r['podman-bridge'] / r['skiff']:6.2f}x  (each on its default bridge)")
EOF

# The floor again with a cgroup per hierarchy (floor.c's FLOOR_CGROUP: made, joined before the
# exec, removed after), next to skiff in the same run: skiff puts every container in a cgroup,
# so this floor pays the same kernel cost for it.  Reported beside the plain floor, not
# instead of it.  (The variable is read by floor.c only; hyperfine passes it to every command.)
cg_list=$(awk '$3 == "cgroup" && $4 !~ /name=/ { n = split($2, p, "/"); printf "%s ", p[n] }' /proc/mounts)
[ -n "$cg_list" ] || cg_list=. # pure cgroup v2: one hierarchy at /sys/fs/cgroup
FLOOR_CGROUP=$cg_list hyperfine -N --warmup "${WARMUP:-3}" --runs "${RUNS:-30}" \
  --export-json "$tmp/result-cg.json" \
  -n skiff "${sk[*]} run --rm skiff-bench/busybox true" \
  -n skiff-none "${sk[*]} run --rm --network none skiff-bench/busybox true" \
  -n floor-cgroup "$tmp/floor $lower $tmp/floor-scratch /bin/true" >/dev/null
python3 - "$tmp/result-cg.json" "$cg_list" <<'EOF'
import json, sys
r = {x["command"]: x["median"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
print(f"\nwith cgroups in the floor too ({sys.argv[2].strip()}):")
for name in ("skiff", "skiff-none", "floor-cgroup"):
    print(f"median {name:16} {r[name]:8.1f} ms")
print(f"skiff/floor-cgroup  {r['skiff'] / r['floor-cgroup']:6.2f}x")
print(f"skiff-none/floor-cgroup {r['skiff-none'] / r['floor-cgroup']:6.2f}x")
EOF
