#!/usr/bin/env bash
# Re-captures the node-side fixtures that test/unit/node-parse.test.ts and sandbox.test.ts read:
# real `ctr`, `readlink`, `ip` and `pidof` output from a node, for the seed's shared-network pod (and,
# on the local cluster, its init-container pod), plus those pods as the API returns them.
#   the local cluster's node, containerd 1.6 (root, on the node) -> test/fixtures/node:
#     eval "$(bash cluster/env.sh)"; bash scripts/capture-node-fixtures.sh
#   the kind cluster's worker, containerd 2 (npm run kind:up; root), run in it with `docker exec`
#   -> test/fixtures/node/kind:
#     eval "$(npm run kind:env --silent)"; bash scripts/capture-node-fixtures.sh --kind
set -euo pipefail
cd "$(dirname "$0")/.."
# PODLENS_CAPTURE_NS: another namespace, so that captures on a shared cluster do not collide.
NS=${PODLENS_CAPTURE_NS:-podlens-fixtures-node}
SOCK=${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}
if [[ ${1:-} == --kind ]]; then
  KIND=true
  OUT=test/fixtures/node/kind
  NODE=podlens-worker
  on_node() { docker exec "$NODE" "$@"; }
  CTR=(on_node ctr -n k8s.io)
  PODS=(shared-network-pod)
  EXAMPLES=(-f examples/shared-network.yaml)
else
  KIND=false
  OUT=test/fixtures/node
  NODE=$(hostname)
  on_node() { "$@"; }
  CTR=(ctr --address "$SOCK" -n k8s.io)
  PODS=(shared-network-pod nginx-pod)
  EXAMPLES=(-f examples/shared-network.yaml -f examples/init-container.yaml)
fi
mkdir -p "$OUT"
rm -f "$OUT"/*.info.*.json "$OUT"/*.readlink.*.txt # ids change with every capture

kubectl get ns "$NS" >/dev/null 2>&1 || kubectl create ns "$NS"
kubectl -n "$NS" apply "${EXAMPLES[@]}"
kubectl -n "$NS" wait --for=condition=Ready "${PODS[@]/#/pod/}" --timeout=120s
[[ $(kubectl -n "$NS" get pod shared-network-pod -o jsonpath='{.spec.nodeName}') == "$NODE" ]] ||
  { echo "shared-network-pod is not on $NODE" >&2; exit 1; }

for pod in "${PODS[@]}"; do
  kubectl -n "$NS" get pod "$pod" -o json >"$OUT/$pod.pod.json"
  uid=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.metadata.uid}')
  "${CTR[@]}" containers ls "labels.\"io.kubernetes.pod.uid\"==$uid" >"$OUT/$pod.containers-ls.txt"
  for id in $(tail -n +2 "$OUT/$pod.containers-ls.txt" | awk '{print $1}'); do
    "${CTR[@]}" containers info "$id" >"$OUT/$pod.info.${id:0:12}.json"
  done
done

"${CTR[@]}" containers ls >"$OUT/node.containers-ls.txt"
"${CTR[@]}" tasks ls >"$OUT/node.tasks-ls.txt"
kubectl get pods -A --field-selector spec.nodeName="$NODE" -o json >"$OUT/node.pods.json"
for id in $(tail -n +2 "$OUT/node.containers-ls.txt" | awk '{print $1}'); do
  "${CTR[@]}" containers info "$id" >"$OUT/node.info.${id:0:12}.json"
done

# The network namespace of every running task of the shared-network pod, and the pause's addresses.
uid=$(kubectl -n "$NS" get pod shared-network-pod -o jsonpath='{.metadata.uid}')
for id in $(tail -n +2 "$OUT/shared-network-pod.containers-ls.txt" | awk '{print $1}'); do
  pid=$(awk -v id="$id" '$1 == id {print $2}' "$OUT/node.tasks-ls.txt")
  [[ -n $pid ]] && on_node readlink "/proc/$pid/ns/net" >"$OUT/shared-network-pod.readlink.${id:0:12}.txt"
done
sandbox=$(grep pause "$OUT/shared-network-pod.containers-ls.txt" | awk '{print $1}')
spid=$(awk -v id="$sandbox" '$1 == id {print $2}' "$OUT/node.tasks-ls.txt")
on_node nsenter -t "$spid" -n ip -o addr show >"$OUT/shared-network-pod.ip-addr.txt"
on_node pidof containerd >"$OUT/pidof-containerd.txt" || true
if $KIND; then
  kubectl delete ns "$NS" --wait=false >/dev/null
  echo "captured into $OUT (pod uid $uid, node $NODE)"
  exit 0
fi
# How ctr fails on a socket that does not exist, and how busybox nsenter fails on PID 1 here.
"${CTR[@]/$SOCK//nonexistent.sock}" containers ls >/dev/null 2>"$OUT/ctr-no-socket.stderr.txt" || true
echo "captured into $OUT (pod uid $uid)"

# How the helper pod sees the node (busybox, privileged, hostPID): PID 1 refusing nsenter on this VM,
# pidof, and a mount namespace without ctr (nginx's), which is what a node without ctr answers.
cat <<YAML | kubectl -n "$NS" apply -f -
apiVersion: v1
kind: Pod
metadata: {name: capture-helper}
spec:
  hostPID: true
  terminationGracePeriodSeconds: 0
  containers:
  - {name: helper, image: busybox, imagePullPolicy: IfNotPresent, command: [sleep, "300"], securityContext: {privileged: true}}
YAML
kubectl -n "$NS" wait --for=condition=Ready pod/capture-helper --timeout=60s
hx() { local out=$1; shift; local rc=0; kubectl -n "$NS" exec capture-helper -- "$@" >"$OUT/$out.stdout.txt" 2>"$OUT/$out.stderr.txt" || rc=$?; echo "$rc" >"$OUT/$out.exit.txt"; }
hx helper-nsenter-pid1 nsenter -t 1 -m -u -i -n -p -- ctr --address "$SOCK" -n k8s.io version
hx helper-pidof pidof containerd
nginx_pid=$(awk -v id="$(grep nginx "$OUT/shared-network-pod.containers-ls.txt" | awk '{print $1}')" '$1 == id {print $2}' "$OUT/node.tasks-ls.txt")
hx helper-no-ctr nsenter -t "$nginx_pid" -m -- ctr --address "$SOCK" -n k8s.io version
hx helper-ip-addr nsenter -t "$spid" -n ip -o addr show
kubectl -n "$NS" delete pod capture-helper --grace-period=0 --force >/dev/null 2>&1 || true
