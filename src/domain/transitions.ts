// Pure: two snapshots of one pod in, the transitions between them out, each explained in plain
// words. Used by `podlens watch` on every watch event and on the relist diff after 410 Gone.
// Within one update, transitions come in the order the kubelet makes them happen (scheduled,
// sandbox, init containers in turn, initialized, app containers, phase, ready, deletion), so the
// sequence a pod produces does not depend on how the kubelet batched its status writes.
// Pod lifecycle: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/
import { conditionRows } from './conditions.js';
import { containerViews, kindWords, ranMs, realStart, willRestart, type ContainerView } from './containers.js';
import { probeOf } from './probes.js';
import { findings } from './findings.js';
import type { ContainerKind, ContainerState, ContainerStatus, Pod } from './model.js';
import { phaseInfo, verdict } from './phase.js';
import { kubectlStatus } from './status.js';
import { shortDuration } from './time.js';

import { WATCH_API_VERSION } from './api-versions.js';

export type ChangeKind =
  | 'initial' // the pod as it was when the watch started
  | 'created' // the API server stored a new pod
  | 'condition'
  | 'ip'
  | 'container' // a container's state changed
  | 'restart'
  | 'container-ready'
  | 'phase'
  | 'deletion-requested'
  | 'deleted'
  | 'event' // a Kubernetes event about the pod (see src/domain/watch-events.ts)
  | 'last-words' // the last log lines of a container that failed (see src/domain/last-words.ts)
  | 'endpoint'; // the pod's place in a Service's endpoints changed (see src/domain/endpoint-transitions.ts)

export interface Transition {
  apiVersion: typeof WATCH_API_VERSION;
  kind: 'PodTransition';
  time: string; // when it happened, as the pod or event says; else when it was observed
  observedAt: string;
  source: 'list' | 'watch' | 'relist'; // relist: found by diffing a fresh list after the watch expired
  namespace: string;
  pod: string;
  uid: string;
  change: ChangeKind;
  condition: string | null;
  container: string | null;
  containerKind: ContainerKind | null;
  from: string | null;
  to: string | null;
  reason: string | null;
  message: string | null;
  exitCode: number | null;
  count: number | null; // restarts so far, or how many times an event was seen
  explanation: string;
  /** change 'last-words' only: the container's last log lines, oldest first. */
  lines?: string[];
  /** change 'endpoint' only: the Service whose endpoints list (or stopped listing) the pod. */
  service?: string;
}

type Draft = Pick<Transition, 'change' | 'explanation'> &
  Partial<Omit<Transition, 'change' | 'explanation'>> & { rank: number; at?: Date };

export interface DiffContext {
  now: Date;
  source: Transition['source'];
}

// ---- ranks: the order in which the kubelet makes things happen --------------------------------

const UP_RANK: Record<string, number> = {
  PodScheduled: 10,
  PodReadyToStartContainers: 20,
  Initialized: 50,
  ContainersReady: 80,
  Ready: 85,
};
const DOWN_RANK: Record<string, number> = {
  ContainersReady: 81,
  Ready: 86,
  PodReadyToStartContainers: 90,
  Initialized: 91,
};
const IP_RANK = 25;
const INIT_RANK = 30; // + index / 100
const APP_RANK = 60;
const PHASE_RANK = 70;
const OTHER_CONDITION_RANK = 95;
const DELETION_RANK = 100;

// Conditions that start out False on every pod: their first appearance is the start, not news.
const STARTS_FALSE = new Set(['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready']);

// "Not started yet" waiting reasons; changes among them say nothing the next line will not.
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/kubelet_pods.go (convertToAPIContainerStatuses)
const NOT_STARTED = new Set(['PodInitializing', 'ContainerCreating']);

function stateName(s: ContainerState): string {
  return s.kind === 'none' ? 'none' : s.kind;
}

function stateKey(s: ContainerState | undefined): string {
  if (!s || s.kind === 'none') return 'none';
  if (s.kind === 'waiting') return NOT_STARTED.has(s.reason ?? '') || !s.reason ? 'none' : `waiting:${s.reason}`;
  if (s.kind === 'running') return `running:${s.startedAt?.getTime() ?? ''}`;
  return `terminated:${s.exitCode}:${s.reason ?? ''}:${s.finishedAt?.getTime() ?? ''}`;
}

// ---- explanations (from the describe pieces where they exist) ---------------------------------

function containerFinding(pod: Pod, name: string, now: Date): string | undefined {
  return findings({ pod, events: [], logs: [], now }).find((f) => f.container === name && f.severity === 'error')
    ?.message;
}

function nextInit(v: ContainerView, pod: Pod): string {
  const next = v.initIndex !== undefined ? pod.initContainers[v.initIndex] : undefined;
  return next
    ? `; next: init container "${next.name}"`
    : '; all init containers are done, the app containers start next';
}

function runningWords(v: ContainerView, pod: Pod, restarts: number): string {
  const who = kindWords(v, pod);
  if (v.spec.kind === 'init') return `${who} is running; the next step waits until it exits with code 0`;
  if (v.spec.kind === 'sidecar') return `${who} started; it keeps running beside the app containers`;
  const again = restarts > 0 ? ` again (restart ${restarts})` : '';
  const readiness = probeOf(v.spec, 'readiness');
  const startup = probeOf(v.spec, 'startup');
  const gates = [
    startup && `its startup probe (${startup.handler})`,
    readiness && `its readiness probe (${readiness.handler})`,
  ]
    .filter(Boolean)
    .join(' and then ');
  return `${who} is running${again}; ${gates ? `it is ready once ${gates} passes` : 'it has no readiness or startup probe, so it counts as ready once started'}`;
}

function terminatedWords(
  v: ContainerView,
  pod: Pod,
  t: Extract<ContainerState, { kind: 'terminated' }>,
  now: Date,
): string {
  const ms = ranMs(t);
  const ran = ms !== undefined ? ` after ${shortDuration(ms)}` : '';
  if (t.exitCode !== 0)
    return `${containerFinding(pod, v.spec.name, now) ?? `${kindWords(v, pod)} failed with exit code ${t.exitCode}`}`;
  const who = kindWords(v, pod);
  if (v.spec.kind === 'init') return `${who} completed (exit code 0)${ran}${nextInit(v, pod)}`;
  const again = willRestart(v, pod, 0)
    ? `; restartPolicy ${pod.restartPolicy} starts it again`
    : `; with restartPolicy ${pod.restartPolicy} it is not started again`;
  return `${who} completed (exit code 0${t.reason && t.reason !== 'Completed' ? `, ${t.reason}` : ''})${ran}${pod.deletionTimestamp ? ' as the pod is being deleted' : again}`;
}

function stateTime(s: ContainerState): Date | undefined {
  return s.kind === 'running' ? s.startedAt : s.kind === 'terminated' ? s.finishedAt : undefined;
}

function containerDrafts(
  v: ContainerView,
  before: ContainerStatus | undefined,
  after: ContainerStatus,
  pod: Pod,
  rank: number,
  now: Date,
): Draft[] {
  const out: Draft[] = [];
  const base = { container: v.spec.name, containerKind: v.spec.kind };
  let prior = before?.state ?? { kind: 'none' }; // what the state line says it changed from
  const restarts = after.restartCount - (before?.restartCount ?? 0);
  if (before && restarts > 0) {
    const last = after.lastState.kind === 'terminated' ? after.lastState : undefined;
    // The run before the restart ended at last.finishedAt; the watch may not have seen that end as the
    // state (a relist, or a kubelet that restarted it between two status writes): then it is said here,
    // from lastState, stamped when it happened, and before the restart it comes before.
    const endSeen = (x: ContainerState) =>
      x.kind === 'terminated' && x.finishedAt?.getTime() === last?.finishedAt?.getTime();
    const missed = last && !endSeen(before.state) && !endSeen(before.lastState) ? last : undefined;
    // The restart happened when the current run started (running or already terminated again); while it
    // waits again, the run after the restart is lastState, which then ended after the restart.
    const started =
      after.state.kind === 'running'
        ? after.state.startedAt
        : after.state.kind === 'terminated'
          ? realStart(after.state)
          : undefined;
    const restartAt = started ?? (after.state.kind === 'waiting' && last ? realStart(last) : undefined);
    const end: Draft | undefined = missed && {
      ...base,
      rank,
      change: 'container',
      from: stateName(before.state),
      to: stateName(missed),
      count: after.restartCount,
      at: missed.finishedAt,
      exitCode: missed.exitCode,
      reason: missed.reason ?? null,
      message: missed.message?.trim() || null,
      explanation: `${kindWords(v, pod)} exited with exit code ${missed.exitCode}${missed.reason ? ` (${missed.reason})` : ''}${ranMs(missed) !== undefined ? ` after ${shortDuration(ranMs(missed)!)}` : ''}; seen afterwards, in the container's last state`,
    };
    if (end && after.state.kind !== 'waiting') out.push(end);
    out.push({
      ...base,
      rank,
      at: restartAt,
      change: 'restart',
      from: String(before.restartCount),
      to: String(after.restartCount),
      count: after.restartCount,
      exitCode: last?.exitCode ?? null,
      reason: last?.reason ?? null,
      explanation: `${kindWords(v, pod)} was started again (restart ${after.restartCount})${last ? `; its previous run ended with exit code ${last.exitCode}${last.reason ? ` (${last.reason})` : ''}` : ''}`,
    });
    if (end && after.state.kind === 'waiting') out.push(end);
    if (missed) prior = missed;
  }
  if (stateKey(before?.state) !== stateKey(after.state) && stateKey(after.state) !== 'none') {
    const s = after.state;
    const d: Draft = {
      ...base,
      rank,
      change: 'container',
      from: stateName(prior),
      to: stateName(s),
      count: after.restartCount,
      at: stateTime(s),
      explanation: '',
    };
    if (s.kind === 'running') d.explanation = runningWords(v, pod, after.restartCount);
    else if (s.kind === 'terminated') {
      Object.assign(d, { exitCode: s.exitCode, reason: s.reason ?? null, message: s.message?.trim() || null });
      d.explanation = terminatedWords(v, pod, s, now);
    } else if (s.kind === 'waiting') {
      Object.assign(d, { reason: s.reason ?? null, message: s.message?.trim() || null });
      d.explanation = `${containerFinding(pod, v.spec.name, now) ?? `${kindWords(v, pod)} is waiting (${s.reason})`}`;
    }
    out.push(d);
  }
  if (v.spec.kind !== 'init' && before && before.ready !== after.ready) {
    out.push({
      ...base,
      rank: rank + 0.001,
      change: 'container-ready',
      from: String(before.ready),
      to: String(after.ready),
      explanation: after.ready
        ? `${kindWords(v, pod)} is ready`
        : `${kindWords(v, pod)} is no longer ready${after.state.kind !== 'running' ? ` (${stateName(after.state)})` : probeOf(v.spec, 'readiness') ? ': its readiness probe fails' : ''}`,
    });
  }
  return out;
}

function conditionDrafts(before: Pod | undefined, after: Pod): Draft[] {
  const out: Draft[] = [];
  const rows = conditionRows(after);
  for (const c of after.conditions) {
    const was = before?.conditions.find((x) => x.type === c.type);
    if (was?.status === c.status) continue;
    if (!was && c.status !== 'True' && STARTS_FALSE.has(c.type)) continue;
    const row = rows.find((r) => r.type === c.type)!;
    const up = c.status === 'True';
    const rank = up
      ? (UP_RANK[c.type] ?? OTHER_CONDITION_RANK)
      : (DOWN_RANK[c.type] ?? (c.type === 'PodScheduled' ? UP_RANK.PodScheduled : OTHER_CONDITION_RANK));
    let explanation = up
      ? row.meaning
      : `${was ? 'no longer' : 'not yet'}: ${row.meaning}${row.why ? ` (${row.why})` : ''}`;
    if (c.type === 'Initialized' && up && !after.initContainers.length)
      explanation = 'the pod has no init containers, so its app containers can start';
    if (c.type === 'PodScheduled' && up && after.nodeName)
      explanation = `scheduled to node ${after.nodeName}: ${row.meaning}`;
    out.push({
      rank,
      change: 'condition',
      condition: c.type,
      from: was?.status ?? null,
      to: c.status,
      reason: c.reason ?? null,
      message: c.message ?? null,
      at: c.lastTransitionTime,
      explanation,
    });
  }
  return out;
}

function podMeaning(pod: Pod, now: Date): string {
  const found = findings({ pod, events: [], logs: [], now });
  return phaseInfo(pod, found, verdict(pod, found, kubectlStatus(pod)), now, { events: [] }).meaning;
}

/** The one line for a pod that already exists when the watch starts. */
export function initialDraft(pod: Pod, now: Date): Draft {
  const ks = kubectlStatus(pod);
  return {
    rank: 0,
    change: 'initial',
    to: ks.status,
    reason: pod.phase,
    count: ks.restarts,
    explanation: `${ks.status}, ${ks.ready} ready, ${ks.restarts} restarts: ${podMeaning(pod, now)}`,
  };
}

/** The transitions from `before` to `after` (before undefined: a new pod). */
export function diffPod(before: Pod | undefined, after: Pod, ctx: DiffContext): Transition[] {
  const { now } = ctx;
  const drafts: Draft[] = [];
  if (!before) {
    const late = ctx.source === 'relist' ? ' (while podlens was disconnected)' : '';
    drafts.push({
      rank: 0,
      change: 'created',
      to: after.phase,
      at: after.creationTimestamp,
      explanation: `${podMeaning({ ...after, phase: 'Pending', nodeName: undefined, conditions: [], initContainerStatuses: [], containerStatuses: [] }, now)}${late}`,
    });
  }
  drafts.push(...conditionDrafts(before, after));
  if (after.podIP && after.podIP !== before?.podIP) {
    drafts.push({
      rank: IP_RANK,
      change: 'ip',
      from: before?.podIP ?? null,
      to: after.podIP,
      explanation: `the pod got IP ${after.podIP}; its pause container holds it, and every container of the pod shares it`,
    });
  }
  const prev = before ? containerViews(before) : [];
  for (const v of containerViews(after)) {
    if (!v.status) continue;
    const was = prev.find((p) => p.spec.name === v.spec.name && p.spec.kind === v.spec.kind)?.status;
    const rank = v.initIndex !== undefined ? INIT_RANK + v.initIndex / 100 : APP_RANK;
    drafts.push(...containerDrafts(v, was, v.status, after, rank, now));
  }
  if (before && before.phase !== after.phase) {
    drafts.push({
      rank: PHASE_RANK,
      change: 'phase',
      from: before.phase,
      to: after.phase,
      reason: after.reason ?? null,
      message: after.message ?? null,
      explanation: podMeaning(after, now),
    });
  }
  if (after.deletionTimestamp && !before?.deletionTimestamp) {
    const grace = after.deletionGracePeriodSeconds ?? 0;
    drafts.push({
      rank: DELETION_RANK,
      change: 'deletion-requested',
      to: `grace ${grace}s`,
      count: grace,
      at: new Date(after.deletionTimestamp.getTime() - grace * 1000),
      explanation: podMeaning(after, now),
    });
  }
  return finish(drafts, after, ctx);
}

/** The pod object is gone from the API server. */
export function deletedTransition(last: Pod, ctx: DiffContext): Transition {
  const late = ctx.source === 'relist' ? ' while podlens was disconnected' : '';
  const owner = last.owners.find((o) => o.controller);
  const next = owner
    ? `; its ${owner.kind} ${owner.name} creates a replacement if it still wants one`
    : '; nothing recreates a standalone pod';
  return finish(
    [
      {
        rank: DELETION_RANK + 1,
        change: 'deleted',
        from: last.phase,
        explanation: `the API server removed the pod object${late}${next}`,
      },
    ],
    last,
    ctx,
  )[0];
}

export function finish(drafts: Draft[], pod: Pod, ctx: DiffContext): Transition[] {
  return drafts
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.rank - b.d.rank || a.i - b.i)
    .map(({ d }) => ({
      apiVersion: WATCH_API_VERSION,
      kind: 'PodTransition',
      time: (d.at ?? ctx.now).toISOString(),
      observedAt: ctx.now.toISOString(),
      source: ctx.source,
      namespace: pod.namespace,
      pod: pod.name,
      uid: pod.uid,
      change: d.change,
      condition: d.condition ?? null,
      container: d.container ?? null,
      containerKind: d.containerKind ?? null,
      from: d.from ?? null,
      to: d.to ?? null,
      reason: d.reason ?? null,
      message: d.message ?? null,
      exitCode: d.exitCode ?? null,
      count: d.count ?? null,
      explanation: d.explanation,
      ...(d.service !== undefined ? { service: d.service } : {}),
    }));
}
