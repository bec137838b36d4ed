// The describe report as data: what -o json/yaml prints and what the text renderer draws.
// Versioned: schema/describe.v2.json describes this shape (v2 objects allow additional properties,
// so fields may be added within v2). Change both together.

import type { REPORT_API_VERSION } from './api-versions.js';
import type { ContainerKind } from './model.js';
import type { PodGroup } from './grouping.js';
import type { Holds } from './termination-hold.js';
import type { StartupInfo } from './startup.js';
import type { EvictionStanding, NodeReport } from './node-health.js';
import type { ProbeInfo, Termination } from './probe-report.js';
import type { ClaimInfo } from './storage.js';

/** The finding the describe text shows beside the owner it is about, not in the findings list. */
export const NO_CONTROLLER = 'NoController';

export type Severity = 'ok' | 'progressing' | 'warning' | 'error';
export const SEVERITY_RANK: Record<Severity, number> = { ok: 0, progressing: 1, warning: 2, error: 3 };

export interface Finding {
  severity: Severity;
  code: string; // Kubernetes' reason name where one exists, else a podlens code (docs/reference.md)
  message: string;
  container?: string;
  /** The cause in a few words, for the many-pods view: what differs between pods ("nodeSelector disktype=ssd matches no node"). */
  cause?: string;
  /** 'status' findings decide the verdict; 'advice' findings are shown but do not change it. */
  category: 'status' | 'advice';
  evidence: string[];
}

export interface Verdict {
  severity: Severity;
  code: string;
  /** The cause in a few words (the many-pods view's VERDICT column). */
  cause: string;
  summary: string;
}

export interface PodIdentity {
  name: string;
  namespace: string;
  uid: string;
  node: string | null;
  podIP: string | null;
  podIPs: string[];
  hostIP: string | null;
  hostNetwork: boolean;
  phase: string;
  status: string; // the STATUS column of kubectl get pods
  ready: string; // the READY column, e.g. "1/2"
  restarts: number;
  qosClass: string | null;
  createdAt: string;
  age: string;
  owner: { kind: string; name: string } | null;
  ownerChain: { kind: string; name: string }[]; // pod's controller first, then its controller ...
  deletion: {
    requestedAt: string | null;
    deadline: string;
    gracePeriodSeconds: number | null;
    finalizers: string[];
  } | null;
}

export interface PhaseInfo {
  phase: string;
  state: string; // the sub-state, e.g. Unschedulable, PullingImages, Initializing, NotReady, Terminating
  meaning: string;
}

export interface TimelineEntry {
  at: string;
  offsetSeconds: number; // since creation
  event: string;
  detail: string | null;
  durationSeconds: number | null;
}

export interface ContainerRow {
  kind: ContainerKind;
  name: string;
  image: string;
  state: 'Running' | 'Waiting' | 'Terminated' | 'NotCreated';
  reason: string | null;
  message: string | null;
  exitCode: number | null;
  signal: string | null;
  restarts: number;
  ready: boolean;
  ports: string[];
  startedAt: string | null;
  finishedAt: string | null;
  lastTermination: { exitCode: number; reason: string | null; signal: string | null; finishedAt: string | null } | null;
  log: { previous: boolean; lines: string[]; error: string | null } | null;
}

export interface ConditionRow {
  type: string;
  status: string;
  reason: string | null;
  message: string | null;
  since: string | null;
  meaning: string;
  why: string | null; // why it is not True, in words, when it is not
  /** Set instead of `why` when the events show the status shown is older than what they say. */
  stale: string | null;
}

export interface NetworkInfo {
  podIP: string | null;
  hostNetwork: boolean;
  sharedBy: string[];
  explanation: string;
  ports: { container: string; port: number; protocol: string; name: string | null; hostPort: number | null }[];
  conflicts: string[];
}

export interface VolumeInfo {
  name: string;
  type: string;
  source: string | null;
  mounts: { container: string; kind: string; path: string; readOnly: boolean }[];
  note: string | null;
}

export interface EventRow {
  type: string;
  reason: string;
  message: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  age: string;
  source: string;
  object: string | null; // fieldPath, e.g. spec.containers{app}
}

/** How a Service's EndpointSlices list the pod (null in JSON when the slices could not be read). */
export type EndpointState = 'ready' | 'serving-terminating' | 'terminating' | 'not-ready' | 'absent';

export interface ServiceTraffic {
  service: string;
  endpoint: EndpointState | null;
  endpointSlices: string[]; // the slices that list the pod
  ports: {
    port: number;
    protocol: string;
    name: string | null;
    targetPort: string; // as the Service says it: a number or a port name
    podPort: number | null; // the container port it resolves to on this pod, when it does
    /** no-port-named: a named targetPort no container of the pod declares (an error); port-not-declared: a hint. */
    problem: 'no-port-named' | 'port-not-declared' | null;
  }[];
  sentence: string;
}

/** Issue 13: which Services select the pod and how their EndpointSlices list it. */
export interface TrafficInfo {
  services: ServiceTraffic[];
  summary: string;
}

/** Issue 13: the NetworkPolicies that select the pod, and what they isolate. */
export interface PolicyInfo {
  policies: { name: string; selector: string; policyTypes: string[]; ingressRules: number; egressRules: number }[];
  ingressIsolated: boolean;
  egressIsolated: boolean;
  summary: string;
  /** Said whenever a policy selects the pod: enforcement is the network plugin's. */
  enforcement: string | null;
}

/** Issue 13: the PodDisruptionBudgets that cover the pod and what an eviction would get now. */
export interface DisruptionInfo {
  budgets: {
    name: string;
    minAvailable: string | null;
    maxUnavailable: string | null;
    disruptionsAllowed: number;
    currentHealthy: number;
    desiredHealthy: number;
    expectedPods: number;
  }[];
  /** Whether the eviction API would evict the pod now. */
  evictable: boolean;
  /** The HTTP status the eviction API would answer (201 evicted, 429 refused, 500 several budgets, 403). */
  evictionStatus: number;
  summary: string;
}

export interface NextStep {
  command: string;
  why: string;
}

export interface DescribeReport {
  apiVersion: typeof REPORT_API_VERSION;
  kind: 'PodReport';
  generatedAt: string;
  pod: PodIdentity;
  verdict: Verdict;
  phase: PhaseInfo;
  findings: Finding[];
  timeline: TimelineEntry[];
  containers: ContainerRow[];
  conditions: ConditionRow[];
  network: NetworkInfo;
  volumes: VolumeInfo[];
  events: EventRow[];
  nextSteps: NextStep[];
  /** Where the time went from creation to Ready (src/domain/startup.ts); only for a pod that is Ready. */
  startup?: StartupInfo;
  /** What holds the pod up now: a running init container, a running preStop hook (src/domain/termination-hold.ts). */
  holds?: Holds;
  /** null: the kind could not be read (see notes) or, for traffic, Services could not be listed. */
  traffic: TrafficInfo | null;
  networkPolicies: PolicyInfo | null;
  disruption: DisruptionInfo | null;
  /** Views left out for want of a permission, each with the permission that adds it (src/describe/rights.ts). */
  notes?: string[];
  /** The pod's node (src/domain/node-health.ts); null when the pod is not scheduled or the node could not be read. */
  node?: NodeReport | null;
  /**
   * Where the pod stands in the kubelet's eviction order (as node.eviction), also when the node could
   * not be read; null when the pod is not scheduled.
   */
  eviction?: EvictionStanding | null;
  /** The pod's PersistentVolumeClaims (src/domain/storage.ts); null when they could not be read. */
  storage?: ClaimInfo[] | null;
  /** Every probe of every container, with its time budget and latest failures (src/domain/probe-report.ts). */
  probes?: ProbeInfo[];
  /** Why each container that stopped with a failure last stopped: probe, memory, signal or its own exit. */
  terminations?: Termination[];
}

/** One line per pod when several pods are described. */
export interface PodSummary {
  name: string;
  namespace: string;
  node: string | null;
  podIP: string | null;
  phase: string;
  status: string;
  ready: string;
  restarts: number;
  age: string;
  owner: { kind: string; name: string } | null;
  verdict: Verdict;
  /**
   * What its namespace's Services and PodDisruptionBudgets say about it (src/domain/around.ts):
   * absent when they were not read (the view made no list call for them, or was not allowed).
   */
  neighbourhood?: NeighbourFact[];
}

/** One fact from around a pod, in the many-pods view: a Service that cannot reach it, a budget that blocks it. */
export interface NeighbourFact {
  severity: Severity;
  code: string;
  /** In a few words, naming the object: "not a ready endpoint of Service web". */
  cause: string;
}

export interface PodSummaryList {
  apiVersion: typeof REPORT_API_VERSION;
  kind: 'PodSummaryList';
  generatedAt: string;
  /** Pods that fail for the same cause (two or more), largest group first (src/domain/grouping.ts). */
  groups?: PodGroup[];
  /** The pods' neighbourhood facts that are not already their verdict, by cause (one pod is enough). */
  around?: PodGroup[];
  items: PodSummary[];
  notes?: string[];
}

/** describe --full over a list query: each pod's full report. */
export interface PodReportList {
  apiVersion: typeof REPORT_API_VERSION;
  kind: 'PodReportList';
  generatedAt: string;
  items: DescribeReport[];
  notes?: string[];
}
