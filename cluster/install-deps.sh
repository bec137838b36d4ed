#!/usr/bin/env bash
# Installs the Debian packages the local cluster is made of (root; apt). Quick when already there.
set -euo pipefail
# docker.io: only its dockerd, which test/live/pause-docker.test.ts starts privately (never as a service).
packages=(containerd runc containernetworking-plugins docker-registry skopeo busybox-static nginx-light
  iptables iproute2 conntrack jq curl openssl gcc libc6-dev util-linux procps docker.io)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[cluster] installing Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # No service may start on install (a system dockerd would add a bridge and iptables rules): a
  # policy-rc.d that denies starts, only for this install, unless the host has one already.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's nginx package may start a service on hosts with an init system; the images only need its files.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then systemctl stop nginx; fi
# Likewise docker.io's service, should one have started anyway.
if command -v systemctl >/dev/null && systemctl is-active --quiet docker 2>/dev/null; then systemctl stop docker docker.socket; fi
