// `podlens cleanup`'s work: list the helpers (Jobs, and bare pods an older podlens made), decide for
// each whether it may go (src/domain/helper-lifetime.ts), delete those at once (grace 0), and say
// for each what was done and why. The command renders the answer as a table.
import { hostname } from 'node:os';
import { cleanupVerdict } from '../domain/helper-lifetime.js';
import type { KubeCluster } from '../kube/adapter.js';
import { HELPER_SELECTOR, NodeApi, type HelperObject } from '../kube/node-api.js';
import type { Cluster } from '../kube/types.js';
import { creatorAlive } from './creator.js';

export { HELPER_SELECTOR };

export interface CleanedHelper {
  helper: HelperObject;
  result: 'would delete' | 'deleted' | 'already gone' | 'kept';
  why: string;
}

export interface CleanupOptions {
  namespace?: string;
  dryRun: boolean;
  all: boolean;
  now: Date;
}

export async function cleanupHelpers(cluster: Cluster, o: CleanupOptions): Promise<CleanedHelper[]> {
  const api = new NodeApi(cluster as KubeCluster);
  const host = hostname();
  const out: CleanedHelper[] = [];
  for (const helper of await api.listHelpers(o.namespace)) {
    const { pid, processStart } = helper.creator ?? {};
    const alive = helper.creator?.host === host && pid !== undefined ? creatorAlive(pid, processStart) : undefined;
    const { remove, why } = cleanupVerdict(helper, { host, now: o.now, all: o.all, creatorAlive: alive });
    if (!remove || o.dryRun) {
      out.push({ helper, result: remove ? 'would delete' : 'kept', why });
      continue;
    }
    // a Job still being deleted when the wait ran out was deleted: the garbage collector finishes it
    const gone =
      helper.kind === 'Job'
        ? (await api.deleteHelper(helper.namespace, helper.name)) !== 'absent'
        : await api.deletePod(helper.namespace, helper.name);
    out.push({ helper, result: gone ? 'deleted' : 'already gone', why });
  }
  return out;
}
