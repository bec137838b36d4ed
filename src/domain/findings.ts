// Findings: what is wrong (or fine) with a pod, each built from evidence found in the pod's status,
// its events and its logs, never from a list of known cases. A container waiting with any reason
// other than "being created" is a problem named by that reason, explained by the messages the kubelet
// left in its state and events. Codes are the Kubernetes reason names; podlens' own are in docs/reference.md.
// Container findings: src/domain/container-findings.ts; scheduling: scheduling.ts; deletion: deletion.ts.
import {
  creatingFinding,
  repeatsReason,
  runningFindings,
  terminatedFinding,
  waitingFinding,
} from './container-findings.js';
import { containerViews, type ContainerView } from './containers.js';
import { deletionFindings } from './deletion.js';
import { eventContainer } from './events.js';
import type { ContainerLog, KubeEvent, Pod, ServiceRef } from './model.js';
import { NO_CONTROLLER, type Finding, type Severity } from './report.js';
import { eventEvidence, schedulingFindings } from './scheduling.js';
import { age } from './time.js';
import { clause, statusFinding as finding } from './finding.js';
import { nodeFindings, type NodeReport } from './node-health.js';
import type { ClaimInfo } from './storage.js';

export interface Evidence {
  pod: Pod;
  events: KubeEvent[]; // this pod's events, de-duplicated
  logs: ContainerLog[];
  now: Date;
  /** The Services of the pod's namespace; undefined when they could not be read. */
  services?: ServiceRef[];
  /** Other pods of the namespace (or of the list being described), when known. */
  neighbours?: Pod[];
  /** The pod's claims and their state; undefined when they could not be read. */
  claims?: ClaimInfo[];
  /** The pod's node, when it was read. */
  node?: NodeReport;
}

function containerFindings(v: ContainerView, ev: Evidence): Finding[] {
  const s = v.status;
  if (!s) return [];
  const st = s.state;
  if (st.kind === 'waiting') {
    const reason = st.reason ?? 'Waiting';
    if (reason === 'PodInitializing') return [];
    if (reason === 'ContainerCreating') return [creatingFinding(v, ev)];
    return [waitingFinding(v, ev, reason, st.message)];
  }
  if (st.kind === 'terminated') return [terminatedFinding(v, ev, st)].filter((f): f is Finding => Boolean(f));
  if (st.kind === 'running') return runningFindings(v, ev);
  return [];
}

// ---- the pod as a whole -----------------------------------------------------------------------

function podReasonFindings(ev: Evidence): Finding[] {
  const { pod } = ev;
  if (pod.phase === 'Unknown') {
    return [
      finding(
        'error',
        pod.reason ?? 'NodeNotReporting',
        `the node ${pod.nodeName ?? ''} stopped reporting this pod's state: its kubelet is unreachable`,
        [`status.phase=Unknown`],
        undefined,
        `node ${pod.nodeName ?? ''} not reporting`,
      ),
    ];
  }
  if (pod.reason === 'DeadlineExceeded' && pod.phase === 'Failed') {
    return [
      finding(
        'error',
        pod.reason,
        `the pod ran longer than its activeDeadlineSeconds${pod.activeDeadlineSeconds !== undefined ? ` (${pod.activeDeadlineSeconds}s)` : ''}, so the kubelet stopped its containers and failed it (DeadlineExceeded); nothing restarts it`,
        [`status.reason=${pod.reason}`, ...(pod.message ? [`status.message=${pod.message}`] : [])],
        undefined,
        `ran past its activeDeadlineSeconds${pod.activeDeadlineSeconds !== undefined ? ` (${pod.activeDeadlineSeconds}s)` : ''}`,
      ),
    ];
  }
  if (pod.reason && pod.phase === 'Failed') {
    return [
      finding(
        'error',
        pod.reason,
        `the pod failed (${pod.reason})${pod.message ? `: ${clause(pod.message)}` : ''}`,
        [`status.reason=${pod.reason}`, ...(pod.message ? [`status.message=${pod.message}`] : [])],
        undefined,
        `${pod.reason}${pod.message ? `: ${pod.message}` : ''}`,
      ),
    ];
  }
  return [];
}

/** "MountVolume.SetUp failed for volume "v" : configmap "c" not found", cause first. */
function mountWords(message: string): string | undefined {
  const m = message.match(/^MountVolume\.\w+ failed for volume "([^"]+)" : (.*)$/s);
  return m
    ? `volume "${m[1]}" cannot be mounted: ${clause(m[2])}; no container of the pod starts until it is, and the kubelet keeps retrying`
    : undefined;
}

function mountCause(message: string): string | undefined {
  const m = message.match(/^MountVolume\.\w+ failed for volume "([^"]+)" : (.*)$/s);
  return m ? `volume ${m[1]}: ${m[2]}` : undefined;
}

/** Warning events that no finding above explains yet: each is evidence of a problem in its own right. */
function eventFindings(ev: Evidence, found: Finding[]): Finding[] {
  const { pod, events, now } = ev;
  const explained = new Set(found.map((f) => f.container).filter(Boolean));
  const unscheduled = found.some((f) => f.code === 'Unschedulable');
  const stuck = pod.phase === 'Pending' || !pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
  // A pod-level warning did not block the pod if the kubelet went on to start a container.
  const started = [...pod.initContainerStatuses, ...pod.containerStatuses].some(
    (s) => s.state.kind === 'running' || s.state.kind === 'terminated' || s.lastState.kind === 'terminated',
  );
  let blocking = true;
  const advice = new Set<string>();
  const byReason = new Map<string, KubeEvent[]>();
  for (const e of events) {
    if (e.type !== 'Warning' || repeatsReason(e.message)) continue;
    const c = eventContainer(e);
    if (c && explained.has(c)) continue;
    if (!c && started) blocking = false;
    if (e.reason === 'FailedScheduling' && (unscheduled || pod.nodeName)) continue;
    if (now.getTime() - e.lastSeen.getTime() > 3_600_000) continue; // older than events live by default
    if (!blocking) advice.add(e.reason);
    blocking = true;
    byReason.set(e.reason, [...(byReason.get(e.reason) ?? []), e]);
  }
  const out: Finding[] = [];
  for (const [reason, list] of byReason) {
    const e = list.at(-1)!;
    const n = list.reduce((k, x) => k + x.count, 0);
    const c = eventContainer(e);
    // On a pod that is ready (or done) a warning is context, not its state; on a stuck pod that
    // keeps hearing the same warning for over a minute, it is the likely cause.
    const recurring = e.lastSeen.getTime() - list[0].firstSeen.getTime() > 60_000;
    const missing = reason === 'FailedMount' && /not found/.test(e.message);
    const severity: Severity = stuck && (recurring || missing) ? 'error' : 'warning';
    const f = finding(
      severity,
      reason,
      `${mountWords(e.message) ?? clause(e.message)} (${n}x, last ${age(e.lastSeen, now)} ago)`,
      eventEvidence(e),
      c,
      mountCause(e.message) ?? `${reason}: ${e.message}`,
    );
    if (!stuck || pod.phase === 'Succeeded' || advice.has(reason)) {
      f.category = 'advice';
      f.severity = 'warning';
    }
    out.push(f);
  }
  return out;
}

function riskFindings(ev: Evidence): Finding[] {
  const { pod } = ev;
  const out: Finding[] = [];
  if (!pod.owners.some((o) => o.controller)) {
    out.push({
      severity: 'warning',
      code: NO_CONTROLLER,
      message:
        'standalone pod: no controller owns it, so nothing will recreate it if it fails, is evicted, or its node goes away (run it from a Deployment, or a Job for run-to-completion work)',
      category: 'advice',
      evidence: ['metadata.ownerReferences has no controller'],
    });
  }
  return out;
}

export function findings(ev: Evidence): Finding[] {
  const out: Finding[] = [
    ...deletionFindings(ev.pod, ev.events, ev.now),
    ...schedulingFindings(ev),
    ...podReasonFindings(ev),
    ...nodeFindings(ev.node, ev.now),
  ];
  for (const v of containerViews(ev.pod)) {
    const found = containerFindings(v, ev);
    // A debugging container (kubectl debug) does not make the pod's state: what happens to it is
    // shown, but does not decide the verdict.
    // Likewise a container stopped by the pod's deletion (SIGTERM, then SIGKILL after the grace
    // period): the deletion is the pod's state, not the exit code it caused.
    const stoppedByDeletion = ev.pod.deletionTimestamp && v.status?.state.kind === 'terminated';
    if (v.spec.kind === 'ephemeral' || stoppedByDeletion)
      for (const f of found)
        Object.assign(f, { category: 'advice', severity: f.severity === 'error' ? 'warning' : f.severity });
    out.push(...found);
  }
  out.push(...eventFindings(ev, out));
  out.push(...riskFindings(ev));
  return out;
}
