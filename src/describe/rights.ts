// Least privilege: a user whose Role grants pods but not events, logs or owners still gets describe
// and watch, as with kubectl describe (which shows what it may read). Each forbidden (403) read of
// an optional view becomes ONE note per kind of object, saying what is missing and which permission
// adds it; the note goes into the text report, onto stderr once, and into JSON as notes[].
// The reads run in parallel, so notes are kept in a fixed order, not in the order the answers come:
// by where in the report the kind would have shown something (NOTE_ORDER), then by the note's text.
import { KubeApiError } from '../errors.js';

// Kinds that live outside namespaces: "in all namespaces" would not be true of them.
const CLUSTER_SCOPED = new Set(['nodes', 'storageclasses.storage.k8s.io', 'namespaces', 'persistentvolumes']);

/**
 * The kinds in the order of the report's sections they feed: the owner chain (any kind not listed
 * here: a pod's owners), the containers' logs, storage, the node, traffic, network policies,
 * disruption budgets, events.
 */
export const NOTE_ORDER: readonly string[] = [
  'pods/log',
  'persistentvolumeclaims',
  'storageclasses.storage.k8s.io',
  'nodes',
  'pods',
  'pods.metrics.k8s.io',
  'services',
  'endpointslices.discovery.k8s.io',
  'networkpolicies.networking.k8s.io',
  'poddisruptionbudgets.policy',
  'events',
];

export class RightsNotes {
  private readonly noted: { rank: number; note: string }[] = [];

  /** The notes in NOTE_ORDER (then by text), whatever order the reads answered in. */
  get list(): string[] {
    return [...this.noted]
      .sort((a, b) => a.rank - b.rank || (a.note < b.note ? -1 : a.note > b.note ? 1 : 0))
      .map((n) => n.note);
  }

  /** Notes a 403 and returns true; any other failure is not about rights (false). */
  forbidden(e: unknown, view: string, verbs: string): boolean {
    if (!(e instanceof KubeApiError && e.status === 403)) return false;
    const c = e.call;
    const where = c.namespace ? ` in ${c.namespace}` : CLUSTER_SCOPED.has(c.resource) ? '' : ' in all namespaces';
    const note = `no right to ${c.verb} ${c.resource}${where}: ${view}; \`${verbs} ${c.resource}\` adds it`;
    if (!this.noted.some((n) => n.note === note)) this.noted.push({ rank: NOTE_ORDER.indexOf(c.resource), note });
    return true;
  }

  /** The read's result, or `fallback` with a note when it was forbidden. */
  async unlessForbidden<T>(read: Promise<T>, fallback: T, view: string, verbs: string): Promise<T> {
    try {
      return await read;
    } catch (e) {
      if (this.forbidden(e, view, verbs)) return fallback;
      throw e;
    }
  }
}
