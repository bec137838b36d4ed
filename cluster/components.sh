# How each component is configured, started and checked. Sourced by up.sh and restart.sh.
# Modelled on hack/local-up-cluster.sh (order, flags, identities), as separate local processes.

write_configs() {
  mkdir -p "$STATE"/{run,logs,etcd,containerd/certs.d,cni/net.d,cni/ipam,kubelet,kube-proxy,registry}
  # Registry: images live in the cache so a new cluster does not rebuild or re-push them. A second
  # process serves the same storage on the kind network's gateway, when there is one (one
  # docker-registry listens on one address).
  local addr file gateway
  gateway=$(registry_gateway)
  for file in config gateway; do
    addr=$REGISTRY_ADDR
    if [[ $file == gateway ]]; then
      [[ -n $gateway ]] || { rm -f "$STATE/registry/gateway.yml"; continue; }
      addr=$gateway
    fi
    cat > "$STATE/registry/$file.yml" <<YAML
version: 0.1
log: { level: warn }
storage:
  filesystem: { rootdirectory: $PODLENS_CACHE/registry }
  delete: { enabled: true }
http: { addr: $addr }
YAML
  done
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
tlsCertFile: $STATE/pki/kubelet-serving.crt
tlsPrivateKeyFile: $STATE/pki/kubelet-serving.key
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
cgroupDriver: cgroupfs
# Kubernetes 1.34 still runs on cgroup v1 (this VM's hierarchy) when told to.
failCgroupV1: false
# The VM cannot lower oom_score_adj (no CAP_SYS_RESOURCE).
oomScoreAdj: 0
failSwapOn: false
serializeImagePulls: false
rotateCertificates: false
clusterDomain: $CLUSTER_DOMAIN
# The kube-dns Service (CoreDNS, cluster/addons/coredns.yaml), at kubeadm's address.
clusterDNS: ["$DNS_IP"]
evictionHard: { memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%" }
imageGCHighThresholdPercent: 100
YAML
  # kube-proxy as kubeadm configures it (iptables mode, health on :10256, metrics on loopback),
  # except where it would change the host beyond its own rules: conntrack limits and timeouts are
  # left as they are (0), and NodePorts are not served on 127.0.0.1 (that needs the host-wide
  # sysctl route_localnet=1); they are served on the node's addresses.
  cat > "$STATE/kube-proxy/config.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $STATE/kube-proxy.kubeconfig }
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
# bindAddress: the node IP it would otherwise wait to read from the Node object.
bindAddress: $NODE_IP
healthzBindAddress: 0.0.0.0:10256
metricsBindAddress: 127.0.0.1:10249
# The VM cannot lower oom_score_adj (no CAP_SYS_RESOURCE); kube-proxy's default is -999.
oomScoreAdj: 0
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
iptables: { localhostNodePorts: false }
YAML
}

# start_cmd NAME: prints the command line of a component, one argument per line.
start_cmd() {
  local pki=$STATE/pki
  case $1 in
    registry) printf '%s\n' docker-registry serve "$STATE/registry/config.yml" ;;
    registry-gateway) printf '%s\n' docker-registry serve "$STATE/registry/gateway.yml" ;;
    # etcd as kubeadm runs it: clients and peers only with a certificate of etcd's CA; metrics and
    # health in plain HTTP on loopback. The peer URL is on loopback too (one member).
    etcd) printf '%s\n' "$KUBE_BIN/etcd" --name default --data-dir "$STATE/etcd" \
      --listen-client-urls https://127.0.0.1:2379 --advertise-client-urls https://127.0.0.1:2379 \
      --listen-peer-urls https://127.0.0.1:2380 --initial-advertise-peer-urls https://127.0.0.1:2380 \
      --initial-cluster default=https://127.0.0.1:2380 --listen-metrics-urls http://127.0.0.1:2381 \
      --cert-file "$pki/etcd-server.crt" --key-file "$pki/etcd-server.key" \
      --client-cert-auth=true --trusted-ca-file "$pki/etcd-ca.crt" \
      --peer-cert-file "$pki/etcd-server.crt" --peer-key-file "$pki/etcd-server.key" \
      --peer-client-cert-auth=true --peer-trusted-ca-file "$pki/etcd-ca.crt" \
      --unsafe-no-fsync --log-level warn ;;
    # The aggregation layer (metrics.k8s.io, cluster/addons/metrics-server.yaml) as kubeadm sets it up,
    # except that the API server dials the extension server's pod, not its ClusterIP: until kube-proxy
    # has written a new Service's rules, a ClusterIP leaves the machine by its default route, and this
    # VM's gateway answers any HTTPS there (404), on a connection the aggregator then keeps.
    kube-apiserver) printf '%s\n' "$KUBE_BIN/kube-apiserver" --etcd-servers https://127.0.0.1:2379 \
      --etcd-cafile "$pki/etcd-ca.crt" --etcd-certfile "$pki/apiserver-etcd-client.crt" \
      --etcd-keyfile "$pki/apiserver-etcd-client.key" \
      --secure-port "$APISERVER_PORT" --advertise-address "$NODE_IP" \
      --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
      --client-ca-file "$pki/ca.crt" --authorization-mode Node,RBAC --allow-privileged=true \
      --enable-admission-plugins NodeRestriction \
      --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
      --service-account-issuer https://kubernetes.default.svc.cluster.local \
      --service-cluster-ip-range "$SERVICE_CIDR" \
      --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" \
      --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
      --kubelet-preferred-address-types InternalIP,Hostname \
      --requestheader-client-ca-file "$pki/front-proxy-ca.crt" --requestheader-allowed-names front-proxy-client \
      --requestheader-username-headers X-Remote-User --requestheader-group-headers X-Remote-Group \
      --requestheader-extra-headers-prefix X-Remote-Extra- \
      --proxy-client-cert-file "$pki/front-proxy-client.crt" --proxy-client-key-file "$pki/front-proxy-client.key" \
      --enable-aggregator-routing=true ;;
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
      --cert-dir "$STATE/kubelet/pki" --node-ip "$NODE_IP" --hostname-override "$NODE_NAME" ;;
    kube-proxy) printf '%s\n' "$KUBE_BIN/kube-proxy" --config "$STATE/kube-proxy/config.yaml" ;;
    *) die "unknown component: $1 (one of: ${COMPONENTS[*]})" ;;
  esac
}

# healthy NAME: succeeds when the component answers its health endpoint.
healthy() {
  local c=(curl -fs --max-time 2 -o /dev/null)
  case $1 in
    registry) "${c[@]}" "http://$REGISTRY_ADDR/v2/" ;;
    registry-gateway) "${c[@]}" "http://$(registry_gateway)/v2/" ;;
    etcd) "${c[@]}" http://127.0.0.1:2381/health ;;
    kube-apiserver) "${c[@]}" --cacert "$STATE/pki/ca.crt" --cert "$STATE/pki/admin.crt" \
      --key "$STATE/pki/admin.key" "https://127.0.0.1:$APISERVER_PORT/readyz" ;;
    containerd) ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1 ;;
    kube-controller-manager) "${c[@]}" -k https://127.0.0.1:10257/healthz ;;
    kube-scheduler) "${c[@]}" -k https://127.0.0.1:10259/healthz ;;
    kubelet) "${c[@]}" http://127.0.0.1:10248/healthz ;;
    kube-proxy) "${c[@]}" http://127.0.0.1:10256/healthz ;;
  esac
}

# wanted NAME: whether this machine should run the component (the gateway registry only where a
# kind network is).
wanted() {
  [[ $1 != registry-gateway ]] || [[ -n $(registry_gateway) ]]
}

# fingerprint NAME: the component's command line and the content of the files under the state
# directory it names (configuration, kubeconfigs, certificates). cluster:up restarts a running
# component whose fingerprint changed (a new binary, flag or configuration).
fingerprint() {
  local arg
  start_cmd "$1" | while read -r arg; do
    echo "$arg"
    if [[ $arg == "$STATE"/* && -f $arg ]]; then cat "$arg"; fi
  done | sha256sum | cut -c1-16
}

# The TCP address each component answers its health check on (ADDR:PORT, or PORT for every
# address); another process there would answer the health check in the component's place.
component_addr() {
  case $1 in
    registry) echo "$REGISTRY_ADDR" ;;
    registry-gateway) registry_gateway ;;
    etcd) echo 127.0.0.1:2381 ;;
    kube-apiserver) echo "$APISERVER_PORT" ;;
    kube-controller-manager) echo 127.0.0.1:10257 ;;
    kube-scheduler) echo 127.0.0.1:10259 ;;
    kubelet) echo 10250 ;;
    kube-proxy) echo 10256 ;;
  esac
}

# port_holder ADDR:PORT|PORT: the name of a process listening there (or on every address), if any.
port_holder() {
  local spec=$1 port=${1##*:} addr=
  [[ $spec == *:* ]] && addr=${spec%:*}
  ss -Hltnp "sport = :$port" 2>/dev/null | while read -r _ _ _ local _ users; do
    case ${local%:*} in
      "$addr" | 0.0.0.0 | '*' | '[::]') ;;
      *) [[ -z $addr ]] || continue ;;
    esac
    grep -oP 'users:\(\("\K[^"]+' <<<"$users" || echo "another process"
    break
  done
}

start_component() {
  local name=$1 spec holder
  spec=$(component_addr "$name")
  if [[ -n $spec ]]; then
    holder=$(port_holder "$spec")
    [[ -z $holder ]] || die "cannot start $name: $spec is already taken by $holder (not started by this cluster)"
  fi
  local -a cmd
  mapfile -t cmd < <(start_cmd "$name")
  echo "=== $(date -u +%FT%TZ) starting: ${cmd[*]}" >> "$STATE/logs/$name.log"
  # setsid: the component outlives this script and is not killed by the terminal's Ctrl-C.
  # 9>&-: it must not inherit the lock (fd 9) that up.sh and down.sh hold.
  setsid "${cmd[@]}" >> "$STATE/logs/$name.log" 2>&1 < /dev/null 9>&- &
  echo $! > "$STATE/run/$name.pid"
  fingerprint "$name" > "$STATE/run/$name.fingerprint"
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
    # Gone, sockets included, before anything starts in its place (a port still held would make
    # start_component refuse: "already taken").
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$STATE/run/$name.pid" "$STATE/run/$name.fingerprint"
}
