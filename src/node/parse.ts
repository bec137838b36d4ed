// Pure parsers of what the node-side commands print (ctr 1.6/1.7, readlink, ip, pidof). No I/O:
// unit tests feed them output captured on a real node (test/fixtures/node, scripts/capture-node-fixtures.sh).
import type { NodeContainer, NodeTask } from '../domain/sandbox-model.js';

/** Splits a ctr table (`containers ls`, `tasks ls`): a header line, then whitespace-separated columns. */
function tableRows(text: string, firstHeader: string): string[][] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) return [];
  if (!lines[0].startsWith(firstHeader))
    throw new ParseError(`expected a "${firstHeader}" header, got "${lines[0].slice(0, 60)}"`);
  return lines.slice(1).map((l) => l.split(/\s+/));
}

export class ParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseError';
  }
}

/** `ctr containers ls`: CONTAINER IMAGE RUNTIME. */
export function parseContainersLs(text: string): { id: string; image: string; runtime: string }[] {
  return tableRows(text, 'CONTAINER').map(([id, image, runtime]) => ({
    id,
    image: image ?? '',
    runtime: runtime ?? '',
  }));
}

/** `ctr tasks ls`: TASK PID STATUS. STATUS is RUNNING, STOPPED, CREATED, PAUSED or UNKNOWN. */
export function parseTasksLs(text: string): NodeTask[] {
  return tableRows(text, 'TASK').map(([id, pid, status]) => ({
    id,
    pid: Number(pid),
    status: (status ?? 'UNKNOWN').toUpperCase(),
  }));
}

/**
 * `ctr containers info ID`: the container record as JSON. The CRI plugin puts the pod in the labels
 * and, in the OCI spec's annotations, the sandbox the container belongs to; the spec's namespaces
 * list shows which network namespace it joins (a /proc/PID/ns/net of the pause, or a CNI netns file).
 */
/** The parts of `ctr containers info`'s JSON podlens reads (containerd's containers.Container). */
interface CtrContainerInfo {
  ID?: unknown;
  Image?: string;
  CreatedAt?: string;
  Labels?: Record<string, string>;
  Spec?: { annotations?: Record<string, string>; linux?: { namespaces?: { type: string; path?: string }[] } };
}

export function parseContainerInfo(text: string): NodeContainer {
  let d: CtrContainerInfo | null;
  try {
    d = JSON.parse(text) as CtrContainerInfo | null;
  } catch (e) {
    throw new ParseError(`ctr containers info did not print JSON: ${(e as Error).message}`);
  }
  if (!d || typeof d.ID !== 'string') throw new ParseError('ctr containers info printed JSON without an ID');
  const labels: Record<string, string> = d.Labels ?? {};
  const ann: Record<string, string> = d.Spec?.annotations ?? {};
  const ns: { type: string; path?: string }[] = d.Spec?.linux?.namespaces ?? [];
  const kind = labels['io.cri-containerd.kind'] ?? ann['io.kubernetes.cri.container-type'];
  return {
    id: d.ID,
    image: d.Image ?? '',
    kind: kind === 'sandbox' ? 'sandbox' : kind === 'container' ? 'container' : 'other',
    podUid: labels['io.kubernetes.pod.uid'] ?? ann['io.kubernetes.cri.sandbox-uid'],
    podName: labels['io.kubernetes.pod.name'] ?? ann['io.kubernetes.cri.sandbox-name'],
    podNamespace: labels['io.kubernetes.pod.namespace'] ?? ann['io.kubernetes.cri.sandbox-namespace'],
    containerName: labels['io.kubernetes.container.name'] ?? ann['io.kubernetes.cri.container-name'],
    sandboxId: ann['io.kubernetes.cri.sandbox-id'] ?? (kind === 'sandbox' ? d.ID : undefined),
    createdAt: d.CreatedAt ?? undefined,
    netnsPath: ns.find((n) => n.type === 'network')?.path,
    hostNetwork: ns.length > 0 && !ns.some((n) => n.type === 'network'),
    podlensHelper: labels['app.kubernetes.io/managed-by'] === 'podlens',
  };
}

/** `readlink /proc/PID/ns/net` prints `net:[4026532177]`. */
export function parseNetnsLink(text: string): string {
  const m = text.trim().match(/^net:\[(\d+)\]$/);
  if (!m) throw new ParseError(`readlink printed "${text.trim().slice(0, 60)}", not net:[INODE]`);
  return `net:[${m[1]}]`;
}

/** `ip -o addr show`: one line per address. Returns the global (non-loopback, non-link-local) ones. */
export function parseIpAddr(text: string): { ifname: string; family: 'inet' | 'inet6'; cidr: string }[] {
  const out: { ifname: string; family: 'inet' | 'inet6'; cidr: string }[] = [];
  for (const line of text.split('\n')) {
    const m = line.match(/^\d+:\s+(\S+)\s+(inet6?)\s+(\S+)\s.*scope (\S+)/);
    if (!m || m[4] !== 'global') continue;
    out.push({ ifname: m[1].replace(/@.*$/, ''), family: m[2] as 'inet' | 'inet6', cidr: m[3] });
  }
  return out;
}

/** `pidof containerd`: space-separated PIDs (busybox and procps agree). */
export function parsePidof(text: string): number[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number);
}
