// Pure mapping for `podlens node`: every sandbox on the node to its pod (from containerd's labels),
// with its containers; flags pods the API places on the node without a sandbox there, and
// sandboxes whose pod the API no longer knows.
import type { Pod } from './model.js';
import {
  TASK_STATE,
  type NodeContainer,
  type NodeReport,
  type NodeSandboxEntry,
  type NodeSnapshot,
} from './sandbox-model.js';
import { SANDBOX_API_VERSION } from './api-versions.js';
import { nodeUid, taskState } from './sandbox.js';

function sandboxFlag(e: Omit<NodeSandboxEntry, 'flag'>, newer: boolean): string | null {
  if (e.podlensHelper)
    return e.apiKnowsPod
      ? "podlens' helper pod (deleted when its run ends)"
      : 'a deleted podlens helper pod; the kubelet removes its sandbox';
  if (!e.apiKnowsPod)
    return `orphan: the API has no pod with uid ${e.pod.uid}; the kubelet removes its sandbox when it garbage-collects`;
  if (newer) return 'an earlier sandbox of this pod (the kubelet made a newer one); removed later';
  if (e.state !== TASK_STATE.running && (e.apiPhase === 'Running' || e.apiPhase === 'Pending'))
    return `the API says ${e.apiPhase} but this sandbox is ${e.state}`;
  return null;
}

function entry(s: NodeContainer, snap: NodeSnapshot, podsByUid: Map<string, Pod>, newer: boolean): NodeSandboxEntry {
  const pod = s.podUid ? podsByUid.get(s.podUid) : undefined;
  const { pid, state } = taskState(s.id, snap.tasks);
  const containers = snap.containers
    .filter((c) => c.kind === 'container' && c.sandboxId === s.id)
    .sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''))
    .map((c) => ({ name: c.containerName ?? '?', id: c.id, ...taskState(c.id, snap.tasks) }));
  const base = {
    id: s.id,
    state,
    pid,
    createdAt: s.createdAt ?? null,
    image: s.image,
    pod: { namespace: s.podNamespace ?? '?', name: s.podName ?? '?', uid: s.podUid ?? '?' },
    apiKnowsPod: Boolean(pod),
    apiPhase: pod?.phase ?? null,
    podlensHelper: s.podlensHelper,
    containers,
  };
  return { ...base, flag: sandboxFlag(base, newer) };
}

/** A pod without a sandbox is worth a flag only while it should have one. */
function missingWhy(p: Pod): string | null {
  if (p.phase === 'Succeeded' || p.phase === 'Failed') return null; // the kubelet may have removed it
  if (p.phase === 'Pending' && !p.podIP)
    return 'Pending: the kubelet has not created its sandbox yet (or cannot: see podlens describe)';
  return `the API says ${p.phase}${p.podIP ? ` with IP ${p.podIP}` : ''}, but the node has no sandbox for it`;
}

export function buildNodeReport(node: string, runtime: string, pods: Pod[], snap: NodeSnapshot, now: Date): NodeReport {
  const podsByUid = new Map(pods.map((p) => [nodeUid(p), p]));
  const sandboxes = snap.containers.filter((c) => c.kind === 'sandbox');
  const newestOf = new Map<string, NodeContainer>();
  for (const s of sandboxes) {
    const cur = s.podUid ? newestOf.get(s.podUid) : undefined;
    if (s.podUid && (!cur || (s.createdAt ?? '') > (cur.createdAt ?? ''))) newestOf.set(s.podUid, s);
  }
  const entries = sandboxes
    .map((s) => entry(s, snap, podsByUid, Boolean(s.podUid && newestOf.get(s.podUid) !== s)))
    .sort(
      (a, b) =>
        a.pod.namespace.localeCompare(b.pod.namespace) ||
        a.pod.name.localeCompare(b.pod.name) ||
        (a.createdAt ?? '').localeCompare(b.createdAt ?? ''),
    );
  const withSandbox = new Set(sandboxes.map((s) => s.podUid));
  const podsWithoutSandbox = pods
    .filter((p) => !withSandbox.has(nodeUid(p)))
    .map((p) => ({ namespace: p.namespace, name: p.name, uid: p.uid, phase: p.phase, why: missingWhy(p) }))
    .filter((p): p is typeof p & { why: string } => p.why !== null);
  const sandboxIds = new Set(sandboxes.map((s) => s.id));
  const strayContainers = snap.containers
    .filter((c) => c.kind !== 'sandbox' && !(c.sandboxId && sandboxIds.has(c.sandboxId)))
    .map((c) => ({ id: c.id, image: c.image }));
  const report: NodeReport = {
    apiVersion: SANDBOX_API_VERSION,
    kind: 'NodeReport',
    generatedAt: now.toISOString(),
    node,
    runtime,
    access: snap.access,
    sandboxes: entries,
    podsWithoutSandbox,
    strayContainers,
    statements: [],
  };
  report.statements = nodeStatements(report, pods.length);
  return report;
}

function nodeStatements(r: NodeReport, apiPods: number): string[] {
  const running = r.sandboxes.filter((s) => s.state === TASK_STATE.running).length;
  const out = [
    `${r.sandboxes.length} sandbox${r.sandboxes.length === 1 ? '' : 'es'} (pause containers) on ${r.node}, ${running} running; the API places ${apiPods} pod${apiPods === 1 ? '' : 's'} on this node. Each pod has one sandbox holding its network namespace; its containers join it.`,
  ];
  const orphans = r.sandboxes.filter((s) => !s.apiKnowsPod && !s.podlensHelper).length;
  if (orphans)
    out.push(
      `${orphans} sandbox${orphans === 1 ? '' : 'es'} belong${orphans === 1 ? 's' : ''} to pods the API no longer knows.`,
    );
  if (r.podsWithoutSandbox.length)
    out.push(
      `${r.podsWithoutSandbox.length} pod${r.podsWithoutSandbox.length === 1 ? '' : 's'} the API places here ha${r.podsWithoutSandbox.length === 1 ? 's' : 've'} no sandbox on the node.`,
    );
  if (r.strayContainers.length)
    out.push(
      `${r.strayContainers.length} container${r.strayContainers.length === 1 ? '' : 's'} in containerd's k8s.io namespace belong${r.strayContainers.length === 1 ? 's' : ''} to no sandbox on the node.`,
    );
  return out;
}
