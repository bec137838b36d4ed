#!/usr/bin/env node
// Captures the fixtures of a pod's surroundings from the live cluster ($KUBECONFIG): its node (a
// node that is not Ready, a KWOK fake node under memory pressure, cordoned and tainted, one with a
// NoExecute taint its pods tolerate for a while or for ever, the real node), its claims and
// StorageClasses (a claim naming a class that does not exist, one waiting for its first consumer),
// and containers stopped by a signal. Each fixture holds what describe reads:
// the pod, its events, its node, the pods on that node, the claims of its namespace and the classes.
// Needs KWOK (bash cluster/kwok.sh up N; it is started with one fake node, and stopped, when absent).
// Usage: KUBECONFIG=... node scripts/capture-surroundings-fixtures.mjs [step ...] (steps: nodeNotReady,
// nodeUnderPressure, nodeDraining, storage, signalled, usage (needs metrics.k8s.io), nodeHealthy;
// all when none is named)
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { busy, kubectl, ok, pod, recreateNamespace, sleep } from './capture-support.mjs';
import { nodeCondition, nodeConditionsPatch, pressureCondition } from './node-status.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test', 'fixtures');
// PODLENS_CAPTURE_NS: another namespace, so that captures on a shared cluster do not collide.
const NS = process.env.PODLENS_CAPTURE_NS || 'podlens-surroundings';
const DOWN = 'podlens-fixture-down'; // a Node object no kubelet serves
const FAKE = 'podlens-fixture-kwok'; // a KWOK fake node
const DRAINING = 'podlens-fixture-draining'; // a KWOK fake node with a NoExecute taint
const UNSCRAPED = 'podlens-fixture-unscraped'; // a KWOK fake node, which metrics-server cannot scrape
const CLASS_WFFC = 'podlens-fixture-wait';
const FAKE_TOLERATION = { key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' };

const json = async (args) => JSON.parse(await ok([...args, '-o', 'json']));

async function until(label, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${label}: timed out`);
    await sleep(1000);
  }
}

async function save(id, podName) {
  const p = await json(['-n', NS, 'get', 'pod', podName]);
  const sel = `involvedObject.name=${podName},involvedObject.namespace=${NS},involvedObject.uid=${p.metadata.uid}`;
  const events = (await json(['-n', NS, 'get', 'events', '--field-selector', sel])).items;
  const node = p.spec.nodeName;
  const fx = { case: id, capturedAt: new Date().toISOString(), pod: p, events, logs: [] };
  if (node) {
    fx.node = await json(['get', 'node', node]);
    fx.nodePods = (await json(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node}`])).items;
    // PodMetrics as describe reads them, or "unavailable" when metrics.k8s.io is not served.
    const m = await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods']);
    fx.metrics = m.code === 0 ? JSON.parse(m.out).items : 'unavailable';
  }
  if ((p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim || v.ephemeral)) {
    fx.claims = (await json(['-n', NS, 'get', 'pvc'])).items;
    fx.storageClasses = (await json(['get', 'storageclass'])).items;
  }
  writeFileSync(join(OUT, `${id}.json`), JSON.stringify(fx, null, 2) + '\n');
  console.log(`captured ${id}`);
}

const apply = (items) => ok(['-n', NS, 'apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
const podOf = (name) => json(['-n', NS, 'get', 'pod', name]);
const status = (p, c) => (p.status?.containerStatuses ?? []).find((s) => s.name === c);

async function nodeNotReady() {
  await ok(['delete', 'node', DOWN, '--ignore-not-found']);
  await ok(
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: DOWN, labels: { 'podlens.dev/fixture': 'true' } },
      status: {
        allocatable: { cpu: '2', memory: '2Gi', pods: '10' },
        capacity: { cpu: '2', memory: '2Gi', pods: '10' },
        conditions: [nodeCondition('Ready', 'False', 'KubeletNotReady', 'container runtime network not ready')],
      },
    }),
  );
  await apply([
    pod('on-down-node', {
      nodeName: DOWN,
      containers: [busy('app', 'sleep 3600', { resources: { requests: { cpu: '500m', memory: '64Mi' } } })],
    }),
  ]);
  await until('not-ready NoExecute taint', async () => {
    const n = await json(['get', 'node', DOWN]);
    return (n.spec.taints ?? []).some((x) => x.effect === 'NoExecute' && x.key === 'node.kubernetes.io/not-ready');
  });
  await save('node-not-ready', 'on-down-node');
}

/** A KWOK fake node (label type=kwok: the running kwok keeps it Ready), made afresh; waits until Ready. */
async function fakeNode(name) {
  await ok(['delete', 'node', name, '--ignore-not-found']);
  await ok(
    ['create', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: name,
        labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'podlens.dev/fixture': 'true' },
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      },
      spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] },
      status: {
        allocatable: { cpu: '2', memory: '2Gi', pods: '10' },
        capacity: { cpu: '2', memory: '2Gi', pods: '10' },
      },
    }),
  );
  await until(`${name} Ready`, async () => {
    const n = await json(['get', 'node', name]);
    return (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  });
}

async function nodeUnderPressure() {
  await fakeNode(FAKE);
  const spec = (cpu, memory, extra = {}) => ({
    nodeName: FAKE,
    tolerations: [FAKE_TOLERATION],
    containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu, memory } }, ...extra }],
  });
  await apply([
    pod(
      'big-neighbour',
      spec('1500m', '1Gi', {
        resources: { requests: { cpu: '1500m', memory: '1Gi' }, limits: { cpu: '1500m', memory: '1Gi' } },
      }),
    ),
    pod('under-pressure', spec('400m', '128Mi')),
    pod('best-effort', {
      nodeName: FAKE,
      tolerations: [FAKE_TOLERATION],
      containers: [{ name: 'app', image: 'nginx' }],
    }),
  ]);
  for (const n of ['big-neighbour', 'under-pressure', 'best-effort'])
    await until(`${n} running`, async () => status(await podOf(n), 'app')?.state?.running);
  // A real condition as a kubelet reports it, on the fake node; the node lifecycle controller adds its taint.
  await ok(nodeConditionsPatch(FAKE, [pressureCondition('MemoryPressure')]));
  await ok(['cordon', FAKE]);
  await ok(['taint', 'node', FAKE, 'podlens.dev/maintenance=soon:NoSchedule']);
  await until('memory-pressure taint', async () => {
    const n = await json(['get', 'node', FAKE]);
    return (n.spec.taints ?? []).some((x) => x.key === 'node.kubernetes.io/memory-pressure');
  });
  await save('node-pressure', 'under-pressure');
  await save('node-pressure-best-effort', 'best-effort');
}

async function nodeDraining() {
  // A NoExecute taint added while pods run: one tolerates it for an hour (the taint manager evicts it
  // then), one for ever (never evicted by it).
  await fakeNode(DRAINING);
  const drain = { key: 'podlens.dev/drain', operator: 'Exists', effect: 'NoExecute' };
  const on = (name, toleration) =>
    pod(name, {
      nodeName: DRAINING,
      tolerations: [FAKE_TOLERATION, toleration],
      containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
    });
  await apply([on('tolerates-an-hour', { ...drain, tolerationSeconds: 3600 }), on('tolerates-for-ever', drain)]);
  // (bound by spec.nodeName; whether kwok has started them yet does not change what the taint means)
  await ok(['taint', 'node', DRAINING, 'podlens.dev/drain=now:NoExecute']);
  await sleep(1500);
  await save('node-taint-tolerated-for-a-while', 'tolerates-an-hour');
  await save('node-taint-tolerated-for-ever', 'tolerates-for-ever');
}

async function storage() {
  await ok(['delete', 'storageclass', CLASS_WFFC, '--ignore-not-found']);
  await ok(
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: CLASS_WFFC },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
    }),
  );
  const claim = (name, storageClassName) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName },
  });
  const user = (name, claimName) =>
    pod(name, {
      containers: [busy('app', 'sleep 3600', { volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    });
  await apply([
    claim('data-fast', 'fast-ssd-that-does-not-exist'),
    claim('data-wait', CLASS_WFFC),
    user('claim-class-missing', 'data-fast'),
    user('claim-waits', 'data-wait'),
    user('claim-missing', 'data-nowhere'),
  ]);
  const scheduled = (p) => (p.status?.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'False');
  for (const n of ['claim-class-missing', 'claim-waits', 'claim-missing']) {
    await until(`${n} unschedulable`, async () => scheduled(await podOf(n)));
    await sleep(1500);
    await save(`storage-${n}`, n);
  }
}

async function signalled() {
  // A container with a passing liveness probe, stopped by a signal: the kubelet ends the pod at its
  // activeDeadlineSeconds (SIGTERM, which sh as PID 1 ignores, then SIGKILL): not its probe, not memory.
  await apply([
    pod('deadline-killed', {
      activeDeadlineSeconds: 8,
      containers: [busy('app', 'sleep 3600', { livenessProbe: { exec: { command: ['true'] }, periodSeconds: 2 } })],
    }),
  ]);
  await until(
    'deadline-killed terminated',
    async () => status(await podOf('deadline-killed'), 'app')?.state?.terminated,
    90_000,
  );
  await save('signal-killed', 'deadline-killed');
}

/** The pod's PodMetrics memory in bytes once metrics.k8s.io reports it (Ki in the API). */
async function memoryOf(name) {
  const m = JSON.parse(await ok(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${NS}/pods/${name}`]));
  return m.containers.reduce((n, c) => n + parseInt(c.usage.memory, 10) * 1024, 0);
}

async function usage() {
  // Two pods on the real node while metrics-server serves metrics.k8s.io: one holding 32 MiB in
  // /dev/shm (tmpfs pages count in its memory) against requests of 8Mi, over them; one using little
  // of 256Mi, within them. A pod on a KWOK fake node, which metrics-server cannot scrape, one of
  // system-critical priority, and one without requests.
  const shm = 'head -c 33554432 /dev/zero > /dev/shm/fill && sleep 3600';
  const req = (memory) => ({ resources: { requests: { cpu: '10m', memory } } });
  await fakeNode(UNSCRAPED);
  await apply([
    pod('uses-more', { containers: [busy('app', shm, req('8Mi'))] }),
    pod('uses-less', { containers: [busy('app', 'sleep 3600', req('256Mi'))] }),
    // no requests at all (BestEffort): any use exceeds them
    pod('best-effort', { containers: [busy('app', shm)] }),
    // of system-critical priority, which the kubelet does not evict under node pressure
    pod('critical', { priorityClassName: 'system-cluster-critical', containers: [busy('app', shm, req('8Mi'))] }),
    ...['unscraped', 'unscraped-too'].map((name) =>
      pod(name, {
        nodeName: UNSCRAPED,
        tolerations: [FAKE_TOLERATION],
        containers: [busy('app', 'sleep 3600', req('64Mi'))],
      }),
    ),
  ]);
  await until('uses-more reported over 32 MiB', async () => (await memoryOf('uses-more')) >= 32 * 2 ** 20);
  await until('uses-less reported', async () => (await memoryOf('uses-less')) > 0);
  for (const name of ['unscraped', 'unscraped-too'])
    await until(`${name} running`, async () => status(await podOf(name), 'app')?.state?.running);
  await save('node-usage-over', 'uses-more');
  await save('node-usage-within', 'uses-less');
  await until('critical reported', async () => (await memoryOf('critical')) >= 32 * 2 ** 20);
  await save('node-usage-unscraped', 'unscraped');
  await save('node-usage-critical', 'critical');
  await until('best-effort reported', async () => (await memoryOf('best-effort')) >= 32 * 2 ** 20);
  await save('node-usage-best-effort', 'best-effort');
}

async function main() {
  const kwok = (...a) => spawnSync('bash', [join(ROOT, 'cluster', 'kwok.sh'), ...a], { stdio: 'inherit' }).status;
  const fakeNodes = (await kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'name'])).out.trim();
  const only = process.argv.slice(2);
  const started =
    !fakeNodes &&
    (!only.length || only.includes('nodeUnderPressure') || only.includes('nodeDraining') || only.includes('usage'));
  if (started && kwok('up', '1') !== 0) throw new Error('cluster/kwok.sh up 1 failed');
  await recreateNamespace(NS);
  try {
    const steps = { nodeNotReady, nodeUnderPressure, nodeDraining, storage, signalled, usage };
    const run = Object.entries(steps).filter(([k]) => !only.length || only.includes(k));
    const r = await Promise.allSettled(run.map(([, f]) => f()));
    for (const x of r)
      if (x.status === 'rejected') {
        console.error(`FAILED: ${x.reason?.message ?? x.reason}`);
        process.exitCode = 1;
      }
    // the real node with an ordinary pod: healthy
    if (!only.length || only.includes('nodeHealthy')) {
      await apply([pod('on-real-node', { containers: [busy('app', 'sleep 3600')] })]);
      await until('on-real-node running', async () => status(await podOf('on-real-node'), 'app')?.state?.running);
      await save('node-healthy', 'on-real-node');
    }
  } finally {
    await kubectl(['delete', 'namespace', NS, '--wait=false']);
    await kubectl(['delete', 'node', DOWN, FAKE, DRAINING, UNSCRAPED, '--ignore-not-found']);
    await kubectl(['delete', 'storageclass', CLASS_WFFC, '--ignore-not-found']);
    if (started) kwok('down');
  }
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
