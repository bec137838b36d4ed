#!/usr/bin/env bash
# cluster:env: shell lines to use the local cluster: eval "$(npm run cluster:env --silent)"
source "$(dirname "$0")/lib.sh"
echo "export KUBECONFIG=$STATE/admin.kubeconfig"
echo "export CONTAINERD_ADDRESS=$CONTAINERD_SOCK"
