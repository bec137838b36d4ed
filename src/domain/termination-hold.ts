// A container that runs but does not finish, and what it holds up: the init container the pod waits
// on (what it says now, for how long), and the preStop hook that holds termination (its command, since
// when, and when SIGTERM and SIGKILL come). The kubelet runs the preStop hook first, with the grace
// period as its time limit; SIGTERM follows when the hook returns; the runtime sends SIGKILL when what
// is left of the grace period ends, but never less than 2 s after SIGTERM (minimumGracePeriodInSeconds).
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/kuberuntime/kuberuntime_container.go (killContainer)
// https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution
import { commandWords, currentInit } from './containers.js';
import { readLog } from './container-findings.js';
import { deletionRequest } from './deletion.js';
import type { ContainerLog, KubeEvent, Pod } from './model.js';
import { age } from './time.js';

const MIN_GRACE_S = 2;

export interface InitHold {
  container: string;
  command: string | null;
  since: string | null;
  runningSeconds: number | null;
  /** The latest lines of its log (bounded by --tail); null when they were not read. */
  log: { lines: string[]; error: string | null } | null;
  summary: string;
}

export interface PreStopHold {
  container: string;
  /** The hook's handler: "exec sleep 600", "http-get http://:8080/drain", "sleep 5s". */
  hook: string;
  /** When deletion was asked for: the hook runs since then. */
  since: string;
  /** SIGTERM comes when the hook returns, at the latest at this time (the end of the grace period). */
  sigtermBy: string | null;
  /** SIGKILL: at the end of the grace period if the hook has returned by then, else this much later. */
  sigkillAt: string | null;
  sigkillLateSeconds: number;
  gracePeriodSeconds: number | null;
  /** An exec hook's output goes to no log: only a failing hook's message reaches an event. */
  outputInLog: false;
  summary: string;
}

export interface Holds {
  init?: InitHold;
  preStop?: PreStopHold[];
}

const iso = (d?: Date) => (d ? d.toISOString() : null);

export function initHold(pod: Pod, logs: ContainerLog[], now: Date): InitHold | undefined {
  const v = currentInit(pod);
  const st = v?.status?.state;
  if (!v || st?.kind !== 'running' || v.spec.kind !== 'init') return undefined;
  const found = logs.find((l) => l.container === v.spec.name && !l.previous);
  const log = found && readLog(found);
  const lines = log && !log.error ? log.lines.filter((l) => l.trim()) : [];
  const since = st.startedAt;
  const said = lines.length
    ? `; its latest log line${lines.length > 1 ? 's' : ''}: ${lines
        .slice(-3)
        .map((l) => `"${l.trim().slice(0, 200)}"`)
        .join(', ')}`
    : log?.error
      ? `; its log could not be read: ${log.error}`
      : log
        ? '; it has written nothing to its log'
        : '';
  return {
    container: v.spec.name,
    command: commandWords(v.spec) ?? null,
    since: iso(since),
    runningSeconds: since ? Math.max(0, Math.round((now.getTime() - since.getTime()) / 1000)) : null,
    log: log ? { lines, error: log.error ?? null } : null,
    summary: `the pod waits on init container "${v.spec.name}" (${v.initIndex} of ${pod.initContainers.length}), running${since ? ` for ${age(since, now)}` : ''}${said}`,
  };
}

export function preStopHolds(pod: Pod, events: KubeEvent[], now: Date): PreStopHold[] {
  const req = deletionRequest(pod, events);
  if (!req?.at || req.approx || !pod.deletionTimestamp || pod.finalizers.length) return [];
  const deadline = req.deadline;
  const out: PreStopHold[] = [];
  for (const [i, spec] of [...pod.initContainers, ...pod.containers].entries()) {
    const status = i < pod.initContainers.length ? pod.initContainerStatuses : pod.containerStatuses;
    const s = status.find((x) => x.name === spec.name);
    if (!spec.preStop || s?.state.kind !== 'running') continue;
    const exec = spec.preStop.startsWith('exec ');
    const when = deadline
      ? now > deadline
        ? `the grace period ended ${age(deadline, now)} ago`
        : `the ${req.grace}s grace period ends in ${age(now, deadline)}, at ${deadline.toISOString()}`
      : 'the grace period is not known';
    out.push({
      container: spec.name,
      hook: spec.preStop,
      since: req.at.toISOString(),
      sigtermBy: iso(deadline),
      sigkillAt: iso(deadline),
      sigkillLateSeconds: MIN_GRACE_S,
      gracePeriodSeconds: req.grace ?? null,
      outputInLog: false,
      summary:
        `container "${spec.name}" runs its preStop hook (${spec.preStop}) since deletion was requested ${age(req.at, now)} ago; ` +
        `SIGTERM comes when the hook returns, at the latest when the grace period ends, and SIGKILL when it ends (${MIN_GRACE_S}s after SIGTERM if the hook used it all); ${when}` +
        (exec
          ? "; an exec hook's output is not in the container's log (the kubelet reports only a failing hook, in a FailedPreStopHook event)"
          : ''),
    });
  }
  return out;
}

export function holds(pod: Pod, events: KubeEvent[], logs: ContainerLog[], now: Date): Holds | undefined {
  const init = initHold(pod, logs, now);
  const preStop = preStopHolds(pod, events, now);
  if (!init && !preStop.length) return undefined;
  return { ...(init ? { init } : {}), ...(preStop.length ? { preStop } : {}) };
}
