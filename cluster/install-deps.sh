#!/usr/bin/env bash
# Installs the Debian packages the local cluster is made of (root; apt). Quick when already there.
set -euo pipefail
packages=(containerd runc containernetworking-plugins docker-registry skopeo busybox-static nginx-light
  iptables iproute2 conntrack jq curl openssl gcc libc6-dev util-linux procps)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[cluster] installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's nginx package may start a service on hosts with an init system; the images only need its files.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then systemctl stop nginx; fi
