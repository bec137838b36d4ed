#!/usr/bin/env node
// `npm test`: builds, runs the unit tests, finds or starts a live cluster, then runs the live tests.
// Live tests use the cluster $KUBECONFIG points at when it answers; otherwise the project's own
// local cluster (cluster/up.sh, root only). Under CI=true the live tests must run: no cluster is a
// failure. Elsewhere they are skipped with one loud line that says how to get a cluster.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const ci = process.env.CI === 'true' || process.env.CI === '1';
const localKubeconfig = '/var/lib/podlens-cluster/admin.kubeconfig';

function run(cmd, args, env = process.env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return result.status ?? 1;
}

function reachable(kubeconfig) {
  if (!kubeconfig) return false;
  const probe = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=5s', 'get', '--raw', '/readyz'], {
    encoding: 'utf8',
  });
  return probe.status === 0;
}

function findCluster() {
  const fromEnv = process.env.KUBECONFIG;
  if (fromEnv && reachable(fromEnv)) {
    console.log(`[test] live tests use the cluster of KUBECONFIG=${fromEnv}`);
    return { kubeconfig: fromEnv };
  }
  if (fromEnv) console.log(`[test] KUBECONFIG=${fromEnv} does not answer; trying the local cluster`);
  if (process.platform !== 'linux') return { reason: 'the local cluster runs on Linux only' };
  if (process.getuid?.() !== 0) return { reason: 'the local cluster needs root (containerd and a kubelet)' };
  const code = run('bash', ['cluster/up.sh']);
  if (code !== 0) return { reason: `cluster/up.sh failed with exit code ${code} (its output is above)` };
  if (!existsSync(localKubeconfig) || !reachable(localKubeconfig)) {
    return { reason: 'the local cluster started but its API server does not answer' };
  }
  return { kubeconfig: localKubeconfig };
}

let failed = run('npm', ['run', '--silent', 'build']) !== 0;
if (failed) process.exit(1);
failed = run('npm', ['run', '--silent', 'test:unit']) !== 0;

const cluster = findCluster();
if (!cluster.kubeconfig) {
  const line = `LIVE TESTS NOT RUN: no cluster: ${cluster.reason}. Get one with 'sudo npm run cluster:up' or point KUBECONFIG at a cluster.`;
  if (ci) {
    console.error(`[test] FAIL (CI=true requires the live tests): ${line}`);
    process.exit(1);
  }
  console.error(`\n${'!'.repeat(line.length)}\n${line}\n${'!'.repeat(line.length)}\n`);
  process.exit(failed ? 1 : 0);
}
const env = { ...process.env, KUBECONFIG: cluster.kubeconfig };
if (cluster.kubeconfig === localKubeconfig) env.CONTAINERD_ADDRESS ??= '/var/lib/podlens-cluster/containerd/containerd.sock';
failed = run('npm', ['run', '--silent', 'test:live'], env) !== 0 || failed;
process.exit(failed ? 1 : 0);
