// What `podlens pause/node/cleanup` need from the API besides pods: the node, the kubelet's config
// (for the containerd socket), and the helper pod's lifecycle (create, wait, exec, delete, list).
// All calls go through KubeCluster.request(), so timeouts and HTTP errors are mapped in one place.
import { KubeApiError } from '../errors.js';
import { resourcePath, type KubeCluster } from './adapter.js';
import { execInPod, type ExecResult } from './exec.js';

export const HELPER_LABELS = {
  'app.kubernetes.io/managed-by': 'podlens',
  'app.kubernetes.io/name': 'podlens-node-helper',
} as const;
export const HELPER_SELECTOR = Object.entries(HELPER_LABELS)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');
export const HELPER_CONTAINER = 'helper';
// A helper podlens could not delete (kill -9, lost connection) stops by itself after this long.
export const HELPER_DEADLINE_SECONDS = 600;

export interface NodeInfo {
  name: string;
  runtime: string; // status.nodeInfo.containerRuntimeVersion, e.g. containerd://1.7.13
  addresses: { type: string; address: string }[];
}

export interface HelperSpec {
  namespace: string;
  name: string;
  node: string;
  image: string;
}

export type HelperPhase =
  | { kind: 'running' }
  | { kind: 'pending'; reason?: string; message?: string }
  | { kind: 'failed'; reason?: string; message?: string };

export interface HelperPod {
  namespace: string;
  name: string;
  node: string;
  createdAt?: string;
  phase: string;
}

/** The helper pod: privileged, in the host's PID namespace, pinned to the node, tolerating every taint. */
export function helperManifest(h: HelperSpec): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: h.name,
      namespace: h.namespace,
      labels: { ...HELPER_LABELS },
      annotations: {
        'podlens.dev/purpose': `reads containerd and /proc on node ${h.node} for podlens pause/node; safe to delete`,
      },
    },
    spec: {
      nodeName: h.node, // bypasses the scheduler: it runs on this node or nowhere
      hostPID: true,
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 0,
      activeDeadlineSeconds: HELPER_DEADLINE_SECONDS,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: HELPER_CONTAINER,
          image: h.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sleep', String(HELPER_DEADLINE_SECONDS)],
          securityContext: { privileged: true },
        },
      ],
    },
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export class NodeApi {
  constructor(private readonly cluster: KubeCluster) {}

  async getNode(name: string): Promise<NodeInfo> {
    const n: any = await this.cluster.request(
      { verb: 'get', resource: 'nodes', name },
      resourcePath('', 'nodes', undefined, name),
    );
    return {
      name: n.metadata?.name,
      runtime: n.status?.nodeInfo?.containerRuntimeVersion ?? '',
      addresses: (n.status?.addresses ?? []).map((a: any) => ({ type: a.type, address: a.address })),
    };
  }

  /** The kubelet's containerRuntimeEndpoint, through the API server's node proxy (needs nodes/proxy). */
  async kubeletRuntimeEndpoint(node: string): Promise<string | undefined> {
    const text: any = await this.cluster.request(
      { verb: 'get', resource: 'nodes/proxy', name: node },
      `${resourcePath('', 'nodes', undefined, node)}/proxy/configz`,
      { text: true },
    );
    const body = typeof text === 'string' ? JSON.parse(text) : text;
    return body?.kubeletconfig?.containerRuntimeEndpoint || undefined;
  }

  async createHelper(h: HelperSpec): Promise<void> {
    await this.cluster.request(
      { verb: 'create', resource: 'pods', namespace: h.namespace, name: h.name },
      resourcePath('', 'pods', h.namespace),
      { method: 'POST', body: helperManifest(h) },
    );
  }

  async helperPhase(namespace: string, name: string): Promise<HelperPhase> {
    const p: any = await this.cluster.request(
      { verb: 'get', resource: 'pods', namespace, name },
      resourcePath('', 'pods', namespace, name),
    );
    const st = p.status?.containerStatuses?.[0]?.state;
    if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded' || st?.terminated) {
      return {
        kind: 'failed',
        reason: st?.terminated?.reason ?? p.status?.reason,
        message: st?.terminated?.message ?? p.status?.message,
      };
    }
    if (st?.running) return { kind: 'running' };
    return { kind: 'pending', reason: st?.waiting?.reason, message: st?.waiting?.message };
  }

  /** Deletes now (grace 0); a pod already gone is fine. */
  async deletePod(namespace: string, name: string): Promise<boolean> {
    try {
      await this.cluster.request(
        { verb: 'delete', resource: 'pods', namespace, name },
        resourcePath('', 'pods', namespace, name),
        { method: 'DELETE', query: { gracePeriodSeconds: 0 } },
      );
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false;
      throw e;
    }
  }

  async listHelpers(namespace?: string): Promise<HelperPod[]> {
    const labelSelector = HELPER_SELECTOR;
    const list: any = await this.cluster.request(
      { verb: 'list', resource: 'pods', namespace },
      resourcePath('', 'pods', namespace),
      { query: { labelSelector } },
    );
    return (list.items ?? []).map((p: any) => ({
      namespace: p.metadata.namespace,
      name: p.metadata.name,
      node: p.spec?.nodeName ?? '',
      createdAt: p.metadata.creationTimestamp ? new Date(p.metadata.creationTimestamp).toISOString() : undefined,
      phase: p.status?.phase ?? '',
    }));
  }

  async exec(namespace: string, pod: string, argv: string[], timeoutMs: number): Promise<ExecResult> {
    const kc = await this.cluster.kubeConfig();
    return execInPod(kc, { namespace, pod, container: HELPER_CONTAINER }, argv, timeoutMs);
  }
}
