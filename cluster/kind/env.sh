#!/usr/bin/env bash
# kind:env: shell lines to use the kind cluster: eval "$(npm run kind:env --silent)"
source "$(dirname "$0")/lib.sh"
echo "export KUBECONFIG=$KUBECONFIG_KIND"
echo "export DOCKER_HOST=$DOCKER_HOST"
