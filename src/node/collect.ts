// What podlens runs on the node, the same through every strategy: ctr for containers and tasks,
// readlink for network namespaces, ip inside the pause's namespace. Failures become one sentence.
import { PodlensError, messages } from '../errors.js';
import type { AccessInfo, NodeContainer, NodeSnapshot, NodeTask } from '../domain/sandbox-model.js';
import { NodeCommandError, type NodeAccess } from './access.js';
import { parseContainerInfo, parseContainersLs, parseIpAddr, parseNetnsLink, parseTasksLs } from './parse.js';

/** Runs fn over items, at most `limit` at a time (each is a round trip to the node). */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A failed ctr call, in the words of src/errors.ts. */
export function ctrError(e: unknown, node: string, address: string): unknown {
  if (!(e instanceof NodeCommandError)) return e;
  if (e.notFound && /\bctr\b/.test(e.stderr + e.command))
    return new PodlensError('node', messages.noCtr(node, e.command));
  const last = e.stderr.trim().split('\n').pop() ?? '';
  if (/failed to dial|connection refused|no such file or directory|permission denied/i.test(last)) {
    return new PodlensError('node', messages.containerdUnreachable(node, address, last.replace(/^ctr: /, '')));
  }
  return new PodlensError('node', messages.nodeCommandFailed(e.command, last || `exit code ${e.exitCode}`));
}

async function containersInfo(access: NodeAccess, ids: string[]): Promise<NodeContainer[]> {
  const infos = await mapLimit(ids, 4, async (id) => {
    try {
      return parseContainerInfo(await access.ctr(['containers', 'info', id]));
    } catch (e) {
      // Removed between `ls` and `info` (the kubelet cleans up all the time): not an error.
      if (e instanceof NodeCommandError && /not found/.test(e.stderr)) return undefined;
      throw e;
    }
  });
  return infos.filter((c): c is NodeContainer => c !== undefined);
}

/** readlink /proc/PID/ns/net for each PID; a failure is kept as evidence, not fatal. */
async function netnsOf(
  access: NodeAccess,
  pids: number[],
): Promise<{ netns: Record<string, string>; errors: Record<string, string> }> {
  const netns: Record<string, string> = {};
  const errors: Record<string, string> = {};
  await mapLimit(pids, 4, async (pid) => {
    try {
      netns[String(pid)] = parseNetnsLink(await access.host(['readlink', `/proc/${pid}/ns/net`]));
    } catch (e) {
      errors[String(pid)] =
        e instanceof NodeCommandError ? (e.stderr.trim().split('\n').pop() ?? e.message) : (e as Error).message;
    }
  });
  return { netns, errors };
}

export interface CollectContext {
  node: string;
  access: NodeAccess;
  address: string;
  addressFrom: string;
}

function accessInfo(c: CollectContext): AccessInfo {
  return {
    via: c.access.via,
    how: c.access.how(),
    containerdAddress: c.address,
    containerdAddressFrom: c.addressFrom,
    commands: c.access.commands(),
  };
}

/** For `podlens pause`: the pod's containers only (ctr filters by the pod uid label), their netns, the pause's IPs. */
export async function collectPod(c: CollectContext, podUid: string): Promise<NodeSnapshot> {
  let containers: NodeContainer[];
  let tasks: NodeTask[];
  try {
    const [ls, tl] = await Promise.all([
      c.access.ctr(['containers', 'ls', `labels."io.kubernetes.pod.uid"==${podUid}`]),
      c.access.ctr(['tasks', 'ls']),
    ]);
    tasks = parseTasksLs(tl);
    containers = await containersInfo(
      c.access,
      parseContainersLs(ls).map((r) => r.id),
    );
  } catch (e) {
    throw ctrError(e, c.node, c.address);
  }
  const running = containers
    .map((x) => tasks.find((t) => t.id === x.id))
    .filter((t): t is NodeTask => Boolean(t && t.pid > 0));
  const { netns, errors } = await netnsOf(
    c.access,
    running.map((t) => t.pid),
  );
  const snap: NodeSnapshot = { node: c.node, access: accessInfo(c), containers, tasks, netns, netnsErrors: errors };
  const sandboxPid = running.find((t) => containers.some((x) => x.id === t.id && x.kind === 'sandbox'))?.pid;
  if (sandboxPid) {
    try {
      snap.sandboxAddresses = parseIpAddr(
        await c.access.host(['nsenter', '-t', String(sandboxPid), '-n', 'ip', '-o', 'addr', 'show']),
      );
    } catch (e) {
      snap.sandboxAddressesError =
        e instanceof NodeCommandError ? (e.stderr.trim().split('\n').pop() ?? e.message) : (e as Error).message;
    }
  }
  snap.access = accessInfo(c); // now with every command run
  return snap;
}

/** For `podlens node`: every container and task in containerd's k8s.io namespace. */
export async function collectNode(c: CollectContext): Promise<NodeSnapshot> {
  try {
    const [ls, tl] = await Promise.all([c.access.ctr(['containers', 'ls']), c.access.ctr(['tasks', 'ls'])]);
    const containers = await containersInfo(
      c.access,
      parseContainersLs(ls).map((r) => r.id),
    );
    return { node: c.node, access: accessInfo(c), containers, tasks: parseTasksLs(tl), netns: {}, netnsErrors: {} };
  } catch (e) {
    throw ctrError(e, c.node, c.address);
  }
}
