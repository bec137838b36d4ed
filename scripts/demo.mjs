#!/usr/bin/env node
// `npm run demo`: its own set-up on a fresh clone (npm dependencies, build, the Debian packages
// and the local cluster when run as root), the seed's example pods in the namespace podlens-demo,
// podlens on them, and a pod that reaches another through a Service's name. It runs on the
// project's own cluster, or on a cluster you name: PODLENS_DEMO_CONTEXT=<context> npm run demo.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureNodeModules, findCluster, root, run } from './find-cluster.mjs';

const ns = 'podlens-demo';
const say = (line) => console.log(`[demo] ${line}`);
if (!ensureNodeModules(say)) process.exit(1);
if (!existsSync(join(root, 'dist', 'cli.js')) && run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
const cluster = findCluster({ optIn: 'PODLENS_DEMO_CONTEXT', onForeign: 'local', log: say });
if (!cluster.env) {
  console.error(`demo: no cluster: ${cluster.reason}.`);
  process.exit(1);
}
process.on('exit', () => cluster.cleanup());
const env = { ...cluster.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' };

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

// A Service named web in front of nginx-pod, and a pod that fetches its page by that name: the
// cluster's DNS resolves web, kube-proxy takes the ClusterIP to nginx-pod.
step(`kubectl -n ${ns} expose pod nginx-pod --name web --port 80`);
run(
  'sh',
  ['-c', `kubectl -n ${ns} expose pod nginx-pod --name web --port 80 --dry-run=client -o yaml | kubectl apply -f -`],
  env,
);
kubectl('-n', ns, 'delete', 'pod', 'web-client', '--ignore-not-found', '--wait=true');
const dir = mkdtempSync(join(tmpdir(), 'podlens-demo-'));
const client = join(dir, 'web-client.yaml');
writeFileSync(
  client,
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-client' },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'wget', image: 'busybox', command: ['timeout', '10', 'wget', '-qO-', 'http://web/'] }],
    },
  }),
);
podlens('watch', '-n', ns, '-f', client, '--until', 'done', '--timeout', '60s');
rmSync(dir, { recursive: true, force: true });
step(`kubectl -n ${ns} logs web-client    # what web-client fetched from http://web/`);
kubectl('-n', ns, 'logs', 'web-client');
// The node is reached the first way that works (docker for kind, this machine, or a helper pod,
// which podlens asks about first).
podlens('pause', '-n', ns, 'shared-network-pod');
console.log(`\nThe pods stay in namespace ${ns} for you to explore; remove them with: kubectl delete namespace ${ns}`);
