// `podlens watch` holds every pod in scope, and under churn that can be thousands at once (the
// benchmark's 10,000 pods of churn with 1,000 Services had up to 6,400 alive while KWOK fell
// behind). Pods made from one template (a ReplicaSet's, a Job's) carry the same spec parts: their
// containers, init containers, tolerations, volumes, labels and owners. Normalized, a KWOK pod held
// 5.5 KB of heap; with those parts held once for all the pods that have them, 3.1 KB.
// Shared parts are frozen: nothing in podlens changes a pod, and a change would reach every pod that
// shares the part, so it fails loudly instead.
import type { Pod } from '../domain/model.js';

/** The parts of a pod that pods of one template have in common, shared when equal. */
const SHARED = [
  'labels',
  'owners',
  'nodeSelector',
  'tolerations',
  'initContainers',
  'containers',
  'ephemeralContainers',
  'volumes',
] as const satisfies readonly (keyof Pod)[];

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export class SpecShare {
  /** Part name and its JSON -> the value held for it; the oldest goes first past `max`. */
  private readonly held = new Map<string, unknown>();

  constructor(private readonly max = 512) {}

  /** The pod (changed in place: it must be a fresh one), its spec parts shared with earlier pods' equal ones. */
  pod(p: Pod): Pod {
    const parts = p as unknown as Record<(typeof SHARED)[number], unknown>;
    for (const k of SHARED) parts[k] = this.one(k, parts[k]);
    return p;
  }

  get size(): number {
    return this.held.size;
  }

  private one(part: string, v: unknown): unknown {
    if (v === undefined || v === null) return v;
    const key = `${part}:${JSON.stringify(v)}`;
    const had = this.held.get(key);
    if (had !== undefined) {
      this.held.delete(key); // now the newest
      this.held.set(key, had);
      return had;
    }
    this.held.set(key, deepFreeze(v));
    if (this.held.size > this.max) this.held.delete(this.held.keys().next().value!);
    return v;
  }
}
