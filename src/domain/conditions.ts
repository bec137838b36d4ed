// Pod conditions with what each means and why it is not True.
// https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-conditions
import { inPostStart } from './containers.js';
import type { ContainerStatus, KubeEvent, Pod } from './model.js';
import type { ConditionRow } from './report.js';
import { clause } from './finding.js';

/**
 * The readiness gates (spec.readinessGates) whose condition is not True, each as "readiness gate
 * "T" keeps the pod not Ready: why". The kubelet sets Ready only when every gate's condition of the
 * pod's status is True; a condition missing counts as False, and only the gate's own controller sets it:
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-readiness-gate
 */
export function unmetReadinessGates(pod: Pod): { type: string; words: string }[] {
  return pod.readinessGates.flatMap((type) => {
    const c = pod.conditions.find((x) => x.type === type);
    if (c?.status === 'True') return [];
    const detail = c && [c.reason, c.message && clause(c.message)].filter(Boolean).join(': ');
    const why = c
      ? `its condition is ${c.status}${detail ? ` (${detail})` : ''}`
      : 'no condition of that type is in its status (the controller that owns the gate sets it)';
    return [{ type, words: `readiness gate "${type}" keeps the pod not Ready: ${why}` }];
  });
}

const MEANING: Record<string, string> = {
  PodScheduled: 'a node has been chosen for the pod',
  PodReadyToStartContainers: "the pod's sandbox (pause container) and network are set up on the node",
  Initialized: 'all init containers completed (and sidecars started)',
  ContainersReady: 'every container is ready (running and passing its readiness probe, if any)',
  // Which Services select the pod, and so whose endpoints list it, is said in the phase (it needs the
  // Services); a terminating pod is never a ready endpoint, whatever this condition says.
  Ready: 'every container is ready and every readiness gate passes: the pod can serve',
  DisruptionTarget:
    'the pod is about to be deleted because of a disruption (eviction, preemption, taint or garbage collection)',
  PodResizePending: 'a requested resource resize cannot be done yet',
  PodResizeInProgress: 'a resource resize is being applied',
};

/** Why one container is not ready, from its state and the probes it has. */
function notReadyWords(pod: Pod, s: ContainerStatus, hooks: string[]): string {
  if (hooks.includes(s.name)) return 'started, its postStart hook is running; the status says ContainerCreating';
  if (s.state.kind === 'waiting') return s.state.reason ?? 'waiting';
  if (s.state.kind === 'terminated') return `terminated, exit code ${s.state.exitCode}`;
  if (s.state.kind !== 'running') return 'not started';
  const spec = [...pod.initContainers, ...pod.containers].find((c) => c.name === s.name);
  const has = (k: string) => spec?.probes.some((p) => p.kind === k);
  if (has('startup') && s.started === false) return 'running, its startup probe has not passed yet';
  return has('readiness') ? 'running, not passing its readiness probe' : 'running, not ready yet';
}

function notReadyContainers(pod: Pod, hooks: string[]): string | undefined {
  const sidecars = new Set(pod.initContainers.filter((c) => c.kind === 'sidecar').map((c) => c.name));
  const names = [...pod.initContainerStatuses.filter((s) => sidecars.has(s.name)), ...pod.containerStatuses]
    .filter((s) => !s.ready)
    .map((s) => `${s.name} (${notReadyWords(pod, s, hooks)})`);
  return names.length ? `not ready: ${names.join(', ')}` : undefined;
}

/**
 * The conditions as the API reports them, each with what it means and why it is not True. While a
 * postStart hook runs (inPostStart: the events say its container started) the kubelet has not written
 * the pod's status since before that container started, so PodReadyToStartContainers still says False
 * although the sandbox is set up: `stale` says so, instead of a reason that would contradict it.
 */
export function conditionRows(pod: Pod, events: KubeEvent[] = []): ConditionRow[] {
  const hooks = pod.podIP ? [] : inPostStart(pod, events);
  return pod.conditions.map((c) => {
    let why: string | null = null;
    let stale: string | null = null;
    if (c.status !== 'True' && c.type === 'PodReadyToStartContainers' && hooks.length)
      stale = `${c.status} only in the status the kubelet wrote before container ${hooks[0]} started: ${hooks[0]} has started, so the sandbox is set up; the kubelet writes the pod's conditions again once the postStart hook of ${hooks[0]} returns`;
    else if (c.status !== 'True') {
      const detail = c.type === 'ContainersReady' || c.type === 'Ready' ? notReadyContainers(pod, hooks) : undefined;
      why = [c.reason, c.message, detail].filter(Boolean).join(': ') || null;
    }
    const meaning =
      MEANING[c.type] ??
      (pod.readinessGates.includes(c.type)
        ? 'a readiness gate set by an external controller'
        : 'a condition set by another component');
    return {
      type: c.type,
      status: c.status,
      reason: c.reason ?? null,
      message: c.message ?? null,
      since: c.lastTransitionTime?.toISOString() ?? null,
      meaning,
      why,
      stale,
    };
  });
}
