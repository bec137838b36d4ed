// Findings: what is wrong (or fine) with a pod, each built from evidence found in the pod's status,
// its events and its logs, never from a list of known cases. A container waiting with any reason
// other than "being created" is a problem named by that reason, explained by the messages the kubelet
// left in its state and events. Codes are the Kubernetes reason names; podlens' own are in README.
import {
  containerViews,
  exitWords,
  kindWords,
  willRestart,
  type ContainerView,
  type Terminated,
} from './containers.js';
import { eventContainer, latest, totalCount } from './events.js';
import type { ContainerLog, KubeEvent, Pod } from './model.js';
import { NO_CONTROLLER, type Finding, type Severity } from './report.js';
import { age, shortDuration } from './time.js';

export interface Evidence {
  pod: Pod;
  events: KubeEvent[]; // this pod's events, de-duplicated
  logs: ContainerLog[];
  now: Date;
}

const iso = (d?: Date) => (d ? d.toISOString() : '?');

function finding(severity: Severity, code: string, message: string, evidence: string[], container?: string): Finding {
  return { severity, code, message, ...(container ? { container } : {}), category: 'status', evidence };
}

function eventEvidence(e: KubeEvent | undefined): string[] {
  return e ? [`event ${e.reason} (${e.count}x, last ${iso(e.lastSeen)}): ${e.message}`] : [];
}

/** The first sentence of a scheduler message, without the preemption post-script. */
function schedulerWords(msg: string): string {
  return msg.split(/\.\s/)[0].replace(/\.$/, '');
}

// ---- scheduling -------------------------------------------------------------------------------

function sumRequests(pod: Pod, resource: string): string | undefined {
  const vals = [...pod.containers, ...pod.initContainers.filter((c) => c.kind === 'sidecar')]
    .map((c) => c.requests[resource])
    .filter(Boolean);
  return vals.length ? vals.join(' + ') : undefined;
}

function schedulingFindings(ev: Evidence): Finding[] {
  const { pod, events, now } = ev;
  if (pod.nodeName) return [];
  if (pod.schedulingGates.length) {
    return [
      finding(
        'progressing',
        'SchedulingGated',
        `the pod is held back from scheduling by the gates ${pod.schedulingGates.join(', ')}; whoever added them must remove them`,
        [`spec.schedulingGates: ${pod.schedulingGates.join(', ')}`],
      ),
    ];
  }
  const cond = pod.conditions.find((c) => c.type === 'PodScheduled');
  const failed = latest(events, 'FailedScheduling');
  const msg = cond?.status === 'False' && cond.message ? cond.message : failed?.message;
  if ((cond?.status === 'False' && cond.reason === 'Unschedulable') || failed) {
    const hints: string[] = [];
    const sel = Object.entries(pod.nodeSelector).map(([k, v]) => `${k}=${v}`);
    if (sel.length && /affinity|selector/i.test(msg ?? ''))
      hints.push(`no node carries the labels of its nodeSelector ${sel.join(',')}`);
    for (const m of (msg ?? '').matchAll(/Insufficient ([\w/-]+(?:\.[\w/-]+)*)/g)) {
      const req = sumRequests(pod, m[1]);
      hints.push(`no node has enough free ${m[1]}${req ? ` for its request of ${req}` : ''}`);
    }
    if (/untolerated taint/i.test(msg ?? '')) hints.push('the nodes have taints the pod does not tolerate');
    const words = msg ? schedulerWords(msg) : 'no node fits';
    return [
      finding(
        'error',
        'Unschedulable',
        `the scheduler cannot place the pod: ${hints.length ? hints.join('; ') + ` (scheduler: "${words}")` : words}; it retries when nodes or pods change`,
        [
          ...(cond ? [`condition PodScheduled=${cond.status} reason=${cond.reason ?? ''}: ${cond.message ?? ''}`] : []),
          ...eventEvidence(failed),
        ],
      ),
    ];
  }
  const waited = now.getTime() - pod.creationTimestamp.getTime();
  if (waited > 60_000 && events.length === 0) {
    return [
      finding(
        'warning',
        'NotScheduled',
        `no scheduler has acted on the pod for ${age(pod.creationTimestamp, now)}: is kube-scheduler running?`,
        ['spec.nodeName is empty and there are no events'],
      ),
    ];
  }
  return [
    finding('progressing', 'Scheduling', 'waiting for the scheduler to choose a node', ['spec.nodeName is empty']),
  ];
}

// ---- containers -------------------------------------------------------------------------------

function memoryWords(v: ContainerView, pod: Pod, t: Terminated): string {
  const limit = v.spec.limits.memory;
  return limit
    ? `was killed by the kernel for using more than its memory limit of ${limit} (OOMKilled, ${exitWords(t)})`
    : `was killed for lack of memory (OOMKilled, ${exitWords(t)}); it has no memory limit, so the node${pod.nodeName ? ` ${pod.nodeName}` : ''} itself ran short`;
}

/** Messages like "Error: ErrImagePull" only repeat a reason; they are no evidence of their own. */
const repeatsReason = (m: string) => /^Error: \w+$/.test(m.trim());

function lastLogLine(ev: Evidence, container: string, previous: boolean): string | undefined {
  const log = ev.logs.find((l) => l.container === container && l.previous === previous);
  const line = log?.lines.filter((l) => l.trim()).at(-1);
  return line ? line.trim().slice(0, 200) : undefined;
}

/** How a termination reads: "exited with exit code 1 (Error) after 2s, 3m ago". */
function terminationWords(t: Terminated, v: ContainerView, ev: Evidence): string {
  if (t.reason === 'OOMKilled') {
    const when = t.finishedAt ? `, ${age(t.finishedAt, ev.now)} ago` : '';
    return memoryWords(v, ev.pod, t) + when;
  }
  const ran =
    t.startedAt && t.finishedAt
      ? ` after running ${shortDuration(t.finishedAt.getTime() - t.startedAt.getTime())}`
      : '';
  const when = t.finishedAt ? `, ${age(t.finishedAt, ev.now)} ago` : '';
  const why =
    t.reason && t.reason !== 'Error'
      ? ` (${t.reason}${t.message ? `: ${t.message.trim()}` : ''})`
      : t.message
        ? ` (${t.message.trim()})`
        : '';
  return `exited with ${exitWords(t)}${why}${ran}${when}`;
}

/** Deeper cause than "Error"/"Completed": the reason of the termination, if it says more. */
function deeperReason(t: Terminated | undefined): string | undefined {
  return t?.reason && t.reason !== 'Error' && t.reason !== 'Completed' ? t.reason : undefined;
}

function waitingFinding(v: ContainerView, ev: Evidence, reason: string, message: string | undefined): Finding {
  const s = v.status!;
  const who = kindWords(v, ev.pod);
  const last = s.lastState.kind === 'terminated' ? s.lastState : undefined;
  const evidence = [`state.waiting.reason=${reason}${message ? `: ${message}` : ''}`];
  const parts: string[] = [];
  let code = reason;
  if (last) {
    evidence.push(
      `lastState.terminated: exitCode=${last.exitCode} reason=${last.reason ?? ''} finishedAt=${iso(last.finishedAt)}`,
    );
    code = deeperReason(last) ?? reason;
    const restarts = `restarted ${s.restartCount} time${s.restartCount === 1 ? '' : 's'}`;
    parts.push(`${who} keeps stopping: its last run ${terminationWords(last, v, ev)}; ${restarts}`);
    if (last.exitCode === 0 && ev.pod.restartPolicy === 'Always') {
      parts.push(
        'it exits successfully, but restartPolicy Always starts it again: it should run a long-lived process (use a Job for run-to-completion work)',
      );
    }
    const line = lastLogLine(ev, s.name, true);
    if (line) parts.push(`its last log line was "${line}"`);
  } else {
    parts.push(`${who} cannot start (${reason})`);
  }
  const backoff = message?.match(/back-off (\S+)/i)?.[1];
  if (reason === 'CrashLoopBackOff') {
    // The kubelet doubles the restart delay after each crash, from 10s up to 5m:
    // https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/kubelet.go (MaxContainerBackOff)
    parts.push(
      `the kubelet waits ${backoff ?? 'a while'} before starting it again (CrashLoopBackOff: the delay doubles after each crash, up to 5m)`,
    );
  } else {
    // The kubelet's own message, then the latest warning event about this container, if it adds to it.
    const warn = [...ev.events]
      .reverse()
      .find(
        (e) =>
          e.type === 'Warning' &&
          eventContainer(e) === s.name &&
          !repeatsReason(e.message) &&
          !(message ?? '').includes(e.message.replace(/^Failed to pull image "[^"]*": /, '')),
      );
    const detail = warn && /^(Failed|Err|Inspect)/.test(warn.reason) ? warn.message : message;
    if (detail && !repeatsReason(detail)) parts.push(detail.replace(/\.$/, ''));
    if (warn) evidence.push(...eventEvidence(warn));
    if (backoff || /BackOff$/.test(reason)) parts.push('the kubelet retries with a growing delay (up to 5m)');
  }
  return finding('error', code, parts.join('; '), evidence, s.name);
}

function creatingFinding(v: ContainerView, ev: Evidence): Finding | undefined {
  const s = v.status!;
  const pulling = latest(ev.events, 'Pulling', s.name);
  const pulled = latest(ev.events, 'Pulled', s.name);
  if (pulling && (!pulled || pulled.lastSeen < pulling.lastSeen)) {
    return finding(
      'progressing',
      'Pulling',
      `pulling image ${v.spec.image} for ${kindWords(v, ev.pod)} (for ${age(pulling.lastSeen, ev.now)})`,
      eventEvidence(pulling),
      s.name,
    );
  }
  return finding(
    'progressing',
    'ContainerCreating',
    `${kindWords(v, ev.pod)} is being created`,
    ['state.waiting.reason=ContainerCreating'],
    s.name,
  );
}

function terminatedFinding(v: ContainerView, ev: Evidence, t: Terminated): Finding | undefined {
  const s = v.status!;
  const { pod } = ev;
  if (t.exitCode === 0) return undefined;
  const who = kindWords(v, pod);
  const parts = [`${who} ${terminationWords(t, v, ev)}`];
  const line = lastLogLine(ev, s.name, false);
  if (line) parts.push(`its last log line was "${line}"`);
  if (willRestart(v, pod, t.exitCode)) parts.push('the kubelet will start it again');
  else if (v.spec.kind === 'ephemeral')
    parts.push("ephemeral containers are never restarted, and the pod's other containers are not affected");
  else if (v.spec.kind === 'init') {
    parts.push(
      `with restartPolicy ${pod.restartPolicy} the pod does not retry it, so the pod has failed and its app containers never started`,
    );
  } else parts.push(`with restartPolicy ${pod.restartPolicy} it is not restarted`);
  const evidence = [
    `state.terminated: exitCode=${t.exitCode} reason=${t.reason ?? ''} finishedAt=${iso(t.finishedAt)}`,
  ];
  return finding('error', t.reason ?? 'Error', parts.join('; '), evidence, s.name);
}

function runningFindings(v: ContainerView, ev: Evidence): Finding[] {
  const s = v.status!;
  const { pod, now } = ev;
  const who = kindWords(v, pod);
  const out: Finding[] = [];
  const last = s.lastState.kind === 'terminated' ? s.lastState : undefined;
  if (s.restartCount > 0 && last) {
    const liveness = latest(ev.events, 'Unhealthy', s.name);
    const killedByProbe =
      liveness && /^Liveness/.test(liveness.message) ? `; its liveness probe failed: ${liveness.message}` : '';
    out.push(
      finding(
        'warning',
        last.reason === 'OOMKilled' ? 'OOMKilled' : 'Restarted',
        `${who} is running again but has restarted ${s.restartCount} time${s.restartCount === 1 ? '' : 's'}; last time it ${terminationWords(last, v, ev)}${killedByProbe}`,
        [
          `restartCount=${s.restartCount}`,
          `lastState.terminated: exitCode=${last.exitCode} reason=${last.reason ?? ''}`,
        ],
        s.name,
      ),
    );
  }
  if (v.spec.kind === 'init') {
    const since = s.state.kind === 'running' ? s.state.startedAt : undefined;
    out.push(
      finding(
        'progressing',
        'ContainersNotInitialized',
        `${who} is running${since ? ` (for ${age(since, now)})` : ''}; the app containers start after it completes`,
        ['state.running', 'condition Initialized=False'],
        s.name,
      ),
    );
  }
  // Ephemeral containers have no probes and never count for readiness (kubectl debug adds them).
  if (!s.ready && v.spec.kind !== 'init' && v.spec.kind !== 'ephemeral') {
    const probe = v.spec.probes.find((p) => p.kind === 'readiness');
    const startup = v.spec.probes.find((p) => p.kind === 'startup');
    const unhealthy = ev.events.filter(
      (e) => e.reason === 'Unhealthy' && eventContainer(e) === s.name && /^Readiness/.test(e.message),
    );
    const failing = unhealthy.at(-1);
    const since = s.state.kind === 'running' ? s.state.startedAt : undefined;
    if (startup && s.started === false) {
      out.push(
        finding(
          'progressing',
          'Starting',
          `${who} is running but its startup probe (${startup.handler}) has not passed yet`,
          ['started=false'],
          s.name,
        ),
      );
    } else if (failing && (!since || failing.lastSeen >= since)) {
      const n = totalCount(ev.events, 'Unhealthy', s.name);
      out.push(
        finding(
          'warning',
          'Unhealthy',
          `${who} is running but not ready: its readiness probe${probe ? ` (${probe.handler})` : ''} fails: ${failing.message.replace(/^Readiness probe failed:\s*/, '').trim()} (${n} failure${n === 1 ? '' : 's'}, last ${age(failing.lastSeen, now)} ago); the pod gets no Service traffic until it passes`,
          ['ready=false', ...eventEvidence(failing)],
          s.name,
        ),
      );
    } else {
      out.push(
        finding(
          'progressing',
          'ContainersNotReady',
          `${who} is running${since ? ` (for ${age(since, now)})` : ''} but not ready yet${probe ? `: waiting for its readiness probe (${probe.handler})` : ''}`,
          ['ready=false'],
          s.name,
        ),
      );
    }
  }
  return out;
}

function containerFindings(v: ContainerView, ev: Evidence): Finding[] {
  const s = v.status;
  if (!s) return [];
  const st = s.state;
  if (st.kind === 'waiting') {
    const reason = st.reason ?? 'Waiting';
    if (reason === 'PodInitializing') return [];
    if (reason === 'ContainerCreating') return [creatingFinding(v, ev)].filter((f): f is Finding => Boolean(f));
    return [waitingFinding(v, ev, reason, st.message)];
  }
  if (st.kind === 'terminated') return [terminatedFinding(v, ev, st)].filter((f): f is Finding => Boolean(f));
  if (st.kind === 'running') return runningFindings(v, ev);
  return [];
}

// ---- the pod as a whole -----------------------------------------------------------------------

function deletionFindings(ev: Evidence): Finding[] {
  const { pod, now } = ev;
  if (!pod.deletionTimestamp) return [];
  const grace = pod.deletionGracePeriodSeconds ?? 0;
  const overdue = now > pod.deletionTimestamp;
  const evidence = [
    `metadata.deletionTimestamp=${iso(pod.deletionTimestamp)}`,
    `metadata.deletionGracePeriodSeconds=${grace}`,
  ];
  if (pod.finalizers.length) {
    evidence.push(`metadata.finalizers: ${pod.finalizers.join(', ')}`);
    return [
      finding(
        overdue ? 'warning' : 'progressing',
        'DeletionHeldByFinalizers',
        `deletion was requested but the finalizer${pod.finalizers.length > 1 ? 's' : ''} ${pod.finalizers.join(', ')} hold${pod.finalizers.length > 1 ? '' : 's'} the pod: the API server keeps it until the controller that set ${pod.finalizers.length > 1 ? 'them removes them' : 'it removes it'}`,
        evidence,
      ),
    ];
  }
  if (overdue && pod.nodeName) {
    return [
      finding(
        'warning',
        'Terminating',
        `deletion was requested and its grace period ended ${age(pod.deletionTimestamp, now)} ago, but the kubelet on ${pod.nodeName} has not confirmed the containers stopped: is the node healthy?`,
        evidence,
      ),
    ];
  }
  return [
    finding(
      'progressing',
      'Terminating',
      `the pod is being deleted: its containers get ${grace}s to stop (SIGTERM, then SIGKILL)`,
      evidence,
    ),
  ];
}

function podReasonFindings(ev: Evidence): Finding[] {
  const { pod } = ev;
  if (pod.phase === 'Unknown') {
    return [
      finding(
        'error',
        pod.reason ?? 'NodeNotReporting',
        `the node ${pod.nodeName ?? ''} stopped reporting this pod's state: its kubelet is unreachable`,
        [`status.phase=Unknown`],
      ),
    ];
  }
  if (pod.reason && pod.phase === 'Failed') {
    return [
      finding('error', pod.reason, `the pod failed (${pod.reason})${pod.message ? `: ${pod.message}` : ''}`, [
        `status.reason=${pod.reason}`,
        ...(pod.message ? [`status.message=${pod.message}`] : []),
      ]),
    ];
  }
  return [];
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
    const severity: Severity = stuck && recurring ? 'error' : 'warning';
    const f = finding(
      severity,
      reason,
      `${e.message.replace(/\.$/, '')} (${n}x, last ${age(e.lastSeen, now)} ago)`,
      eventEvidence(e),
      c,
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
  const out: Finding[] = [...deletionFindings(ev), ...schedulingFindings(ev), ...podReasonFindings(ev)];
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
