// Why the scheduler cannot place a pod, cause first: the selector no node carries, the request no
// node fits (and a CPU count that was probably meant in millicores), the claim that does not exist,
// the host port another pod holds. Built from the scheduler's message and the pod's own spec.
// Scheduler reasons: https://github.com/kubernetes/kubernetes/tree/v1.34.0/pkg/scheduler/framework/plugins
import { latest } from './events.js';
import type { Evidence } from './findings.js';
import type { KubeEvent, Pod } from './model.js';
import type { Finding } from './report.js';
import { age } from './time.js';
import { clause, statusFinding } from './finding.js';
import { storageCauses, type ClaimInfo } from './storage.js';

const iso = (d?: Date) => (d ? d.toISOString() : '?');

export function eventEvidence(e: KubeEvent | undefined): string[] {
  return e ? [`event ${e.reason} (${e.count}x, last ${iso(e.lastSeen)}): ${e.message}`] : [];
}

const finding = (severity: Finding['severity'], code: string, message: string, evidence: string[], cause: string) =>
  statusFinding(severity, code, message, evidence, undefined, cause);

/** A cause in a sentence, and in the few words of the many-pods view. */
interface Cause {
  long: string;
  short: string;
}

// kube-scheduler's own profile is default-scheduler, the name the API server fills in when a pod names none.
const DEFAULT_SCHEDULER = 'default-scheduler';

/** The scheduler spec.schedulerName names, in words. */
function schedulerWho(pod: Pod): string {
  const name = pod.schedulerName ?? DEFAULT_SCHEDULER;
  return name === DEFAULT_SCHEDULER ? 'the scheduler' : `scheduler "${name}" (spec.schedulerName)`;
}

/** What to ask when no scheduler acts: about kube-scheduler, or about the scheduler the pod names. */
function schedulerQuestion(pod: Pod): string {
  const name = pod.schedulerName ?? DEFAULT_SCHEDULER;
  return name === DEFAULT_SCHEDULER
    ? 'is kube-scheduler running?'
    : `the pod asks for scheduler "${name}" (spec.schedulerName): is a scheduler of that name running?`;
}

/** The first sentence of a scheduler message, without the preemption post-script. */
function schedulerWords(msg: string): string {
  return clause(msg.split(/\.\s/)[0]);
}

function requesters(pod: Pod) {
  return [...pod.containers, ...pod.initContainers.filter((c) => c.kind === 'sidecar')];
}

function sumRequests(pod: Pod, resource: string): string | undefined {
  const vals = requesters(pod)
    .map((c) => c.requests[resource])
    .filter(Boolean);
  return vals.length ? vals.join(' + ') : undefined;
}

/**
 * A CPU request written as a whole number of 100 or more ("640") asks for that many CPUs; it was
 * most likely meant in millicores ("640m"). Quantities: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
function cpuTypo(pod: Pod): Cause | undefined {
  const big = requesters(pod)
    .map((c) => ({ c: c.name, v: c.requests.cpu }))
    .find((r) => r.v && /^\d+$/.test(r.v) && Number(r.v) >= 100);
  return big
    ? {
        long: `container "${big.c}" requests ${big.v} CPUs (cpu: "${big.v}"); ${big.v}m (${Number(big.v) / 1000} CPU) was probably meant`,
        short: `cpu request ${big.v} is ${big.v} CPUs (${big.v}m meant?)`,
      }
    : undefined;
}

/** The pods (of those known) on a node that declare one of this pod's host ports. */
function portHolders(pod: Pod, others: Pod[]): Cause[] {
  const wanted = new Set(
    requesters(pod).flatMap((c) => c.ports.filter((p) => p.hostPort).map((p) => `${p.hostPort}/${p.protocol}`)),
  );
  const out: Cause[] = [];
  for (const o of others) {
    if (o.uid === pod.uid || !o.nodeName || o.phase === 'Succeeded' || o.phase === 'Failed') continue;
    const held = [...o.initContainers, ...o.containers].flatMap((c) =>
      c.ports.filter((p) => p.hostPort && wanted.has(`${p.hostPort}/${p.protocol}`)).map((p) => p.hostPort),
    );
    if (held.length)
      out.push({
        long: `host port ${held.join(', ')} is already held by pod ${o.name} on ${o.nodeName}`,
        short: `host port ${held.join(', ')} held by pod ${o.name}`,
      });
  }
  return out;
}

/** Causes named in the scheduler's message, each said from the pod's own spec. */
function causes(pod: Pod, msg: string, others: Pod[] | undefined, claims: ClaimInfo[] | undefined): Cause[] {
  const out: Cause[] = [];
  const sel = Object.entries(pod.nodeSelector).map(([k, v]) => `${k}=${v}`);
  if (/affinity|selector/i.test(msg))
    out.push(
      sel.length
        ? {
            long: `no node carries the labels of its nodeSelector ${sel.join(',')}`,
            short: `nodeSelector ${sel.join(',')} matches no node`,
          }
        : { long: 'no node matches its node affinity', short: 'node affinity matches no node' },
    );
  for (const m of msg.matchAll(/Insufficient ([\w/-]+(?:\.[\w/-]+)*)/g)) {
    const typo = m[1] === 'cpu' ? cpuTypo(pod) : undefined;
    const req = sumRequests(pod, m[1]) ?? '(none)';
    out.push(
      typo ?? {
        long: `no node has enough free ${m[1]} for its request of ${req}`,
        short: `${m[1]} request ${req} fits no node`,
      },
    );
  }
  // The claims themselves say more than the scheduler's message (which class is missing, which
  // claim waits for its first consumer); its words are the fallback when they could not be read.
  const fromClaims = /persistentvolumeclaim|persistent ?volume/i.test(msg) ? storageCauses(claims) : [];
  out.push(...fromClaims);
  if (!fromClaims.length)
    for (const m of msg.matchAll(/persistentvolumeclaim "([^"]+)" not found/gi))
      out.push({
        long: `its PersistentVolumeClaim "${m[1]}" does not exist in ${pod.namespace}`,
        short: `PersistentVolumeClaim ${m[1]} does not exist`,
      });
  if (/free ports/i.test(msg)) {
    const holders = others ? portHolders(pod, others) : [];
    const ports = requesters(pod)
      .flatMap((c) => c.ports.filter((p) => p.hostPort).map((p) => p.hostPort))
      .join(', ');
    out.push(
      ...(holders.length
        ? holders
        : [
            {
              long: `no node has host port ${ports} free (another pod, or a process of the node, holds it)`,
              short: `host port ${ports} free on no node`,
            },
          ]),
    );
  }
  if (/untolerated taint/i.test(msg))
    out.push({ long: 'the nodes have taints the pod does not tolerate', short: 'untolerated node taints' });
  return out;
}

export function schedulingFindings(ev: Evidence): Finding[] {
  const { pod, events, now } = ev;
  if (pod.nodeName) return [];
  if (pod.schedulingGates.length) {
    return [
      finding(
        'progressing',
        'SchedulingGated',
        `the pod is held back from scheduling by the gates ${pod.schedulingGates.join(', ')}; whoever added them must remove them`,
        [`spec.schedulingGates: ${pod.schedulingGates.join(', ')}`],
        `held by scheduling gates ${pod.schedulingGates.join(', ')}`,
      ),
    ];
  }
  const cond = pod.conditions.find((c) => c.type === 'PodScheduled');
  const failed = latest(events, 'FailedScheduling');
  const msg = cond?.status === 'False' && cond.message ? cond.message : failed?.message;
  if ((cond?.status === 'False' && cond.reason === 'Unschedulable') || failed) {
    const found = causes(pod, msg ?? '', ev.neighbours, ev.claims);
    const words = msg ? schedulerWords(msg) : 'no node fits';
    return [
      finding(
        'error',
        'Unschedulable',
        `${found.length ? `${found.map((c) => c.long).join('; ')}, so the scheduler cannot place the pod (scheduler: "${words}")` : `the scheduler cannot place the pod: ${words}`}; it retries when nodes or pods change`,
        [
          ...(cond ? [`condition PodScheduled=${cond.status} reason=${cond.reason ?? ''}: ${cond.message ?? ''}`] : []),
          ...eventEvidence(failed),
        ],
        found.length ? found.map((c) => c.short).join('; ') : `unschedulable: ${words}`,
      ),
    ];
  }
  const waited = now.getTime() - pod.creationTimestamp.getTime();
  if (waited > 60_000 && events.length === 0) {
    return [
      finding(
        'warning',
        'NotScheduled',
        `no scheduler has acted on the pod for ${age(pod.creationTimestamp, now)}: ${schedulerQuestion(pod)}`,
        [
          `spec.nodeName is empty and there are no events${pod.schedulerName ? `; spec.schedulerName=${pod.schedulerName}` : ''}`,
        ],
        'no scheduler acts on it',
      ),
    ];
  }
  return [
    finding(
      'progressing',
      'Scheduling',
      `waiting for ${schedulerWho(pod)} to choose a node`,
      ['spec.nodeName is empty'],
      'waiting for a node',
    ),
  ];
}
