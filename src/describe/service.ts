// describe's planning: which queries answer the names and flags (one pod, one list, a workload's pods
// by selector and ownership), the owner chain and crash logs, not-found diagnosis; the result is
// handed to the renderer by src/commands/describe.ts.
import { describePod, summarizePod } from '../domain/describe.js';
import { eventsByPod, podEventsFrom } from '../domain/events.js';
import { logsWanted } from '../domain/containers.js';
import { groupAround, groupByCause } from '../domain/grouping.js';
import { inNamespace, type Around } from '../domain/around.js';
import type { ContainerLog, KubeEvent, OwnerChainLink, Pod } from '../domain/model.js';
import { REPORT_API_VERSION } from '../domain/api-versions.js';
import type { DescribeReport, PodReportList, PodSummaryList } from '../domain/report.js';
import { ExitCode, KubeApiError, PodlensError, messages, selectorError, usage, type ExitCodeValue } from '../errors.js';
import type { Cluster, WorkloadKind } from '../kube/types.js';
import { getPodOrNotFound, podNotFound } from './not-found.js';
import { RightsNotes } from './rights.js';
import { Surroundings } from './surroundings.js';

// kubectl's short names and plural forms for the kinds whose pods we can describe.
const KINDS: Record<string, WorkloadKind | 'Pod'> = {
  po: 'Pod',
  pod: 'Pod',
  pods: 'Pod',
  deploy: 'Deployment',
  deployment: 'Deployment',
  deployments: 'Deployment',
  'deployment.apps': 'Deployment',
  'deployments.apps': 'Deployment',
  rs: 'ReplicaSet',
  replicaset: 'ReplicaSet',
  replicasets: 'ReplicaSet',
  'replicaset.apps': 'ReplicaSet',
  'replicasets.apps': 'ReplicaSet',
  job: 'Job',
  jobs: 'Job',
  'job.batch': 'Job',
  'jobs.batch': 'Job',
  sts: 'StatefulSet',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  'statefulset.apps': 'StatefulSet',
  ds: 'DaemonSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  'daemonset.apps': 'DaemonSet',
};

interface Target {
  kind: WorkloadKind | 'Pod';
  name: string;
}

export function parseTargets(names: string[]): Target[] {
  return names.map((arg) => {
    const i = arg.indexOf('/');
    if (i < 0) return { kind: 'Pod', name: arg };
    const kind = KINDS[arg.slice(0, i).toLowerCase()];
    const name = arg.slice(i + 1);
    if (!kind || !name || name.includes('/')) {
      throw usage(`cannot describe "${arg}": use a pod name, or deploy/NAME, rs/NAME, job/NAME, sts/NAME or ds/NAME.`);
    }
    return { kind, name };
  });
}

export function parseTail(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 1000)
    throw usage(`invalid value "${v}" for --tail: use a number of lines from 0 to 1000.`);
  return Number(v);
}

/** The pods a workload controls: matched by its selector, then by ownership (as its controller does). */
async function workloadPods(cluster: Cluster, namespace: string, kind: WorkloadKind, name: string): Promise<Pod[]> {
  const w = await cluster.getWorkload(kind, namespace, name);
  let owners = new Set([w.uid]);
  if (kind === 'Deployment') {
    const rss = await cluster.listReplicaSets(namespace, w.selector);
    owners = new Set(rss.filter((rs) => rs.owners.some((o) => o.uid === w.uid && o.controller)).map((rs) => rs.uid));
  }
  const pods = await cluster.listPods({ namespace, labelSelector: w.selector || undefined });
  return pods.filter((p) => p.owners.some((o) => o.controller && owners.has(o.uid)));
}

/** The controller's own controller (ReplicaSet -> Deployment, Job -> CronJob), best effort. */
/** Events about pods: optional, as in kubectl describe; without the right, none, and a note. */
function podEvents(cluster: Cluster, notes: RightsNotes, namespace: string | undefined, fieldSelector: string) {
  return notes.unlessForbidden(
    cluster.listEvents({ namespace, fieldSelector }),
    [] as KubeEvent[],
    'the events section is empty and verdicts are judged without events',
    'get,list',
  );
}

async function ownerChain(cluster: Cluster, pod: Pod, notes: RightsNotes): Promise<OwnerChainLink[]> {
  const owner = pod.owners.find((o) => o.controller);
  if (!owner || (owner.kind !== 'ReplicaSet' && owner.kind !== 'Job')) return [];
  try {
    const w = await cluster.getWorkload(owner.kind, pod.namespace, owner.name);
    const up = w.owners.find((o) => o.controller);
    return up ? [{ kind: up.kind, name: up.name }] : [];
  } catch (e) {
    notes.forbidden(e, "the owner chain stops at the pod's own controller", 'get');
    return []; // not allowed or gone: the report says what it knows
  }
}

/**
 * An optional list: forbidden becomes one note and undefined (the section it feeds says nothing);
 * any other API failure is undefined too, so a neighbour cannot fail the pod's report.
 */
async function optionalList<T>(notes: RightsNotes, read: Promise<T>, view: string): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    notes.forbidden(e, view, 'list');
    if (e instanceof KubeApiError) return undefined;
    throw e;
  }
}

/**
 * The pod's neighbourhood (issues 10, 13): the namespace's Services, EndpointSlices, NetworkPolicies
 * and PodDisruptionBudgets, ONE list call per kind and namespace, all in parallel.
 */
async function neighbourhood(cluster: Cluster, namespace: string, notes: RightsNotes) {
  const [services, endpointSlices, networkPolicies, disruptionBudgets] = await Promise.all([
    optionalList(notes, cluster.listServices(namespace), 'which Services select the pod is not said'),
    optionalList(
      notes,
      cluster.listEndpointSlices(namespace),
      'whether Services list the pod as an endpoint is not said',
    ),
    optionalList(notes, cluster.listNetworkPolicies(namespace), 'which NetworkPolicies select the pod is not said'),
    optionalList(
      notes,
      cluster.listDisruptionBudgets(namespace),
      'which PodDisruptionBudgets cover the pod is not said',
    ),
  ]);
  return { services, endpointSlices, networkPolicies, disruptionBudgets };
}

/**
 * The many-pods view's neighbourhood: ONE list each of Services, EndpointSlices and
 * PodDisruptionBudgets for the whole scope (the namespace, or all of them with -A), in parallel with
 * the pods, never one per pod or namespace; each pod is then judged against its namespace's objects.
 */
async function aroundScope(cluster: Cluster, notes: RightsNotes, namespace: string | undefined): Promise<Around> {
  const [services, endpointSlices, disruptionBudgets] = await Promise.all([
    optionalList(notes, cluster.listServices(namespace), 'which Services select the pods is not said'),
    optionalList(
      notes,
      cluster.listEndpointSlices(namespace),
      'whether Services list the pods as ready endpoints is not said',
    ),
    optionalList(
      notes,
      cluster.listDisruptionBudgets(namespace),
      "which PodDisruptionBudgets block the pods' eviction is not said",
    ),
  ]);
  return { services, endpointSlices, disruptionBudgets };
}

/**
 * The other pods of the namespace, read only for a pod the scheduler cannot place for want of a host
 * port: the report then names the pod that holds it. Undefined when not needed or not allowed.
 */
async function portNeighbours(cluster: Cluster, pod: Pod): Promise<Pod[] | undefined> {
  const wantsHostPort = [...pod.initContainers, ...pod.containers].some((c) => c.ports.some((p) => p.hostPort));
  if (pod.nodeName || !wantsHostPort) return undefined;
  try {
    return await cluster.listPods({ namespace: pod.namespace });
  } catch (e) {
    if (e instanceof KubeApiError) return undefined;
    throw e;
  }
}

async function crashLogs(cluster: Cluster, pod: Pod, tail: number, notes: RightsNotes): Promise<ContainerLog[]> {
  if (tail === 0) return [];
  return Promise.all(
    logsWanted(pod).map(async ({ container, previous }) => {
      try {
        const text = await cluster.readLog(pod.namespace, pod.name, container, { previous, tailLines: tail });
        const lines = text.replace(/\n$/, '').split('\n');
        return { container, previous, lines: lines.length === 1 && lines[0] === '' ? [] : lines };
      } catch (e) {
        if (notes.forbidden(e, 'the logs of failed containers are not shown', 'get'))
          return { container, previous, lines: [], error: 'not allowed to read logs (see the note)' };
        const why = e instanceof KubeApiError ? (e.serverMessage ?? `HTTP ${e.status}`) : String((e as Error).message);
        return { container, previous, lines: [], error: why };
      }
    }),
  );
}

interface Fetched {
  pods: Pod[];
  events: KubeEvent[];
  missing: string[];
  single?: { events: KubeEvent[] };
  /** Every pod the list call returned (before filtering by name): the neighbours of each. */
  neighbours?: Pod[];
}

async function fetchOne(cluster: Cluster, notes: RightsNotes, namespace: string, name: string): Promise<Fetched> {
  // Pod and events in parallel; kubectl describe asks for events by involvedObject name, namespace
  // and uid after reading the pod. The uid is not known yet here, so it is matched in memory
  // (src/domain/events.ts), which keeps out the events of an earlier pod of the same name.
  const fieldSelector = `involvedObject.name=${name},involvedObject.namespace=${namespace}`;
  const [pod, events] = await Promise.all([
    getPodOrNotFound(cluster, namespace, name),
    podEvents(cluster, notes, namespace, fieldSelector),
  ]);
  return { pods: [pod], events, missing: [], single: { events } };
}

async function fetchMany(
  cluster: Cluster,
  notes: RightsNotes,
  namespace: string | undefined,
  selector: string | undefined,
  names: string[],
  fieldSelector?: string,
): Promise<Fetched> {
  // ONE pod list and ONE event list, joined in memory.
  const [pods, events] = await Promise.all([
    cluster.listPods({ namespace, labelSelector: selector, fieldSelector }).catch((e: unknown) => {
      throw selectorError(e, selector, fieldSelector);
    }),
    podEvents(cluster, notes, namespace, 'involvedObject.kind=Pod'),
  ]);
  if (!names.length) return { pods, events, missing: [] };
  const wanted = new Set(names);
  return {
    pods: pods.filter((p) => wanted.has(p.name)),
    events,
    missing: names.filter((n) => !pods.some((p) => p.name === n)),
    neighbours: pods,
  };
}

async function fetchTargets(
  cluster: Cluster,
  notes: RightsNotes,
  namespace: string,
  targets: Target[],
): Promise<Fetched> {
  const podNames = targets.filter((t) => t.kind === 'Pod').map((t) => t.name);
  const workloads = targets.filter((t): t is { kind: WorkloadKind; name: string } => t.kind !== 'Pod');
  if (!workloads.length) return fetchMany(cluster, notes, namespace, undefined, podNames);
  const [fromWorkloads, named] = await Promise.all([
    Promise.all(workloads.map((w) => workloadPods(cluster, namespace, w.kind, w.name))),
    podNames.length ? fetchMany(cluster, notes, namespace, undefined, podNames) : Promise.resolve(undefined),
  ]);
  const pods = new Map<string, Pod>();
  for (const p of [...fromWorkloads.flat(), ...(named?.pods ?? [])]) pods.set(p.uid, p);
  const events = named?.events ?? (await podEvents(cluster, notes, namespace, 'involvedObject.kind=Pod'));
  return { pods: [...pods.values()], events, missing: named?.missing ?? [] };
}

export interface DescribeOptions {
  targets: Target[];
  namespace: string; // -n, else the context's namespace
  allNamespaces: boolean;
  selector?: string;
  /** --field-selector, passed to the pod list as kubectl get does. */
  fieldSelector?: string;
  /** --full: each pod's full report instead of one line per pod. */
  full?: boolean;
  tail: number; // lines of a crashed container's previous log
  kubectlArgs: string[]; // for the follow-up commands the report suggests
}

/**
 * What describe found. The shape follows the query, never the number of matches (schema v2): one
 * pod named gives its report; a selector, an owner, -A or several names give the list (with --full,
 * the list of reports), even of one pod or none.
 */
export interface DescribeResult {
  report?: DescribeReport;
  list?: PodSummaryList;
  reports?: PodReportList;
  /** Named pods that are not there: the error to raise once what was found is shown. */
  notFound?: PodlensError;
}

/** True when the query names exactly one pod: only then is the answer a single report. */
export function namesOnePod(o: Pick<DescribeOptions, 'targets' | 'allNamespaces' | 'selector' | 'fieldSelector'>) {
  return (
    o.targets.length === 1 &&
    o.targets[0].kind === 'Pod' &&
    !o.allNamespaces &&
    o.selector === undefined &&
    o.fieldSelector === undefined
  );
}

function summaryList(pods: Pod[], events: KubeEvent[], now: Date, neighbours: Pod[], around: Around): PodSummaryList {
  const index = eventsByPod(events);
  const items = pods
    .map((p) => summarizePod(p, podEventsFrom(index, p), now, neighbours, inNamespace(around, p.namespace)))
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const groups = groupByCause(items);
  const near = groupAround(items);
  return {
    apiVersion: REPORT_API_VERSION,
    kind: 'PodSummaryList',
    generatedAt: now.toISOString(),
    ...(groups.length ? { groups } : {}),
    ...(near.length ? { around: near } : {}),
    items,
  };
}

interface ReportContext {
  cluster: Cluster;
  notes: RightsNotes;
  o: DescribeOptions;
  now: () => Date;
  /** One list of each neighbouring kind per namespace, shared by the pods of a --full list. */
  around: Map<string, ReturnType<typeof neighbourhood>>;
  /** The node, claims, classes and metrics reads, once per scope (src/describe/surroundings.ts). */
  surroundings: Surroundings;
}

/** One pod's full report: its crash logs, owner chain and neighbourhood read beside what was fetched. */
async function fullReport(c: ReportContext, pod: Pod, events: KubeEvent[], neighbours?: Pod[]) {
  let around = c.around.get(pod.namespace);
  if (!around) c.around.set(pod.namespace, (around = neighbourhood(c.cluster, pod.namespace, c.notes)));
  const [logs, chain, near, ports, node, storage] = await Promise.all([
    crashLogs(c.cluster, pod, c.o.tail, c.notes),
    ownerChain(c.cluster, pod, c.notes),
    around,
    neighbours ? Promise.resolve(pod.nodeName ? undefined : neighbours) : portNeighbours(c.cluster, pod),
    c.surroundings.nodeLookup(pod),
    c.surroundings.storageFacts(pod),
  ]);
  return describePod({
    pod,
    events,
    logs,
    ...near,
    neighbours: ports,
    node,
    storage,
    ownerChain: chain,
    now: c.now(),
    commands: { kubectlArgs: c.o.kubectlArgs },
  });
}

/** --full over many pods: a few pods at a time, so a namespace of hundreds does not open hundreds of requests. */
async function fullReports(c: ReportContext, pods: Pod[], events: KubeEvent[], neighbours?: Pod[]) {
  const sorted = [...pods].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const index = eventsByPod(events);
  const out: DescribeReport[] = new Array<DescribeReport>(sorted.length);
  let next = 0;
  const worker = async () => {
    while (next < sorted.length) {
      const i = next++;
      out[i] = await fullReport(c, sorted[i], podEventsFrom(index, sorted[i]), neighbours);
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, sorted.length) }, worker));
  return out;
}

export async function describe(cluster: Cluster, o: DescribeOptions, now: () => Date): Promise<DescribeResult> {
  const notes = new RightsNotes();
  const c: ReportContext = {
    cluster,
    notes,
    o,
    now,
    around: new Map(),
    surroundings: new Surroundings(cluster, notes),
  };
  if (namesOnePod(o)) {
    const { pods, events } = await fetchOne(cluster, notes, o.namespace, o.targets[0].name);
    const report = await fullReport(c, pods[0], events);
    return { report: { ...report, notes: notes.list } };
  }
  // The list view's neighbours are read beside the pods (a --full list reads them per namespace below).
  const around = o.full ? undefined : aroundScope(cluster, notes, o.allNamespaces ? undefined : o.namespace);
  around?.catch(() => {}); // awaited below; a failed pod list must not leave it unhandled
  const fetched = o.targets.length
    ? await fetchTargets(cluster, notes, o.namespace, o.targets)
    : await fetchMany(cluster, notes, o.allNamespaces ? undefined : o.namespace, o.selector, [], o.fieldSelector);
  const notFound = fetched.missing.length ? await podNotFound(cluster, o.namespace, fetched.missing) : undefined;
  // Nothing at all in a namespace that does not exist: say so rather than "no pods".
  if (!fetched.pods.length && !notFound && !o.allNamespaces && (await cluster.namespaceExists(o.namespace)) === false)
    throw new PodlensError('namespace-not-found', messages.namespaceNotFound(o.namespace));
  const neighbours = fetched.neighbours ?? fetched.pods;
  if (o.full) {
    const items = await fullReports(c, fetched.pods, fetched.events, fetched.neighbours);
    const at = now().toISOString();
    return {
      reports: { apiVersion: REPORT_API_VERSION, kind: 'PodReportList', generatedAt: at, items, notes: notes.list },
      notFound,
    };
  }
  const list = summaryList(fetched.pods, fetched.events, now(), neighbours, (await around) ?? {});
  return { list: { ...list, notes: notes.list }, notFound };
}

/** --exit-code: 3 when a verdict is error; otherwise 0. */
export function describeExitCode(r: DescribeResult, exitCodeFlag: boolean): ExitCodeValue {
  const verdicts = r.report ? [r.report.verdict] : ((r.list ?? r.reports)?.items.map((i) => i.verdict) ?? []);
  return exitCodeFlag && verdicts.some((v) => v.severity === 'error') ? ExitCode.VERDICT : ExitCode.OK;
}
