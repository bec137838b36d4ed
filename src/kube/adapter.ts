// The cluster as podlens' commands use it. Every call goes through request(): podlens' own transport
// (src/kube/transport.ts: the credential layer, TLS and proxy from the kubeconfig), the request
// timeout, one retry after a 401 with a credential that can change, and failures turned into
// KubeApiError / KubeNetworkError so that src/errors.ts can phrase them. @kubernetes/client-node is
// loaded only for what needs it (exec websockets: kubeConfig()), never for GET/LIST/watch.
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, KubeNetworkError, PodlensError, type ApiCall } from '../errors.js';
import type {
  DisruptionBudgetRef,
  EndpointSliceRef,
  KubeEvent,
  NetworkPolicyRef,
  Pod,
  ServiceRef,
} from '../domain/model.js';
import { loadKubeConfig, type LoadedConfig } from './config.js';
import type { Credentials } from './credentials.js';
import { normalizeEvent, normalizePod, normalizeService } from './normalize.js';
import { normalizeClaim, normalizeNode, normalizePodMetrics, normalizeStorageClass } from './normalize-infra.js';
import type { NodeFacts, PodUsage } from '../domain/node-health.js';
import type { Claim, StorageClass } from '../domain/storage.js';
import { listAllPages, type Paged } from './pager.js';
import { readBody, Transport } from './transport.js';
import { normalizeDisruptionBudget, normalizeEndpointSlice, normalizeNetworkPolicy } from './normalize-neighbours.js';
import type { Cluster, ConnectOptions, ListOptions, LogOptions, Workload, WorkloadKind } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

/**
 * Loads the kubeconfig and fetches the credential once up front, so that an interactive exec
 * plugin (a device-code login) talks to the user before any spinner or live area takes the terminal.
 */
export async function connect(opts: ConnectOptions): Promise<KubeCluster> {
  const env = opts.env ?? process.env;
  const loaded = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context, env, overrides: opts.overrides });
  const cluster = new KubeCluster(loaded, env, opts.requestTimeoutMs, opts.stdinIsTTY ?? Boolean(process.stdin.isTTY));
  cluster.verbosity = opts.overrides?.verbosity ?? 0;
  await cluster.credentials.get();
  return cluster;
}

/** Builds the label selector string from a metav1.LabelSelector. */
export function selectorString(sel: Raw): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) parts.push(`${k}=${String(v)}`);
  for (const e of sel?.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

function parseStatusBody(body: unknown): { reason?: string; message?: string } {
  let b = body;
  if (typeof body === 'string') {
    try {
      b = JSON.parse(body);
    } catch {
      return { message: body.trim() || undefined };
    }
  }
  const s = b as { reason?: string; message?: string } | undefined;
  return { reason: s?.reason, message: s?.message };
}

function toWorkload(kind: WorkloadKind, o: Raw): Workload {
  return {
    kind,
    name: o.metadata?.name,
    namespace: o.metadata?.namespace,
    uid: o.metadata?.uid,
    selector: selectorString(o.spec?.selector),
    owners: (o.metadata?.ownerReferences ?? []).map((r: Raw) => ({
      kind: r.kind,
      name: r.name,
      uid: r.uid,
      controller: Boolean(r.controller),
    })),
  };
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Query parameters; undefined values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** The body as text (logs, node proxy), not JSON. */
  text?: boolean;
}

/** An API path with its query string. */
export function apiPath(path: string, query: RequestOptions['query'] = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const qs = q.toString();
  return qs ? `${path}?${qs}` : path;
}

/** /api/v1/namespaces/NS/pods, or /apis/GROUP/VERSION/... for a group; no namespace: cluster-wide. */
export function resourcePath(group: string, resource: string, namespace?: string, name?: string): string {
  const base = group === '' ? '/api/v1' : `/apis/${group}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${resource}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

export class KubeCluster implements Cluster {
  readonly transport: Transport;
  readonly credentials: Credentials;
  readonly proxy?: string;
  readonly context: string;
  readonly namespace: string;
  readonly server: string;
  private kcPromise?: Promise<KubeConfig>;
  /**
   * -v: at 6 or more each request is logged on stderr (method, URL, status, time), as kubectl -v=6
   * does; the live tests count describe's API calls from these lines.
   */
  verbosity = 0;

  constructor(
    readonly config: LoadedConfig,
    private readonly env: NodeJS.ProcessEnv,
    readonly timeoutMs: number,
    private readonly stdinIsTTY = false,
  ) {
    this.transport = new Transport(config, env, stdinIsTTY);
    this.credentials = this.transport.credentials;
    this.proxy = this.transport.proxy;
    this.context = config.context;
    this.namespace = config.namespace;
    this.server = config.server;
  }

  /** The client's KubeConfig (same credential layer and proxy), for exec websockets only; loads the client. */
  kubeConfig(): Promise<KubeConfig> {
    this.kcPromise ??= import('./client.js').then(
      ({ clientConfig }) => clientConfig(this.config, this.env, this.stdinIsTTY, this.credentials).kc,
    );
    return this.kcPromise;
  }

  /**
   * One API request; a 401 with a credential that can change (exec plugin, token file) fetches a
   * new one and tries once more (client-go refreshes on 401 too: exec.go roundTripper).
   */
  async request<T = Raw>(
    call: Omit<ApiCall, 'server' | 'timeoutMs'>,
    path: string,
    opts: RequestOptions = {},
  ): Promise<T> {
    const used = await this.credentials.get();
    try {
      return await this.requestOnce<T>(call, path, opts);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 401 && this.credentials.unauthorized(used))) throw e;
      return this.requestOnce<T>(call, path, opts);
    }
  }

  private async requestOnce<T>(
    call: Omit<ApiCall, 'server' | 'timeoutMs'>,
    path: string,
    opts: RequestOptions,
  ): Promise<T> {
    const full: ApiCall = { ...call, server: this.server, timeoutMs: this.timeoutMs };
    const prepared = await this.transport.prepare(); // a credential failure is thrown as is
    const ac = new AbortController();
    const timer = this.timeoutMs > 0 ? setTimeout(() => ac.abort(), this.timeoutMs) : undefined;
    const url = new URL(this.server.replace(/\/$/, '') + apiPath(path, opts.query));
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: opts.text ? '*/*' : 'application/json' };
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    const started = Date.now();
    try {
      const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
        const req = this.transport.open(url, opts.method ?? 'GET', prepared, headers, ac.signal);
        req.on('response', resolve);
        req.on('error', reject);
        req.end(payload);
      });
      const text = await readBody(res);
      const status = res.statusCode ?? 0;
      // -v 6: method, URL and status only, never a header (a credential is in one).
      if (this.verbosity >= 6)
        process.stderr.write(`podlens: ${opts.method ?? 'GET'} ${url.href} ${status} in ${Date.now() - started} ms\n`);
      if (status >= 300) {
        const { reason, message } = parseStatusBody(text);
        throw new KubeApiError(status, full, reason, message);
      }
      return (opts.text ? text : text ? JSON.parse(text) : undefined) as T;
    } catch (e) {
      if (e instanceof PodlensError || e instanceof KubeApiError) throw e;
      const err = e as { name?: string };
      throw new KubeNetworkError(full, e, ac.signal.aborted || err?.name === 'AbortError');
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async getPod(namespace: string, name: string): Promise<Pod> {
    const raw = await this.request(
      { verb: 'get', resource: 'pods', namespace, name },
      resourcePath('', 'pods', namespace, name),
    );
    return normalizePod(raw);
  }

  /**
   * A LIST of every page (src/kube/pager.ts: 500 per page; an expired continue token restarts it) of
   * `path` (from resourcePath) with `query` (label and field selectors).
   */
  async listPaged<T>(
    call: Omit<ApiCall, 'server' | 'timeoutMs' | 'verb'>,
    path: string,
    query: RequestOptions['query'],
    map: (raw: Raw) => T | undefined,
  ): Promise<Paged<T>> {
    return listAllPages(
      async (limit, token) => {
        const list = await this.request({ ...call, verb: 'list' }, path, {
          query: { ...query, limit, continue: token },
        });
        return {
          items: list.items ?? [],
          continue: list.metadata?.continue,
          resourceVersion: list.metadata?.resourceVersion,
        };
      },
      (e) => e instanceof KubeApiError && e.status === 410,
      map,
    );
  }

  async listPods(opts: ListOptions): Promise<Pod[]> {
    const { namespace, labelSelector, fieldSelector } = opts;
    const list = await this.listPaged(
      { resource: 'pods', namespace },
      resourcePath('', 'pods', namespace),
      { labelSelector, fieldSelector },
      normalizePod,
    );
    return list.items;
  }

  async listEvents(opts: ListOptions): Promise<KubeEvent[]> {
    const { namespace, fieldSelector } = opts;
    const list = await this.listPaged(
      { resource: 'events', namespace },
      resourcePath('', 'events', namespace),
      { fieldSelector },
      normalizeEvent,
    );
    return list.items;
  }

  async namespaceExists(name: string): Promise<boolean | undefined> {
    try {
      await this.request(
        { verb: 'get', resource: 'namespaces', name },
        resourcePath('', 'namespaces', undefined, name),
      );
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false;
      if (e instanceof KubeApiError && e.status === 403) return undefined;
      throw e;
    }
  }

  async readLog(namespace: string, pod: string, container: string, opts: LogOptions): Promise<string> {
    return this.request(
      { verb: 'get', resource: 'pods/log', namespace, name: pod },
      `${resourcePath('', 'pods', namespace, pod)}/log`,
      {
        query: { container, previous: opts.previous || undefined, tailLines: opts.tailLines },
        text: true,
      },
    );
  }

  async getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload> {
    const [group, resource] = WORKLOADS[kind];
    const raw = await this.request(
      { verb: 'get', resource: `${resource}.${group.split('/')[0]}`, namespace, name },
      resourcePath(group, resource, namespace, name),
    );
    return toWorkload(kind, raw);
  }

  async listServices(namespace: string | undefined): Promise<ServiceRef[]> {
    const list = await this.request(
      { verb: 'list', resource: 'services', namespace },
      resourcePath('', 'services', namespace),
    );
    return (list.items ?? []).map(normalizeService);
  }

  async listEndpointSlices(namespace: string | undefined): Promise<EndpointSliceRef[]> {
    const list = await this.listPaged(
      { resource: 'endpointslices.discovery.k8s.io', namespace },
      resourcePath('discovery.k8s.io/v1', 'endpointslices', namespace),
      {},
      normalizeEndpointSlice,
    );
    return list.items;
  }

  async listNetworkPolicies(namespace: string): Promise<NetworkPolicyRef[]> {
    const list = await this.listPaged(
      { resource: 'networkpolicies.networking.k8s.io', namespace },
      resourcePath('networking.k8s.io/v1', 'networkpolicies', namespace),
      {},
      normalizeNetworkPolicy,
    );
    return list.items;
  }

  async listDisruptionBudgets(namespace: string | undefined): Promise<DisruptionBudgetRef[]> {
    const list = await this.listPaged(
      { resource: 'poddisruptionbudgets.policy', namespace },
      resourcePath('policy/v1', 'poddisruptionbudgets', namespace),
      {},
      normalizeDisruptionBudget,
    );
    return list.items;
  }

  async listReplicaSets(namespace: string, labelSelector: string): Promise<Workload[]> {
    const list = await this.listPaged(
      { resource: 'replicasets.apps', namespace },
      resourcePath('apps/v1', 'replicasets', namespace),
      { labelSelector },
      (rs: Raw) => toWorkload('ReplicaSet', rs),
    );
    return list.items;
  }

  async getNode(name: string): Promise<NodeFacts> {
    const raw = await this.request(
      { verb: 'get', resource: 'nodes', name },
      resourcePath('', 'nodes', undefined, name),
    );
    return normalizeNode(raw);
  }

  async listClaims(namespace: string): Promise<Claim[]> {
    const list = await this.listPaged(
      { resource: 'persistentvolumeclaims', namespace },
      resourcePath('', 'persistentvolumeclaims', namespace),
      {},
      normalizeClaim,
    );
    return list.items;
  }

  async listStorageClasses(): Promise<StorageClass[]> {
    const list = await this.listPaged(
      { resource: 'storageclasses.storage.k8s.io' },
      resourcePath('storage.k8s.io/v1', 'storageclasses'),
      {},
      normalizeStorageClass,
    );
    return list.items;
  }

  // metrics.k8s.io is an aggregated API served by metrics-server when one is installed: without it
  // the API server answers 404 (no such group) or 503 (registered, but its server does not answer).
  async listPodMetrics(namespace?: string): Promise<PodUsage[] | 'unavailable'> {
    try {
      const list = await this.request(
        { verb: 'list', resource: 'pods.metrics.k8s.io', namespace },
        resourcePath('metrics.k8s.io/v1beta1', 'pods', namespace),
      );
      return ((list.items ?? []) as Raw[]).map(normalizePodMetrics);
    } catch (e) {
      if (e instanceof KubeApiError && (e.status === 404 || e.status === 503)) return 'unavailable';
      throw e;
    }
  }
}

/** Each workload kind's API group/version and resource. */
const WORKLOADS: Record<WorkloadKind, [string, string]> = {
  Deployment: ['apps/v1', 'deployments'],
  ReplicaSet: ['apps/v1', 'replicasets'],
  StatefulSet: ['apps/v1', 'statefulsets'],
  DaemonSet: ['apps/v1', 'daemonsets'],
  Job: ['batch/v1', 'jobs'],
};
