#!/usr/bin/env bash
# Captures the containerd 2 side of the node fixtures (test/fixtures/node/kind) from the worker of the
# kind cluster (npm run kind:up), as scripts/capture-node-fixtures.sh does for the local cluster's
# containerd 1.6: real `ctr`, `readlink` and `ip` output for the seed's shared-network pod, run in
# the node with `docker exec`, and the pods as the API returns them. node-parse.test.ts and
# sandbox.test.ts run on both sets.
# Usage (root): eval "$(npm run kind:env --silent)"; bash scripts/capture-kind-node-fixtures.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=test/fixtures/node/kind
NS=podlens-fixtures-node
NODE=podlens-worker
CTR=(docker exec "$NODE" ctr -n k8s.io)
mkdir -p "$OUT"
rm -f "$OUT"/*

kubectl get ns "$NS" > /dev/null 2>&1 || kubectl create ns "$NS"
kubectl -n "$NS" apply -f examples/shared-network.yaml
kubectl -n "$NS" wait --for=condition=Ready pod/shared-network-pod --timeout=120s
[[ $(kubectl -n "$NS" get pod shared-network-pod -o jsonpath='{.spec.nodeName}') == "$NODE" ]] ||
  { echo "shared-network-pod is not on $NODE" >&2; exit 1; }

pod=shared-network-pod
kubectl -n "$NS" get pod "$pod" -o json > "$OUT/$pod.pod.json"
uid=$(kubectl -n "$NS" get pod "$pod" -o jsonpath='{.metadata.uid}')
"${CTR[@]}" containers ls "labels.\"io.kubernetes.pod.uid\"==$uid" > "$OUT/$pod.containers-ls.txt"
for id in $(tail -n +2 "$OUT/$pod.containers-ls.txt" | awk '{print $1}'); do
  "${CTR[@]}" containers info "$id" > "$OUT/$pod.info.${id:0:12}.json"
done
"${CTR[@]}" containers ls > "$OUT/node.containers-ls.txt"
"${CTR[@]}" tasks ls > "$OUT/node.tasks-ls.txt"
kubectl get pods -A --field-selector spec.nodeName="$NODE" -o json > "$OUT/node.pods.json"
for id in $(tail -n +2 "$OUT/node.containers-ls.txt" | awk '{print $1}'); do
  "${CTR[@]}" containers info "$id" > "$OUT/node.info.${id:0:12}.json"
done
for id in $(tail -n +2 "$OUT/$pod.containers-ls.txt" | awk '{print $1}'); do
  pid=$(awk -v id="$id" '$1 == id {print $2}' "$OUT/node.tasks-ls.txt")
  [[ -n $pid ]] && docker exec "$NODE" readlink "/proc/$pid/ns/net" > "$OUT/$pod.readlink.${id:0:12}.txt"
done
sandbox=$(grep pause "$OUT/$pod.containers-ls.txt" | awk '{print $1}')
spid=$(awk -v id="$sandbox" '$1 == id {print $2}' "$OUT/node.tasks-ls.txt")
docker exec "$NODE" nsenter -t "$spid" -n ip -o addr show > "$OUT/$pod.ip-addr.txt"
docker exec "$NODE" pidof containerd > "$OUT/pidof-containerd.txt"
kubectl delete ns "$NS" --wait=false > /dev/null
echo "captured into $OUT (pod uid $uid, node $NODE)"
