// Names for shell completion: one page of pods, namespaces or nodes (the shell shows a screenful,
// not thousands), and the kubeconfig's contexts, clusters and users (no request).
import type { KubeCluster } from './adapter.js';
import { kubeconfigNames, type ConfigOptions } from './config.js';

export type LiveKind = 'pods' | 'namespaces' | 'nodes';
const PAGE = 500;

/* eslint-disable @typescript-eslint/no-explicit-any */
const names = (list: any): string[] =>
  (list?.items ?? []).map((o: any) => String(o?.metadata?.name ?? '')).filter(Boolean);

export async function liveNames(cluster: KubeCluster, what: LiveKind, namespace: string): Promise<string[]> {
  const core = cluster.core;
  if (what === 'pods')
    return names(
      await cluster.call({ verb: 'list', resource: 'pods', namespace }, (o) =>
        core.listNamespacedPod({ namespace, limit: PAGE }, o),
      ),
    );
  if (what === 'namespaces')
    return names(
      await cluster.call({ verb: 'list', resource: 'namespaces' }, (o) => core.listNamespace({ limit: PAGE }, o)),
    );
  return names(await cluster.call({ verb: 'list', resource: 'nodes' }, (o) => core.listNode({ limit: PAGE }, o)));
}

export function configNames(what: 'contexts' | 'clusters' | 'users', opts: ConfigOptions): string[] {
  return kubeconfigNames(opts)[what];
}
