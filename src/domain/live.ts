// Pure: what the live area of `podlens watch` shows for each pod, decided here so the renderer only
// lays it out: kubectl's STATUS/READY/RESTARTS, the init container running now, the age, and
// whether the pod has settled (no spinner: it succeeded, failed, or is ready).
import { currentInit } from './containers.js';
import type { Pod } from './model.js';
import { kubectlStatus } from './status.js';
import { humanDuration } from './time.js';

export type Settled = 'succeeded' | 'failed' | 'ready';

export interface LiveRow {
  uid: string;
  name: string; // namespace/name when several namespaces are watched
  status: string;
  ready: string;
  restarts: number;
  init?: string; // "init 2/3: wait-for-db running 41s"
  age: string;
  settled?: Settled;
}

/** "init 2/3: wait-for-db running 41s", while init containers run. */
export function initProgressWords(pod: Pod, now: Date): string | undefined {
  const v = currentInit(pod);
  if (!v) return undefined;
  const st = v.status?.state;
  const what =
    st?.kind === 'running'
      ? `running ${st.startedAt ? humanDuration(now.getTime() - st.startedAt.getTime()) : ''}`.trim()
      : st?.kind === 'terminated'
        ? `failed (exit code ${st.exitCode})`
        : st?.kind === 'waiting' && st.reason
          ? st.reason
          : 'not started';
  return `init ${v.initIndex}/${pod.initContainers.length}: ${v.spec.name} ${what}`;
}

export function settled(pod: Pod): Settled | undefined {
  if (pod.phase === 'Succeeded') return 'succeeded';
  if (pod.phase === 'Failed') return 'failed';
  if (!pod.deletionTimestamp && pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True')) return 'ready';
  return undefined;
}

/** One row per pod, sorted by namespace and name. */
export function liveRows(pods: Pod[], now: Date, showNamespace: boolean): LiveRow[] {
  return [...pods]
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
    .map((pod) => {
      const ks = kubectlStatus(pod);
      return {
        uid: pod.uid,
        name: showNamespace ? `${pod.namespace}/${pod.name}` : pod.name,
        status: ks.status,
        ready: ks.ready,
        restarts: ks.restarts,
        init: initProgressWords(pod, now),
        age: humanDuration(now.getTime() - pod.creationTimestamp.getTime()),
        settled: settled(pod),
      };
    });
}
