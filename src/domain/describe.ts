// Pure: a pod, its events and crashed containers' logs in, a DescribeReport out. No I/O, no colour.
import { conditionRows } from './conditions.js';
import { containerViews, signalOf, type ContainerView } from './containers.js';
import { dedupe, eventsOf } from './events.js';
import { readLog } from './container-findings.js';
import { findings } from './findings.js';
import { deletionRequest } from './deletion.js';
import type {
  ContainerLog,
  ContainerState,
  DisruptionBudgetRef,
  EndpointSliceRef,
  KubeEvent,
  NetworkPolicyRef,
  OwnerChainLink,
  Pod,
  ServiceRef,
} from './model.js';
import { disruption, disruptionFindings } from './disruption.js';
import { policies } from './policy.js';
import { traffic, trafficFindings } from './traffic.js';
import { nextSteps, type CommandContext } from './nextsteps.js';
import { phaseInfo, verdict } from './phase.js';
import { REPORT_API_VERSION } from './api-versions.js';
import { type ContainerRow, type DescribeReport, type EventRow, type PodIdentity, type PodSummary } from './report.js';
import { network, volumes } from './sharing.js';
import { kubectlStatus } from './status.js';
import { age } from './time.js';
import { timeline } from './timeline.js';
import { startup } from './startup.js';
import { holds } from './termination-hold.js';
import { evictionStanding, nodeReport, type NodeLookup } from './node-health.js';
import { probeInfos, terminations } from './probe-report.js';
import { claimInfos, type StorageFacts } from './storage.js';
import { aroundPod, type Around } from './around.js';

export interface DescribeInput {
  pod: Pod;
  events: KubeEvent[]; // may include events of other objects; filtered here
  logs?: ContainerLog[];
  ownerChain?: OwnerChainLink[]; // the controller's own controllers, resolved by the command
  now: Date;
  commands?: CommandContext;
  /** The Services of the pod's namespace; undefined when they could not be listed (nothing is said then). */
  services?: ServiceRef[];
  /** Other pods of the namespace, when the command read them (to name the holder of a host port). */
  neighbours?: Pod[];
  /** The pod's node, the pods on it and their metrics, as far as they could be read. */
  node?: NodeLookup;
  /** The namespace's claims and the cluster's StorageClasses, as far as they could be read. */
  storage?: StorageFacts;
  /** The namespace's EndpointSlices, NetworkPolicies and PodDisruptionBudgets; undefined: not readable. */
  endpointSlices?: EndpointSliceRef[];
  networkPolicies?: NetworkPolicyRef[];
  disruptionBudgets?: DisruptionBudgetRef[];
}

const isoOrNull = (d?: Date) => (d ? d.toISOString() : null);

function identity(pod: Pod, events: KubeEvent[], chain: OwnerChainLink[], now: Date): PodIdentity {
  const ks = kubectlStatus(pod);
  const owner = pod.owners.find((o) => o.controller);
  const req = deletionRequest(pod, events);
  return {
    name: pod.name,
    namespace: pod.namespace,
    uid: pod.uid,
    node: pod.nodeName ?? null,
    podIP: pod.podIP ?? null,
    podIPs: pod.podIPs,
    hostIP: pod.hostIP ?? null,
    hostNetwork: pod.hostNetwork,
    phase: pod.phase,
    status: ks.status,
    ready: ks.ready,
    restarts: ks.restarts,
    qosClass: pod.qosClass ?? null,
    createdAt: pod.creationTimestamp.toISOString(),
    age: age(pod.creationTimestamp, now),
    owner: owner ? { kind: owner.kind, name: owner.name } : null,
    ownerChain: owner ? [{ kind: owner.kind, name: owner.name }, ...chain] : [],
    deletion:
      req && pod.deletionTimestamp
        ? {
            // approximate (when the kubelet began stopping containers) once the kubelet's final delete
            // has overwritten the request's grace period
            requestedAt: req.at?.toISOString() ?? null,
            deadline: pod.deletionTimestamp.toISOString(),
            gracePeriodSeconds: req.grace ?? null,
            finalizers: pod.finalizers,
          }
        : null,
  };
}

function stateWord(s: ContainerState): ContainerRow['state'] {
  return s.kind === 'running'
    ? 'Running'
    : s.kind === 'waiting'
      ? 'Waiting'
      : s.kind === 'terminated'
        ? 'Terminated'
        : 'NotCreated';
}

function containerRow(v: ContainerView, logs: ContainerLog[]): ContainerRow {
  const s = v.status;
  const st: ContainerState = s?.state ?? { kind: 'none' };
  const last = s?.lastState;
  const found = logs.find((l) => l.container === v.spec.name);
  const log = found && readLog(found);
  return {
    kind: v.spec.kind,
    name: v.spec.name,
    image: v.spec.image,
    state: stateWord(st),
    reason: st.kind === 'waiting' || st.kind === 'terminated' ? (st.reason ?? null) : null,
    message: st.kind === 'waiting' || st.kind === 'terminated' ? (st.message?.trim() ?? null) : null,
    exitCode: st.kind === 'terminated' ? st.exitCode : null,
    signal: st.kind === 'terminated' ? (signalOf(st) ?? null) : null,
    restarts: s?.restartCount ?? 0,
    ready: s?.ready ?? false,
    ports: v.spec.ports.map((p) => `${p.containerPort}/${p.protocol}${p.name ? ` (${p.name})` : ''}`),
    startedAt: st.kind === 'running' || st.kind === 'terminated' ? isoOrNull(st.startedAt) : null,
    finishedAt: st.kind === 'terminated' ? isoOrNull(st.finishedAt) : null,
    lastTermination:
      last?.kind === 'terminated'
        ? {
            exitCode: last.exitCode,
            reason: last.reason ?? null,
            signal: signalOf(last) ?? null,
            finishedAt: isoOrNull(last.finishedAt),
          }
        : null,
    log: log ? { previous: log.previous, lines: log.lines, error: log.error ?? null } : null,
  };
}

function eventRow(e: KubeEvent, now: Date): EventRow {
  return {
    type: e.type,
    reason: e.reason,
    message: e.message,
    count: e.count,
    firstSeen: e.firstSeen.toISOString(),
    lastSeen: e.lastSeen.toISOString(),
    age: age(e.lastSeen, now),
    source: e.source,
    object: e.involvedObject.fieldPath ?? null,
  };
}

export function describePod(input: DescribeInput): DescribeReport {
  const { pod, now } = input;
  const logs = input.logs ?? [];
  const events = dedupe(eventsOf(pod, input.events));
  const { services, neighbours } = input;
  const claims = claimInfos(pod, input.storage ?? {});
  const node = pod.nodeName ? nodeReport(pod, input.node ?? {}) : undefined;
  const trafficInfo = traffic(pod, services, input.endpointSlices);
  const budgets = disruption(pod, input.disruptionBudgets);
  const found = [
    ...findings({ pod, events, logs, now, services, neighbours, claims, node }),
    ...trafficFindings(pod, trafficInfo),
    ...disruptionFindings(budgets),
  ];
  const ks = kubectlStatus(pod);
  const v = verdict(pod, found, ks);
  return {
    apiVersion: REPORT_API_VERSION,
    kind: 'PodReport',
    generatedAt: now.toISOString(),
    pod: identity(pod, events, input.ownerChain ?? [], now),
    verdict: v,
    phase: phaseInfo(pod, found, v, now, { events, services }),
    findings: found,
    timeline: timeline(pod, events),
    containers: containerViews(pod).map((cv) => containerRow(cv, logs)),
    conditions: conditionRows(pod, events),
    network: network(pod, events),
    volumes: volumes(pod),
    events: events.map((e) => eventRow(e, now)),
    nextSteps: nextSteps(pod, found, input.commands ?? { kubectlArgs: [] }),
    ...optional({ startup: startup(pod, events), holds: holds(pod, events, logs, now) }),
    node: node ?? null,
    eviction: node?.eviction ?? (pod.nodeName ? evictionStanding(pod, input.node ?? {}) : null),
    storage: claims ?? null,
    probes: probeInfos(pod, events),
    terminations: terminations(pod, events),
    traffic: trafficInfo,
    networkPolicies: policies(pod, input.networkPolicies),
    disruption: budgets,
  };
}

/** The sections that exist only in some situations: absent from the JSON rather than null. */
function optional<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * One line for the many-pods view: the same verdict as the full report, without logs; `around`: the
 * Services, EndpointSlices and budgets of the pod's namespace, when the view read them.
 */
export function summarizePod(
  pod: Pod,
  podEvents: KubeEvent[],
  now: Date,
  neighbours?: Pod[],
  around?: Around,
): PodSummary {
  const events = dedupe(eventsOf(pod, podEvents));
  const near = around ? aroundPod(pod, around) : undefined;
  const found = [
    ...findings({ pod, events, logs: [], now, neighbours, services: around?.services }),
    ...(near?.findings ?? []),
  ];
  const ks = kubectlStatus(pod);
  const owner = pod.owners.find((o) => o.controller);
  return {
    name: pod.name,
    namespace: pod.namespace,
    node: pod.nodeName ?? null,
    podIP: pod.podIP ?? null,
    phase: pod.phase,
    status: ks.status,
    ready: ks.ready,
    restarts: ks.restarts,
    age: age(pod.creationTimestamp, now),
    owner: owner ? { kind: owner.kind, name: owner.name } : null,
    verdict: verdict(pod, found, ks),
    ...(near?.facts ? { neighbourhood: near.facts } : {}),
  };
}
