// Where the time went from creation to Ready, from the pod's conditions, container states and the
// kubelet's Pulled events, and how it compares with Kubernetes' pod start-up SLO:
// https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md
// (p99 of "creation to all containers started, as observed by watch", excluding the time to pull
// images and to run init containers, is at most 5 s, for schedulable stateless pods).
// Kubernetes records these times to the second, so every figure here is whole seconds.
import { containerViews, ranMs } from './containers.js';
import { eventContainer } from './events.js';
import type { KubeEvent, Pod } from './model.js';
import { condTrue, sandboxReady } from './timeline.js';

export const STARTUP_SLO_DOC =
  'https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md';
const SLO_SECONDS = 5;

export interface StartupStep {
  /** scheduling | sandbox | init containers | start | readiness */
  step: string;
  seconds: number;
  detail: string | null;
}

export interface StartupInfo {
  readyAt: string;
  /** Creation to Ready; the steps add up to it. */
  totalSeconds: number;
  steps: StartupStep[];
  /** Time spent pulling images (within the steps), from the kubelet's Pulled events; null when they are gone. */
  imagePullSeconds: number | null;
  initContainerSeconds: number;
  slo: {
    objectiveSeconds: number;
    percentile: 99;
    /** Creation to the last app container's start, minus image pulls and init containers. */
    measuredSeconds: number;
    within: boolean;
    doc: string;
  } | null;
  /** Why there is no SLO comparison, when there is none. */
  sloNote: string | null;
  summary: string;
}

/** A Go duration as the kubelet prints it ("1.234s", "523ms", "1m2.5s", "850µs") in ms. */
export function goDurationMs(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|µs|us|ns)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, µs: 0.001, us: 0.001, ns: 1e-6 };
  return parts.reduce((ms, p) => ms + Number(p[1]) * unit[p[2]], 0);
}

/**
 * Milliseconds each container's image took, from its Pulled event: 0 when it was already present,
 * the "including waiting" figure when the kubelet gives one (waiting for another pull is pull time).
 * https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/images/image_manager.go (EnsureImageExists)
 */
function pullMs(pod: Pod, events: KubeEvent[]): number | undefined {
  let total = 0;
  for (const v of containerViews(pod)) {
    if (v.spec.kind === 'ephemeral') continue;
    const e = events.find((x) => x.reason === 'Pulled' && eventContainer(x) === v.spec.name);
    if (!e) return undefined;
    if (/already present/.test(e.message)) continue;
    const m = e.message.match(/ in (\d[\d.hmsuµn]*)(?: \((\d[\d.hmsuµn]*) including waiting\))?/);
    const ms = m && goDurationMs(m[2] ?? m[1]);
    if (ms === undefined || ms === null) return undefined;
    total += ms;
  }
  return total;
}

const secs = (a: Date, b: Date) => Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000));

/** Undefined unless the pod is Ready and no container has restarted (a restart hides the first start). */
export function startup(pod: Pod, events: KubeEvent[]): StartupInfo | undefined {
  const ready = condTrue(pod, 'Ready');
  const scheduled = condTrue(pod, 'PodScheduled');
  const views = containerViews(pod);
  if (!ready || !scheduled || views.some((v) => (v.status?.restartCount ?? 0) > 0)) return undefined;
  const apps = views.filter((v) => v.spec.kind === 'app');
  const starts = apps.map((v) => (v.status?.state.kind === 'running' ? v.status.state.startedAt : undefined));
  if (!apps.length || starts.some((d) => !d)) return undefined;
  const created = pod.creationTimestamp;
  // Each milestone no earlier than the one before, so that the steps add up to the total.
  const atLeast = (d: Date, floor: Date) => (d < floor ? floor : d);
  const sandbox = atLeast(sandboxReady(pod, events)?.at ?? scheduled, scheduled);
  const inits = views.filter((v) => v.spec.kind === 'init' || v.spec.kind === 'sidecar');
  const initRuns = inits.map((v) => {
    const st = v.status?.state;
    const ms = st?.kind === 'terminated' ? ranMs(st) : undefined;
    return { name: v.spec.name, ms };
  });
  const initialized = atLeast(inits.length ? (condTrue(pod, 'Initialized') ?? sandbox) : sandbox, sandbox);
  const started = atLeast(new Date(Math.max(...starts.map((d) => d!.getTime()))), initialized);
  const readyAt = atLeast(ready, started);
  const initMs = initRuns.reduce((n, r) => n + (r.ms ?? 0), 0);
  const steps: StartupStep[] = [
    { step: 'scheduling', seconds: secs(created, scheduled), detail: pod.nodeName ? `to node ${pod.nodeName}` : null },
    { step: 'sandbox', seconds: secs(scheduled, sandbox), detail: 'the pause container and the network' },
  ];
  if (inits.length)
    steps.push({
      step: 'init containers',
      seconds: secs(sandbox, initialized),
      detail: initRuns
        .map((r) => `${r.name} ${r.ms === undefined ? 'started (sidecar)' : `ran ${Math.round(r.ms / 1000)}s`}`)
        .join(', '),
    });
  steps.push({
    step: 'start',
    seconds: secs(initialized, started),
    detail: `until the last app container started (${apps.map((v) => v.spec.name).join(', ')})`,
  });
  steps.push({ step: 'readiness', seconds: secs(started, readyAt), detail: 'until the Ready condition turned True' });
  const pulls = pullMs(pod, events);
  const total = secs(created, readyAt);
  const stateful = pod.volumes.some((v) => v.type === 'persistentVolumeClaim');
  let slo: StartupInfo['slo'] = null;
  let sloNote: string | null = null;
  if (stateful) sloNote = 'the pod mounts a PersistentVolumeClaim, and the SLO is for stateless pods';
  else if (pulls === undefined)
    sloNote = "the image pull times are no longer known (the kubelet's Pulled events expire after an hour)";
  else {
    const measured = Math.max(0, Math.round((started.getTime() - created.getTime() - pulls - initMs) / 1000));
    slo = {
      objectiveSeconds: SLO_SECONDS,
      percentile: 99,
      measuredSeconds: measured,
      within: measured <= SLO_SECONDS,
      doc: STARTUP_SLO_DOC,
    };
  }
  const parts = steps.map((s) => `${s.step} ${s.seconds}s`).join(', ');
  const pullWords =
    pulls === undefined
      ? ''
      : pulls === 0
        ? '; every image was already on the node'
        : `; pulling images took ${Math.round(pulls / 1000)}s of it`;
  const sloWords = slo
    ? `; not counting image pulls and init containers its containers started ${slo.measuredSeconds}s after creation, ${slo.within ? 'within' : 'over'} the ${SLO_SECONDS}s of Kubernetes' pod start-up SLO (which 99% of pods must meet)`
    : `; no comparison with Kubernetes' pod start-up SLO: ${sloNote}`;
  return {
    readyAt: ready.toISOString(),
    totalSeconds: total,
    steps,
    imagePullSeconds: pulls === undefined ? null : Math.round(pulls / 1000),
    initContainerSeconds: Math.round(initMs / 1000),
    slo,
    sloNote,
    summary: `Ready ${total}s after creation: ${parts}${pullWords}${sloWords}`,
  };
}
