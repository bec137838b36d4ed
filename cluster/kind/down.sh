#!/usr/bin/env bash
# kind:down: deletes the kind cluster, its network and registry, stops the private dockerd and removes
# what it leaves on the machine (processes, mounts, iptables rules, $KIND_STATE). The node image stays
# in the cache for the next kind:up.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mkdir -p "$KIND_CACHE"
exec 9> "$KIND_CACHE/kind.lock"
flock -w 300 9 || die "another kind:up or kind:down is still running" $EXIT_TAKEN
if dockerd_alive; then
  if [[ -x $KIND_BIN ]] && "$KIND_BIN" get clusters 2>/dev/null | grep -qxF "$KIND_CLUSTER"; then
    log "deleting the kind cluster $KIND_CLUSTER"
    "$KIND_BIN" delete cluster --name "$KIND_CLUSTER" --kubeconfig "$KUBECONFIG_KIND" > /dev/null 2>&1 ||
      log "kind delete cluster failed; removing the node containers directly"
  fi
  containers=$(docker ps -aq --filter "label=io.x-k8s.kind.cluster=$KIND_CLUSTER")
  [[ -z $containers ]] || docker rm -f -v $containers > /dev/null
  docker network rm "$KIND_NETWORK" > /dev/null 2>&1 || true
  docker volume prune -f > /dev/null 2>&1 || true
fi
if [[ -f $KIND_STATE/lib-modules.created ]]; then rmdir /lib/modules 2>/dev/null || true; fi
bash "$kind_dir/dockerd.sh" stop
log "kind cluster $KIND_CLUSTER down"
