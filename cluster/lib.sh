# Shared settings and helpers for the cluster scripts. Sourced, not run.
cluster_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$cluster_dir/versions.env"
PODLENS_CACHE=${PODLENS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/podlens}
log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] error: %s\n' "$*" >&2; exit 1; }

# Where the running cluster lives. Removed by cluster:down; the cache above stays.
STATE=${PODLENS_CLUSTER_STATE:-/var/lib/podlens-cluster}
APISERVER_PORT=6443
REGISTRY_ADDR=127.0.0.1:5111
POD_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1
BRIDGE=podlens0
CNI_NETWORK=podlens
NODE_NAME=$(hostname | tr 'A-Z' 'a-z')
NODE_IP=$(ip -4 route get 1.1.1.1 2>/dev/null | grep -oP 'src \K[0-9.]+' || echo 127.0.0.1)
CONTAINERD_SOCK=$STATE/containerd/containerd.sock
# The binary is cached per Kubernetes version and per source of our own hyperkube main.
KUBE_BIN=$PODLENS_CACHE/bin/$KUBE_VERSION-$(cat "$cluster_dir"/hyperkube/*.go | sha256sum | cut -c1-12)
# Components in start order; cluster:down stops them in reverse.
COMPONENTS=(registry etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet)

pid_of() { cat "$STATE/run/$1.pid" 2>/dev/null || true; }
# alive NAME: its recorded process runs and is really ours (every component's command line names
# the state directory), not an unrelated process that reuses the pid after a reboot.
alive() {
  local pid; pid=$(pid_of "$1")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$STATE"
}
