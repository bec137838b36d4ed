#!/usr/bin/env bash
# cluster:fake-nodes: fake nodes and pod lifecycles with KWOK (sigs.k8s.io/kwok), for scale tests
# and benchmarks on the local cluster (or any cluster $KUBECONFIG names, when not root).
#
#   bash cluster/kwok.sh up N     N fake nodes (kwok-node-0 .. N-1) and a running kwok; idempotent,
#                                 fake nodes beyond N are removed
#   bash cluster/kwok.sh down     removes the fake nodes (and so their pods) and stops kwok
#   bash cluster/kwok.sh stop     stops kwok only (cluster:down uses it; the nodes go with etcd)
#   bash cluster/kwok.sh status
#
# kwok runs standalone as a local process with the admin kubeconfig and the Stage definitions of
# cluster/kwok/stages.yaml (node heartbeat and lease, pod create -> init containers -> ready ->
# delete). It manages only nodes labelled type=kwok. The fake nodes carry the taint
# kwok.x-k8s.io/node=fake:NoSchedule, so real pods never land on them; a pod meant for them says:
#   nodeSelector: { type: kwok }
#   tolerations: [{ key: kwok.x-k8s.io/node, operator: Exists, effect: NoSchedule }]
set -euo pipefail
source "$(dirname "$0")/lib.sh"

KWOK_VERSION=v0.8.0
KWOK_BIN=$PODLENS_CACHE/kwok/$KWOK_VERSION/kwok
KWOK_CONFIG=$cluster_dir/kwok/stages.yaml
KUBECONFIG_FILE=${PODLENS_KWOK_KUBECONFIG:-$STATE/admin.kubeconfig}
RUN_DIR=$STATE/run
LOG_DIR=$STATE/logs
[[ -f $KUBECONFIG_FILE ]] || KUBECONFIG_FILE=${KUBECONFIG:-}
k() {
  [[ -n $KUBECONFIG_FILE && -f $KUBECONFIG_FILE ]] || die "no kubeconfig: start the cluster (npm run cluster:up) or set \$KUBECONFIG"
  kubectl --kubeconfig "$KUBECONFIG_FILE" "$@"
}

kwok_pid() { cat "$RUN_DIR/kwok.pid" 2>/dev/null || true; }
kwok_alive() {
  local pid; pid=$(kwok_pid)
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "--kubeconfig $KUBECONFIG_FILE"
}

build_kwok() {
  [[ -x $KWOK_BIN ]] && return
  command -v go >/dev/null || die "'go' is needed to build kwok $KWOK_VERSION"
  log "building kwok $KWOK_VERSION from the Go module proxy into $(dirname "$KWOK_BIN") (a few minutes, once)"
  mkdir -p "$(dirname "$KWOK_BIN")"
  GOBIN=$(dirname "$KWOK_BIN") GOFLAGS=-buildvcs=false go install "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
}

start_kwok() {
  if kwok_alive; then return; fi
  build_kwok
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  log "starting kwok $KWOK_VERSION (log: $LOG_DIR/kwok.log)"
  # fd 9 is cluster:up's lock: kwok must not inherit it. --server-address: kwok's own endpoint
  # (metrics, logs/exec of fake pods) on a port nothing else of the cluster uses; fake pods get
  # IPs from a range apart from the real pod CIDR.
  k version >/dev/null 2>&1 || die "the API server does not answer (npm run cluster:up first)"
  setsid "$KWOK_BIN" --kubeconfig "$KUBECONFIG_FILE" --config "$KWOK_CONFIG" \
    --manage-nodes-with-label-selector type=kwok --cidr 10.250.0.0/16 --node-ip 10.251.0.1 \
    --server-address 127.0.0.1:10247 >>"$LOG_DIR/kwok.log" 2>&1 </dev/null 9>&- &
  echo $! > "$RUN_DIR/kwok.pid"
  sleep 1
  kwok_alive || { tail -20 "$LOG_DIR/kwok.log" >&2; die "kwok exited at start (log above)"; }
}

stop_kwok() {
  local pid; pid=$(kwok_pid)
  if kwok_alive; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    log "kwok stopped"
  fi
  rm -f "$RUN_DIR/kwok.pid"
}

node_manifest() {
  local i
  for ((i = 0; i < $1; i++)); do
    cat <<YAML
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  labels: { type: kwok, kubernetes.io/hostname: kwok-node-$i, kubernetes.io/os: linux, kubernetes.io/arch: amd64 }
  annotations: { kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0" }
spec:
  taints: [{ key: kwok.x-k8s.io/node, value: fake, effect: NoSchedule }]
YAML
  done
}

wait_ready() {
  local want=$1 deadline=$((SECONDS + 120)) ready
  while :; do
    ready=$(k get nodes -l type=kwok -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c True || true)
    ((ready >= want)) && break
    ((SECONDS < deadline)) || die "only $ready of $want fake nodes became Ready within 120 s (see $LOG_DIR/kwok.log)"
    sleep 0.5
  done
}

case ${1:-} in
  up)
    n=${2:-}
    [[ $n =~ ^[0-9]+$ ]] || die "usage: cluster/kwok.sh up N (N fake nodes)"
    if ((n == 0)); then exec "$0" down; fi
    start_kwok
    node_manifest "$n" | k apply -f - >/dev/null
    # Fake nodes beyond N (from an earlier, larger run) go: only kwok-node-<i>, never a fake node
    # someone else created with the label under another name (a test's own node).
    extra=$(k get nodes -l type=kwok -o name | sed -n 's|^node/kwok-node-\([0-9][0-9]*\)$|\1|p' | awk -v n="$n" '$1 >= n { print "node/kwok-node-" $1 }')
    [[ -z $extra ]] || k delete $extra --wait=false >/dev/null
    wait_ready "$n"
    log "$n fake node(s) Ready (label type=kwok, taint kwok.x-k8s.io/node=fake:NoSchedule)"
    ;;
  down)
    nodes=$(k get nodes -l type=kwok -o name 2>/dev/null || true)
    if [[ -n $nodes ]]; then
      # Pods on deleted nodes would be removed by the pod garbage collector, later: remove them now.
      k get pods -A -o jsonpath='{range .items[*]}{.spec.nodeName} {.metadata.namespace} {.metadata.name}{"\n"}{end}' \
        | awk '$1 ~ /^kwok-node-/ { print $2, $3 }' | sort | awk '
            $1 != ns { if (ns != "") print ns names; ns = $1; names = "" } { names = names " " $2 } END { if (ns != "") print ns names }' \
        | while read -r ns names; do
            # shellcheck disable=SC2086
            k delete pods -n "$ns" $names --grace-period=0 --force --wait=false >/dev/null 2>&1 || true
          done
      k delete nodes -l type=kwok --wait=false >/dev/null
      log "fake nodes removed"
    fi
    stop_kwok
    ;;
  stop) stop_kwok ;;
  status)
    if kwok_alive; then echo "kwok: running (pid $(kwok_pid))"; else echo "kwok: not running"; fi
    k get nodes -l type=kwok --no-headers 2>/dev/null | awk '{ print $2 }' | sort | uniq -c | sed 's/^/  fake nodes: /' || true
    ;;
  build) build_kwok ;;
  *) die "usage: cluster/kwok.sh up N | down | stop | status | build" ;;
esac
