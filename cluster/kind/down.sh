#!/usr/bin/env bash
# kind:down: deletes the kind cluster, its network and registry, stops the private dockerd and removes
# what it leaves on the machine (processes, mounts, iptables rules, $KIND_STATE). The node image stays
# in the cache for the next kind:up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mkdir -p "$KIND_CACHE"
exec 9> "$KIND_CACHE/kind.lock"
flock -w 300 9 || die "another kind:up or kind:down is still running" $EXIT_TAKEN
# remove_nodes: the node containers, forced. When dockerd gets no exit event for a kill (seen once in
# CI), the container's init (the node's systemd) is killed directly, which ends its pid namespace.
remove_nodes() {
  local containers c pid attempt
  for attempt in 1 2 3; do
    containers=$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=$KIND_CLUSTER")
    [[ -z $containers ]] && return 0
    docker rm -f -v $containers > /dev/null 2>&1 && return 0
    for c in $containers; do
      pid=$(docker inspect -f '{{.State.Pid}}' "$c" 2>/dev/null || true)
      [[ -n $pid && $pid != 0 ]] && kill -9 "$pid" 2>/dev/null || true
    done
    sleep 2
  done
  log "could not remove the node containers $containers"
  return 1
}
failed=0
if dockerd_alive; then
  if [[ -x $KIND_BIN ]] && "$KIND_BIN" get clusters 2>/dev/null | grep -qxF "$KIND_CLUSTER"; then
    log "deleting the kind cluster $KIND_CLUSTER"
    "$KIND_BIN" delete cluster --name "$KIND_CLUSTER" --kubeconfig "$KUBECONFIG_KIND" > /dev/null 2>&1 ||
      log "kind delete cluster failed; removing the node containers directly"
  fi
  remove_nodes || failed=1
  docker network rm "$KIND_NETWORK" > /dev/null 2>&1 || true
  docker volume prune -f > /dev/null 2>&1 || true
fi
if [[ -f $KIND_STATE/lib-modules.created ]]; then rmdir /lib/modules 2>/dev/null || true; fi
bash "$kind_dir/dockerd.sh" stop
((failed == 0)) || die "kind:down stopped the private dockerd, but removing the node containers failed (above)" 1
log "kind cluster $KIND_CLUSTER down"
