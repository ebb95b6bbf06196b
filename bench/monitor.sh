#!/usr/bin/env bash
# Detached containers, skiff vs podman, on the same busybox-static image:
#   1. memory of the per-container monitor of one `run -d IMG sleep`: skiff's monitor vs
#      podman's conmon (RSS from ps, PSS and private dirty from /proc/<pid>/smaps_rollup);
#   2. `ps -a` with N created containers (default 1000 for skiff).  `podman create` is slow, so
#      podman gets PODMAN_N (default 200) containers and its time is also shown scaled
#      linearly to N (said so in the output).
# Root only; podman uses a private store and containers.conf (runc, ulimits under the hard
# limits, as bench/run.sh).  Not part of CI.
# Environment: SKIFF (default build/skiff), N, PODMAN_N, RUNS (hyperfine runs, default 10).
set -euo pipefail

die () { echo "bench/monitor.sh: $*" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" -eq 0 ] || die "run as root (podman and the monitor's cgroups)"
"$repo/contrib/install-deps.sh" hyperfine podman runc
skiff=${SKIFF:-$repo/build/skiff}
if [ -z "${SKIFF:-}" ]; then
  [ -f "$repo/build/build.ninja" ] || meson setup "$repo/build"
  ninja -C "$repo/build" >/dev/null
fi
N=${N:-1000}
PODMAN_N=${PODMAN_N:-200}

tmp=$(mktemp -d /tmp/skiff-bench-mon.XXXXXX)
sk=("$skiff" --root "$tmp/skiff-root" --runroot "$tmp/skiff-run")
pm=(podman --root "$tmp/podman-root" --runroot "$tmp/podman-run")
cleanup () {
  "${sk[@]}" rm -f -a >/dev/null 2>&1 || true
  "${pm[@]}" rm -f -a >/dev/null 2>&1 || true
  "${pm[@]}" rmi -a -f >/dev/null 2>&1 || true
  findmnt -rn -o TARGET | grep "^$tmp/" | sort -r | xargs -r umount || true
  rm -rf "$tmp"
}
trap cleanup EXIT
cat >"$tmp/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF=$tmp/containers.conf

"$repo/tests/system/fixture/busybox-rootfs.sh" "$tmp/fixture" >/dev/null
"${sk[@]}" import "$tmp/fixture/rootfs.tar" bench/busybox >/dev/null
"${pm[@]}" import "$tmp/fixture/rootfs.tar" bench/busybox >/dev/null

# kB values of one process: RSS PSS Private_Dirty
mem_of () { # PID
  local rss pss priv
  rss=$(ps -o rss= -p "$1" | tr -d ' ')
  pss=$(awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup")
  priv=$(awk '/^Private_Dirty:/ { print $2 }' "/proc/$1/smaps_rollup")
  echo "$rss $pss $priv"
}

echo "== monitor memory, one detached 'sleep 300' =="
id=$("${sk[@]}" run -d bench/busybox sleep 300)
sleep 1
smon=$("${sk[@]}" inspect --format '{{.State.ConmonPid}}' "$id")
read -r s_rss s_pss s_priv < <(mem_of "$smon")
pid=$("${pm[@]}" run -d --network none bench/busybox sleep 300)
sleep 1
pmon=$("${pm[@]}" inspect --format '{{.State.ConmonPid}}' "$pid")
read -r p_rss p_pss p_priv < <(mem_of "$pmon")
printf '%-16s %8s %8s %14s\n' "" "RSS kB" "PSS kB" "private dirty"
printf '%-16s %8s %8s %14s\n' "skiff monitor" "$s_rss" "$s_pss" "$s_priv"
printf '%-16s %8s %8s %14s\n' "podman conmon" "$p_rss" "$p_pss" "$p_priv"
"${sk[@]}" rm -f "$id" >/dev/null
"${pm[@]}" rm -f "$pid" >/dev/null

echo
echo "== ps -a with created containers (skiff $N, podman $PODMAN_N) =="
seq "$N" | xargs -P 4 -I{} "${sk[@]}" create bench/busybox true >/dev/null
seq "$PODMAN_N" | xargs -P 4 -I{} "${pm[@]}" create --network none bench/busybox true >/dev/null
[ "$("${sk[@]}" ps -aq | wc -l)" -eq "$N" ] || die "skiff has not $N containers"
hyperfine -N --warmup 2 --runs "${RUNS:-10}" --export-json "$tmp/ps.json" \
  -n "skiff ps -a ($N)" "${sk[*]} ps -a" \
  -n "podman ps -a ($PODMAN_N)" "${pm[*]} ps -a"
python3 - "$tmp/ps.json" "$N" "$PODMAN_N" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
n, pn = int(sys.argv[2]), int(sys.argv[3])
s, p = res[0]["median"] * 1000, res[1]["median"] * 1000
print()
print(f"skiff  ps -a, {n} containers: {s:8.1f} ms")
print(f"podman ps -a, {pn} containers: {p:8.1f} ms (scaled linearly to {n}: {p * n / pn:8.1f} ms)")
EOF
