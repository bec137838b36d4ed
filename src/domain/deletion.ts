// A pod being deleted: when the deletion was asked for, what holds it, and what the kubelet does
// next. The kubelet stops each container by running its preStop hook first, then SIGTERM, then
// SIGKILL once the grace period ends; when all have stopped it deletes the pod again with grace 0,
// which moves deletionTimestamp to that moment and sets deletionGracePeriodSeconds to 0.
// https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/kuberuntime/kuberuntime_container.go (killContainer)
import { containerViews } from './containers.js';
import type { KubeEvent, Pod } from './model.js';
import type { Finding } from './report.js';
import { age } from './time.js';
import { statusFinding } from './finding.js';

const iso = (d?: Date) => (d ? d.toISOString() : '?');

export interface DeletionRequest {
  /**
   * When deletion was asked for: exact, or (approx) when the kubelet began stopping the containers;
   * undefined when nothing recorded it any more.
   */
  at?: Date;
  approx: boolean;
  /** The grace period asked for; undefined when the kubelet's final delete has overwritten it. */
  grace?: number;
  /** When the grace period ends (undefined once the kubelet's final delete has happened). */
  deadline?: Date;
}

/** The kubelet's "Stopping container" events: it began stopping containers for the deletion. */
function stoppingEvents(events: KubeEvent[]): KubeEvent[] {
  return events.filter((e) => e.reason === 'Killing' && /^Stopping container/.test(e.message));
}

const allStopped = (pod: Pod) =>
  [...pod.initContainerStatuses, ...pod.containerStatuses].every((s) => s.state.kind !== 'running');

export function deletionRequest(pod: Pod, events: KubeEvent[]): DeletionRequest | undefined {
  const dt = pod.deletionTimestamp;
  if (!dt) return undefined;
  const grace = pod.deletionGracePeriodSeconds ?? 0;
  if (grace > 0) return { at: new Date(dt.getTime() - grace * 1000), approx: false, grace, deadline: dt };
  // Grace 0 on a pod whose containers the kubelet stopped earlier: the kubelet's final delete, not the
  // request. The request itself is no longer recorded; the first "Stopping container" event is when
  // the kubelet acted on it.
  const first = stoppingEvents(events)
    .filter((e) => e.firstSeen < dt)
    .sort((a, b) => a.firstSeen.getTime() - b.firstSeen.getTime())[0];
  if (allStopped(pod)) return { at: first?.firstSeen, approx: true };
  return { at: dt, approx: false, grace: 0, deadline: dt };
}

/** "requested 2m ago with a grace period of 30s" or what is known instead. */
export function requestWords(r: DeletionRequest, now: Date): string {
  const lost = "the grace period asked for is no longer recorded: the kubelet's final delete set it to 0";
  if (!r.at) return `requested earlier (when, and ${lost})`;
  return r.approx
    ? `requested at the latest ${age(r.at, now)} ago, when the kubelet began stopping its containers (${lost})`
    : `requested ${age(r.at, now)} ago with a grace period of ${r.grace}s`;
}

const finding = (severity: Finding['severity'], code: string, message: string, evidence: string[], cause: string) =>
  statusFinding(severity, code, message, evidence, undefined, cause);

export function deletionFindings(pod: Pod, events: KubeEvent[], now: Date): Finding[] {
  const req = deletionRequest(pod, events);
  if (!req || !pod.deletionTimestamp) return [];
  const evidence = [
    `metadata.deletionTimestamp=${iso(pod.deletionTimestamp)}`,
    `metadata.deletionGracePeriodSeconds=${pod.deletionGracePeriodSeconds ?? 0}`,
  ];
  const overdue = req.deadline !== undefined && now > req.deadline;
  if (pod.finalizers.length) {
    const n = pod.finalizers.length;
    evidence.push(`metadata.finalizers: ${pod.finalizers.join(', ')}`);
    return [
      finding(
        overdue || req.approx ? 'warning' : 'progressing',
        'DeletionHeldByFinalizers',
        `deletion was requested but the finalizer${n > 1 ? 's' : ''} ${pod.finalizers.join(', ')} hold${n > 1 ? '' : 's'} the pod: the API server keeps it until the controller that set ${n > 1 ? 'them removes them' : 'it removes it'}`,
        evidence,
        `deletion held by finalizer${n > 1 ? 's' : ''} ${pod.finalizers.join(', ')}`,
      ),
    ];
  }
  if (allStopped(pod))
    return [
      finding(
        'progressing',
        'Terminating',
        'the pod is being deleted and its containers have stopped: the API server removes it once the kubelet confirms',
        evidence,
        'being deleted, containers stopped',
      ),
    ];
  if (overdue && pod.nodeName) {
    return [
      finding(
        'warning',
        'Terminating',
        `deletion was requested and its grace period ended ${age(req.deadline, now)} ago, but the kubelet on ${pod.nodeName} has not confirmed the containers stopped: is the node healthy?`,
        evidence,
        `deletion overdue: kubelet on ${pod.nodeName} has not confirmed`,
      ),
    ];
  }
  const left = req.deadline ? ` (in ${age(now, req.deadline)})` : '';
  // A running container with a preStop hook gets SIGTERM only when its hook returns.
  const hooked = containerViews(pod).filter((v) => v.spec.preStop && v.status?.state.kind === 'running');
  if (hooked.length && req.at) {
    const elapsed = (now.getTime() - req.at.getTime()) / 1000;
    const which = hooked.map((v) => `container "${v.spec.name}" (preStop: ${v.spec.preStop})`).join(', ');
    return [
      finding(
        req.grace && elapsed > req.grace / 2 ? 'warning' : 'progressing',
        'PreStopHookRunning',
        `the preStop hook holds termination: ${which} still runs ${age(req.at, now)} after deletion was requested; the kubelet sends SIGTERM only when the hook returns, and SIGKILL when the ${req.grace}s grace period ends${left}${hooked.some((v) => v.spec.preStop?.startsWith('exec ')) ? "; an exec hook's output is not in the container's log" : ''}`,
        [...evidence, ...hooked.map((v) => `lifecycle.preStop of ${v.spec.name}: ${v.spec.preStop}`)],
        `preStop hook of ${hooked.map((v) => v.spec.name).join(', ')} holds termination`,
      ),
    ];
  }
  return [
    finding(
      'progressing',
      'Terminating',
      `the pod is being deleted: the kubelet stops its containers with SIGTERM and kills any still running when the ${req.grace}s grace period ends${left}`,
      evidence,
      `being deleted (grace period ${req.grace}s)`,
    ),
  ];
}
