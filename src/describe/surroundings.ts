// What describe reads about a pod's node and storage: each a fixed number of calls (never one per
// pod: --full over many pods shares them), in parallel with the rest of describe's reads; a forbidden read becomes one note
// (src/describe/rights.ts) and that part of the report is left out.
//   node (when scheduled): GET node, LIST pods by spec.nodeName (all namespaces), LIST PodMetrics (all
//   namespaces; the pod's namespace's when that is forbidden)
//   storage (when the pod names a claim): LIST PersistentVolumeClaims of its namespace, LIST StorageClasses
import type { Pod } from '../domain/model.js';
import type { NodeLookup } from '../domain/node-health.js';
import { podClaims, type StorageFacts } from '../domain/storage.js';
import { KubeApiError } from '../errors.js';
import type { Cluster } from '../kube/types.js';
import type { RightsNotes } from './rights.js';

/** The read's result; undefined with a note when forbidden, undefined when it failed otherwise. */
async function optional<T>(notes: RightsNotes, read: Promise<T>, view: string, verbs: string): Promise<T | undefined> {
  try {
    return await read;
  } catch (e) {
    if (notes.forbidden(e, view, verbs) || e instanceof KubeApiError) return undefined;
    throw e;
  }
}

/** A read's value or error, so that one memoized read can be looked at by several pods. */
function settled<T>(read: Promise<T>): Promise<{ value: T } | { error: unknown }> {
  return read.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
}

/**
 * The reads of one describe run, each made once per scope and shared by the pods of a --full list:
 * a node and the pods on it once per node, the claims once per namespace, PodMetrics and
 * StorageClasses once.
 */
export class Surroundings {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly cluster: Cluster,
    private readonly notes: RightsNotes,
  ) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) this.memo.set(key, (p = read()));
    return p;
  }

  async nodeLookup(pod: Pod): Promise<NodeLookup> {
    const name = pod.nodeName;
    if (!name) return {};
    const { cluster, notes } = this;
    const [node, pods, metrics] = await Promise.all([
      this.once(`node/${name}`, () => optional(notes, cluster.getNode(name), "the node's health is not shown", 'get')),
      this.once(`pods-on/${name}`, () =>
        optional(
          notes,
          cluster.listPods({ fieldSelector: `spec.nodeName=${name}` }),
          "how much of the node's allocatable its pods request is not shown",
          'list',
        ),
      ),
      this.podMetrics(pod.namespace),
    ]);
    return { node, pods, ...metrics };
  }

  /**
   * PodMetrics of all namespaces; for a user who may read only the pod's namespace's (the view, edit
   * and admin roles include metrics.k8s.io), those: the pod's usage without its place in the order.
   */
  private async podMetrics(namespace: string): Promise<Pick<NodeLookup, 'metrics' | 'metricsScope'>> {
    const { cluster, notes } = this;
    const all = await this.once('metrics', () => settled(cluster.listPodMetrics()));
    if ('value' in all) return { metrics: all.value, metricsScope: 'cluster' };
    if (!(all.error instanceof KubeApiError && all.error.status === 403)) {
      if (all.error instanceof KubeApiError) return {};
      throw all.error;
    }
    const mine = await this.once(`metrics/${namespace}`, () => settled(cluster.listPodMetrics(namespace)));
    if ('value' in mine) {
      notes.forbidden(all.error, "the pod's place in the eviction order is not shown", 'list');
      return { metrics: mine.value, metricsScope: 'namespace' };
    }
    notes.forbidden(all.error, "the pod's usage and place in the eviction order are not shown", 'list');
    if (mine.error instanceof KubeApiError) return {};
    throw mine.error;
  }

  async storageFacts(pod: Pod): Promise<StorageFacts> {
    if (!podClaims(pod).length) return {};
    const { cluster, notes } = this;
    const [claims, classes] = await Promise.all([
      this.once(`claims/${pod.namespace}`, () =>
        optional(notes, cluster.listClaims(pod.namespace), "the state of the pod's claims is not shown", 'list'),
      ),
      this.once('classes', () =>
        optional(
          notes,
          cluster.listStorageClasses(),
          'whether the StorageClasses its claims name exist is not said',
          'list',
        ),
      ),
    ]);
    return { claims, classes };
  }
}
