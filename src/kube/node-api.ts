// What `podlens pause/node/cleanup` need from the API besides pods: the node, the kubelet's config
// (for the containerd socket), and the helper pod's lifecycle (create, wait, exec, delete, list).
// All calls go through KubeCluster.request(), so timeouts and HTTP errors are mapped in one place.
import { KubeApiError, type ApiCall } from '../errors.js';
import { resourcePath, type KubeCluster } from './adapter.js';
import { execRefreshing, type ExecResult } from './exec.js';

export const HELPER_LABELS = {
  'app.kubernetes.io/managed-by': 'podlens',
  'app.kubernetes.io/name': 'podlens-node-helper',
} as const;
export const HELPER_SELECTOR = Object.entries(HELPER_LABELS)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');
export const HELPER_CONTAINER = 'helper';
// After the helper Job finishes (done, or stopped at its --helper-deadline), Kubernetes deletes it
// and its pod this long after, even when podlens was killed (-9).
export const HELPER_TTL_SECONDS = 30;
/** How long deleting a helper waits for its Job and pods to be gone, and how often it looks. */
export const HELPER_GONE_MS = 30_000;
const HELPER_GONE_POLL_MS = 250;
// Who created a helper, so that `podlens cleanup` on the same host can tell a helper another live
// podlens run is using from one whose creator is gone.
export const CREATOR_ANNOTATIONS = {
  user: 'podlens.dev/created-by-user',
  host: 'podlens.dev/created-on-host',
  pid: 'podlens.dev/created-by-pid',
  processStart: 'podlens.dev/creator-started-at',
} as const;

export interface Creator {
  user: string;
  host: string;
  pid: number;
  processStart: string; // ISO time the creating process started (tells a reused pid apart)
}

export interface NodeInfo {
  name: string;
  runtime: string; // status.nodeInfo.containerRuntimeVersion, e.g. containerd://1.7.13
  addresses: { type: string; address: string }[];
}

export interface HelperSpec {
  namespace: string;
  name: string; // the Job's; its pod's name is generated from it
  node: string;
  image: string;
  deadlineSeconds: number;
  creator: Creator;
}

/** What deleting a helper came to: gone, already gone before, or still there when the wait ran out. */
export type HelperDeletion = 'deleted' | 'absent' | 'still-deleting';

export type HelperPhase =
  | { kind: 'running'; pod: string }
  | { kind: 'pending'; reason?: string; message?: string }
  | { kind: 'failed'; reason?: string; message?: string };

/** A helper as `podlens cleanup` finds it: a Job (or a bare pod an older podlens created). */
export interface HelperObject {
  kind: 'Job' | 'Pod';
  namespace: string;
  name: string;
  node: string;
  createdAt?: string;
  /** When Kubernetes stops it: the Job's (or pod's) start plus activeDeadlineSeconds. */
  deadline?: string;
  phase: string;
  creator?: Partial<Creator>;
}

function creatorAnnotations(c: Creator): Record<string, string> {
  return {
    [CREATOR_ANNOTATIONS.user]: c.user,
    [CREATOR_ANNOTATIONS.host]: c.host,
    [CREATOR_ANNOTATIONS.pid]: String(c.pid),
    [CREATOR_ANNOTATIONS.processStart]: c.processStart,
  };
}

/** The helper pod: privileged, in the host's PID namespace, pinned to the node, tolerating every taint. */
export function helperPodSpec(h: HelperSpec): Record<string, unknown> {
  return {
    nodeName: h.node, // bypasses the scheduler: it runs on this node or nowhere
    hostPID: true,
    restartPolicy: 'Never',
    terminationGracePeriodSeconds: 0,
    activeDeadlineSeconds: h.deadlineSeconds,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    tolerations: [{ operator: 'Exists' }],
    containers: [
      {
        name: HELPER_CONTAINER,
        image: h.image,
        imagePullPolicy: 'IfNotPresent',
        command: ['sleep', String(h.deadlineSeconds)],
        securityContext: { privileged: true },
      },
    ],
  };
}

function helperMetadata(h: HelperSpec): Record<string, unknown> {
  return {
    labels: { ...HELPER_LABELS },
    annotations: {
      'podlens.dev/purpose': `reads containerd and /proc on node ${h.node} for podlens pause/node; safe to delete`,
      ...creatorAnnotations(h.creator),
    },
  };
}

/**
 * The helper runs as a Job so that Kubernetes removes it without podlens: the Job controller stops
 * it at activeDeadlineSeconds, and the TTL-after-finished controller deletes the finished Job and
 * its pod ttlSecondsAfterFinished later. https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/
 */
export function helperManifest(h: HelperSpec): Record<string, unknown> {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: h.name, namespace: h.namespace, ...helperMetadata(h) },
    spec: {
      backoffLimit: 0, // one pod, never a replacement
      activeDeadlineSeconds: h.deadlineSeconds,
      ttlSecondsAfterFinished: HELPER_TTL_SECONDS,
      template: { metadata: helperMetadata(h), spec: helperPodSpec(h) },
    },
  };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function jobPhaseName(j: any): string {
  const done = (j.status?.conditions ?? []).find(
    (c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  if (done) return done.type === 'Failed' && done.reason ? `Failed (${done.reason})` : done.type;
  return j.status?.active ? 'Running' : 'Pending';
}

function helperObject(kind: 'Job' | 'Pod', o: any, phase: string): HelperObject {
  const a = o.metadata?.annotations ?? {};
  const iso = (t: unknown) => (t ? new Date(t as string).toISOString() : undefined);
  const from = o.status?.startTime ?? o.metadata?.creationTimestamp;
  const seconds = o.spec?.activeDeadlineSeconds;
  const pid = Number(a[CREATOR_ANNOTATIONS.pid]);
  return {
    kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name,
    node: (kind === 'Job' ? o.spec?.template?.spec?.nodeName : o.spec?.nodeName) ?? '',
    createdAt: iso(o.metadata?.creationTimestamp),
    deadline: from && seconds ? new Date(new Date(from).getTime() + seconds * 1000).toISOString() : undefined,
    phase,
    creator: {
      user: a[CREATOR_ANNOTATIONS.user],
      host: a[CREATOR_ANNOTATIONS.host],
      pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
      processStart: a[CREATOR_ANNOTATIONS.processStart],
    },
  };
}

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

  /**
   * Creates the helper Job. Pod Security Admission judges pods, not Jobs (a Job it would reject is
   * accepted and then never gets a pod), so the pod is first created as a server-side dry run: its
   * refusal is the one sentence podlens gives. A dry run the user may not make (no `create pods`) is
   * no reason to stop: the Job is what they need the right for.
   */
  async createHelper(h: HelperSpec): Promise<void> {
    const { namespace } = h;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: h.name, namespace, ...helperMetadata(h) } };
    try {
      await this.cluster.request(
        { verb: 'create', resource: 'pods', namespace, name: h.name },
        resourcePath('', 'pods', namespace),
        { method: 'POST', body: { ...pod, spec: helperPodSpec(h) }, query: { dryRun: 'All' } },
      );
    } catch (e) {
      const psa = e instanceof KubeApiError && e.status === 403 && /PodSecurity/.test(e.serverMessage ?? '');
      if (psa || (e instanceof KubeApiError && e.status === 404)) throw e;
    }
    await this.cluster.request(
      { verb: 'create', resource: 'jobs', namespace, name: h.name },
      resourcePath('batch/v1', 'jobs', namespace),
      { method: 'POST', body: helperManifest(h) },
    );
  }

  /** The helper Job's pod, as the Job controller made it (label job-name), or why there is none. */
  async helperPhase(namespace: string, name: string): Promise<HelperPhase> {
    const pods: any = await this.cluster.request(
      { verb: 'list', resource: 'pods', namespace },
      resourcePath('', 'pods', namespace),
      {
        query: { labelSelector: `job-name=${name}` },
      },
    );
    const p = pods.items?.[0];
    if (!p) return this.jobPhase(namespace, name);
    const st = p.status?.containerStatuses?.[0]?.state;
    if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded' || st?.terminated) {
      return {
        kind: 'failed',
        reason: st?.terminated?.reason ?? p.status?.reason,
        message: st?.terminated?.message ?? p.status?.message,
      };
    }
    if (st?.running) return { kind: 'running', pod: p.metadata.name };
    return { kind: 'pending', reason: st?.waiting?.reason, message: st?.waiting?.message };
  }

  private async jobPhase(namespace: string, name: string): Promise<HelperPhase> {
    let job: any;
    try {
      job = await this.cluster.request(
        { verb: 'get', resource: 'jobs', namespace, name },
        resourcePath('batch/v1', 'jobs', namespace, name),
      );
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return { kind: 'failed', reason: 'JobDeleted' };
      throw e;
    }
    const failed = (job.status?.conditions ?? []).find((c: any) => c.type === 'Failed' && c.status === 'True');
    if (failed) return { kind: 'failed', reason: failed.reason, message: failed.message };
    return { kind: 'pending' };
  }

  /**
   * Deletes the helper Job and its pods, and returns once they are gone (waiting at most `waitMs`).
   * Foreground propagation: the API server keeps the Job, with a deletionTimestamp and the
   * foregroundDeletion finalizer, until the garbage collector has deleted its pods (the Job
   * controller sets blockOwnerDeletion on them), and the Job controller creates no pod for a Job that
   * has a deletionTimestamp (pkg/controller/job: manageJob runs only while it is nil). With background
   * propagation the Job went at once, and a Job controller that had not seen that yet could replace
   * the pod podlens deleted: a pod that outlived podlens until the garbage collector came for it.
   * https://kubernetes.io/docs/concepts/architecture/garbage-collection/#foreground-deletion
   * The pods are deleted at once as well (grace 0: the helper holds no state), so nothing waits for
   * a grace period. A helper already gone is fine ('absent'); one still there when the wait runs out
   * is 'still-deleting' (the garbage collector finishes it; nothing recreates it now).
   */
  async deleteHelper(namespace: string, name: string, waitMs = HELPER_GONE_MS): Promise<HelperDeletion> {
    const job = resourcePath('batch/v1', 'jobs', namespace, name);
    let existed = true;
    try {
      await this.cluster.request({ verb: 'delete', resource: 'jobs', namespace, name }, job, {
        method: 'DELETE',
        query: { gracePeriodSeconds: 0, propagationPolicy: 'Foreground' },
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      existed = false;
    }
    const pods = { labelSelector: `job-name=${name}` };
    await this.cluster.request(
      { verb: 'deletecollection', resource: 'pods', namespace },
      resourcePath('', 'pods', namespace),
      { method: 'DELETE', query: { ...pods, gracePeriodSeconds: 0 } },
    );
    const deadline = Date.now() + waitMs;
    for (;;) {
      const left: any = await this.cluster.request(
        { verb: 'list', resource: 'pods', namespace },
        resourcePath('', 'pods', namespace),
        { query: pods },
      );
      if (!left.items?.length && !(await this.exists({ verb: 'get', resource: 'jobs', namespace, name }, job)))
        return existed ? 'deleted' : 'absent';
      if (Date.now() >= deadline) return 'still-deleting';
      await new Promise((r) => setTimeout(r, HELPER_GONE_POLL_MS));
    }
  }

  private async exists(call: ApiCall, path: string): Promise<boolean> {
    try {
      await this.cluster.request(call, path);
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return false;
      throw e;
    }
  }

  /** Deletes a bare helper pod (an older podlens made them) now (grace 0); one already gone is fine. */
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

  /** Every helper Job, and every bare helper pod no Job owns, listed page by page (src/kube/pager.ts). */
  async listHelpers(namespace?: string): Promise<HelperObject[]> {
    const query = { labelSelector: HELPER_SELECTOR };
    const jobs = await this.cluster.listPaged(
      { resource: 'jobs', namespace },
      resourcePath('batch/v1', 'jobs', namespace),
      query,
      (j: any) => helperObject('Job', j, jobPhaseName(j)),
    );
    const pods = await this.cluster.listPaged(
      { resource: 'pods', namespace },
      resourcePath('', 'pods', namespace),
      query,
      (p: any) =>
        (p.metadata?.ownerReferences ?? []).some((r: any) => r.kind === 'Job')
          ? undefined
          : helperObject('Pod', p, p.status?.phase ?? ''),
    );
    return [...jobs.items, ...pods.items];
  }

  async exec(namespace: string, pod: string, argv: string[], timeoutMs: number): Promise<ExecResult> {
    const kc = await this.cluster.kubeConfig();
    const target = { namespace, pod, container: HELPER_CONTAINER };
    return execRefreshing(kc, this.cluster.credentials, target, argv, timeoutMs);
  }
}
