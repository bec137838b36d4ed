// Names for shell completion: pods, namespaces or nodes, page by page (src/kube/pager.ts) within
// the completion's time bound, so that a name on any page is offered (the shell filters by the word
// typed so far; the first page alone missed every name beyond it), and the kubeconfig's contexts,
// clusters and users (no request).
import { resourcePath, type KubeCluster } from './adapter.js';
import { kubeconfigNames, type ConfigOptions } from './config.js';

export type LiveKind = 'pods' | 'namespaces' | 'nodes';

/* eslint-disable @typescript-eslint/no-explicit-any */
export async function liveNames(cluster: KubeCluster, what: LiveKind, namespace: string): Promise<string[]> {
  const ns = what === 'pods' ? namespace : undefined;
  const list = await cluster.listPaged({ resource: what, namespace: ns }, resourcePath('', what, ns), {}, (o: any) => {
    const name = String(o?.metadata?.name ?? '');
    return name || undefined;
  });
  return list.items;
}

export function configNames(what: 'contexts' | 'clusters' | 'users', opts: ConfigOptions): string[] {
  return kubeconfigNames(opts)[what];
}
