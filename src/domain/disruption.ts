// Pure: which PodDisruptionBudgets cover the pod and what the eviction API (kubectl drain, node
// upgrades, the cluster autoscaler) would answer for it now, following the API server's eviction
// handler: a pod that is not running, or already being deleted, is evicted whatever the budgets; a
// pod covered by more than one budget cannot be evicted (500); a running pod that is not ready may be
// evicted when its budget's unhealthyPodEvictionPolicy allows it; otherwise the budget must allow a
// disruption now (status.disruptionsAllowed > 0), else 429.
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/registry/core/pod/storage/eviction.go
// A null selector covers no pod, an empty one every pod of the namespace (policy/v1).
import type { DisruptionBudgetRef, Pod } from './model.js';
import type { DisruptionInfo, Finding } from './report.js';
import { selectorMatches } from './selector.js';

export const EVICTION_BLOCKED = 'EvictionBlocked';

const REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

function answer(pod: Pod, mine: DisruptionBudgetRef[]): { status: number; words: string } {
  if (pod.deletionTimestamp)
    return { status: 201, words: 'it is already being deleted, so an eviction only deletes it again' };
  if (pod.phase === 'Pending' || pod.phase === 'Succeeded' || pod.phase === 'Failed')
    return {
      status: 201,
      words: `budgets do not protect a pod in phase ${pod.phase}: the eviction API would evict it`,
    };
  if (!mine.length) return { status: 201, words: 'the eviction API would evict it now' };
  if (mine.length > 1)
    return {
      status: 500,
      words:
        'the eviction API refuses any pod covered by more than one budget (500: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."), so a drain cannot evict it',
    };
  const b = mine[0];
  const ready = pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  if (!ready && b.unhealthyPodEvictionPolicy === 'AlwaysAllow')
    return {
      status: 201,
      words:
        "it is not ready and the budget's unhealthyPodEvictionPolicy is AlwaysAllow: the eviction API would evict it",
    };
  if (!ready && b.currentHealthy >= b.desiredHealthy && b.desiredHealthy > 0)
    return {
      status: 201,
      words: 'it is not ready and the budget has the healthy pods it needs without it: the eviction API would evict it',
    };
  if (b.observedGeneration !== undefined && b.generation !== undefined && b.observedGeneration < b.generation)
    return {
      status: 429,
      words: `the disruption controller has not yet processed the budget's last change: the eviction API would refuse (429) until it has`,
    };
  if (b.disruptionsAllowed < 0)
    return {
      status: 403,
      words: 'the budget allows a negative number of disruptions: the eviction API would refuse (403)',
    };
  if (b.disruptionsAllowed === 0)
    return {
      status: 429,
      words: `it allows no disruption now (${b.currentHealthy} healthy, ${b.desiredHealthy} needed): the eviction API would refuse to evict it (429: "${REFUSED}") and kubectl drain would wait and retry`,
    };
  return {
    status: 201,
    words: `it allows ${b.disruptionsAllowed} disruption${b.disruptionsAllowed > 1 ? 's' : ''} now: the eviction API would evict it`,
  };
}

export function disruption(pod: Pod, all: DisruptionBudgetRef[] | undefined): DisruptionInfo | null {
  if (!all) return null;
  const mine = all
    .filter((b) => b.selector && selectorMatches(b.selector, pod.labels))
    .sort((a, b) => a.name.localeCompare(b.name));
  const a = answer(pod, mine);
  const names = mine.map((b) => `"${b.name}"`).join(', ');
  const head = mine.length
    ? `PodDisruptionBudget${mine.length > 1 ? 's' : ''} ${names} cover${mine.length > 1 ? '' : 's'} it`
    : `No PodDisruptionBudget in ${pod.namespace} covers it`;
  return {
    budgets: mine.map((b) => ({
      name: b.name,
      minAvailable: b.minAvailable ?? null,
      maxUnavailable: b.maxUnavailable ?? null,
      disruptionsAllowed: b.disruptionsAllowed,
      currentHealthy: b.currentHealthy,
      desiredHealthy: b.desiredHealthy,
      expectedPods: b.expectedPods,
    })),
    evictable: a.status === 201,
    evictionStatus: a.status,
    summary: `${head}; ${a.words}`,
  };
}

/** Advice (not the pod's state): a drain of its node would wait on this pod. */
export function disruptionFindings(info: DisruptionInfo | null): Finding[] {
  if (!info || info.evictable) return [];
  return [
    {
      severity: 'warning',
      code: EVICTION_BLOCKED,
      message: info.summary,
      cause: `${info.budgets.length > 1 ? `PodDisruptionBudgets ${info.budgets.map((b) => b.name).join(', ')} block` : `PodDisruptionBudget ${info.budgets[0]?.name ?? '?'} blocks`} its eviction (${info.evictionStatus})`,
      category: 'advice',
      evidence: info.budgets.map(
        (b) => `poddisruptionbudget ${b.name} status.disruptionsAllowed=${b.disruptionsAllowed}`,
      ),
    },
  ];
}
