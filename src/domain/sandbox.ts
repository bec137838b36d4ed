// Pure mapping from what containerd shows on a node to the pod the API knows: which container is
// the pod's pause (sandbox), which are its containers, and whether they really share the pause's
// network namespace (same net:[inode]). No I/O, no colours: src/render/pause-text.ts draws it.
import { containerViews, exitWords } from './containers.js';
import type { ContainerState, Pod } from './model.js';
import type {
  ContainerOnNode,
  NodeContainer,
  NodeSnapshot,
  NodeTask,
  PauseReport,
  SandboxOnNode,
} from './sandbox-model.js';

import { SANDBOX_API_VERSION } from './api-versions.js';
import { TASK_STATE } from './sandbox-model.js';

export function taskState(id: string, tasks: NodeTask[]): { pid: number | null; state: string } {
  const t = tasks.find((x) => x.id === id);
  // The CRI plugin deletes an exited container's task, so "no task" means it has exited.
  return t ? { pid: t.pid > 0 ? t.pid : null, state: t.status } : { pid: null, state: TASK_STATE.noTask };
}

function apiStateWords(s: ContainerState | undefined): string {
  if (!s || s.kind === 'none') return 'none';
  if (s.kind === 'running') return 'running';
  if (s.kind === 'waiting') return `waiting${s.reason ? ` (${s.reason})` : ''}`;
  return `terminated (${s.reason ? `${s.reason}, ` : ''}${exitWords(s)})`;
}

const newestFirst = (a: NodeContainer, b: NodeContainer) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '');

/**
 * The pod's current sandbox: the one the API's container ids point into, else the running one,
 * else the newest. The kubelet keeps an old sandbox for a while after it makes a new one.
 */
export function pickSandbox(
  sandboxes: NodeContainer[],
  mine: NodeContainer[],
  apiIds: Set<string>,
  tasks: NodeTask[],
): NodeContainer | undefined {
  const pointedAt = mine.find((c) => apiIds.has(c.id))?.sandboxId;
  return (
    sandboxes.find((s) => s.id === pointedAt) ??
    [...sandboxes].sort(newestFirst).find((s) => taskState(s.id, tasks).state === TASK_STATE.running) ??
    [...sandboxes].sort(newestFirst)[0]
  );
}

function sandboxView(s: NodeContainer, snap: NodeSnapshot): SandboxOnNode {
  const { pid, state } = taskState(s.id, snap.tasks);
  return {
    id: s.id,
    image: s.image,
    pid,
    state,
    createdAt: s.createdAt ?? null,
    netns: pid !== null ? (snap.netns[String(pid)] ?? null) : null,
    netnsPath: s.netnsPath ?? null,
    hostNetwork: s.hostNetwork,
    addresses: snap.sandboxAddresses ?? null,
  };
}

function containerOnNode(
  pod: Pod,
  snap: NodeSnapshot,
  sandbox: SandboxOnNode | null,
  mine: NodeContainer[],
): ContainerOnNode[] {
  return containerViews(pod).map((v) => {
    const apiId = v.status?.containerID?.replace(/^[a-z]+:\/\//, '') ?? null;
    const named = mine.filter((c) => c.containerName === v.spec.name).sort(newestFirst);
    const current = named.find((c) => c.id === apiId) ?? named[0];
    const { pid, state } = current ? taskState(current.id, snap.tasks) : { pid: null, state: TASK_STATE.notOnNode };
    const netns = pid !== null ? (snap.netns[String(pid)] ?? null) : null;
    return {
      name: v.spec.name,
      kind: v.spec.kind,
      id: current?.id ?? null,
      pid,
      state,
      apiState: apiStateWords(v.status?.state),
      apiContainerId: apiId,
      idAgrees: current && apiId ? current.id === apiId : null,
      netns,
      sharesSandboxNetns: netns && sandbox?.netns ? netns === sandbox.netns : null,
      joins: current?.netnsPath ?? null,
      olderIds: named.filter((c) => c !== current).map((c) => c.id),
    };
  });
}

/** The addresses inside the pause's network namespace, without the prefix length. */
function nodeIps(sandbox: SandboxOnNode | null): string[] {
  return (sandbox?.addresses ?? []).map((a) => a.cidr.replace(/\/\d+$/, ''));
}

/** The uid the node's containers carry for this pod: a static pod's own, for its mirror pod (model.ts). */
export function nodeUid(pod: Pod): string {
  return pod.mirrorOf ?? pod.uid;
}

export function buildPauseReport(pod: Pod, snap: NodeSnapshot, now: Date): PauseReport {
  const mine = snap.containers.filter((c) => c.podUid === nodeUid(pod));
  const sandboxes = mine.filter((c) => c.kind === 'sandbox');
  const apiIds = new Set(
    containerViews(pod)
      .map((v) => v.status?.containerID?.replace(/^[a-z]+:\/\//, ''))
      .filter((x): x is string => Boolean(x)),
  );
  const chosen = pickSandbox(
    sandboxes,
    mine.filter((c) => c.kind === 'container'),
    apiIds,
    snap.tasks,
  );
  const sandbox = chosen ? sandboxView(chosen, snap) : null;
  // Containers of the chosen sandbox only: an older sandbox's containers are earlier attempts.
  const current = mine.filter((c) => c.kind === 'container' && (!chosen || c.sandboxId === chosen.id || !c.sandboxId));
  const containers = containerOnNode(pod, snap, sandbox, current);
  const node = nodeIps(sandbox);
  const ip = {
    api: pod.podIP ?? null,
    apiAll: pod.podIPs,
    node,
    agree: pod.podIP && sandbox?.addresses ? node.includes(pod.podIP) : null,
  };
  const report: PauseReport = {
    apiVersion: SANDBOX_API_VERSION,
    kind: 'PauseReport',
    generatedAt: now.toISOString(),
    pod: {
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
      node: snap.node,
      phase: pod.phase,
      hostNetwork: pod.hostNetwork,
    },
    ip,
    access: snap.access,
    sandbox,
    otherSandboxes: sandboxes
      .filter((s) => s !== chosen)
      .map((s) => ({ id: s.id, state: taskState(s.id, snap.tasks).state, createdAt: s.createdAt ?? null })),
    containers,
    statements: [],
  };
  report.statements = pauseStatements(report, snap);
  return report;
}

function names(list: string[]): string {
  if (list.length <= 1) return list.join('');
  return `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** The plain sentences under the tables: what the inodes prove, and what the IPs say. */
export function pauseStatements(r: PauseReport, snap: NodeSnapshot): string[] {
  const out: string[] = [];
  const sb = r.sandbox;
  if (!sb) {
    out.push(
      r.pod.phase === 'Pending'
        ? `The node has no sandbox for this pod yet: the kubelet has not created its pause container (the pod is Pending).`
        : `The node has no sandbox (pause container) for this pod; the kubelet has not created it or has already removed it.`,
    );
    return out;
  }
  const running = r.containers.filter((c) => c.pid !== null);
  const sharing = running.filter((c) => c.sharesSandboxNetns === true).map((c) => c.name);
  const apart = running.filter((c) => c.sharesSandboxNetns === false);
  if (sb.netns && r.pod.hostNetwork) {
    out.push(
      `hostNetwork: the pause container and ${names(running.map((c) => c.name)) || 'the containers'} use the node's own network namespace (${sb.netns}), so the pod's IP is the node's.`,
    );
  } else if (sb.netns && sharing.length > 1) {
    out.push(
      `${names(sharing)} run in the network namespace of the pause container (${sb.netns}); that is why they share the IP ${r.ip.api ?? '(none yet)'} and reach each other on localhost.`,
    );
  } else if (sb.netns && sharing.length === 1) {
    out.push(
      `${sharing[0]} runs in the network namespace of the pause container (${sb.netns}); that is why it has the pod's IP ${r.ip.api ?? '(none yet)'}, and keeps it when it restarts.`,
    );
  } else if (!sb.netns && sb.pid !== null) {
    out.push(
      `The network namespace of the pause container (PID ${sb.pid}) could not be read: ${snap.netnsErrors[String(sb.pid)] ?? 'unknown reason'}.`,
    );
  } else if (sb.pid === null) {
    out.push(
      `The pause container is not running (${sb.state}): the pod's network namespace is gone, so no container of it can run.`,
    );
  }
  for (const c of apart)
    out.push(
      `${c.name} runs in a different network namespace (${c.netns}) from the pause container (${sb.netns}): it does not share the pod's network.`,
    );
  for (const c of r.containers.filter((x) => x.pid === null && x.id)) {
    const joins =
      c.joins && sb.pid !== null && c.joins === `/proc/${sb.pid}/ns/net`
        ? `; its spec joins the pause's namespace (${c.joins}), as every container of the pod does`
        : '';
    const state =
      c.state === TASK_STATE.noTask ? 'it has exited; containerd keeps no task for it' : c.state.toLowerCase();
    out.push(`${c.name} is not running (${state}), so it has no network namespace to compare${joins}.`);
  }
  for (const c of r.containers.filter((x) => x.idAgrees === false)) {
    out.push(
      `${c.name}: the API reports container ${c.apiContainerId?.slice(0, 12)} but the node's newest is ${c.id?.slice(0, 12)}; the kubelet has not caught up yet.`,
    );
  }
  if (r.ip.agree === true)
    out.push(
      `The API's pod IP ${r.ip.api} is the address the node shows inside that namespace (${sb.addresses!.map((a) => `${a.ifname} ${a.cidr}`).join(', ')}).`,
    );
  else if (r.ip.agree === false)
    out.push(
      `The API says the pod IP is ${r.ip.api}, but inside the pause's network namespace the node shows ${r.ip.node.join(', ') || 'no global address'}.`,
    );
  if (r.otherSandboxes.length)
    out.push(
      `The node also keeps ${r.otherSandboxes.length} earlier sandbox${r.otherSandboxes.length > 1 ? 'es' : ''} of this pod (the kubelet made a new one, e.g. after the pause container died); it removes them later.`,
    );
  return out;
}
