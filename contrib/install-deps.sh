#!/usr/bin/env bash
# Installs skiff's Debian 12 packages with apt: what building and the demo need, and with
# --test also what the test suites use.  Idempotent: when everything is installed it does not
# touch apt at all; otherwise `apt-get update` first, then installs only what is missing.
# Usage: contrib/install-deps.sh [--test] [EXTRA_PACKAGE...]
set -euo pipefail

pkgs=(meson ninja-build pkg-config gcc libc6-dev libarchive-dev libyajl-dev libseccomp-dev
      libcap-dev libssl-dev check scdoc busybox-static
      libmnl-dev            # netlink for the bridge network (shared: Debian ships no .a)
      libcurl4-openssl-dev  # registries: headers at build time, libcurl.so.4 dlopen()ed
      # static_deps links these from their .a files (libarchive-dev does not pull them in)
      nettle-dev libacl1-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev zlib1g-dev)
if [ "${1:-}" = --test ]; then
  shift
  pkgs+=(bats uidmap iproute2 util-linux passwd python3 gzip tar zstd xz-utils tmux
        podman    # podman: a real peer for the interop tests, never a run-time dependency
        runc      # podman's runtime in the tests: apt picks crun, which refuses hybrid cgroups
        clang clang-format    # the clang-build and clang-format suites
        zsh fish              # the generated completion scripts are checked by each shell
        passt                 # pasta: rootless -p and outbound networking (65-ports)
        docker-registry skopeo apache2-utils openssl curl)  # 64-registry*: local registries, a peer client, htpasswd
fi
pkgs+=("$@")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
    || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: missing packages: ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q </dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
# Debian's docker-registry package starts a system registry on :5000; the tests start their own
# on free ports and stop them, so the packaged one is stopped and not started at boot.
if [[ " ${missing[*]} " == *" docker-registry "* ]] && command -v systemctl >/dev/null \
  && systemctl is-enabled docker-registry >/dev/null 2>&1; then
  systemctl disable --now docker-registry >/dev/null 2>&1 || true
fi
