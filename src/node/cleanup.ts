// `podlens cleanup`'s work: list the helper pods by label, delete each at once (grace 0), and say
// for each what was done. The command renders the answer as a table.
import type { KubeCluster } from '../kube/adapter.js';
import { HELPER_SELECTOR, NodeApi, type HelperPod } from '../kube/node-api.js';
import type { Cluster } from '../kube/types.js';

export { HELPER_SELECTOR };

export interface CleanedHelper {
  helper: HelperPod;
  result: 'would delete' | 'deleted' | 'already gone';
}

export async function cleanupHelpers(
  cluster: Cluster,
  namespace: string | undefined,
  dryRun: boolean,
): Promise<CleanedHelper[]> {
  const api = new NodeApi(cluster as KubeCluster);
  const out: CleanedHelper[] = [];
  for (const helper of await api.listHelpers(namespace)) {
    const result = dryRun
      ? 'would delete'
      : (await api.deletePod(helper.namespace, helper.name))
        ? 'deleted'
        : 'already gone';
    out.push({ helper, result });
  }
  return out;
}
