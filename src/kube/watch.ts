// The list/watch sources of `podlens watch` (pods and their events), and pod creation for
// `watch -f`, on podlens' own transport (src/kube/transport.ts: the credential layer, TLS, proxy).
// The client's own Watch (1.4.x) cannot be aborted before the server answers and has no timeout,
// so a black-holed connection would hang it for good; this module opens the stream itself and can
// always abort.
import type { ClientRequest, IncomingMessage } from 'node:http';
import { KubeApiError, networkWords, type ApiCall } from '../errors.js';
import type { EndpointSliceRef, KubeEvent, Pod } from '../domain/model.js';
import { KubeCluster, resourcePath } from './adapter.js';
import {
  ResourceExpiredError,
  WatchRefusedError,
  type ListResult,
  type ListWatchSource,
  type WatchHandle,
  type WatchHandlers,
} from './listwatch.js';
import { normalizeEvent, normalizePod } from './normalize.js';
import { normalizeEndpointSlice } from './normalize-neighbours.js';
import { SpecShare } from './spec-share.js';
import type { Cluster } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

export interface WatchScope {
  namespace?: string; // undefined: all namespaces
  labelSelector?: string;
  fieldSelector?: string;
}

/** An event with the resourceVersion the reflector compares. */
export type VersionedEvent = KubeEvent & { resourceVersion: string };

function kubeOf(cluster: Cluster): KubeCluster {
  if (!(cluster instanceof KubeCluster)) throw new Error('watch needs a cluster connected through src/kube/adapter.ts');
  return cluster;
}

/** Opens one watch stream; every outcome arrives through the handlers exactly once. */
async function openStream(
  k: KubeCluster,
  call: ApiCall,
  url: URL,
  h: WatchHandlers<Raw>,
  isStopped: () => boolean,
  setReq: (r: ClientRequest) => void,
): Promise<void> {
  const prepared = await k.transport.prepare();
  if (isStopped()) return;
  const req = k.transport.open(url, 'GET', prepared, { Accept: 'application/json' });
  setReq(req);
  let done = false;
  const finish = (err: unknown) => {
    if (done || isStopped()) return;
    done = true;
    req.destroy();
    h.onDone(plainError(err));
  };
  req.on('error', (e) => finish(e));
  req.on('response', (res: IncomingMessage) => {
    if (res.statusCode !== 200) return readError(res, call, finish);
    h.onOpen?.();
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let i;
      while (!done && (i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (line) onLine(line, h, finish);
      }
    });
    res.on('end', () => finish(null));
    res.on('error', (e) => finish(e));
    res.on('close', () => finish(null));
  });
  req.end();
}

/** Socket errors in the words the user reads in "lost the watch of pods (...)". */
function plainError(err: unknown): unknown {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || !(e instanceof Error) || e instanceof KubeApiError || e.name !== 'Error') return err;
  const words = networkWords(e.code);
  if (words) return new Error(words);
  if (e.message === 'aborted' || e.message === 'socket hang up')
    return new Error('the API server closed the connection');
  return err;
}

function readError(res: IncomingMessage, call: ApiCall, finish: (e: unknown) => void): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (c: string) => (body += c));
  res.on('end', () => {
    let status: Raw = {};
    try {
      status = JSON.parse(body);
    } catch {
      status = { message: body.trim() };
    }
    finish(statusError(res.statusCode ?? 0, status, call));
  });
  res.on('error', (e) => finish(e));
}

function statusError(code: number, status: Raw, call: ApiCall): Error {
  if (code === 410) return new ResourceExpiredError(status?.message);
  const api = new KubeApiError(code, call, status?.reason, status?.message);
  if (code === 401 || code === 403 || code === 404) return new WatchRefusedError(code, api.message, api);
  return api;
}

const isObject = (v: unknown): v is Record<string, Raw> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One line of the stream: {"type": ..., "object": {...}}. A line that is not that (a proxy's
 * garbage, a truncated write, `null`) ends this stream like a network error: the reflector
 * reconnects from the last good resourceVersion, and says so on stderr.
 */
function onLine(line: string, h: WatchHandlers<Raw>, finish: (e: unknown) => void): void {
  let ev: Raw;
  try {
    ev = JSON.parse(line);
  } catch {
    return finish(new Error('the API server sent a watch line that is not JSON'));
  }
  if (!isObject(ev) || typeof ev.type !== 'string' || !isObject(ev.object))
    return finish(new Error('the API server sent a watch line that is not a watch event'));
  const rv = isObject(ev.object.metadata) ? String(ev.object.metadata.resourceVersion ?? '') : '';
  if (ev.type === 'ERROR')
    return finish(statusError(Number(ev.object.code ?? 500), ev.object, { verb: 'watch', resource: '' }));
  if (ev.type === 'BOOKMARK') return h.onEvent({ type: 'BOOKMARK', resourceVersion: rv });
  if (ev.type !== 'ADDED' && ev.type !== 'MODIFIED' && ev.type !== 'DELETED') return;
  if (!rv) return finish(new Error('the API server sent a watch event without a resourceVersion'));
  try {
    h.onEvent({ type: ev.type, object: ev.object, resourceVersion: rv });
  } catch (e) {
    // An object podlens cannot read (a field of the wrong type): the same as a line it cannot read.
    finish(new Error(`the API server sent a ${ev.type} event podlens cannot read (${(e as Error)?.message ?? e})`));
  }
}

/** What a source lists and watches: the resource, its API group path ('' for the core group). */
interface Kind {
  resource: 'pods' | 'events' | 'endpointslices';
  group: '' | 'discovery.k8s.io/v1';
}

function rawSource<T>(
  cluster: Cluster,
  kind: Kind,
  scope: WatchScope,
  query: Record<string, string | undefined>,
  convert: (raw: Raw) => T | undefined,
): ListWatchSource<T> {
  const k = kubeOf(cluster);
  const ns = scope.namespace;
  const { resource, group } = kind;
  // As the API server and RBAC name it (the rights note says "endpointslices.discovery.k8s.io").
  const named = group ? `${resource}.${group.split('/')[0]}` : resource;
  const call: ApiCall = { verb: 'watch', resource: named, namespace: ns, server: k.server };
  return {
    what: `${resource} ${ns ? `in namespace ${ns}` : 'in all namespaces'}`,
    async list(): Promise<ListResult<T>> {
      const { items, resourceVersion } = await k.listPaged(
        { resource: named, namespace: ns },
        resourcePath(group, resource, ns),
        query,
        convert,
      );
      return { items, resourceVersion };
    },
    watch(resourceVersion, timeoutSeconds, h): WatchHandle {
      const url = new URL(k.server.replace(/\/$/, '') + resourcePath(group, resource, ns));
      const q = url.searchParams;
      q.set('watch', 'true');
      q.set('allowWatchBookmarks', 'true');
      q.set('resourceVersion', resourceVersion);
      q.set('timeoutSeconds', String(timeoutSeconds));
      if (scope.labelSelector) q.set('labelSelector', scope.labelSelector);
      if (scope.fieldSelector) q.set('fieldSelector', scope.fieldSelector);
      let stopped = false;
      let req: ClientRequest | undefined;
      const typed: WatchHandlers<Raw> = {
        onOpen: () => h.onOpen?.(),
        onDone: (e) => h.onDone(e),
        onEvent: (e) => {
          if (e.type === 'BOOKMARK') return h.onEvent(e);
          const t = convert(e.object);
          if (t !== undefined) h.onEvent({ ...e, object: t });
          else h.onEvent({ type: 'BOOKMARK', resourceVersion: e.resourceVersion }); // filtered out: only its version counts
        },
      };
      // A 401 with a credential that can change (exec plugin expired early, token file rotated)
      // fetches a new one and opens the stream once more, as KubeCluster.call does for requests.
      const open = (retried: boolean) => {
        const used = k.credentials.get();
        const handlers: WatchHandlers<Raw> = {
          ...typed,
          onDone: (e) => {
            if (!retried && e instanceof WatchRefusedError && e.status === 401)
              return void used.then((c) => (k.credentials.unauthorized(c) ? open(true) : typed.onDone(e)));
            typed.onDone(e);
          },
        };
        used
          .then(() =>
            openStream(
              k,
              call,
              url,
              handlers,
              () => stopped,
              (r) => (req = r),
            ),
          )
          .catch((e) => !stopped && h.onDone(e));
      };
      open(false);
      return {
        stop: () => {
          stopped = true;
          req?.destroy();
        },
      };
    },
  };
}

/**
 * Pods in scope; `keep` drops the ones the user did not ask for before anything holds them; the
 * spec parts of pods from one template are held once (src/kube/spec-share.ts).
 */
export function podSource(
  cluster: Cluster,
  scope: WatchScope,
  keep: (p: Pod) => boolean = () => true,
): ListWatchSource<Pod> {
  const { labelSelector, fieldSelector } = scope;
  const share = new SpecShare(); // pods of one template hold their spec parts once
  return rawSource(cluster, { resource: 'pods', group: '' }, scope, { labelSelector, fieldSelector }, (raw) => {
    const p = normalizePod(raw); // keeps what podlens reads: managedFields and the rest are dropped here
    return keep(p) ? share.pod(p) : undefined;
  });
}

/** Events about pods in scope. */
export function eventSource(cluster: Cluster, scope: WatchScope): ListWatchSource<VersionedEvent> {
  const { fieldSelector } = scope;
  return rawSource(cluster, { resource: 'events', group: '' }, scope, { fieldSelector }, (raw) => ({
    ...normalizeEvent(raw),
    resourceVersion: String(raw.metadata?.resourceVersion ?? ''),
  }));
}

/**
 * A Service's EndpointSlice as watch holds it: its namespace, name, Service and version, and only the
 * endpoints that are pods (uid and conditions): what the endpoint lines need, nothing else.
 */
export type WatchedSlice = EndpointSliceRef & { namespace: string; resourceVersion: string };

/** A raw EndpointSlice, cut down to what watch holds of it. */
export function watchedSlice(raw: Raw): WatchedSlice {
  const s = normalizeEndpointSlice(raw);
  return {
    namespace: String(raw.metadata?.namespace ?? ''),
    name: s.name,
    service: s.service,
    resourceVersion: String(raw.metadata?.resourceVersion ?? ''),
    endpoints: s.endpoints
      .filter((e) => e.podUid)
      .map(({ podUid, ready, serving, terminating }) => ({ podUid, ready, serving, terminating })),
  };
}

/** The EndpointSlices in scope (one more watch per scope, never one per pod or Service). */
export function endpointSliceSource(cluster: Cluster, namespace: string | undefined): ListWatchSource<WatchedSlice> {
  const labelSelector = 'kubernetes.io/service-name'; // a Service's slices (the label exists)
  return rawSource(
    cluster,
    { resource: 'endpointslices', group: 'discovery.k8s.io/v1' },
    { namespace, labelSelector },
    { labelSelector },
    watchedSlice,
  );
}

/** Creates one pod from a manifest object; returns it as the API server stored it. */
export async function createPod(cluster: Cluster, namespace: string, body: Raw): Promise<Pod> {
  const k = kubeOf(cluster);
  const name = body?.metadata?.name ?? body?.metadata?.generateName;
  const raw = await k.request(
    { verb: 'create', resource: 'pods', namespace, name },
    resourcePath('', 'pods', namespace),
    {
      method: 'POST',
      body,
    },
  );
  return normalizePod(raw);
}
