// The cluster as commands see it: plain podlens types in, plain types out. Commands depend on this
// interface (tests can hand them a fake); src/kube/adapter.ts implements it with the client.
import type {
  DisruptionBudgetRef,
  EndpointSliceRef,
  KubeEvent,
  NetworkPolicyRef,
  OwnerRef,
  Pod,
  ServiceRef,
} from '../domain/model.js';
import type { NodeFacts, PodUsage } from '../domain/node-health.js';
import type { Claim, StorageClass } from '../domain/storage.js';

/** Who to act as: kubectl's --as, --as-group, --as-uid (the Impersonate-* headers). */
export interface Impersonation {
  user: string;
  groups: string[];
  uid?: string;
}

/** kubectl's global flags that override the kubeconfig (client-go's clientcmd ConfigOverrides). */
export interface Overrides {
  cluster?: string;
  user?: string;
  server?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  token?: string;
  impersonate?: Impersonation;
  /** -v: 6 or more logs each request on stderr. */
  verbosity?: number;
}

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  overrides?: Overrides;
  requestTimeoutMs: number; // 0 = no timeout
  env?: NodeJS.ProcessEnv;
  /** Whether stdin is a terminal (an exec plugin may then prompt); default: process.stdin.isTTY. */
  stdinIsTTY?: boolean;
}

export interface ListOptions {
  namespace?: string; // undefined = all namespaces
  labelSelector?: string;
  fieldSelector?: string;
}

export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'Job' | 'StatefulSet' | 'DaemonSet';

export interface Workload {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  uid: string;
  selector: string; // label selector string, e.g. "app=web,tier in (a,b)"
  owners: OwnerRef[];
}

export interface LogOptions {
  previous: boolean;
  tailLines: number;
}

export interface Cluster {
  readonly context: string;
  readonly namespace: string; // the context's default namespace
  readonly server: string;
  getPod(namespace: string, name: string): Promise<Pod>;
  listPods(opts: ListOptions): Promise<Pod[]>;
  listEvents(opts: ListOptions): Promise<KubeEvent[]>;
  namespaceExists(name: string): Promise<boolean | undefined>; // undefined: not allowed to tell
  readLog(namespace: string, pod: string, container: string, opts: LogOptions): Promise<string>;
  getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload>;
  listReplicaSets(namespace: string, labelSelector: string): Promise<Workload[]>;
  listServices(namespace: string | undefined): Promise<ServiceRef[]>;
  getNode(name: string): Promise<NodeFacts>;
  listClaims(namespace: string): Promise<Claim[]>;
  listStorageClasses(): Promise<StorageClass[]>;
  /** PodMetrics of a namespace or all; 'unavailable' when metrics.k8s.io is not served (404, 503). */
  listPodMetrics(namespace?: string): Promise<PodUsage[] | 'unavailable'>;
  listEndpointSlices(namespace: string | undefined): Promise<EndpointSliceRef[]>;
  listNetworkPolicies(namespace: string): Promise<NetworkPolicyRef[]>;
  listDisruptionBudgets(namespace: string | undefined): Promise<DisruptionBudgetRef[]>;
}
