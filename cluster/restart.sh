#!/usr/bin/env bash
# cluster:restart -- COMPONENT: stops one component and starts it again (for fault tests).
# Restarting containerd leaves running containers alone (their shims keep them), as on a real node.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$cluster_dir/components.sh"
name=${1:-}
[[ -n $name ]] || die "usage: npm run cluster:restart -- COMPONENT (one of: ${COMPONENTS[*]})"
[[ " ${COMPONENTS[*]} " == *" $name "* ]] || die "unknown component '$name' (one of: ${COMPONENTS[*]})"
[[ -d $STATE/run ]] || die "the cluster is not up (npm run cluster:up)"
log "restarting $name"
stop_component "$name"
start_component "$name"
wait_healthy "$name" 90
log "$name is healthy again"
