#!/usr/bin/env bash
# cluster:down: stops every process cluster:up started and removes what it made on the machine:
# pod sandboxes, network namespaces, the bridge, masquerade rules, mounts, cgroups and the state
# directory. The cache (binaries, images) stays. Safe to run when nothing is up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$cluster_dir/components.sh"

[[ $(id -u) == 0 ]] || die "cluster:down needs root"
if [[ ${1:-} != --locked ]]; then
  mkdir -p "$PODLENS_CACHE"
  exec 9>"$PODLENS_CACHE/cluster.lock"
  flock 9
fi

# 0. kwok (fake nodes, cluster/kwok.sh), if it runs: its nodes go with etcd's data below.
"$cluster_dir/kwok.sh" stop || true

# 1. Stop the kubelet first so it does not recreate what is being removed, then let containerd
#    tear the pods down itself (CNI DEL releases IPs, veths, netns files and masquerade rules).
stop_component kubelet
if alive containerd && [[ -S $CONTAINERD_SOCK ]]; then
  timeout 90 "$KUBE_BIN/hyperkube" remove-sandboxes "unix://$CONTAINERD_SOCK" >/dev/null 2>&1 \
    || log "some pod sandboxes could not be removed through the runtime; cleaning up by force"
fi
for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do stop_component "${COMPONENTS[$i]}"; done

# 2. Whatever is left (a crashed or killed cluster): shims, container processes, their cgroups.
pkill -KILL -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" 2>/dev/null || true
for cg in /sys/fs/cgroup/*/kubepods; do
  [[ -d $cg ]] || continue
  find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
done
sleep 0.2
for cg in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/*/podruntime /sys/fs/cgroup/*/system.slice/containerd.service; do
  [[ -d $cg ]] && find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
done

# 3. Mounts under the state directory (volumes, rootfs overlays, sandbox shm) and the pods' netns.
if [[ -d $STATE ]]; then
  { findmnt -rn -o TARGET | grep -F "$STATE" || true; } | sort -r | while read -r target; do
    umount -l "$target" 2>/dev/null || true
  done
fi
for ns in /run/netns/cni-*; do
  [[ -e $ns ]] || continue
  umount -l "$ns" 2>/dev/null || true
  rm -f "$ns"
done
rmdir /run/netns 2>/dev/null || true

# 4. Network: the bridge (its veths go with it) and the rules CNI's bridge and portmap plugins made.
ip link delete "$BRIDGE" 2>/dev/null || true
remove_cni_rules() {
  local table=$1 chain rule
  # Rules in built-in chains that jump to CNI chains for our network (the bridge plugin tags them
  # with a comment naming the network) or to portmap's chains.
  { iptables-save -t "$table" 2>/dev/null | grep -E '^-A (POSTROUTING|PREROUTING|OUTPUT|FORWARD|INPUT) ' \
    | grep -E "name: \\\\?\"?$CNI_NETWORK|-j CNI-HOSTPORT|-j CNI-FORWARD" || true; } | while read -r rule; do
      eval "iptables -t $table -D ${rule#-A }" 2>/dev/null || true
    done
  for chain in $(iptables-save -t "$table" 2>/dev/null | grep -oE '^:CNI-[A-Za-z0-9_-]+' | tr -d :); do
    if ! iptables-save -t "$table" | grep -E "^-A [A-Z]+ " | grep -v "^-A CNI-" | grep -q -- "-j $chain\b"; then
      iptables -t "$table" -F "$chain" 2>/dev/null || true
      iptables -t "$table" -X "$chain" 2>/dev/null || true
    fi
  done
}
remove_cni_rules nat
remove_cni_rules filter
if [[ -f $STATE/run/ip_forward.orig ]]; then
  sysctl -qw net.ipv4.ip_forward="$(cat "$STATE/run/ip_forward.orig")" || true
fi

# 5. Files: the state directory and the paths containerd 1.6 uses whatever its config says.
rm -rf "$STATE"
rm -rf /run/containerd/s /run/containerd/runc/k8s.io /var/lib/cni/results /var/lib/cni/networks/"$CNI_NETWORK"
rmdir /run/containerd/runc /run/containerd /var/lib/cni/networks /var/lib/cni 2>/dev/null || true
log "cluster down"
