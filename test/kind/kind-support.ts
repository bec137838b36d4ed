// What the kind live tests share: the cluster from `npm run kind:up` (its kubeconfig and private
// dockerd, from cluster/kind/env.sh, which `npm run test:kind` evaluates), and ctr, readlink and
// kind run where a user of kind runs them: `docker exec NODE ...` and the kind binary.
import { execFileSync } from 'node:child_process';
import { run } from '../live/docker-node.js';
import { ROOT, type RunResult } from '../live/support.js';

/** cluster/kind/lib.sh's values, read by running it (one source of truth for names and paths). */
function kindSetting(name: string): string {
  return execFileSync('bash', ['-c', `source cluster/kind/lib.sh && printf %s "$${name}"`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}

export const KIND_BIN = kindSetting('KIND_BIN');
export const CLUSTER = kindSetting('KIND_CLUSTER');
export const CONTROL_PLANE = `${CLUSTER}-control-plane`;
export const WORKER = `${CLUSTER}-worker`;
export const NODES = [CONTROL_PLANE, WORKER];

/** Why the kind tests cannot run here, or undefined: test:kind needs the cluster from kind:up. */
export function whyNot(): string | undefined {
  if (!process.env.DOCKER_HOST || !process.env.KUBECONFIG?.includes('kind'))
    return 'KUBECONFIG and DOCKER_HOST do not name the kind cluster: run `npm run test:kind`, which sets them';
  return undefined;
}

/** `docker exec NODE ARGV...` against the kind cluster's dockerd. */
export function onNode(node: string, argv: string[]): Promise<RunResult> {
  return run('docker', ['exec', node, ...argv]);
}

async function onNodeOk(node: string, argv: string[]): Promise<string> {
  const r = await onNode(node, argv);
  if (r.code !== 0) throw new Error(`docker exec ${node} ${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

const rows = (table: string) =>
  table
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/));

/** ctr inside the node: the pod's containers (pause first found by image), every task's PID. */
export async function ctrOnNode(
  node: string,
  uid: string,
): Promise<{ pause: string; ids: string[]; pids: Map<string, number> }> {
  const ctr = ['ctr', '-n', 'k8s.io'];
  const ls = rows(await onNodeOk(node, [...ctr, 'containers', 'ls', `labels."io.kubernetes.pod.uid"==${uid}`]));
  const pids = new Map(rows(await onNodeOk(node, [...ctr, 'tasks', 'ls'])).map(([id, pid]) => [id, Number(pid)]));
  const pause = ls.find((r) => r[1].includes('/pause:'));
  if (!pause) throw new Error(`ctr on ${node} lists no pause container for pod ${uid}`);
  return { pause: pause[0], ids: ls.map((r) => r[0]), pids };
}

/** Sandbox ids ctr lists inside the node. */
export async function sandboxesOnNode(node: string): Promise<string[]> {
  const out = await onNodeOk(node, [
    'ctr',
    '-n',
    'k8s.io',
    'containers',
    'ls',
    'labels."io.cri-containerd.kind"==sandbox',
  ]);
  return rows(out)
    .map((r) => r[0])
    .sort();
}

/** The network namespace of a PID of the node, as readlink inside the node prints it: net:[INODE]. */
export async function netnsOnNode(node: string, pid: number): Promise<string> {
  return (await onNodeOk(node, ['readlink', `/proc/${pid}/ns/net`])).trim();
}
