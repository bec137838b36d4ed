// The seed's shared-network pod (examples/shared-network.yaml: nginx and alpine in one network
// namespace) as the node-side live tests use it (pause.test.ts, pause-docker.test.ts, node.test.ts):
// setting it up, what ctr run directly on this host (the node) says about it, and the checks that
// what `podlens pause` and `podlens node` report agrees with ctr and /proc/PID/ns/net read directly.
import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './docker-node.js';
import { ROOT, apply, is, kubectlOk, waitFor, waitForPod, type RawPod } from './support.js';

export const SOCK = process.env.CONTAINERD_ADDRESS ?? '/run/containerd/containerd.sock';
const HELPERS = 'app.kubernetes.io/managed-by=podlens';

/**
 * The podlens helpers in a namespace (Jobs and their pods), as `job.batch/NAME` and `pod/NAME`.
 * Right after podlens exits this must be empty: it deletes its helper Job in the foreground and
 * waits until the Job and its pods are gone (src/kube/node-api.ts deleteHelper).
 */
export async function helpersIn(namespace: string): Promise<string[]> {
  return (await kubectlOk(['-n', namespace, 'get', 'jobs,pods', '-l', HELPERS, '-o', 'name']))
    .split('\n')
    .filter(Boolean);
}

/** The name of the namespace's helper Job, once there is one (podlens creates it; at most 30 s). */
export async function helperJob(namespace: string): Promise<string> {
  const job = await waitFor(
    'the helper Job to appear',
    async () => (await helpersIn(namespace)).find((h) => h.startsWith('job.batch/')),
    30_000,
    50,
  );
  return job.slice('job.batch/'.length);
}

/** Waits until Kubernetes has deleted every helper of the namespace (at most a minute). */
export async function helpersGone(namespace: string, what: string): Promise<void> {
  await waitFor(what, async () => (await helpersIn(namespace)).length === 0 || undefined, 60_000, 500);
}

/** Applies the shared-network pod in the namespace; returns it, as the API does, once both containers run. */
export async function startSharedNetworkPod(namespace: string): Promise<RawPod> {
  await apply(readFileSync(join(ROOT, 'examples', 'shared-network.yaml'), 'utf8'), namespace);
  return waitForPod(
    namespace,
    'shared-network-pod',
    is.all(is.running('nginx'), is.running('alpine')),
    'both containers running',
  );
}

/** `ctr -n k8s.io ARGS` run directly on this host: its table's rows (the header left out), split into columns. */
async function ctrRows(args: string[]): Promise<string[][]> {
  const r = await run('ctr', ['--address', SOCK, '-n', 'k8s.io', ...args]);
  return r.stdout
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/));
}

/** ctr run directly on this host: the pod's containers and every task's PID. */
export async function ctrDirect(uid: string): Promise<{ pause: string; ids: string[]; pids: Map<string, number> }> {
  const rows = await ctrRows(['containers', 'ls', `labels."io.kubernetes.pod.uid"==${uid}`]);
  const pids = new Map((await ctrRows(['tasks', 'ls'])).map(([id, pid]) => [id, Number(pid)] as [string, number]));
  return { pause: rows.find((r) => r[1].includes('/pause:'))![0], ids: rows.map((r) => r[0]), pids };
}

/** Sandbox ids as `ctr containers ls` shows them, run directly: the rows with the pause image. */
export async function sandboxesDirect(): Promise<string[]> {
  return (await ctrRows(['containers', 'ls', 'labels."io.cri-containerd.kind"==sandbox'])).map((r) => r[0]).sort();
}

/** Of the sandboxes ctr listed before, those it still lists (other tests' pods come and go). */
export async function stillThere(before: string[]): Promise<string[]> {
  const after = await sandboxesDirect();
  return before.filter((id) => after.includes(id));
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A `podlens pause -o json` report on the pod agrees with ctr and /proc on this host. */
export async function expectPauseAgreesWithNode(report: any, uid: string, podIP: string): Promise<void> {
  const direct = await ctrDirect(uid);
  expect(report.sandbox.id).toBe(direct.pause);
  expect(report.sandbox.image).toMatch(/^registry\.k8s\.io\/pause:/);
  expect(report.sandbox.pid).toBe(direct.pids.get(direct.pause));
  const pauseNet = readlinkSync(`/proc/${report.sandbox.pid}/ns/net`);
  expect(report.sandbox.netns).toBe(pauseNet);
  expect(report.containers.map((c: any) => c.name)).toEqual(['nginx', 'alpine']);
  for (const c of report.containers) {
    expect(direct.ids).toContain(c.id);
    expect(c.pid).toBe(direct.pids.get(c.id));
    expect(c.netns).toBe(readlinkSync(`/proc/${c.pid}/ns/net`));
    expect(c.netns).toBe(pauseNet);
    expect(c.sharesSandboxNetns).toBe(true);
  }
  expect(report.ip).toEqual({ api: podIP, apiAll: [podIP], node: [podIP], agree: true });
  expect(report.statements[0]).toBe(
    `nginx and alpine run in the network namespace of the pause container (${pauseNet}); that is why they share the IP ${podIP} and reach each other on localhost.`,
  );
}

/**
 * A `podlens node -o json` report lists every sandbox in `direct` (those ctr listed before and after
 * the run), and maps the pod's own sandbox to it, running, with its two containers, unflagged.
 */
export function expectNodeListsSandboxes(report: any, direct: string[], namespace: string, uid: string): void {
  const ids = report.sandboxes.map((s: any) => s.id);
  for (const id of direct) if (!ids.includes(id)) throw new Error(`sandbox ${id} missing from podlens node`);
  const mine = report.sandboxes.filter((s: any) => s.pod.uid === uid);
  expect(mine).toHaveLength(1);
  expect(mine[0].pod).toEqual({ namespace, name: 'shared-network-pod', uid });
  expect(mine[0].state).toBe('RUNNING');
  expect(mine[0].containers.map((c: any) => c.name).sort()).toEqual(['alpine', 'nginx']);
  expect(mine[0].flag).toBeNull();
}
