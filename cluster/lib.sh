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
# The registry: on loopback for this machine's containerd and skopeo; and on the gateway of a
# Docker network named kind when one exists here (its nodes pull from there): see registry_gateway.
REGISTRY_ADDR=${PODLENS_REGISTRY_ADDR:-127.0.0.1:5111}
POD_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
SERVICE_IP=10.96.0.1
# The kube-dns Service's ClusterIP, which the kubelet announces to pods (kubeadm's: the tenth address).
DNS_IP=10.96.0.10
CLUSTER_DOMAIN=cluster.local
BRIDGE=podlens0
CNI_NETWORK=podlens
NODE_NAME=$(hostname | tr 'A-Z' 'a-z')
NODE_IP=$(ip -4 route get 1.1.1.1 2>/dev/null | grep -oP 'src \K[0-9.]+' || echo 127.0.0.1)
CONTAINERD_SOCK=$STATE/containerd/containerd.sock
# The binary is cached per Kubernetes version and per source of our own hyperkube main.
KUBE_BIN=$PODLENS_CACHE/bin/$KUBE_VERSION-$(cat "$cluster_dir"/hyperkube/*.go | sha256sum | cut -c1-12)
# Components in start order; cluster:down stops them in reverse. CoreDNS is not one: it runs as a
# pod (cluster/addons/coredns.yaml), as kubeadm runs it.
COMPONENTS=(registry registry-gateway etcd kube-apiserver containerd kube-controller-manager kube-scheduler
  kubelet kube-proxy)

# registry_gateway: prints the address of the second registry listener, or nothing when there is
# none. PODLENS_REGISTRY_GATEWAY=IP sets it (empty: none); otherwise the IPv4 gateway of a Docker
# network named kind, when `docker` answers (with the caller's DOCKER_HOST) and that address is on an
# interface of this machine. Never 0.0.0.0: the registry takes pushes without authentication.
registry_gateway() {
  local ip
  if [[ -v PODLENS_REGISTRY_GATEWAY ]]; then
    ip=$PODLENS_REGISTRY_GATEWAY
  elif command -v docker >/dev/null; then
    ip=$(timeout 5 docker network inspect kind --format '{{range .IPAM.Config}}{{.Gateway}} {{end}}' 2>/dev/null \
      | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' | head -1 || true)
  fi
  [[ -n ${ip:-} ]] || return 0
  [[ $ip != 0.0.0.0 ]] || die "PODLENS_REGISTRY_GATEWAY=0.0.0.0 would open the registry to every network"
  if ip -4 -o addr show | grep -qF " $ip/"; then echo "$ip:${REGISTRY_ADDR##*:}"; fi
}

pid_of() { cat "$STATE/run/$1.pid" 2>/dev/null || true; }
# alive NAME: its recorded process runs and is really ours (every component's command line names
# the state directory), not an unrelated process that reuses the pid after a reboot.
alive() {
  local pid; pid=$(pid_of "$1")
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$STATE"
}
