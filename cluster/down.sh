#!/usr/bin/env bash
# cluster:down: stops every process cluster:up started and removes what it made on the machine, and
# nothing else: pod sandboxes, network namespaces, the bridge, the iptables rules of its CNI network,
# kube-proxy and the kubelet, mounts and cgroups under its own names, the files of its own
# containers among containerd 1.6's fixed paths, and the state directory. The cache (binaries,
# images) stays. Safe to run when nothing is up. Says what it removed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$cluster_dir/components.sh"

[[ $(id -u) == 0 ]] || die "cluster:down needs root"
if [[ ${1:-} != --locked ]]; then
  mkdir -p "$PODLENS_CACHE"
  exec 9>"$PODLENS_CACHE/cluster.lock"
  flock 9
fi
did=()

# 0. kwok (fake nodes, cluster/kwok.sh), if it runs: its nodes go with etcd's data below.
"$cluster_dir/kwok.sh" stop || true

# 1. Stop the kubelet first so it does not recreate what is being removed, then let containerd
#    tear the pods down itself (CNI DEL releases IPs, veths, netns files and masquerade rules).
#    The ids of its containers and the sockets of its shims name what is ours among containerd 1.6's
#    fixed paths (/run/containerd/s, /run/containerd/runc/k8s.io), which a system containerd shares.
stopped=()
if alive kubelet; then stopped+=(kubelet); fi
stop_component kubelet
ours_ids=() ours_sockets=()
if alive containerd && [[ -S $CONTAINERD_SOCK ]]; then
  mapfile -t ours_ids < <(ctr --address "$CONTAINERD_SOCK" -n k8s.io containers ls -q 2>/dev/null || true)
  if removed=$(timeout 90 "$KUBE_BIN/hyperkube" remove-sandboxes "unix://$CONTAINERD_SOCK" 2>/dev/null); then
    did+=("$removed through containerd")
  else
    log "some pod sandboxes could not be removed through the runtime; cleaning up by force"
  fi
fi
shims=$(pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" || true)
for pid in $shims; do
  mapfile -t -O "${#ours_sockets[@]}" ours_sockets < <(ss -Hlxp 2>/dev/null | grep -F "pid=$pid," | grep -oE '/run/containerd/s/[0-9a-f]+')
done
for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
  alive "${COMPONENTS[$i]}" && stopped+=("${COMPONENTS[$i]}")
  stop_component "${COMPONENTS[$i]}"
done
((${#stopped[@]} == 0)) || did+=("stopped $(IFS=,; echo "${stopped[*]}" | sed 's/,/, /g')")

# 2. Whatever is left (a crashed or killed cluster): our shims, container processes in the kubelet's
#    cgroups, then those cgroups.
shims=$(pgrep -f "containerd-shim-runc-v2 .*-address $CONTAINERD_SOCK" || true)
if [[ -n $shims ]]; then
  # shellcheck disable=SC2086 # one pid per word
  kill -KILL $shims 2>/dev/null || true
  did+=("killed $(wc -w <<<"$shims") leftover containerd shim(s) of this cluster")
fi
for cg in /sys/fs/cgroup/*/kubepods; do
  [[ -d $cg ]] || continue
  find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
done
sleep 0.2
cgroups=0
for cg in /sys/fs/cgroup/*/kubepods; do
  [[ -d $cg ]] || continue
  find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  [[ -d $cg ]] || cgroups=$((cgroups + 1))
done
((cgroups == 0)) || did+=("removed the kubepods cgroup in $cgroups hierarchies")

# 3. Mounts under the state directory (volumes, rootfs overlays, sandbox shm) and the pods' netns.
mounts=0 netns=0
if [[ -d $STATE ]]; then
  while read -r target; do
    umount -l "$target" 2>/dev/null && mounts=$((mounts + 1))
  done < <(findmnt -rn -o TARGET | grep -F "$STATE" | sort -r || true)
fi
for ns in /run/netns/cni-*; do
  [[ -e $ns ]] || continue
  umount -l "$ns" 2>/dev/null || true
  rm -f "$ns" && netns=$((netns + 1))
done
rmdir /run/netns 2>/dev/null || true
((mounts == 0)) || did+=("unmounted $mounts mount(s) under $STATE")
((netns == 0)) || did+=("removed $netns pod network namespace(s)")

# 4. Network: the bridge (its veths go with it), the rules of our CNI network (the bridge plugin
#    tags them with the network's name; portmap's chains), and kube-proxy's and the kubelet's KUBE-*
#    chains, in iptables and ip6tables.
if ip link show "$BRIDGE" >/dev/null 2>&1; then
  ip link delete "$BRIDGE" && did+=("deleted the $BRIDGE bridge")
fi
rules=0 chains=0
# remove_rules CMD TABLE: our rules and chains in one table. KUBE-* chains are kube-proxy's and the
# kubelet's (KUBE-FIREWALL, KUBE-KUBELET-CANARY, KUBE-IPTABLES-HINT): all go. Of the CNI-* chains,
# which CNI networks on this machine share (portmap's CNI-HOSTPORT-*), only what our network made:
# the rules tagged with its name, then chains nothing reaches any more, then shared chains left empty.
remove_rules() {
  local cmd=$1 table=$2 rule chain rules_now changed=true
  local tag="name: \\\\?\"?$CNI_NETWORK\\\\?\""
  # The table's rules, read whole (a pipe into grep -q could end early and, under pipefail, look
  # like "no match").
  save() { "$cmd-save" -t "$table" 2>/dev/null | grep -E '^(-A|:)' || true; }
  delete_rule() {
    if eval "$cmd -t $table -D ${1#-A }" 2>/dev/null; then rules=$((rules + 1)); return 0; fi
    return 1
  }
  rules_now=$(save)
  while read -r rule; do
    [[ -n $rule ]] && { delete_rule "$rule" || true; }
  done <<<"$(grep -E '^-A ' <<<"$rules_now" | grep -E -- "$tag|^-A [A-Z]+ .*-j KUBE-" || true)"
  for chain in $(grep -oE '^:KUBE-[A-Za-z0-9_-]+' <<<"$rules_now" | tr -d :); do
    "$cmd" -t "$table" -F "$chain" 2>/dev/null || true
  done
  while $changed; do
    changed=false
    rules_now=$(save)
    for chain in $(grep -oE '^:(KUBE|CNI)-[A-Za-z0-9_-]+' <<<"$rules_now" | tr -d :); do
      if ! grep -qE -- "^-A .*-j $chain( |$)" <<<"$rules_now"; then
        "$cmd" -t "$table" -F "$chain" 2>/dev/null || true
        if "$cmd" -t "$table" -X "$chain" 2>/dev/null; then chains=$((chains + 1)); changed=true; fi
      elif [[ $chain == CNI-* ]] && ! grep -q -- "^-A $chain " <<<"$rules_now"; then
        # Empty and reached only from built-in chains: no network uses it any more.
        while read -r rule; do
          [[ -n $rule ]] && delete_rule "$rule" && changed=true
        done <<<"$(grep -E "^-A [A-Z]+ .*-j $chain( |$)" <<<"$rules_now" || true)"
      fi
    done
  done
}
# remove_portmap_chains CMD: the shared CNI-HOSTPORT-* chains of the nat table that did not exist
# before cluster:up first ran (cluster/up.sh records them): the jumps to them, then the chains. A
# state without that record (a cluster started before cluster:up kept it) counts them as ours.
remove_portmap_chains() {
  local cmd=$1 chain rule now
  now=$("$cmd-save" -t nat 2>/dev/null | grep -E '^(-A|:)' || true)
  for chain in $(grep -oE '^:CNI-HOSTPORT-[A-Za-z0-9_-]+' <<<"$now" | tr -d :); do
    grep -qxF "$chain" "$STATE/run/cni-chains.orig" 2>/dev/null && continue
    while read -r rule; do
      if [[ -n $rule ]] && eval "$cmd -t nat -D ${rule#-A }" 2>/dev/null; then rules=$((rules + 1)); fi
    done <<<"$(grep -E "^-A [A-Z]+ .*-j $chain( |$)" <<<"$now" || true)"
  done
  for chain in $(grep -oE '^:CNI-HOSTPORT-[A-Za-z0-9_-]+' <<<"$now" | tr -d :); do
    grep -qxF "$chain" "$STATE/run/cni-chains.orig" 2>/dev/null && continue
    "$cmd" -t nat -F "$chain" 2>/dev/null || true
    if "$cmd" -t nat -X "$chain" 2>/dev/null; then chains=$((chains + 1)); fi
  done
}
for cmd in iptables ip6tables; do
  command -v "$cmd" >/dev/null || continue
  for table in nat filter mangle; do remove_rules "$cmd" "$table"; done
  remove_portmap_chains "$cmd"
done
((rules + chains == 0)) || did+=("removed $rules iptables rule(s) and $chains chain(s) (KUBE-*, CNI-* of network $CNI_NETWORK)")
if [[ -f $STATE/run/ip_forward.orig ]]; then
  orig=$(cat "$STATE/run/ip_forward.orig")
  if [[ $(cat /proc/sys/net/ipv4/ip_forward) != "$orig" ]]; then
    sysctl -qw net.ipv4.ip_forward="$orig" && did+=("set net.ipv4.ip_forward back to $orig")
  fi
fi

# 5. Files: the state directory, our containers' files among containerd 1.6's fixed paths, the CNI
#    results of our network, and what of /var/lib/kubelet cluster:up found absent.
files=()
for socket in "${ours_sockets[@]}"; do rm -f "$socket" && files+=("$socket"); done
for id in "${ours_ids[@]}"; do
  [[ -e /run/containerd/runc/k8s.io/$id ]] && rm -rf "/run/containerd/runc/k8s.io/$id" && files+=("/run/containerd/runc/k8s.io/$id")
done
for f in /var/lib/cni/results/"$CNI_NETWORK"-* /var/lib/cni/networks/"$CNI_NETWORK"; do
  [[ -e $f ]] && rm -rf "$f" && files+=("$f")
done
if [[ -f $STATE/run/created-paths ]]; then
  while read -r path; do
    [[ $path == /var/lib/kubelet* && -e $path ]] && rm -rf "$path" && files+=("$path")
  done < <(sort -r "$STATE/run/created-paths")
fi
# Parent directories go only when empty: a system containerd keeps its own files in them.
rmdir /run/containerd/s /run/containerd/runc/k8s.io /run/containerd/runc /run/containerd \
  /var/lib/cni/results /var/lib/cni/networks /var/lib/cni 2>/dev/null || true
((${#files[@]} == 0)) || did+=("removed ${#files[@]} file(s) outside the state directory: ${files[*]}")
if [[ -d $STATE ]]; then rm -rf "$STATE" && did+=("removed $STATE"); fi
if ((${#did[@]} == 0)); then
  log "cluster down: nothing of it was on this machine"
else
  for line in "${did[@]}"; do log "$line"; done
  log "cluster down"
fi
