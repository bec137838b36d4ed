#!/usr/bin/env bash
# kind:up: a two-node kind cluster (kind-config.yaml) built and run offline, in a private dockerd.
# Exit codes (README "Testing on kind"): 0 up (also when it already was), 1 kind create failed,
# 3 dockerd could not start, 4 the name or the network's address is taken, 5 a build failed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
started=$(date +%s)
mkdir -p "$KIND_CACHE"
exec 9> "$KIND_CACHE/kind.lock"
flock -n 9 || die "another kind:up or kind:down is running" $EXIT_TAKEN

named=$(grep -oE 'image: *[^ ]+' "$KIND_CONFIG" | awk '{print $2}' | sort -u)
[[ $named == "$NODE_IMAGE" ]] || die "kind-config.yaml names ${named//$'\n'/, }; the project builds $NODE_IMAGE (KUBE_VERSION in cluster/versions.env)" $EXIT_BUILD
bash "$kind_dir/dockerd.sh" start
if "$KIND_BIN" get clusters 2>/dev/null | grep -qxF "$KIND_CLUSTER"; then
  if [[ -s $KUBECONFIG_KIND ]] && kubectl --kubeconfig "$KUBECONFIG_KIND" get --raw /readyz > /dev/null 2>&1; then
    log "the kind cluster $KIND_CLUSTER is already up: eval \"\$(npm run kind:env --silent)\""
    exit 0
  fi
  die "a kind cluster named $KIND_CLUSTER exists but does not answer; npm run kind:down removes it" $EXIT_TAKEN
fi
bash "$kind_dir/build-node-image.sh"

# kind's network, made here with a fixed subnet (kind takes an existing network named "kind"): the
# node image names the registry mirror at its gateway.
if ! docker network inspect "$KIND_NETWORK" > /dev/null 2>&1; then
  if ip -4 route show to match "$KIND_GATEWAY" | grep -qv '^default'; then
    die "the kind network's subnet $KIND_SUBNET is already routed on this machine ($(ip -4 route show to match "$KIND_GATEWAY" | grep -v '^default' | head -1))" $EXIT_TAKEN
  fi
  docker network create --driver bridge --subnet "$KIND_SUBNET" --gateway "$KIND_GATEWAY" \
    -o com.docker.network.bridge.enable_ip_masquerade=false -o com.docker.network.driver.mtu=1500 \
    "$KIND_NETWORK" > /dev/null || die "could not create the docker network $KIND_NETWORK ($KIND_SUBNET)" $EXIT_TAKEN
fi

bash "$kind_dir/registry.sh"

# kind mounts /lib/modules into its nodes and docker creates it when missing (this VM has none):
# remembered, so that kind:down removes it again.
[[ -e /lib/modules ]] || touch "$KIND_STATE/lib-modules.created"
log "creating the kind cluster $KIND_CLUSTER ($NODE_IMAGE)"
"$KIND_BIN" create cluster --config "$KIND_CONFIG" --kubeconfig "$KUBECONFIG_KIND" --wait 3m ||
  die "kind create cluster failed (the lines above say where)" 1
chmod 0600 "$KUBECONFIG_KIND"
log "kind cluster $KIND_CLUSTER up in $(($(date +%s) - started)) s: eval \"\$(npm run kind:env --silent)\""
