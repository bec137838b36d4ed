// The one answer to "that pod is not there", shared by describe, watch and pause, so the same input
// gets the same error whichever command is asked: first the namespace, then several names, then one
// name with the pods of the namespace whose names are close (a typo).
import type { Pod } from '../domain/model.js';
import { closeNames } from '../domain/suggest.js';
import { KubeApiError, PodlensError, messages } from '../errors.js';
import type { Cluster } from '../kube/types.js';

export async function podNotFound(cluster: Cluster, namespace: string, names: string[]): Promise<PodlensError> {
  // A namespace that cannot be checked (no right, or a failed call) is no reason to fail differently.
  if ((await cluster.namespaceExists(namespace).catch(() => undefined)) === false)
    return new PodlensError('namespace-not-found', messages.namespaceNotFound(namespace));
  if (names.length > 1) return new PodlensError('not-found', messages.podsNotFound(names, namespace));
  // Suggestions are a courtesy: not being allowed to list pods leaves them out.
  const existing = await cluster.listPods({ namespace }).then(
    (ps) => ps.map((p) => p.name),
    () => [] as string[],
  );
  return new PodlensError('not-found', messages.podNotFound(names[0], namespace, closeNames(names[0], existing)));
}

/** One pod by name, or the not-found error above. */
export async function getPodOrNotFound(cluster: Cluster, namespace: string, name: string): Promise<Pod> {
  try {
    return await cluster.getPod(namespace, name);
  } catch (e) {
    throw e instanceof KubeApiError && e.status === 404 ? await podNotFound(cluster, namespace, [name]) : e;
  }
}
