// The only module that talks to @kubernetes/client-node. Every call goes through call(), which
// applies the request timeout (1.4.x has none of its own) and turns failures into KubeApiError /
// KubeNetworkError so that src/errors.ts can phrase them.
import { AppsV1Api, BatchV1Api, CoreV1Api, Observable, type KubeConfig } from '@kubernetes/client-node';
import { KubeApiError, KubeNetworkError, PodlensError, type ApiCall } from '../errors.js';
import type { KubeEvent, Pod, ServiceRef } from '../domain/model.js';
import { clientConfig } from './client.js';
import { loadKubeConfig, type LoadedConfig } from './config.js';
import type { Credentials } from './credentials.js';
import { normalizeEvent, normalizePod, normalizeService } from './normalize.js';
import { listAllPages, type Paged } from './pager.js';
import type { Cluster, ConnectOptions, ListOptions, LogOptions, Workload, WorkloadKind } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

/**
 * Loads the kubeconfig and fetches the credential once up front, so that an interactive exec
 * plugin (a device-code login) talks to the user before any spinner or live area takes the terminal.
 */
export async function connect(opts: ConnectOptions): Promise<KubeCluster> {
  const env = opts.env ?? process.env;
  const loaded = loadKubeConfig({ kubeconfig: opts.kubeconfig, context: opts.context, env });
  const cluster = new KubeCluster(loaded, env, opts.requestTimeoutMs, opts.stdinIsTTY ?? Boolean(process.stdin.isTTY));
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

export class KubeCluster implements Cluster {
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly kc: KubeConfig;
  readonly credentials: Credentials;
  readonly proxy?: string;
  readonly context: string;
  readonly namespace: string;
  readonly server: string;

  constructor(
    readonly config: LoadedConfig,
    env: NodeJS.ProcessEnv,
    readonly timeoutMs: number,
    stdinIsTTY = false,
  ) {
    ({ kc: this.kc, credentials: this.credentials, proxy: this.proxy } = clientConfig(config, env, stdinIsTTY));
    this.context = config.context;
    this.namespace = config.namespace;
    this.server = config.server;
    const kc = this.kc;
    this.core = kc.makeApiClient(CoreV1Api);
    this.apps = kc.makeApiClient(AppsV1Api);
    this.batch = kc.makeApiClient(BatchV1Api);
  }

  /**
   * Runs one API call; a 401 with a credential that can change (exec plugin, token file) fetches a
   * new one and tries once more (client-go refreshes on 401 too: exec.go roundTripper).
   */
  async call<T>(call: Omit<ApiCall, 'server' | 'timeoutMs'>, fn: (options: any) => Promise<T>): Promise<T> {
    const used = await this.credentials.get();
    try {
      return await this.callOnce(call, fn);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 401 && this.credentials.unauthorized(used))) throw e;
      return this.callOnce(call, fn);
    }
  }

  /**
   * One API call with an abort signal armed for the request timeout. The options object is a
   * per-call (observable) middleware, appended to the configured ones, that sets the signal.
   */
  private async callOnce<T>(call: Omit<ApiCall, 'server' | 'timeoutMs'>, fn: (options: any) => Promise<T>): Promise<T> {
    const full: ApiCall = { ...call, server: this.server, timeoutMs: this.timeoutMs };
    const ac = new AbortController();
    const timer = this.timeoutMs > 0 ? setTimeout(() => ac.abort(), this.timeoutMs) : undefined;
    const options = {
      middleware: [
        {
          pre: (ctx: { setSignal(s: AbortSignal): void }) => (
            ctx.setSignal(ac.signal),
            new Observable(Promise.resolve(ctx))
          ),
          post: (rsp: unknown) => new Observable(Promise.resolve(rsp)),
        },
      ],
      middlewareMergeStrategy: 'append',
    };
    try {
      return await fn(options);
    } catch (e) {
      if (e instanceof PodlensError) throw e; // the credential layer's own failure: the cluster was not asked
      const err = e as { code?: unknown; body?: unknown; name?: string; type?: string };
      if (typeof err?.code === 'number' && err.code >= 300) {
        const { reason, message } = parseStatusBody(err.body);
        throw new KubeApiError(err.code, full, reason, message);
      }
      throw new KubeNetworkError(full, e, ac.signal.aborted || err?.name === 'AbortError');
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async getPod(namespace: string, name: string): Promise<Pod> {
    const raw = await this.call({ verb: 'get', resource: 'pods', namespace, name }, (o) =>
      this.core.readNamespacedPod({ name, namespace }, o),
    );
    return normalizePod(raw);
  }

  /**
   * A LIST of every page (src/kube/pager.ts: 500 per page; an expired continue token restarts it).
   * `page(limit, _continue, options)` makes one typed list call.
   */
  async listPaged<T>(
    call: Omit<ApiCall, 'server' | 'timeoutMs' | 'verb'>,
    page: (limit: number, _continue: string | undefined, options: any) => Promise<Raw>,
    map: (raw: Raw) => T | undefined,
  ): Promise<Paged<T>> {
    return listAllPages(
      async (limit, token) => {
        const list = await this.call({ ...call, verb: 'list' }, (o) => page(limit, token, o));
        return {
          items: list.items ?? [],
          continue: list.metadata?._continue,
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
      (limit, _continue, o) =>
        namespace
          ? this.core.listNamespacedPod({ namespace, labelSelector, fieldSelector, limit, _continue }, o)
          : this.core.listPodForAllNamespaces({ labelSelector, fieldSelector, limit, _continue }, o),
      normalizePod,
    );
    return list.items;
  }

  async listEvents(opts: ListOptions): Promise<KubeEvent[]> {
    const { namespace, fieldSelector } = opts;
    const list = await this.listPaged(
      { resource: 'events', namespace },
      (limit, _continue, o) =>
        namespace
          ? this.core.listNamespacedEvent({ namespace, fieldSelector, limit, _continue }, o)
          : this.core.listEventForAllNamespaces({ fieldSelector, limit, _continue }, o),
      normalizeEvent,
    );
    return list.items;
  }

  async namespaceExists(name: string): Promise<boolean | undefined> {
    try {
      await this.call({ verb: 'get', resource: 'namespaces', name }, (o) => this.core.readNamespace({ name }, o));
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false;
      if (e instanceof KubeApiError && e.status === 403) return undefined;
      throw e;
    }
  }

  async readLog(namespace: string, pod: string, container: string, opts: LogOptions): Promise<string> {
    return this.call({ verb: 'get', resource: 'pods/log', namespace, name: pod }, (o) =>
      this.core.readNamespacedPodLog(
        { name: pod, namespace, container, previous: opts.previous, tailLines: opts.tailLines },
        o,
      ),
    );
  }

  async getWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload> {
    const p = { name, namespace };
    const call = (resource: string, fn: (o: any) => Promise<unknown>) =>
      this.call({ verb: 'get', resource, namespace, name }, fn);
    let raw: unknown;
    switch (kind) {
      case 'Deployment':
        raw = await call('deployments.apps', (o) => this.apps.readNamespacedDeployment(p, o));
        break;
      case 'ReplicaSet':
        raw = await call('replicasets.apps', (o) => this.apps.readNamespacedReplicaSet(p, o));
        break;
      case 'StatefulSet':
        raw = await call('statefulsets.apps', (o) => this.apps.readNamespacedStatefulSet(p, o));
        break;
      case 'DaemonSet':
        raw = await call('daemonsets.apps', (o) => this.apps.readNamespacedDaemonSet(p, o));
        break;
      case 'Job':
        raw = await call('jobs.batch', (o) => this.batch.readNamespacedJob(p, o));
        break;
    }
    return toWorkload(kind, raw);
  }

  async listServices(namespace: string): Promise<ServiceRef[]> {
    const list = await this.call({ verb: 'list', resource: 'services', namespace }, (o) =>
      this.core.listNamespacedService({ namespace }, o),
    );
    return (list.items ?? []).map(normalizeService);
  }

  async listReplicaSets(namespace: string, labelSelector: string): Promise<Workload[]> {
    const list = await this.listPaged(
      { resource: 'replicasets.apps', namespace },
      (limit, _continue, o) => this.apps.listNamespacedReplicaSet({ namespace, labelSelector, limit, _continue }, o),
      (rs: Raw) => toWorkload('ReplicaSet', rs),
    );
    return list.items;
  }
}
