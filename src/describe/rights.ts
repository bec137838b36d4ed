// Least privilege: a user whose Role grants pods but not events, logs or owners still gets describe
// and watch, as with kubectl describe (which shows what it may read). Each forbidden (403) read of
// an optional view becomes ONE note per kind of object, saying what is missing and which permission
// adds it; the note goes into the text report, onto stderr once, and into JSON as notes[].
import { KubeApiError } from '../errors.js';

// Kinds that live outside namespaces: "in all namespaces" would not be true of them.
const CLUSTER_SCOPED = new Set(['nodes', 'storageclasses.storage.k8s.io', 'namespaces', 'persistentvolumes']);

export class RightsNotes {
  readonly list: string[] = [];

  /** Notes a 403 and returns true; any other failure is not about rights (false). */
  forbidden(e: unknown, view: string, verbs: string): boolean {
    if (!(e instanceof KubeApiError && e.status === 403)) return false;
    const c = e.call;
    const where = c.namespace ? ` in ${c.namespace}` : CLUSTER_SCOPED.has(c.resource) ? '' : ' in all namespaces';
    const note = `no right to ${c.verb} ${c.resource}${where}: ${view}; \`${verbs} ${c.resource}\` adds it`;
    if (!this.list.includes(note)) this.list.push(note);
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
