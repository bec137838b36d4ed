#!/usr/bin/env bash
# cluster:status: each component's process and health; exits 1 when any is down.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
source "$cluster_dir/components.sh"
bad=0
printf '%-24s %-8s %-8s %s\n' COMPONENT PID STATE LOG
for c in "${COMPONENTS[@]}"; do
  if ! wanted "$c" && ! alive "$c"; then
    printf '%-24s %-8s %-8s %s\n' "$c" - off "not needed here (no kind network)"
    continue
  fi
  pid=$(pid_of "$c"); state=down
  if alive "$c"; then state=running; healthy "$c" && state=healthy; fi
  [[ $state == healthy ]] || bad=1
  printf '%-24s %-8s %-8s %s\n' "$c" "${pid:--}" "$state" "$STATE/logs/$c.log"
done
if [[ -f $STATE/admin.kubeconfig ]]; then
  kubectl --kubeconfig "$STATE/admin.kubeconfig" get nodes -o wide 2>&1 | sed 's/^/  /'
  kubectl --kubeconfig "$STATE/admin.kubeconfig" -n kube-system get deployment coredns metrics-server 2>&1 | sed 's/^/  /'
  kubectl --kubeconfig "$STATE/admin.kubeconfig" get apiservice v1beta1.metrics.k8s.io 2>&1 | sed 's/^/  /'
fi
exit $bad
