// Names for shell completion: one page of pods, namespaces or nodes (the shell shows a screenful,
// not thousands), and the kubeconfig's contexts, clusters and users (no request).
import { resourcePath, type KubeCluster } from './adapter.js';
import { kubeconfigNames, type ConfigOptions } from './config.js';

export type LiveKind = 'pods' | 'namespaces' | 'nodes';
const PAGE = 500;

/* eslint-disable @typescript-eslint/no-explicit-any */
const names = (list: any): string[] =>
  (list?.items ?? []).map((o: any) => String(o?.metadata?.name ?? '')).filter(Boolean);

export async function liveNames(cluster: KubeCluster, what: LiveKind, namespace: string): Promise<string[]> {
  const ns = what === 'pods' ? namespace : undefined;
  return names(
    await cluster.request({ verb: 'list', resource: what, namespace: ns }, resourcePath('', what, ns), {
      query: { limit: PAGE },
    }),
  );
}

export function configNames(what: 'contexts' | 'clusters' | 'users', opts: ConfigOptions): string[] {
  return kubeconfigNames(opts)[what];
}
