// The pod's node: is it Ready, under memory/disk/PID pressure, cordoned, tainted; how much of its
// allocatable the pods on it request; and where the pod stands in the kubelet's eviction order.
// Node conditions: https://kubernetes.io/docs/reference/node/node-status/#condition
// Taints and tolerations (ToleratesTaint): https://github.com/kubernetes/api/blob/v0.34.0/core/v1/toleration.go
// Eviction order (rankMemoryPressure: exceeds requests, then priority, then usage over requests):
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/eviction/helpers.go and
// https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/#pod-selection-for-kubelet-eviction
import type { Pod, Toleration } from './model.js';
import { amountWords, parseQuantity } from './quantity.js';
import { age } from './time.js';

export interface Taint {
  key: string;
  value?: string;
  effect: string; // NoSchedule | PreferNoSchedule | NoExecute
  timeAdded?: Date;
}

export interface NodeCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  since?: Date;
}

export interface NodeFacts {
  name: string;
  unschedulable: boolean;
  taints: Taint[];
  conditions: NodeCondition[];
  allocatable: Record<string, string>;
}

/** A pod's current usage, from metrics.k8s.io (PodMetrics: the sum over its containers). */
export interface PodUsage {
  namespace: string;
  name: string;
  cpu?: number; // cores
  memory?: number; // bytes
}

/** What the describe service read about the node; undefined parts were not readable. */
export interface NodeLookup {
  node?: NodeFacts;
  /** Every pod on the node (one list by spec.nodeName), this one included. */
  pods?: Pod[];
  /** PodMetrics of the cluster; 'unavailable' when metrics.k8s.io is not served. */
  metrics?: PodUsage[] | 'unavailable';
  /**
   * 'namespace' when only the pod's namespace's PodMetrics could be read (a developer's rights):
   * its own usage is known, the other pods' on the node are not, so it has no place in the order.
   */
  metricsScope?: 'cluster' | 'namespace';
}

export const PRESSURES = ['MemoryPressure', 'DiskPressure', 'PIDPressure'];

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

function requestOf(pod: Pod, resource: string): number {
  const q = (r: Record<string, string>) => parseQuantity(r[resource]) ?? 0;
  // The scheduler's pod request: app containers and sidecars together, or an init container with
  // the sidecars started before it, whichever is larger (resourcehelper.PodRequests).
  let sidecars = 0;
  let initMax = 0;
  for (const c of pod.initContainers) {
    if (c.kind === 'sidecar') sidecars += q(c.requests);
    else initMax = Math.max(initMax, q(c.requests) + sidecars);
  }
  const apps = pod.containers.reduce((n, c) => n + q(c.requests), 0);
  return Math.max(apps + sidecars, initMax);
}

export interface RequestShare {
  resource: string;
  /** This pod's request, in the resource's usual words ("500m", "64Mi", "1" pod). */
  pod: string;
  /** What all pods on the node request together (this one included). */
  requested: string;
  allocatable: string;
  percent: number;
}

const active = (p: Pod) => p.phase !== 'Succeeded' && p.phase !== 'Failed';

/** How much of the node's allocatable cpu, memory and pod slots its pods request. */
export function requestShares(pod: Pod, node: NodeFacts, pods: Pod[]): RequestShare[] {
  const others = pods.filter((p) => active(p) && p.uid !== pod.uid);
  const all = active(pod) ? [...others, pod] : others;
  const out: RequestShare[] = [];
  for (const resource of ['cpu', 'memory', 'pods']) {
    const alloc = parseQuantity(node.allocatable[resource]);
    if (alloc === undefined || alloc <= 0) continue;
    const mine = resource === 'pods' ? 1 : requestOf(pod, resource);
    const sum = resource === 'pods' ? all.length : all.reduce((n, p) => n + requestOf(p, resource), 0);
    out.push({
      resource,
      pod: amountWords(resource, mine),
      requested: amountWords(resource, sum),
      allocatable: amountWords(resource, alloc),
      percent: Math.round((sum / alloc) * 100),
    });
  }
  return out;
}

export interface EvictionStanding {
  qosClass: string | null;
  priority: number;
  metrics: 'available' | 'unavailable' | 'not-read';
  /** The pod's memory use and requests, when metrics are available. */
  memoryUsage: string | null;
  memoryRequests: string;
  exceedsRequests: boolean | null;
  /** 1-based place in the kubelet's memory eviction order among the node's pods with metrics. */
  rank: number | null;
  rankOf: number | null;
  words: string;
}

const NO_METRICS = 'metrics.k8s.io is not available on this cluster, so its usage is not known';

function qosWords(qos: string | undefined): string {
  switch (qos) {
    case 'BestEffort':
      return 'QoS class BestEffort: it requests no memory, so any use exceeds its requests, and under memory pressure the kubelet evicts such pods first (lower priority first, then larger use)';
    case 'Guaranteed':
      return 'QoS class Guaranteed: its requests equal its limits, so its use cannot exceed them, and the kubelet evicts it only after pods that exceed their requests';
    case 'Burstable':
      return 'QoS class Burstable: under memory pressure the kubelet evicts it before pods within their requests once its use exceeds its requests';
    default:
      return 'QoS class unknown';
  }
}

/**
 * Why metrics.k8s.io has no usage for a pod while it serves others'. metrics-server reports a pod
 * from its first scrape of the pod's node after the pod started; a node it cannot scrape (a fake
 * KWOK node, a kubelet it cannot reach) has no pod with usage at all.
 */
function noUsageWords(pod: Pod, pods: Pod[] | undefined, usage: (p: Pod) => number | undefined): string {
  const others = (pods ?? []).filter((p) => p.uid !== pod.uid && active(p));
  if (others.some((p) => usage(p) !== undefined)) return 'metrics.k8s.io has no usage for this pod yet';
  if (others.length > 0 && pod.nodeName)
    return `metrics.k8s.io has no usage for any pod on node ${pod.nodeName}, so its usage is not known`;
  return 'metrics.k8s.io has no usage for this pod, so its usage is not known';
}

/**
 * The kubelet never evicts a critical pod under node pressure: a static pod (seen in the API as its
 * mirror pod) or one of system-critical priority (pkg/kubelet/types IsCriticalPod; the eviction
 * manager's evictPod refuses it and goes on to the next pod in its order).
 */
const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
const critical = (p: Pod) => p.mirrorOf !== undefined || (p.priority ?? 0) >= SYSTEM_CRITICAL_PRIORITY;

function criticalWords(pod: Pod): string {
  const why = pod.mirrorOf
    ? 'a static pod (this is its mirror pod)'
    : `a critical pod (priority ${pod.priority}, at or above the system-critical ${SYSTEM_CRITICAL_PRIORITY})`;
  return `it is ${why}, which the kubelet does not evict under node pressure`;
}

/**
 * Whether its use exceeds its requests when usage is not known: always for BestEffort (it requests
 * nothing), never for Guaranteed (its use cannot pass its limits, which equal its requests).
 */
const exceedsByQos = (pod: Pod) =>
  pod.qosClass === 'BestEffort' ? true : pod.qosClass === 'Guaranteed' ? false : null;

/** Where the pod stands in the kubelet's eviction order under memory pressure. */
export function evictionStanding(pod: Pod, lookup: NodeLookup): EvictionStanding {
  const req = requestOf(pod, 'memory');
  const { metrics } = lookup;
  const usage = (p: Pod) =>
    Array.isArray(metrics) ? metrics.find((m) => m.namespace === p.namespace && m.name === p.name)?.memory : undefined;
  const used = usage(pod);
  const place = critical(pod) || used === undefined ? undefined : placeInOrder(pod, lookup, usage);
  return {
    qosClass: pod.qosClass ?? null,
    priority: pod.priority ?? 0,
    metrics: metrics === undefined ? 'not-read' : metrics === 'unavailable' ? 'unavailable' : 'available',
    memoryUsage: used === undefined ? null : amountWords('memory', used),
    memoryRequests: amountWords('memory', req),
    exceedsRequests: used === undefined ? exceedsByQos(pod) : used > req,
    rank: place?.rank ?? null,
    rankOf: place?.of ?? null,
    words: standingWords(pod, lookup, req, used, place, usage),
  };
}

/**
 * The pod's 1-based place among the node's active, non-critical pods with usage, in the kubelet's
 * order: over their requests first, then lower priority, then larger usage over requests. Needs
 * every pod on the node and the usage of all of them (metrics of all namespaces).
 */
function placeInOrder(
  pod: Pod,
  lookup: NodeLookup,
  usage: (p: Pod) => number | undefined,
): { rank: number; of: number } | undefined {
  if (!lookup.pods || lookup.metricsScope === 'namespace') return undefined;
  const ranked = lookup.pods
    .filter((p) => active(p) && !critical(p) && usage(p) !== undefined)
    .map((p) => ({ p, over: usage(p)! - requestOf(p, 'memory') }))
    .sort(
      (a, b) => Number(b.over > 0) - Number(a.over > 0) || (a.p.priority ?? 0) - (b.p.priority ?? 0) || b.over - a.over,
    );
  const at = ranked.findIndex((r) => r.p.uid === pod.uid);
  return at < 0 ? undefined : { rank: at + 1, of: ranked.length };
}

function standingWords(
  pod: Pod,
  lookup: NodeLookup,
  req: number,
  used: number | undefined,
  place: { rank: number; of: number } | undefined,
  usage: (p: Pod) => number | undefined,
): string {
  const uses = used === undefined ? undefined : usageWords(used, req);
  if (critical(pod))
    return `QoS class ${pod.qosClass ?? 'unknown'}, but ${criticalWords(pod)}${uses ? `; ${uses}` : ''}`;
  const qos = qosWords(pod.qosClass);
  if (lookup.metrics === undefined) return `${qos}; pod metrics could not be read, so its usage is not known`;
  if (lookup.metrics === 'unavailable') return `${qos}; ${NO_METRICS}`;
  if (!uses)
    return `${qos}; ${noUsageWords(pod, lookup.metricsScope === 'namespace' ? undefined : lookup.pods, usage)}`;
  if (place)
    return `${qos}; ${uses}, which puts it ${place.rank} of ${place.of} in the order the kubelet evicts the node's pods under memory pressure`;
  const why = !lookup.pods || lookup.metricsScope === 'namespace' ? ' (their usage could not be read)' : '';
  return `${qos}; ${uses}; its place among the node's other pods is not known${why}`;
}

function usageWords(used: number, req: number): string {
  const within = used > req ? 'over' : 'within';
  return `it uses ${amountWords('memory', used)} of memory against requests of ${amountWords('memory', req)} (${within} its requests)`;
}

export interface NodeTaintRow {
  key: string;
  value: string | null;
  effect: string;
  since: string | null;
  tolerated: boolean;
  tolerationSeconds: number | null;
  /**
   * A NoExecute taint tolerated for tolerationSeconds: when the taint manager evicts the pod. Its
   * timer starts when it sees both the taint and the pod (tainteviction.processPodOnNode), so from
   * the later of the taint's timeAdded and the pod's creation.
   */
  evictAt: string | null;
}

/** The node as the report shows it (JSON `node`). */
export interface NodeReport {
  name: string;
  ready: string; // True | False | Unknown
  readyReason: string | null;
  readyMessage: string | null;
  readySince: string | null;
  pressure: string[];
  cordoned: boolean;
  taints: NodeTaintRow[];
  requests: RequestShare[] | null;
  eviction: EvictionStanding;
  /** Whether anything about the node is worth saying (the text report shows the section then). */
  healthy: boolean;
}

/** The node finding sentences, each with its podlens code. */
export interface NodeFinding {
  severity: 'error' | 'warning';
  category: 'status' | 'advice';
  code: string;
  message: string;
  cause: string;
  evidence: string[];
}

const FULL = 90; // percent of allocatable from which "nearly full" is said

export function nodeReport(pod: Pod, lookup: NodeLookup): NodeReport | undefined {
  const node = lookup.node;
  if (!node) return undefined;
  const ready = node.conditions.find((c) => c.type === 'Ready');
  const pressure = node.conditions.filter((c) => PRESSURES.includes(c.type) && c.status === 'True').map((c) => c.type);
  const taints = node.taints.map((t) => {
    const tol = pod.tolerations.find((x) => tolerates(x, t));
    return {
      key: t.key,
      value: t.value ?? null,
      effect: t.effect,
      since: t.timeAdded?.toISOString() ?? null,
      tolerated: Boolean(tol),
      tolerationSeconds: tol?.tolerationSeconds ?? null,
      evictAt:
        t.effect === 'NoExecute' && tol?.tolerationSeconds !== undefined && t.timeAdded
          ? new Date(
              Math.max(t.timeAdded.getTime(), pod.creationTimestamp.getTime()) + tol.tolerationSeconds * 1000,
            ).toISOString()
          : null,
    };
  });
  const requests = lookup.pods ? requestShares(pod, node, lookup.pods) : null;
  const full = requests?.some((r) => r.percent >= FULL) ?? false;
  return {
    name: node.name,
    ready: ready?.status ?? 'Unknown',
    readyReason: ready?.reason ?? null,
    readyMessage: ready?.message ?? null,
    readySince: ready?.since?.toISOString() ?? null,
    pressure,
    cordoned: node.unschedulable,
    taints,
    requests,
    eviction: evictionStanding(pod, lookup),
    healthy:
      ready?.status === 'True' && !pressure.length && !node.unschedulable && !full && !untoleratedMatters(taints),
  };
}

// Taints the pod tolerates, and NoSchedule taints the controllers add for a condition already
// reported (not-ready, pressure, unschedulable), say nothing new.
const CONDITION_TAINT =
  /^node\.kubernetes\.io\/(not-ready|unreachable|memory-pressure|disk-pressure|pid-pressure|unschedulable|network-unavailable)$/;
function untoleratedMatters(taints: NodeTaintRow[]): boolean {
  return taints.some(
    (t) => !CONDITION_TAINT.test(t.key) && (t.tolerated ? evictsLater(t) : t.effect !== 'PreferNoSchedule'),
  );
}

/** A NoExecute taint the pod tolerates only for a while: the taint manager evicts it then. */
const evictsLater = (t: NodeTaintRow) => t.effect === 'NoExecute' && t.tolerated && t.tolerationSeconds !== null;

function taintWords(t: NodeTaintRow): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

/** "at ISO (in 4m)" for a taint's eviction time, or undefined when the node does not say. */
function evictWhen(t: NodeTaintRow, now: Date): string | undefined {
  if (!t.evictAt) return undefined;
  const at = new Date(t.evictAt);
  return `at ${t.evictAt} (${at > now ? `in ${age(now, at)}` : `${age(at, now)} ago`})`;
}

/** When a NoExecute taint the pod tolerates for a while evicts it. */
function evictionAt(t: NodeTaintRow, now: Date): string | undefined {
  const when = evictWhen(t, now);
  if (!when) return undefined;
  return `it tolerates the taint ${taintWords(t)} for ${t.tolerationSeconds}s, so the taint manager evicts it ${when}`;
}

export function nodeFindings(r: NodeReport | undefined, now: Date): NodeFinding[] {
  if (!r) return [];
  const out: NodeFinding[] = [];
  const on = `node ${r.name}`;
  if (r.ready !== 'True') {
    const since = r.readySince ? ` since ${age(new Date(r.readySince), now)} ago` : '';
    const why = r.readyMessage ?? r.readyReason;
    const state = `Ready=${r.ready}${since}${why ? `: ${why}` : ''}`;
    const evict = r.taints.map((t) => evictionAt(t, now)).find(Boolean);
    const meaning =
      r.ready === 'Unknown'
        ? `${on} has stopped reporting (${state}), so what the API says about this pod may be out of date`
        : `${on} is not Ready (${state}): its kubelet says it cannot run pods as it should`;
    out.push({
      severity: 'error',
      category: 'status',
      code: 'NodeNotReady',
      message: `${meaning}${evict ? `; ${evict}` : ''}`,
      cause: `node ${r.name} not Ready${r.readyReason ? ` (${r.readyReason})` : ''}`,
      evidence: [
        `node ${r.name} condition Ready=${r.ready}${r.readyReason ? ` reason=${r.readyReason}` : ''}${r.readyMessage ? `: ${r.readyMessage}` : ''}`,
      ],
    });
  }
  for (const p of r.pressure) {
    const what = p === 'MemoryPressure' ? 'memory' : p === 'DiskPressure' ? 'disk space' : 'process IDs';
    out.push({
      severity: 'warning',
      category: 'status',
      code: 'NodePressure',
      message: `${on} reports ${p}: the kubelet is short of ${what} and evicts pods to reclaim it, and no new pod is scheduled there; ${r.eviction.words}`,
      cause: `node ${r.name} under ${p}`,
      evidence: [`node ${r.name} condition ${p}=True`],
    });
  }
  if (r.cordoned)
    out.push({
      severity: 'warning',
      category: 'advice',
      code: 'NodeCordoned',
      message: `${on} is cordoned (spec.unschedulable): that moves no pod already placed there, this one included, but no new pod is scheduled there, so a replacement of this pod lands on another node`,
      cause: `node ${r.name} cordoned`,
      evidence: [`node ${r.name} spec.unschedulable=true`],
    });
  for (const t of r.taints) {
    if (CONDITION_TAINT.test(t.key)) continue;
    if (evictsLater(t)) {
      const when = evictWhen(t, now);
      out.push({
        severity: 'warning',
        category: 'status',
        code: 'NodeTaint',
        message: `${on} has the taint ${taintWords(t)}, which this pod tolerates for ${t.tolerationSeconds}s: the taint manager evicts it ${when ?? `${t.tolerationSeconds}s after it noticed the taint (the taint has no timeAdded, so when is not known)`}`,
        cause: `node ${r.name} taint ${taintWords(t)} tolerated for ${t.tolerationSeconds}s`,
        evidence: [`node ${r.name} spec.taints: ${taintWords(t)}; pod toleration for ${t.tolerationSeconds}s`],
      });
      continue;
    }
    if (t.tolerated || t.effect === 'PreferNoSchedule') continue;
    out.push({
      severity: 'warning',
      category: t.effect === 'NoExecute' ? 'status' : 'advice',
      code: 'NodeTaint',
      message:
        t.effect === 'NoExecute'
          ? `${on} has the taint ${taintWords(t)}, which this pod does not tolerate: the taint manager evicts it`
          : `${on} has the taint ${taintWords(t)}, which this pod does not tolerate: the pod is on it because it was placed there before the taint came (or by spec.nodeName), and a NoSchedule taint moves no pod already placed, but the scheduler places no such pod there again`,
      cause: `node ${r.name} taint ${taintWords(t)} not tolerated`,
      evidence: [`node ${r.name} spec.taints: ${taintWords(t)}`],
    });
  }
  for (const q of r.requests ?? []) {
    if (q.percent < FULL) continue;
    out.push({
      severity: 'warning',
      category: 'advice',
      code: 'NodeNearlyFull',
      message: `the pods on ${on} request ${q.requested} of its allocatable ${q.allocatable} ${q.resource} (${q.percent}%), this pod ${q.pod}: a pod that needs more than what is left does not fit there`,
      cause: `node ${r.name} ${q.resource} ${q.percent}% requested`,
      evidence: [`node ${r.name} allocatable ${q.resource}=${q.allocatable}; requested by its pods: ${q.requested}`],
    });
  }
  return out;
}
