#!/usr/bin/env node
// Re-captures the watch fixtures that the watch unit tests read (test/fixtures/watch/*.json): in a
// scratch namespace it LISTs pods and events, opens the raw watch streams exactly as the API server
// sends them (kubectl get --raw, one JSON object per line, bookmarks on), creates each scenario's
// pod, waits for its end state, and saves the list, every watch line and the final list.
// Usage: KUBECONFIG=... node scripts/capture-watch-fixtures.mjs [scenario ...]
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { busy, kubectl, ok, pod, recreateNamespace, sleep } from './capture-support.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'watch');
const NS = 'podlens-watch-fixtures';

let seq = 0; // arrival order across the streams of a capture, so a test can interleave them as they came

/** A raw watch stream: every line the API server sends, parsed, in order, each with its arrival `seq`. */
function rawWatch(path) {
  const lines = [];
  const p = spawn('kubectl', ['get', '--raw', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  p.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trim();
      buf = buf.slice(i + 1);
      if (line) lines.push({ ...JSON.parse(line), seq: ++seq });
    }
  });
  return { lines, stop: () => p.kill('SIGTERM') };
}

const cond = (p, type) => (p?.status?.conditions ?? []).find((c) => c.type === type)?.status === 'True';

async function getPod(name) {
  const r = await kubectl(['-n', NS, 'get', 'pod', name, '-o', 'json']);
  return r.code === 0 ? JSON.parse(r.out) : undefined;
}
async function waitPod(name, check, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await getPod(name);
    if (check(p)) return p;
    if (Date.now() > deadline) throw new Error(`timed out waiting for pod ${name}`);
    await sleep(1000);
  }
}

const sliceOf = async (service) =>
  JSON.parse(await ok(['-n', NS, 'get', 'endpointslices', '-l', `kubernetes.io/service-name=${service}`, '-o', 'json']))
    .items;
/** Waits until the Service's slices list the pod with `check(conditions)` true (or, check null, not at all). */
async function waitEndpoint(service, name, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const eps = (await sliceOf(service)).flatMap((sl) => sl.endpoints ?? []);
    const e = eps.find((x) => x.targetRef?.name === name);
    if (check ? e && check(e.conditions ?? {}) : !e) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${name} in the endpoints of ${service}`);
    await sleep(500);
  }
}

// Each scenario: the pod, then the steps that drive it to the state worth keeping. `service`: a
// Service created first, whose EndpointSlices are captured too (list and watch).
const SCENARIOS = {
  // A pod behind a Service whose exec readiness probe is flipped (rm, then touch /tmp/ready), then
  // deleted while it still serves for a few seconds (it traps TERM): ready, not ready, ready again,
  // serving-terminating, gone, on the pod stream and the EndpointSlice stream.
  'endpoints-flip': {
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'flip' },
      spec: { selector: { app: 'flip' }, ports: [{ port: 80, targetPort: 8080 }] },
    },
    pod: pod(
      'flipper',
      {
        terminationGracePeriodSeconds: 8,
        containers: [
          busy('app', 'touch /tmp/ready; trap "sleep 4; exit 0" TERM; while true; do sleep 1; done', {
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
          }),
        ],
      },
      { labels: { app: 'flip' } },
    ),
    drive: async (name) => {
      await waitPod(name, (p) => cond(p, 'Ready'));
      await waitEndpoint('flip', name, (c) => c.ready === true);
      await ok(['-n', NS, 'exec', name, '--', 'rm', '/tmp/ready']);
      await waitEndpoint('flip', name, (c) => c.ready === false);
      await sleep(1500);
      await ok(['-n', NS, 'exec', name, '--', 'touch', '/tmp/ready']);
      await waitEndpoint('flip', name, (c) => c.ready === true);
      await sleep(1500);
      await ok(['-n', NS, 'delete', 'pod', name, '--wait=true', '--timeout=60s']);
      await waitEndpoint('flip', name, null);
    },
  },
  // Two init containers and a main container, from creation to Ready, then deletion.
  'init-to-ready-and-delete': {
    pod: pod('two-inits', {
      initContainers: [busy('fetch', 'sleep 2'), busy('migrate', 'sleep 2')],
      containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'IfNotPresent' }],
    }),
    drive: async (name) => {
      await waitPod(name, (p) => cond(p, 'Ready'));
      await sleep(1500);
      await ok(['-n', NS, 'delete', 'pod', name, '--wait=true', '--timeout=60s']);
    },
  },
  // A run-to-completion pod.
  completes: {
    pod: pod('one-shot', { restartPolicy: 'Never', containers: [busy('task', 'sleep 2; echo done')] }),
    drive: async (name) => {
      await waitPod(name, (p) => p?.status?.phase === 'Succeeded');
      await sleep(1500);
    },
  },
  // A crashing container: terminated, back-off, restarted.
  crashloop: {
    pod: pod('crasher', { containers: [busy('app', 'sleep 1; echo "fatal: no config" >&2; exit 3')] }),
    drive: async (name) => {
      await waitPod(name, (p) => (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2, 150_000);
      await sleep(1500);
      await ok(['-n', NS, 'delete', 'pod', name, '--wait=true', '--timeout=60s']);
    },
  },
};

async function capture(id) {
  const s = SCENARIOS[id];
  const name = s.pod.metadata.name;
  const podsList = JSON.parse(await ok(['get', '--raw', `/api/v1/namespaces/${NS}/pods`]));
  const eventsList = JSON.parse(
    await ok(['get', '--raw', `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.kind%3DPod`]),
  );
  const q = (rv) => `watch=1&allowWatchBookmarks=true&resourceVersion=${rv}&timeoutSeconds=600`;
  const pods = rawWatch(
    `/api/v1/namespaces/${NS}/pods?fieldSelector=metadata.name%3D${name}&${q(podsList.metadata.resourceVersion)}`,
  );
  const events = rawWatch(
    `/api/v1/namespaces/${NS}/events?fieldSelector=involvedObject.kind%3DPod,involvedObject.name%3D${name}&${q(eventsList.metadata.resourceVersion)}`,
  );
  let slicesList;
  let slices;
  if (s.service) {
    await ok(['-n', NS, 'create', '-f', '-'], JSON.stringify(s.service));
    const sel = `labelSelector=kubernetes.io%2Fservice-name%3D${s.service.metadata.name}`;
    slicesList = JSON.parse(
      await ok(['get', '--raw', `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?${sel}`]),
    );
    slices = rawWatch(
      `/apis/discovery.k8s.io/v1/namespaces/${NS}/endpointslices?${sel}&${q(slicesList.metadata.resourceVersion)}`,
    );
  }
  await sleep(500);
  await ok(['-n', NS, 'create', '-f', '-'], JSON.stringify(s.pod));
  await s.drive(name);
  await sleep(1000);
  pods.stop();
  events.stop();
  slices?.stop();
  const file = join(OUT, `${id}.json`);
  const data = {
    scenario: id,
    capturedAt: new Date().toISOString(),
    podsList,
    podWatch: pods.lines,
    eventsList,
    eventWatch: events.lines,
    ...(slices ? { slicesList, sliceWatch: slices.lines } : {}),
  };
  writeFileSync(file, JSON.stringify(data, null, 1) + '\n');
  console.log(
    `captured ${id}: ${pods.lines.length} pod watch lines, ${events.lines.length} event watch lines -> ${file}`,
  );
}

async function main() {
  const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SCENARIOS);
  mkdirSync(OUT, { recursive: true });
  await recreateNamespace(NS);
  const results = await Promise.allSettled(wanted.map(capture));
  await kubectl(['delete', 'namespace', NS, '--wait=false']);
  const failed = results.filter((r) => r.status === 'rejected');
  for (const f of failed) console.error(`FAILED: ${f.reason?.message ?? f.reason}`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e.message);
  process.exitCode = 1;
});
