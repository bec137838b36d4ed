#!/usr/bin/env node
// Re-captures the fixtures that the domain unit tests read: creates each failure case on the live
// cluster ($KUBECONFIG) in a scratch namespace, waits for the state worth explaining, and saves the
// pod, its events and (for crashed containers) its logs exactly as the API returns them.
// Usage: KUBECONFIG=... npm run capture-fixtures [-- case ...]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { busy, cond, kubectl, nginx, ok, pod, recreateNamespace, sleep, st, statuses } from './capture-support.mjs';
import { TRUTH_SCENARIOS } from './truth-scenarios.mjs';
import { TIME_CASES } from './time-scenarios.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures');
// PODLENS_CAPTURE_NS: another namespace, so that captures on a shared cluster do not collide.
const NS = process.env.PODLENS_CAPTURE_NS || 'podlens-fixtures';

// Each case: the objects to create, the pod to capture (or how to find it), when it is ready to
// capture, and what to do before capturing (e.g. delete to get Terminating) and after.
const CASES = {
  'unschedulable-selector': {
    objects: [pod('no-node', { nodeSelector: { disktype: 'ssd-that-no-node-has' }, containers: [nginx()] })],
    ready: (p) => cond(p, 'PodScheduled')?.reason === 'Unschedulable',
  },
  'unschedulable-resources': {
    objects: [pod('too-big', { containers: [nginx({ resources: { requests: { cpu: '500', memory: '1Ti' } } })] })],
    ready: (p) => cond(p, 'PodScheduled')?.reason === 'Unschedulable',
  },
  'image-missing': {
    objects: [pod('no-image', { containers: [{ name: 'app', image: 'registry.invalid/podlens/does-not-exist:1.0' }] })],
    ready: (p) => st(p, 'app')?.state?.waiting?.reason === 'ImagePullBackOff',
  },
  crashloop: {
    objects: [
      pod('crasher', {
        containers: [busy('app', 'echo "starting app"; echo "fatal: config file /etc/app.conf not found" >&2; exit 3')],
      }),
    ],
    ready: (p) => st(p, 'app')?.state?.waiting?.reason === 'CrashLoopBackOff' && st(p, 'app')?.restartCount >= 1,
    logs: [['app', true]],
  },
  // A Go program that panics at start: metrics-server (the local cluster's image) refuses a metric
  // resolution not above its kubelet request timeout with a panic, whose log ends in the goroutine trace.
  'go-panic': {
    objects: [
      pod('go-panic', {
        containers: [
          {
            name: 'app',
            image: 'registry.k8s.io/metrics-server/metrics-server:v0.8.0',
            args: ['--metric-resolution=10s', '--kubelet-request-timeout=10s'],
          },
        ],
      }),
    ],
    ready: (p) => st(p, 'app')?.state?.waiting?.reason === 'CrashLoopBackOff' && st(p, 'app')?.restartCount >= 1,
    logs: [['app', true]],
  },
  oomkilled: {
    objects: [
      pod('memory-hog', {
        containers: [
          busy('hog', 'echo "loading everything into memory"; tail /dev/zero', {
            resources: { limits: { memory: '20Mi' } },
          }),
        ],
      }),
    ],
    ready: (p) =>
      st(p, 'hog')?.lastState?.terminated?.reason === 'OOMKilled' &&
      st(p, 'hog')?.state?.waiting?.reason === 'CrashLoopBackOff',
    logs: [['hog', true]],
  },
  'init-failed-never': {
    objects: [
      pod('init-fails', {
        restartPolicy: 'Never',
        initContainers: [
          busy('wait-db', 'echo "waiting for db:5432"; echo "db unreachable" >&2; exit 2'),
          busy('migrate', 'echo migrate'),
        ],
        containers: [nginx()],
      }),
    ],
    ready: (p) => p.status?.phase === 'Failed',
    logs: [['wait-db', false]],
  },
  'init-in-progress': {
    objects: [
      pod('init-slow', {
        initContainers: [
          busy('fetch-config', 'echo fetched > /work/index.html', {
            volumeMounts: [{ name: 'work', mountPath: '/work' }],
          }),
          busy('wait-for-service', 'sleep 3600'),
        ],
        containers: [nginx({ volumeMounts: [{ name: 'work', mountPath: '/usr/share/nginx/html' }] })],
        volumes: [{ name: 'work', emptyDir: {} }],
      }),
    ],
    ready: (p) => !!st(p, 'wait-for-service')?.state?.running,
  },
  completed: {
    objects: [
      pod('one-shot', { restartPolicy: 'Never', containers: [busy('task', 'echo "report generated"; sleep 1')] }),
    ],
    ready: (p) => p.status?.phase === 'Succeeded',
  },
  'native-sidecar': {
    objects: [
      pod('with-sidecar', {
        initContainers: [
          busy('log-shipper', 'touch /logs/access.log; tail -F /logs/access.log', {
            restartPolicy: 'Always',
            volumeMounts: [{ name: 'logs', mountPath: '/logs' }],
          }),
        ],
        containers: [nginx({ volumeMounts: [{ name: 'logs', mountPath: '/var/log/nginx' }] })],
        volumes: [{ name: 'logs', emptyDir: {} }],
      }),
    ],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
  },
  deployment: {
    objects: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'shop' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'shop' } },
          template: {
            metadata: { labels: { app: 'shop' } },
            spec: { terminationGracePeriodSeconds: 1, containers: [nginx()] },
          },
        },
      },
    ],
    find: 'app=shop',
    ready: (p) => cond(p, 'Ready')?.status === 'True',
  },
  standalone: {
    objects: [pod('nginx-pod', { containers: [nginx()] }, { labels: { app: 'nginx' } })],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
  },
  'readiness-failing': {
    objects: [
      pod('not-ready', {
        containers: [
          nginx({ readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 2, failureThreshold: 1 } }),
        ],
      }),
    ],
    ready: (p, events) =>
      !!st(p, 'web')?.state?.running &&
      events.filter((e) => e.reason === 'Unhealthy').reduce((n, e) => n + (e.count ?? 1), 0) >= 3,
  },
  'deletion-held': {
    objects: [
      pod(
        'held',
        { containers: [busy('app', 'trap "exit 0" TERM; sleep 3600 & wait')] },
        { finalizers: ['podlens.dev/hold'] },
      ),
    ],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
    before: async (name) => ok(['-n', NS, 'delete', 'pod', name, '--wait=false']),
    readyAfter: (p) => p.metadata?.deletionTimestamp && statuses(p).every((s) => s.state?.terminated),
    after: async (name) =>
      ok(['-n', NS, 'patch', 'pod', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']),
  },
  // Two containers declaring the same port: they share one network namespace, so only one can
  // listen on it (here nginx does; the other only sleeps, so the pod runs and the warning is advice).
  'port-conflict': {
    objects: [
      pod('same-port', {
        containers: [nginx(), busy('sidekick', 'sleep 3600', { ports: [{ containerPort: 80, name: 'alt-http' }] })],
      }),
    ],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
  },
  // An ephemeral container added by kubectl debug (the pod's spec.ephemeralContainers).
  ephemeral: {
    objects: [pod('debugged', { containers: [nginx()] })],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
    before: async (name) =>
      ok([
        '-n',
        NS,
        'debug',
        name,
        '--image=busybox',
        '--image-pull-policy=IfNotPresent',
        '--container=debugger',
        '--target=web',
        '--profile=general',
        '--',
        'sleep',
        '3600',
      ]),
    readyAfter: (p) =>
      !!(p.status?.ephemeralContainerStatuses ?? []).find((s) => s.name === 'debugger')?.state?.running,
  },
  // The codes docs/reference.md promises, each in the state that yields it.
  'err-image-pull': {
    objects: [pod('pull-fails', { containers: [{ name: 'app', image: 'registry.invalid/podlens/missing:1.0' }] })],
    ready: (p) => st(p, 'app')?.state?.waiting?.reason === 'ErrImagePull',
  },
  'scheduling-gated': {
    objects: [pod('gated', { schedulingGates: [{ name: 'podlens.dev/hold' }], containers: [nginx()] })],
    ready: (p) => cond(p, 'PodScheduled')?.reason === 'SchedulingGated',
  },
  // no scheduler of that name runs: nothing acts on the pod, first briefly, then for over a minute
  'no-scheduler': {
    objects: [pod('unscheduled', { schedulerName: 'podlens-no-such-scheduler', containers: [nginx()] })],
    ready: (p) => !p.spec.nodeName,
  },
  'no-scheduler-long': {
    objects: [pod('unscheduled-long', { schedulerName: 'podlens-no-such-scheduler', containers: [nginx()] })],
    ready: (p) => !p.spec.nodeName && Date.now() - Date.parse(p.metadata.creationTimestamp) > 70_000,
  },
  // containers ready, but a readiness gate nobody sets keeps the pod NotReady
  'readiness-gate': {
    objects: [pod('gated-ready', { readinessGates: [{ conditionType: 'podlens.dev/ready' }], containers: [nginx()] })],
    ready: (p) => cond(p, 'ContainersReady')?.status === 'True',
  },
  // running, its readiness probe not yet due
  'readiness-pending': {
    objects: [
      pod('warming-up', {
        containers: [nginx({ readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 600 } })],
      }),
    ],
    ready: (p) => !!st(p, 'web')?.state?.running,
  },
  // fails once, then runs: a restart with the last exit given
  restarted: {
    objects: [
      pod('flaky', {
        containers: [
          busy(
            'app',
            'if [ -e /work/ran ]; then echo "second run: ok"; sleep 3600; fi; touch /work/ran; echo "first run: db not ready" >&2; exit 1',
            { volumeMounts: [{ name: 'work', mountPath: '/work' }] },
          ),
        ],
        volumes: [{ name: 'work', emptyDir: {} }],
      }),
    ],
    ready: (p) => !!st(p, 'app')?.state?.running && st(p, 'app')?.restartCount >= 1,
    logs: [['app', true]],
  },
  // deletion requested, the process ignores SIGTERM, the grace period (120 s) not over yet
  terminating: {
    objects: [
      pod('stopping', {
        terminationGracePeriodSeconds: 120,
        containers: [busy('app', 'trap "" TERM; while true; do sleep 1; done')],
      }),
    ],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
    before: async (name) => ok(['-n', NS, 'delete', 'pod', name, '--wait=false']),
    readyAfter: (p) => !!p.metadata?.deletionTimestamp,
    after: async (name) => ok(['-n', NS, 'delete', 'pod', name, '--grace-period=0', '--force', '--ignore-not-found']),
  },
  // the kubelet reports ContainerCreating until a postStart hook returns
  'container-creating': {
    objects: [
      pod('post-start', {
        containers: [nginx({ lifecycle: { postStart: { exec: { command: ['sleep', '600'] } } } })],
      }),
    ],
    ready: (p) => st(p, 'web')?.state?.waiting?.reason === 'ContainerCreating',
  },
  // the kubelet's eviction manager: an emptyDir over its sizeLimit
  evicted: {
    objects: [
      pod('disk-hog', {
        restartPolicy: 'Never',
        containers: [
          busy('app', 'dd if=/dev/zero of=/scratch/fill bs=1M count=8; sleep 3600', {
            volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
          }),
        ],
        volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '1Mi' } }],
      }),
    ],
    ready: (p) => p.status?.reason === 'Evicted',
  },
};

Object.assign(CASES, TIME_CASES);

// The truth-test scenarios (scripts/truth-scenarios.mjs), with their hooks bound to this namespace.
for (const [id, t] of Object.entries(TRUTH_SCENARIOS)) {
  CASES[id] = {
    ...t,
    truth: true,
    before: t.before && ((name) => t.before(ok, NS, name)),
    after: t.after && ((name) => t.after(ok, NS, name)),
  };
}

async function podOf(c, name) {
  if (!c.find) {
    const r = await kubectl(['-n', NS, 'get', 'pod', name, '-o', 'json']);
    return r.code === 0 ? JSON.parse(r.out) : undefined;
  }
  const list = JSON.parse(await ok(['-n', NS, 'get', 'pods', '-l', c.find, '-o', 'json']));
  return list.items[0];
}

async function eventsOf(p) {
  const sel = `involvedObject.name=${p.metadata.name},involvedObject.namespace=${NS},involvedObject.uid=${p.metadata.uid}`;
  return JSON.parse(await ok(['-n', NS, 'get', 'events', '--field-selector', sel, '-o', 'json'])).items;
}

async function waitUntil(label, c, name, check, timeoutMs = 150_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await podOf(c, name);
    if (p) {
      const events = await eventsOf(p);
      if (check(p, events)) return { pod: p, events };
    }
    if (Date.now() > deadline) throw new Error(`${label}: timed out waiting for the state to capture`);
    await sleep(2000);
  }
}

async function capture(id) {
  const c = CASES[id];
  const name = c.objects[0].metadata.name;
  const applyAll = (items) =>
    ok(['-n', NS, 'apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  if (c.prelude) {
    await applyAll(c.prelude);
    for (const p of c.prelude) await waitUntil(id, {}, p.metadata.name, c.preludeReady);
  }
  await applyAll(c.objects);
  let got = await waitUntil(id, c, name, c.ready);
  if (c.before) {
    await c.before(got.pod.metadata.name);
    got = await waitUntil(id, c, name, c.readyAfter);
    await sleep(2000);
    got = await waitUntil(id, c, name, c.readyAfter);
  }
  const logs = [];
  for (const [container, previous] of c.logs ?? []) {
    const args = [
      '-n',
      NS,
      'logs',
      got.pod.metadata.name,
      '-c',
      container,
      '--tail=10',
      ...(previous ? ['--previous'] : []),
    ];
    let r = await kubectl(args);
    for (let i = 0; c.logsUntil && i < 30 && !c.logsUntil.test(r.out); i++) {
      await sleep(1000);
      r = await kubectl(args);
    }
    logs.push({ container, previous, text: r.code === 0 ? r.out : '', error: r.code === 0 ? undefined : r.err.trim() });
  }
  if (c.after) await c.after(got.pod.metadata.name);
  // What the describe service reads besides the pod: the Services of the namespace (here: those of
  // this scenario, as the cases share one namespace) and, for the many-pods view, its neighbours.
  const extra = {};
  if (c.truth) {
    const mine = new Set(c.objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name));
    const svcs = JSON.parse(await ok(['-n', NS, 'get', 'services', '-o', 'json'])).items;
    extra.services = svcs.filter((s) => mine.has(s.metadata.name));
  }
  if (c.neighbours) {
    extra.neighbours = [];
    for (const n of c.neighbours) {
      const p = await podOf({}, n);
      extra.neighbours.push({ pod: p, events: await eventsOf(p) });
    }
  }
  const file = join(OUT, `${id}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { case: id, capturedAt: new Date().toISOString(), pod: got.pod, events: got.events, logs, ...extra },
      null,
      2,
    ) + '\n',
  );
  console.log(`captured ${id} -> ${file}`);
}

async function main() {
  if (!process.env.KUBECONFIG) console.error('note: $KUBECONFIG is not set; kubectl uses its default');
  let skipped = [];
  let wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(CASES);
  // The scheduler's message counts every node ("0/1 nodes are available"): fake nodes of other work
  // on the cluster (e.g. KWOK's for benchmarks) would end up in the unschedulable fixtures.
  const nodes = (await ok(['get', 'nodes', '-o', 'name'])).trim().split('\n').filter(Boolean);
  if (nodes.length !== 1 && !process.env.PODLENS_CAPTURE_ANY_NODES) {
    skipped = wanted.filter((id) => id.startsWith('unschedulable-'));
    if (skipped.length)
      console.error(
        `skipping ${skipped.join(', ')}: the cluster has ${nodes.length} nodes (${nodes.join(', ')}), the fixtures expect one; PODLENS_CAPTURE_ANY_NODES=1 captures them anyway`,
      );
    wanted = wanted.filter((id) => !skipped.includes(id));
  }
  mkdirSync(OUT, { recursive: true });
  await recreateNamespace(NS);
  const results = await Promise.allSettled(wanted.map(capture));
  let failed = 0;
  results.forEach((r, i) => {
    if (r.status === 'rejected') {
      failed++;
      console.error(`FAILED ${wanted[i]}: ${r.reason?.message ?? r.reason}`);
    }
  });
  for (const [id, c] of Object.entries(CASES))
    if (c.after && wanted.includes(id)) await c.after(c.objects[0].metadata.name).catch(() => {});
  await kubectl(['delete', 'namespace', NS, '--wait=false']);
  process.exitCode = failed || skipped.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
