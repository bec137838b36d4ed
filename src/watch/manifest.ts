// watch -f: the manifest's pods, read and checked before anything reaches the cluster, then created
// one by one once the watch is listening (so the first moment of each pod is seen).
import { readFileSync } from 'node:fs';
import { KubeApiError, PodlensError, usage } from '../errors.js';
import type { Cluster } from '../kube/types.js';

/** An object read from a manifest file: only the fields watch -f looks at are typed. */
interface Raw {
  kind?: string;
  items?: Raw[];
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface Manifest {
  namespace?: string;
  pods: Raw[];
  skipped: string[];
}

export async function readManifest(file: string): Promise<Manifest> {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    throw usage(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`,
    );
  }
  const { loadAll } = await import('js-yaml');
  let docs: Raw[];
  try {
    docs = loadAll(text).filter(Boolean) as Raw[];
  } catch (e) {
    throw usage(`${file} is not valid YAML: ${((e as Error).message ?? '').split('\n')[0]}.`);
  }
  const objects = docs.flatMap((d) => (d.kind === 'List' ? (d.items ?? []) : [d]));
  const pods = objects.filter((o) => o?.kind === 'Pod');
  const skipped = objects
    .filter((o) => o?.kind !== 'Pod')
    .map((o) => `${o?.kind ?? 'unknown'}/${o?.metadata?.name ?? '?'}`);
  if (!pods.length) throw usage(`${file} has no Pod: watch -f creates pods (use kubectl apply for other kinds).`);
  for (const p of pods)
    if (!p.metadata?.name)
      throw usage(`every pod in ${file} needs metadata.name (generateName cannot be followed by name).`);
  const namespaces = [...new Set(pods.map((p) => p.metadata?.namespace).filter((n): n is string => Boolean(n)))];
  if (namespaces.length > 1)
    throw usage(
      `the pods of ${file} are in several namespaces (${namespaces.join(', ')}); watch follows one namespace.`,
    );
  return { namespace: namespaces[0], pods, skipped };
}

export async function createAll(cluster: Cluster, namespace: string, pods: Raw[]): Promise<void> {
  const { createPod } = await import('../kube/watch.js');
  for (const body of pods) {
    try {
      await createPod(cluster, namespace, { ...body, metadata: { ...body.metadata, namespace } });
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409) {
        throw new PodlensError(
          'api',
          `pod "${body.metadata?.name}" already exists in namespace "${namespace}": delete it first, or follow it with podlens watch ${body.metadata?.name}.`,
        );
      }
      throw e;
    }
  }
}
