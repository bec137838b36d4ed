#!/usr/bin/env bash
# Installs the Debian packages the local cluster is made of that are missing (root; apt), saying
# which and why. Quick when all are there. --check: prints the missing ones and exits 1 if any
# (no root needed). A service that a package's install starts is stopped again; services that ran
# before are left alone.
set -euo pipefail
declare -A why=(
  [containerd]="runs the pods' containers (CRI)"
  [runc]="containerd's container runtime"
  [containernetworking-plugins]="pod networking (bridge, host-local, portmap)"
  [docker-registry]="the local image registry"
  [skopeo]="pushes the built images to that registry"
  [busybox-static]="the busybox image and the other images' shell"
  [nginx-light]="the nginx image"
  [iptables]="Services (kube-proxy) and pod masquerading"
  [iproute2]="the node's address and the bridge"
  [conntrack]="kube-proxy's connection tracking clean-up"
  [jq]="writing image manifests"
  [curl]="health checks"
  [openssl]="the cluster's certificates"
  [gcc]="the pause image's program"
  [libc6-dev]="the pause image's program (static libc)"
  [util-linux]="flock, setsid, findmnt"
  [procps]="pgrep, sysctl"
  # Only its dockerd, which test/live/pause-docker.test.ts starts privately (never as a service).
  [docker.io]="a private dockerd for the --via docker tests and kind:up"
  [debootstrap]="the Debian root of kind:up's node image (cluster/kind)"
  [zsh]="the shell completion test loads podlens's zsh script (test/live/completion.test.ts)"
  [fish]="the shell completion test loads podlens's fish script (test/live/completion.test.ts)"
)
packages=(containerd runc containernetworking-plugins docker-registry skopeo busybox-static nginx-light
  iptables iproute2 conntrack jq curl openssl gcc libc6-dev util-linux procps docker.io debootstrap zsh fish)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${1:-} == --check ]]; then
  ((${#missing[@]} == 0)) || { echo "${missing[*]}"; exit 1; }
  exit 0
fi
if ((${#missing[@]} == 0)); then
  echo "[setup] the Debian packages of the local cluster are installed" >&2
  exit 0
fi
[[ $(id -u) == 0 ]] || { echo "[setup] error: installing Debian packages needs root: sudo bash cluster/install-deps.sh" >&2; exit 1; }
echo "[setup] installing ${#missing[@]} missing Debian package(s) for the local cluster:" >&2
for p in "${missing[@]}"; do echo "[setup]   $p: ${why[$p]}" >&2; done
services=(nginx docker docker.socket containerd)
active_before=()
if command -v systemctl >/dev/null; then
  for s in "${services[@]}"; do systemctl is-active --quiet "$s" 2>/dev/null && active_before+=("$s"); done
fi
export DEBIAN_FRONTEND=noninteractive
# No service may start on install (a system dockerd would add a bridge and iptables rules): a
# policy-rc.d that denies starts, only for this install, unless the host has one already.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "[setup] installed: ${missing[*]}" >&2
# With systemd, a package may start its service despite policy-rc.d: stop those this install
# started (active now, not before), and only those.
if command -v systemctl >/dev/null; then
  for s in "${services[@]}"; do
    [[ " ${active_before[*]} " == *" $s "* ]] && continue
    if systemctl is-active --quiet "$s" 2>/dev/null; then
      systemctl stop "$s" && echo "[setup] stopped $s, which its package's install started" >&2
    fi
  done
fi
