#!/usr/bin/env bash
# `pull` of a ~150 MB three-layer image (files of this machine's /usr/lib/python3, /usr/bin and
# /usr/share/doc, 60 + 60 + 30 MB uncompressed, gzip layers as registries usually hold) from
# Debian's docker-registry on 127.0.0.1, side by side in one hyperfine run:
#   skiff    skiff pull --tls-verify=false      (private --root, emptied before each run)
#   podman   podman pull --tls-verify=false     (private --root, overlay driver, emptied)
#   skopeo   skopeo copy docker://... dir:X     (fetch + verify + write blobs, no unpack)
# then one run of each under /usr/bin/time -v for the peak RSS.  Root only; only 127.0.0.1
# traffic.  Not part of CI.  Environment: RUNS (default 5), WARMUP (default 1), SKIFF (default
# build/skiff), BENCH_DELETE (see below).
set -euo pipefail

die () { echo "bench/pull.sh: $*" >&2; exit 1; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" -eq 0 ] || die "run as root (podman)"
"$repo/contrib/install-deps.sh" hyperfine podman skopeo docker-registry python3 time
skiff=${SKIFF:-$repo/build/skiff}
[ -x "$skiff" ] || die "$skiff is not executable"

tmp=$(mktemp -d /tmp/skiff-bench-pull.XXXXXX)
podman_store=(--root "$tmp/podman-root" --runroot "$tmp/podman-run")
reg_pid=
cleanup () {
  [ -z "$reg_pid" ] || kill "$reg_pid" 2>/dev/null || true
  podman "${podman_store[@]}" rmi -a -f >/dev/null 2>&1 || true
  findmnt -rn -o TARGET | grep "^$tmp/" | sort -r | xargs -r umount || true
  rm -rf "$tmp"
}
trap cleanup EXIT
printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\nruntime = "runc"\n' \
  > "$tmp/containers.conf"
export CONTAINERS_CONF=$tmp/containers.conf

# the registry
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/reg"
printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp:\n  addr: 127.0.0.1:%s\n  secret: bench\n' \
  "$tmp/reg" "$port" > "$tmp/reg.yml"
docker-registry serve "$tmp/reg.yml" >"$tmp/reg.log" 2>&1 </dev/null &
reg_pid=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
ref=127.0.0.1:$port/bench/pull:1

# the image: three layer tars of this machine's files, capped by size
python3 - "$tmp" <<'PY'
import os, sys, tarfile
tmp = sys.argv[1]
for name, top, cap in (("l1", "/usr/lib/python3", 60), ("l2", "/usr/bin", 60), ("l3", "/usr/share/doc", 30)):
    total = 0
    with tarfile.open(f"{tmp}/{name}.tar", "w", format=tarfile.PAX_FORMAT) as t:
        for root, dirs, files in os.walk(top):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                if not os.path.isfile(p) or os.path.islink(p):
                    continue
                t.add(p, arcname=p.lstrip("/"), recursive=False)
                total += os.path.getsize(p)
                if total > cap << 20:
                    break
            if total > cap << 20:
                break
PY
python3 "$repo/tests/system/fixture/mkarchive.py" "$tmp/image.tar" <<EOF2
{"format": "docker", "tag": "localhost/bench-pull:1", "config": {"Cmd": ["/bin/sh"]},
 "layers": [{"tar": "$tmp/l1.tar"}, {"tar": "$tmp/l2.tar"}, {"tar": "$tmp/l3.tar"}]}
EOF2
skopeo copy -q --dest-tls-verify=false --dest-compress "docker-archive:$tmp/image.tar" "docker://$ref" </dev/null
echo "image: $(du -b "$tmp"/l?.tar | awk '{s += $1} END {printf "%.0f MB", s / 1e6}') uncompressed," \
  "$(du -sb "$tmp/reg" | awk '{printf "%.0f MB", $1 / 1e6}') in the registry"

sk=(--root "$tmp/skiff-root" --runroot "$tmp/skiff-run")
# Each run starts on an empty store that nothing was just deleted from: the previous run's
# store is moved aside, not removed (all go at the end).  Removing thousands of files right
# before a pull makes ext4 skip each just-freed inode (recently_deleted) on every file the
# pull creates, which cost skiff 0.4-0.5 s of a 1.9 s pull here and says nothing about pull.
# BENCH_DELETE=1 measures the old way: each store removed just before the next run.
mkdir -p "$tmp/old"
aside () { echo "{ [ ! -e $1 ] || mv $1 \$(mktemp -d -p $tmp/old)/; }"; }
if [ "${BENCH_DELETE:-0}" = 1 ]; then
  skiff_prep="rm -rf $tmp/skiff-root $tmp/skiff-run; sync"
  podman_prep="podman ${podman_store[*]} rmi -a -f >/dev/null 2>&1 || true; sync"
  skopeo_prep="rm -rf $tmp/dir; sync"
else
  skiff_prep="$(aside "$tmp/skiff-root") && rm -rf $tmp/skiff-run; sync"
  podman_prep="$(aside "$tmp/podman-root") && $(aside "$tmp/podman-run"); sync"
  skopeo_prep="$(aside "$tmp/dir"); sync"
fi
hyperfine --runs "${RUNS:-5}" --warmup "${WARMUP:-1}" --export-json "$tmp/result.json" \
  -n skiff --prepare "$skiff_prep" "$skiff ${sk[*]} pull -q --tls-verify=false $ref" \
  -n podman --prepare "$podman_prep" "podman ${podman_store[*]} pull -q --tls-verify=false $ref </dev/null" \
  -n skopeo --prepare "$skopeo_prep" "skopeo copy -q --src-tls-verify=false docker://$ref dir:$tmp/dir </dev/null"

rss () { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {printf "%.1f MiB", $2 / 1024}'; }
eval "$skiff_prep"; echo "skiff  peak RSS: $(rss "$skiff" "${sk[@]}" pull -q --tls-verify=false "$ref")"
eval "$podman_prep"; echo "podman peak RSS: $(rss podman "${podman_store[@]}" pull -q --tls-verify=false "$ref" </dev/null)"
eval "$skopeo_prep"; echo "skopeo peak RSS: $(rss skopeo copy -q --src-tls-verify=false "docker://$ref" "dir:$tmp/dir" </dev/null)"
python3 - "$tmp/result.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
print("medians: " + ", ".join(f"{k} {v:.2f} s" for k, v in r.items()))
print(f"podman / skiff = {r['podman'] / r['skiff']:.1f}x, skopeo / skiff = {r['skopeo'] / r['skiff']:.1f}x")
PY
