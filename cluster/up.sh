#!/usr/bin/env bash
# cluster:up: a single-node Kubernetes cluster as local processes (etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet, containerd+runc, CNI bridge, a local registry).
# Idempotent: healthy components are left alone, dead ones are restarted; a lock keeps two runs apart.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$cluster_dir/components.sh"
source "$cluster_dir/pki.sh"
started=$SECONDS

# --fake-nodes N: also N KWOK nodes (cluster/kwok.sh) once the cluster is up; 0 removes them.
fake_nodes=
while (($#)); do
  case $1 in
    --fake-nodes) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--fake-nodes needs a number"; fake_nodes=$2; shift 2 ;;
    --fake-nodes=*) fake_nodes=${1#*=}; [[ $fake_nodes =~ ^[0-9]+$ ]] || die "--fake-nodes needs a number"; shift ;;
    *) die "unknown argument: $1 (cluster:up takes --fake-nodes N)" ;;
  esac
done

[[ $(id -u) == 0 ]] || die "the local cluster needs root (it runs containerd and a kubelet); run as root or point \$KUBECONFIG at another cluster"
for cmd in containerd runc ctr docker-registry skopeo openssl jq curl go gcc iptables ip; do
  command -v "$cmd" >/dev/null || die "'$cmd' is missing: run 'bash cluster/install-deps.sh' (Debian packages)"
done
[[ -x /usr/lib/cni/bridge ]] || die "the CNI plugins are missing: run 'bash cluster/install-deps.sh'"

mkdir -p "$PODLENS_CACHE"
exec 9>"$PODLENS_CACHE/cluster.lock"
if ! flock -n 9; then
  log "another cluster:up/down is running; waiting for it"
  flock 9
fi

"$cluster_dir/build-kube.sh"

# After a reboot or a killed session the state directory may hold a dead cluster's mounts,
# sandboxes and rules: if nothing of it runs, clear it before starting anew.
any_alive=false
for c in "${COMPONENTS[@]}"; do alive "$c" && any_alive=true; done
if [[ $any_alive == false && -d $STATE ]]; then
  log "clearing the state of a cluster that is no longer running"
  "$cluster_dir/down.sh" --locked
fi

make_pki
write_configs
echo "$(cat /proc/sys/net/ipv4/ip_forward)" > "$STATE/run/ip_forward.before" 2>/dev/null || true
[[ -f $STATE/run/ip_forward.orig ]] || mv "$STATE/run/ip_forward.before" "$STATE/run/ip_forward.orig"
rm -f "$STATE/run/ip_forward.before"
# portmap's shared chains (CNI-HOSTPORT-*) hold untagged rules (its MASQUERADE mark rule), so
# cluster:down can tell them ours only by their absence before the cluster first started.
if [[ ! -f $STATE/run/cni-chains.orig ]]; then
  { iptables-save -t nat 2>/dev/null; ip6tables-save -t nat 2>/dev/null; } | grep -oE '^:CNI-HOSTPORT-[A-Za-z0-9_-]+' |
    tr -d : | sort -u > "$STATE/run/cni-chains.orig" || true
fi

declare -A budget=([registry]=20 [registry-gateway]=20 [etcd]=30 [kube-apiserver]=90 [containerd]=30
  [kube-controller-manager]=60 [kube-scheduler]=60 [kubelet]=60 [kube-proxy]=30)
# The kubelet keeps its device-plugin socket under /var/lib/kubelet whatever its root directory is:
# remember what of that path did not exist before, so that cluster:down removes just that.
for path in /var/lib/kubelet /var/lib/kubelet/device-plugins; do
  if [[ ! -e $path ]] && ! grep -qxF "$path" "$STATE/run/created-paths" 2>/dev/null; then
    echo "$path" >> "$STATE/run/created-paths"
  fi
done
for c in "${COMPONENTS[@]}"; do
  if ! wanted "$c"; then
    if alive "$c"; then log "stopping $c (no longer wanted here)"; stop_component "$c"; fi
    continue
  fi
  if alive "$c" && [[ $(cat "$STATE/run/$c.fingerprint" 2>/dev/null) != "$(fingerprint "$c")" ]]; then
    log "restarting $c: its binary, flags or configuration changed"
    stop_component "$c"
  fi
  if alive "$c" && healthy "$c"; then continue; fi
  if alive "$c"; then
    # Running but not answering yet (e.g. just started by another run): give it its budget.
    wait_healthy "$c" "${budget[$c]}" && continue
  fi
  if [[ $c == registry-gateway ]] && [[ -n $(port_holder "$(registry_gateway)") ]]; then
    # The kind network's gateway is already served (by kind's own set-up, say): theirs, not ours.
    log "not starting $c: $(registry_gateway) is already served by $(port_holder "$(registry_gateway)")"
    continue
  fi
  log "starting $c"
  start_component "$c"
  wait_healthy "$c" "${budget[$c]}"
done
# Builds and pushes the images when their sources changed (a marker makes it a no-op otherwise).
"$cluster_dir/images/push.sh"

kubectl_admin() { kubectl --kubeconfig "$STATE/admin.kubeconfig" "$@"; }
# The apiserver reaches kubelets (exec, logs, port-forward) as this user.
kubectl_admin create clusterrolebinding podlens:apiserver-kubelet-client --clusterrole system:kubelet-api-admin \
  --user kube-apiserver-kubelet-client --dry-run=client -o yaml | kubectl_admin apply -f - >/dev/null

deadline=$((SECONDS + 90))
until kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -q True; do
  ((SECONDS < deadline)) || fail_component kubelet "did not register a Ready node within 90 s"
  sleep 0.5
done
# Pods can only be admitted once the controller manager made the namespace's service account.
until kubectl_admin get serviceaccount default -n default >/dev/null 2>&1; do
  ((SECONDS < deadline)) || fail_component kube-controller-manager "did not create the default service account"
  sleep 0.5
done
# CoreDNS, as kubeadm deploys it, behind the kube-dns Service at the address the kubelet announces.
sed -e "s|\${DNS_IP}|$DNS_IP|g" -e "s|\${CLUSTER_DOMAIN}|$CLUSTER_DOMAIN|g" -e "s|\${COREDNS_VERSION}|$COREDNS_VERSION|g" \
  "$cluster_dir/addons/coredns.yaml" | kubectl_admin apply -f - >/dev/null
if ! kubectl_admin -n kube-system rollout status deployment/coredns --timeout=90s >/dev/null; then
  kubectl_admin -n kube-system get pods -l k8s-app=kube-dns -o wide >&2 || true
  die "CoreDNS did not become ready within 90 s (kubectl -n kube-system describe pods -l k8s-app=kube-dns)"
fi
# metrics-server, as its release deploys it, behind the aggregated metrics.k8s.io API. The API is
# Available once metrics-server is ready, which it is after its first scrape of the kubelet.
sed -e "s|\${METRICS_SERVER_VERSION}|$METRICS_SERVER_VERSION|g" "$cluster_dir/addons/metrics-server.yaml" |
  kubectl_admin apply -f - >/dev/null
if ! kubectl_admin wait apiservice v1beta1.metrics.k8s.io --for condition=Available --timeout 90s >/dev/null; then
  kubectl_admin get apiservice v1beta1.metrics.k8s.io >&2 || true
  kubectl_admin -n kube-system get pods -l k8s-app=metrics-server -o wide >&2 || true
  die "metrics.k8s.io did not become available within 90 s (kubectl -n kube-system logs deployment/metrics-server)"
fi
# --fake-nodes N; without it, fake nodes of an earlier --fake-nodes whose kwok is gone (after a
# reboot, say) get their kwok back.
if [[ -z $fake_nodes ]]; then
  fake_nodes=$(kubectl_admin get nodes -l type=kwok -o name 2>/dev/null | grep -c . || true)
  ((fake_nodes == 0)) || "$cluster_dir/kwok.sh" up "$fake_nodes"
elif ((fake_nodes > 0)); then
  "$cluster_dir/kwok.sh" up "$fake_nodes"
else
  "$cluster_dir/kwok.sh" down
fi
log "cluster ready in $((SECONDS - started)) s: node $NODE_NAME ($NODE_IP), Kubernetes $KUBE_VERSION"
log "use it with: eval \"\$(npm run cluster:env --silent)\""
