# How each component is configured, started and checked. Sourced by up.sh and restart.sh.
# Modelled on hack/local-up-cluster.sh (order, flags, identities), as separate local processes.

write_configs() {
  mkdir -p "$STATE"/{run,logs,etcd,containerd/certs.d,cni/net.d,cni/ipam,kubelet,registry}
  # Registry: images live in the cache so a new cluster does not rebuild or re-push them.
  cat > "$STATE/registry/config.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $PODLENS_CACHE/registry }
  delete: { enabled: true }
http: { addr: $REGISTRY_ADDR }
YAML
  # Pulls of docker.io/* and registry.k8s.io/* go to the local registry, so manifests stay unchanged.
  local host
  for host in docker.io registry.k8s.io; do
    mkdir -p "$STATE/containerd/certs.d/$host"
    cat > "$STATE/containerd/certs.d/$host/hosts.toml" <<TOML
server = "http://$REGISTRY_ADDR"
[host."http://$REGISTRY_ADDR"]
  capabilities = ["pull", "resolve"]
TOML
  done
  # restrict_oom_score_adj: this VM lacks CAP_SYS_RESOURCE, so runc cannot lower oom_score_adj
  # and every container would fail with "can't get final child's PID from pipe" without it.
  cat > "$STATE/containerd/config.toml" <<TOML
version = 2
root = "$STATE/containerd/root"
state = "$STATE/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$STATE/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:$PAUSE_TAG"
  restrict_oom_score_adj = true
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$STATE/containerd/certs.d"
TOML
  cat > "$STATE/cni/net.d/10-podlens.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$STATE/cni/ipam",
                "ranges": [[{ "subnet": "${POD_CIDR%/*}/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  cat > "$STATE/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $STATE/pki/ca.crt }
authorization: { mode: Webhook }
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
# Kubernetes 1.34 still runs on cgroup v1 (this VM's hierarchy) when told to.
failCgroupV1: false
# The VM cannot lower oom_score_adj (no CAP_SYS_RESOURCE).
oomScoreAdj: 0
failSwapOn: false
serializeImagePulls: false
rotateCertificates: false
clusterDomain: cluster.local
# No DNS server runs in this cluster (no CoreDNS image offline); the address keeps the kubelet from
# warning about every pod (MissingClusterDNS) and is what kubeadm clusters use.
clusterDNS: ["10.96.0.10"]
evictionHard: { memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%" }
imageGCHighThresholdPercent: 100
YAML
}

# start_cmd NAME: prints the command line of a component, one argument per line.
start_cmd() {
  local pki=$STATE/pki
  case $1 in
    registry) printf '%s\n' docker-registry serve "$STATE/registry/config.yml" ;;
    etcd) printf '%s\n' "$KUBE_BIN/etcd" --name default --data-dir "$STATE/etcd" \
      --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
      --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
      --initial-cluster default=http://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
      --unsafe-no-fsync --log-level warn ;;
    kube-apiserver) printf '%s\n' "$KUBE_BIN/kube-apiserver" --etcd-servers http://127.0.0.1:2379 \
      --secure-port "$APISERVER_PORT" --advertise-address "$NODE_IP" \
      --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
      --client-ca-file "$pki/ca.crt" --authorization-mode Node,RBAC --allow-privileged=true \
      --enable-admission-plugins NodeRestriction \
      --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
      --service-account-issuer https://kubernetes.default.svc.cluster.local \
      --service-cluster-ip-range "$SERVICE_CIDR" \
      --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
      --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
      --kubelet-preferred-address-types InternalIP,Hostname ;;
    containerd) printf '%s\n' containerd --config "$STATE/containerd/config.toml" ;;
    kube-controller-manager) printf '%s\n' "$KUBE_BIN/kube-controller-manager" \
      --kubeconfig "$STATE/controller-manager.kubeconfig" \
      --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
      --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
      --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
      --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
      --use-service-account-credentials --leader-elect=false --bind-address 127.0.0.1 ;;
    kube-scheduler) printf '%s\n' "$KUBE_BIN/kube-scheduler" --kubeconfig "$STATE/scheduler.kubeconfig" \
      --authentication-kubeconfig "$STATE/scheduler.kubeconfig" \
      --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
      --leader-elect=false --bind-address 127.0.0.1 ;;
    kubelet) printf '%s\n' "$KUBE_BIN/kubelet" --config "$STATE/kubelet/config.yaml" \
      --kubeconfig "$STATE/kubelet.kubeconfig" --root-dir "$STATE/kubelet/root" \
      --node-ip "$NODE_IP" --hostname-override "$NODE_NAME" ;;
    *) die "unknown component: $1 (one of: ${COMPONENTS[*]})" ;;
  esac
}

# healthy NAME: succeeds when the component answers its health endpoint.
healthy() {
  local c=(curl -fs --max-time 2 -o /dev/null)
  case $1 in
    registry) "${c[@]}" "http://$REGISTRY_ADDR/v2/" ;;
    etcd) "${c[@]}" http://127.0.0.1:2379/health ;;
    kube-apiserver) "${c[@]}" --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" \
      --key "$STATE/pki/admin.key" "https://127.0.0.1:$APISERVER_PORT/readyz" ;;
    containerd) ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1 ;;
    kube-controller-manager) "${c[@]}" -k https://127.0.0.1:10257/healthz ;;
    kube-scheduler) "${c[@]}" -k https://127.0.0.1:10259/healthz ;;
    kubelet) "${c[@]}" http://127.0.0.1:10248/healthz ;;
  esac
}

# The TCP port each component listens on; another process on it would answer the health check
# in the component's place.
declare -A COMPONENT_PORT=([registry]=${REGISTRY_ADDR##*:} [etcd]=2379 [kube-apiserver]=$APISERVER_PORT
  [kube-controller-manager]=10257 [kube-scheduler]=10259 [kubelet]=10250)

start_component() {
  local name=$1
  local port=${COMPONENT_PORT[$name]:-}
  if [[ -n $port ]] && [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]; then
    local holder
    holder=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -oP 'users:\(\("\K[^"]+' | head -1)
    die "cannot start $name: port $port is already taken by ${holder:-another process} (not started by this cluster)"
  fi
  local -a cmd
  mapfile -t cmd < <(start_cmd "$name")
  echo "=== $(date -u +%FT%TZ) starting: ${cmd[*]}" >> "$STATE/logs/$name.log"
  # setsid: the component outlives this script and is not killed by the terminal's Ctrl-C.
  # 9>&-: it must not inherit the lock (fd 9) that up.sh and down.sh hold.
  setsid "${cmd[@]}" >> "$STATE/logs/$name.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$STATE/run/$name.pid"
}

# wait_healthy NAME SECONDS: on failure, names the component and prints its log's tail.
wait_healthy() {
  local name=$1 deadline=$((SECONDS + $2))
  until healthy "$name"; do
    if ! alive "$name"; then
      fail_component "$name" "exited during start-up"
    fi
    if ((SECONDS >= deadline)); then
      fail_component "$name" "not healthy after $2 s"
    fi
    sleep 0.3
  done
}

fail_component() {
  printf '[cluster] error: %s %s. Last lines of %s:\n' "$1" "$2" "$STATE/logs/$1.log" >&2
  tail -n 25 "$STATE/logs/$1.log" >&2
  exit 1
}

stop_component() {
  local name=$1 pid
  pid=$(pid_of "$name")
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$STATE/run/$name.pid"
}
