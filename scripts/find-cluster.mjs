// Finds a cluster for the tests and the demo: the one $KUBECONFIG points at when it answers,
// otherwise the project's own local cluster, started with cluster/up.sh (Linux, root).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const localKubeconfig = '/var/lib/podlens-cluster/admin.kubeconfig';
export const localContainerd = '/var/lib/podlens-cluster/containerd/containerd.sock';

export function run(cmd, args, env = process.env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return result.status ?? 1;
}

function reachable(kubeconfig) {
  const probe = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=5s', 'get', '--raw', '/readyz'], {
    encoding: 'utf8',
  });
  return probe.status === 0;
}

/** Returns { env } with KUBECONFIG (and CONTAINERD_ADDRESS for the local cluster), or { reason }. */
export function findCluster(log = (line) => console.log(`[cluster] ${line}`)) {
  const fromEnv = process.env.KUBECONFIG;
  if (fromEnv && reachable(fromEnv)) {
    log(`using the cluster of KUBECONFIG=${fromEnv}`);
    return { env: { ...process.env, KUBECONFIG: fromEnv } };
  }
  if (fromEnv) log(`KUBECONFIG=${fromEnv} does not answer; trying the local cluster`);
  if (process.platform !== 'linux') return { reason: 'the local cluster runs on Linux only' };
  if (process.getuid?.() !== 0) return { reason: 'the local cluster needs root (containerd and a kubelet)' };
  const code = run('bash', ['cluster/up.sh']);
  if (code !== 0) return { reason: `cluster/up.sh failed with exit code ${code} (its output is above)` };
  if (!existsSync(localKubeconfig) || !reachable(localKubeconfig)) {
    return { reason: 'the local cluster started but its API server does not answer' };
  }
  return {
    env: {
      ...process.env,
      KUBECONFIG: localKubeconfig,
      CONTAINERD_ADDRESS: process.env.CONTAINERD_ADDRESS ?? localContainerd,
    },
  };
}
