# Shared settings and helpers for the kind scripts (cluster/kind/*.sh). Sourced, not run.
# shellcheck source=../lib.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/lib.sh"
kind_dir=$cluster_dir/kind
log() { printf '[kind] %s\n' "$*" >&2; }
die() { printf '[kind] error: %s\n' "$1" >&2; exit "${2:-1}"; }

# Where the running kind cluster's private dockerd lives (socket, pid file, exec root, logs).
# Removed by kind:down. Images stay in KIND_CACHE/docker, so a second kind:up does not rebuild them.
KIND_STATE=${PODLENS_KIND_STATE:-/var/lib/podlens-kind}
KIND_CACHE=$PODLENS_CACHE/kind
DOCKER_SOCK=$KIND_STATE/docker.sock
export DOCKER_HOST=unix://$DOCKER_SOCK
KIND_BIN=$KIND_CACHE/bin/kind-$KIND_VERSION/kind
KIND_CONFIG=$cluster_dir/../kind-config.yaml
KIND_CLUSTER=$(awk '/^name:/ {print $2}' "$KIND_CONFIG")
KUBECONFIG_KIND=$KIND_STATE/kubeconfig
# kind's network is made by kind:up before kind runs (kind uses an existing network named "kind"),
# with a fixed subnet, so that the node image can name the registry mirror at the gateway.
KIND_NETWORK=kind
KIND_SUBNET=172.30.0.0/24
KIND_GATEWAY=172.30.0.1
KIND_REGISTRY_ADDR=$KIND_GATEWAY:${REGISTRY_ADDR##*:}
NODE_IMAGE=kindest/node:$KUBE_VERSION

# Documented exit codes of kind:up (README "Testing on kind").
EXIT_DOCKERD=3   # the private dockerd could not start
EXIT_TAKEN=4     # a kind cluster of that name, or the network's address, is taken by something else
EXIT_BUILD=5     # building kind or the node image failed

dockerd_pid() { cat "$KIND_STATE/dockerd.pid" 2>/dev/null || true; }
# dockerd_alive: the recorded dockerd runs and is ours (its command line names the state directory).
dockerd_alive() {
  local pid; pid=$(dockerd_pid)
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$KIND_STATE"
}
