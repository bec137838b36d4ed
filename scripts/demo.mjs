#!/usr/bin/env node
// `npm run demo`: a cluster (yours, or the local one started for you), the seed's example pods in
// the namespace podlens-demo, and podlens on them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findCluster, root, run } from './find-cluster.mjs';

const ns = 'podlens-demo';
const cluster = findCluster();
if (!cluster.env) {
  console.error(
    `demo: no cluster: ${cluster.reason}. Point KUBECONFIG at a cluster, or run as root for the local one.`,
  );
  process.exit(1);
}
const env = { ...cluster.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' };
if (!existsSync(join(root, 'dist', 'cli.js')) && run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);

const bold = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${text}\x1b[0m` : text);
const step = (title) => console.log(`\n${bold(`$ ${title}`)}`);
const kubectl = (...args) => run('kubectl', args, env);
const podlens = (...args) => {
  step(`podlens ${args.join(' ')}`);
  return run(process.execPath, [join(root, 'bin', 'podlens'), ...args], env);
};

run('sh', ['-c', `kubectl create namespace ${ns} --dry-run=client -o yaml | kubectl apply -f - >/dev/null`], env);
for (const example of ['pod.yaml', 'shared-network.yaml']) {
  kubectl('-n', ns, 'apply', '-f', join(root, 'examples', example));
}
// The init-container pod is created by podlens watch itself, to show it from the moment the API
// server stores it (created is not running) until it is Ready.
kubectl('-n', ns, 'delete', 'pod', 'nginx-pod', '--ignore-not-found', '--wait=true');
podlens('watch', '-n', ns, '-f', join('examples', 'init-container.yaml'), '--until', 'ready', '--timeout', '120s');
kubectl('-n', ns, 'wait', '--for=condition=Ready', 'pod', '--all', '--timeout=120s');

podlens('describe', '-n', ns);
podlens('describe', '-n', ns, 'nginx-pod');
// The node is reached the first way that works (docker for kind, this machine, or a helper pod,
// which podlens asks about first).
podlens('pause', '-n', ns, 'shared-network-pod');
console.log(`\nThe pods stay in namespace ${ns} for you to explore; remove them with: kubectl delete namespace ${ns}`);
