#!/usr/bin/env bash
# kind:env: shell lines to use the kind cluster: eval "$(npm run --silent kind:env)"
source "$(dirname "$0")/lib.sh"
echo "export KUBECONFIG=$KUBECONFIG_KIND"
echo "export DOCKER_HOST=$DOCKER_HOST"
