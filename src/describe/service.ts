// `podlens describe`: flags -> what to fetch -> adapter -> domain -> renderer.
import { describePod, summarizePod } from '../domain/describe.js';
import { eventsByPod, podEventsFrom } from '../domain/events.js';
import { logsWanted } from '../domain/containers.js';
import type { ContainerLog, KubeEvent, OwnerChainLink, Pod } from '../domain/model.js';
import { REPORT_API_VERSION, type DescribeReport, type PodSummaryList } from '../domain/report.js';
import { closeNames } from '../domain/suggest.js';
import { ExitCode, KubeApiError, PodlensError, messages, usage } from '../errors.js';
import type { Cluster, WorkloadKind } from '../kube/types.js';
import { renderData } from '../render/data.js';
import { renderReport, renderSummaries } from '../render/describe-text.js';
import { colourEnabled, painter, startSpinner, type Io } from '../render/terminal.js';
import type { DescribeFlags } from '../commands/describe.js';
import { kubectlFlags, openCluster, validateSelection } from '../commands/flags.js';

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

function parseTail(v: string): number {
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
async function ownerChain(cluster: Cluster, pod: Pod): Promise<OwnerChainLink[]> {
  const owner = pod.owners.find((o) => o.controller);
  if (!owner || (owner.kind !== 'ReplicaSet' && owner.kind !== 'Job')) return [];
  try {
    const w = await cluster.getWorkload(owner.kind, pod.namespace, owner.name);
    const up = w.owners.find((o) => o.controller);
    return up ? [{ kind: up.kind, name: up.name }] : [];
  } catch {
    return []; // not allowed or gone: the report says what it knows
  }
}

async function crashLogs(cluster: Cluster, pod: Pod, tail: number): Promise<ContainerLog[]> {
  if (tail === 0) return [];
  return Promise.all(
    logsWanted(pod).map(async ({ container, previous }) => {
      try {
        const text = await cluster.readLog(pod.namespace, pod.name, container, { previous, tailLines: tail });
        const lines = text.replace(/\n$/, '').split('\n');
        return { container, previous, lines: lines.length === 1 && lines[0] === '' ? [] : lines };
      } catch (e) {
        const why = e instanceof KubeApiError ? (e.serverMessage ?? `HTTP ${e.status}`) : String((e as Error).message);
        return { container, previous, lines: [], error: why };
      }
    }),
  );
}

/** Pod not found: is it the namespace, or a typo? */
async function notFound(cluster: Cluster, namespace: string, names: string[]): Promise<PodlensError> {
  if ((await cluster.namespaceExists(namespace)) === false)
    return new PodlensError('namespace-not-found', messages.namespaceNotFound(namespace));
  if (names.length > 1) return new PodlensError('not-found', messages.podsNotFound(names, namespace));
  let existing: string[] = [];
  try {
    existing = (await cluster.listPods({ namespace })).map((p) => p.name);
  } catch {
    // suggestions are a courtesy; not being allowed to list is no reason to fail differently
  }
  return new PodlensError('not-found', messages.podNotFound(names[0], namespace, closeNames(names[0], existing)));
}

function selectorError(e: unknown, selector?: string): unknown {
  if (e instanceof KubeApiError && e.status === 400 && selector !== undefined) {
    return usage(`invalid label selector "${selector}": ${e.serverMessage ?? 'rejected by the API server'}.`);
  }
  return e;
}

interface Fetched {
  pods: Pod[];
  events: KubeEvent[];
  missing: string[];
  single?: { events: KubeEvent[] };
}

async function fetchOne(cluster: Cluster, namespace: string, name: string): Promise<Fetched> {
  // Pod and events in parallel; kubectl describe asks for events by involvedObject name, namespace
  // and uid after reading the pod. The uid is not known yet here, so it is matched in memory
  // (src/domain/events.ts), which keeps out the events of an earlier pod of the same name.
  const fieldSelector = `involvedObject.name=${name},involvedObject.namespace=${namespace}`;
  const [pod, events] = await Promise.all([
    cluster.getPod(namespace, name).catch(async (e) => {
      throw e instanceof KubeApiError && e.status === 404 ? await notFound(cluster, namespace, [name]) : e;
    }),
    cluster.listEvents({ namespace, fieldSelector }),
  ]);
  return { pods: [pod], events, missing: [], single: { events } };
}

async function fetchMany(
  cluster: Cluster,
  namespace: string | undefined,
  flags: DescribeFlags,
  names: string[],
): Promise<Fetched> {
  // ONE pod list and ONE event list, joined in memory.
  const [pods, events] = await Promise.all([
    cluster.listPods({ namespace, labelSelector: flags.selector }).catch((e: unknown) => {
      throw selectorError(e, flags.selector);
    }),
    cluster.listEvents({ namespace, fieldSelector: 'involvedObject.kind=Pod' }),
  ]);
  if (!names.length) return { pods, events, missing: [] };
  const wanted = new Set(names);
  return {
    pods: pods.filter((p) => wanted.has(p.name)),
    events,
    missing: names.filter((n) => !pods.some((p) => p.name === n)),
  };
}

async function fetchTargets(
  cluster: Cluster,
  namespace: string,
  targets: Target[],
  flags: DescribeFlags,
): Promise<Fetched> {
  const podNames = targets.filter((t) => t.kind === 'Pod').map((t) => t.name);
  const workloads = targets.filter((t): t is { kind: WorkloadKind; name: string } => t.kind !== 'Pod');
  if (!workloads.length && podNames.length === 1) return fetchOne(cluster, namespace, podNames[0]);
  if (!workloads.length) return fetchMany(cluster, namespace, flags, podNames);
  const [fromWorkloads, named] = await Promise.all([
    Promise.all(workloads.map((w) => workloadPods(cluster, namespace, w.kind, w.name))),
    podNames.length ? fetchMany(cluster, namespace, flags, podNames) : Promise.resolve(undefined),
  ]);
  const pods = new Map<string, Pod>();
  for (const p of [...fromWorkloads.flat(), ...(named?.pods ?? [])]) pods.set(p.uid, p);
  const events = named?.events ?? (await cluster.listEvents({ namespace, fieldSelector: 'involvedObject.kind=Pod' }));
  return { pods: [...pods.values()], events, missing: named?.missing ?? [] };
}

export async function runDescribe(names: string[], flags: DescribeFlags, io: Io): Promise<number> {
  validateSelection(names, flags);
  const targets = parseTargets(names);
  const tail = parseTail(flags.tail ?? '10');
  const machine = flags.output !== 'text';
  const { cluster, namespace } = await openCluster(flags, io.env);
  const spinner = await startSpinner(io, 'Asking the cluster...', machine);
  let report: DescribeReport | undefined;
  let list: PodSummaryList | undefined;
  let fetched: Fetched;
  const now = () => new Date();
  try {
    fetched = targets.length
      ? await fetchTargets(cluster, namespace, targets, flags)
      : await fetchMany(cluster, flags.allNamespaces ? undefined : namespace, flags, []);
    if (fetched.pods.length === 1) {
      const pod = fetched.pods[0];
      const [logs, chain] = await Promise.all([crashLogs(cluster, pod, tail), ownerChain(cluster, pod)]);
      report = describePod({
        pod,
        events: fetched.events,
        logs,
        ownerChain: chain,
        now: now(),
        commands: { kubectlFlags: kubectlFlags(flags) },
      });
    } else if (fetched.pods.length > 1) {
      const index = eventsByPod(fetched.events);
      const t = now();
      const items = fetched.pods
        .map((p) => summarizePod(p, podEventsFrom(index, p), t))
        .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
      list = { apiVersion: REPORT_API_VERSION, kind: 'PodSummaryList', generatedAt: t.toISOString(), items };
    } else if (
      !fetched.missing.length &&
      !flags.allNamespaces &&
      (await cluster.namespaceExists(namespace)) === false
    ) {
      throw new PodlensError('namespace-not-found', messages.namespaceNotFound(namespace));
    }
  } finally {
    spinner.stop();
  }

  // The terminal's width; off a terminal, 120 columns for the report's prose, 100 for the one-line-per-pod view.
  const columns = (io.stdout as { columns?: number }).columns;
  const text = { paint: painter(colourEnabled(io)), width: columns ?? 120 };
  const data = report ?? list;
  if (data) {
    io.stdout.write(
      machine
        ? await renderData(data, flags.output as 'json' | 'yaml')
        : report
          ? renderReport(report, text)
          : renderSummaries(list!.items, Boolean(flags.allNamespaces), { ...text, width: columns ?? 100 }),
    );
  } else if (!fetched.missing.length) {
    if (machine)
      io.stdout.write(
        await renderData(
          { apiVersion: REPORT_API_VERSION, kind: 'PodSummaryList', generatedAt: now().toISOString(), items: [] },
          flags.output as 'json' | 'yaml',
        ),
      );
    io.stderr.write(
      flags.allNamespaces
        ? 'No pods found.\n'
        : `No pods found in namespace ${namespace}${flags.selector ? ` matching ${flags.selector}` : ''}.\n`,
    );
  }
  if (fetched.missing.length) throw await notFound(cluster, namespace, fetched.missing);
  const verdicts = report ? [report.verdict] : (list?.items.map((i) => i.verdict) ?? []);
  if (flags.exitCode && verdicts.some((v) => v.severity === 'error')) return ExitCode.VERDICT;
  return ExitCode.OK;
}
