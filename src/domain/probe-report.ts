// The probes of a pod as a report section: what each checks, its time budget, its latest failures
// (from the kubelet's Unhealthy events), and why each container last stopped: killed by its liveness
// or startup probe (a Killing event "failed liveness probe" during that run), OOMKilled, killed by a
// signal, or exited by itself. Prober: https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/prober/worker.go
import { containerViews, exitWords, signalOf, type Terminated } from './containers.js';
import { eventContainer } from './events.js';
import type { KubeEvent, Pod, Probe } from './model.js';
import { killBudgetSeconds, probeWords } from './probes.js';

export interface ProbeFailure {
  message: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface ProbeInfo {
  container: string;
  kind: Probe['kind'];
  handler: string;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
  /** initialDelaySeconds + periodSeconds x failureThreshold: the earliest a failing probe acts. */
  budgetSeconds: number;
  /** What it checks and what failing does, in words. */
  words: string;
  /** The latest failures the events hold (newest last, at most 3 distinct messages). */
  failures: ProbeFailure[];
}

export type StopCause = 'LivenessProbe' | 'StartupProbe' | 'OOMKilled' | 'Signal' | 'Exited' | 'StartError';

export interface Termination {
  container: string;
  /** true: the run before the current one (lastState); false: the container's current state. */
  previous: boolean;
  cause: StopCause;
  exitCode: number;
  signal: string | null;
  reason: string | null;
  finishedAt: string | null;
  message: string;
}

const CAP = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);

function failuresOf(events: KubeEvent[], container: string, kind: Probe['kind']): ProbeFailure[] {
  const prefix = `${CAP(kind)} probe failed`;
  const mine = events.filter(
    (e) => e.reason === 'Unhealthy' && eventContainer(e) === container && e.message.startsWith(prefix),
  );
  return mine.slice(-3).map((e) => ({
    message: e.message.slice(prefix.length).replace(/^:\s*/, '').trim() || '(the probe gave no output)',
    count: e.count,
    firstSeen: e.firstSeen.toISOString(),
    lastSeen: e.lastSeen.toISOString(),
  }));
}

export function probeInfos(pod: Pod, events: KubeEvent[]): ProbeInfo[] {
  return containerViews(pod).flatMap((v) =>
    v.spec.probes.map((p) => ({
      container: v.spec.name,
      kind: p.kind,
      handler: p.handler,
      initialDelaySeconds: p.initialDelaySeconds,
      periodSeconds: p.periodSeconds,
      timeoutSeconds: p.timeoutSeconds,
      failureThreshold: p.failureThreshold,
      budgetSeconds: killBudgetSeconds(p),
      words: probeWords(p),
      failures: failuresOf(events, v.spec.name, p.kind),
    })),
  );
}

/**
 * The kubelet's Killing event whose message matches, during the run that ended as t: "failed
 * liveness probe, will be restarted", or its own "Stopping container" (a deletion, a deadline).
 * Repeated kills are one event with a count, first and last time: it counts when its span overlaps
 * the run (its last time may be a later run's kill).
 */
function killDuring(events: KubeEvent[], container: string, t: Terminated, message: RegExp): KubeEvent | undefined {
  const from = (t.startedAt?.getTime() ?? 0) - 1000;
  const to = (t.finishedAt?.getTime() ?? Infinity) + 2000;
  return events
    .filter(
      (e) =>
        e.reason === 'Killing' &&
        eventContainer(e) === container &&
        message.test(e.message) &&
        e.lastSeen.getTime() >= from &&
        e.firstSeen.getTime() <= to,
    )
    .at(-1);
}

function classify(
  events: KubeEvent[],
  container: string,
  t: Terminated,
  hasProbe: boolean,
): { cause: StopCause; message: string } {
  const code = exitWords(t);
  const sig = signalOf(t);
  if (t.reason === 'OOMKilled')
    return { cause: 'OOMKilled', message: `killed by the kernel for memory (OOMKilled, ${code}), not by a probe` };
  if (t.reason === 'StartError' || t.reason === 'ContainerCannotRun')
    return { cause: 'StartError', message: `could not be started (${t.reason}, ${code})` };
  const kill = killDuring(events, container, t, /failed (liveness|startup) probe/);
  if (kill) {
    const kind = /startup probe/.test(kill.message) ? 'startup' : 'liveness';
    return {
      cause: kind === 'startup' ? 'StartupProbe' : 'LivenessProbe',
      message: `killed by the kubelet because its ${kind} probe failed (${code}${sig === 'SIGKILL' ? ' after the grace period, it did not stop on SIGTERM' : ''})`,
    };
  }
  const stop = killDuring(events, container, t, /^(?!.*probe)/);
  if (sig && stop)
    return {
      cause: 'Signal',
      message: `killed by ${sig} (exit code ${t.exitCode}) when the kubelet stopped it ("${stop.message}"${t.exitCode === 137 ? ': SIGTERM, then SIGKILL after the grace period' : ''})${hasProbe ? ', not by its probes' : ''} and not for memory`,
    };
  if (sig)
    return {
      cause: 'Signal',
      message: `killed by ${sig} (exit code ${t.exitCode})${hasProbe ? ', not by its probes (no probe kill event during that run)' : ''} and not for memory (no OOMKilled): something else sent it, or the process signalled itself`,
    };
  return {
    cause: 'Exited',
    message: `exited by itself with ${code}${t.reason && t.reason !== 'Error' && t.reason !== 'Completed' ? ` (${t.reason})` : ''}`,
  };
}

/** Why each container last stopped, told apart: probe, memory, signal, or its own exit. */
export function terminations(pod: Pod, events: KubeEvent[]): Termination[] {
  const out: Termination[] = [];
  for (const v of containerViews(pod)) {
    const s = v.status;
    if (!s) continue;
    const [t, previous] =
      s.state.kind === 'terminated' ? [s.state, false] : s.lastState.kind === 'terminated' ? [s.lastState, true] : [];
    if (!t || (t.exitCode === 0 && t.reason !== 'OOMKilled')) continue;
    const c = classify(events, s.name, t, v.spec.probes.length > 0);
    out.push({
      container: s.name,
      previous: previous as boolean,
      cause: c.cause,
      exitCode: t.exitCode,
      signal: signalOf(t) ?? null,
      reason: t.reason ?? null,
      finishedAt: t.finishedAt?.toISOString() ?? null,
      message: c.message,
    });
  }
  return out;
}
