#!/usr/bin/env node
// Captures the objects around pods (issue 13) from the live cluster ($KUBECONFIG) for the domain unit
// tests: in one scratch namespace, pods in each situation plus the Services, EndpointSlices,
// NetworkPolicies and PodDisruptionBudgets around them, saved exactly as the API returns them, one
// file per pod (the namespace's objects in each, as describe lists them). Deletes the namespace after.
// Usage: KUBECONFIG=... node scripts/capture-neighbour-fixtures.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { busy, ok, pod, recreateNamespace, sleep } from './capture-support.mjs';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'neighbourhood');
const NS = 'podlens-nbr-fixtures';

const labelled = (name, app, spec) => pod(name, spec, { labels: { app } });
const sleeper = (extra = {}) => busy('app', 'trap "exit 0" TERM; while true; do sleep 1; done', extra);
const svc = (name, app, targetPort) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app }, ports: [{ port: 80, targetPort }] },
});
const pdb = (name, app, spec) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name },
  spec: { selector: { matchLabels: { app } }, ...spec },
});

const OBJECTS = [
  labelled('web', 'web', {
    containers: [
      { name: 'web', image: 'nginx', imagePullPolicy: 'IfNotPresent', ports: [{ name: 'http', containerPort: 80 }] },
    ],
  }),
  svc('web', 'web', 'http'),
  svc('web-metrics', 'web', 'metrics'), // no port of the pod has that name
  svc('web-raw', 'web', 8080), // a number no container declares: allowed
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'web-isolate' },
    spec: {
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Ingress', 'Egress'],
      egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }],
    },
  },
  pdb('web', 'web', { minAvailable: 1 }),
  labelled('unready', 'unready', {
    containers: [sleeper({ readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 } })],
  }),
  svc('unready', 'unready', 80),
  pdb('unready', 'unready', { minAvailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow' }),
  labelled('twice', 'twice', { containers: [sleeper()] }),
  pdb('twice-a', 'twice', { maxUnavailable: 1 }),
  pdb('twice-b', 'twice', { maxUnavailable: 1 }),
  labelled('alone', 'alone', { containers: [sleeper()] }),
  labelled('leaving', 'leaving', {
    terminationGracePeriodSeconds: 60,
    containers: [busy('app', 'trap "" TERM; while true; do sleep 1; done')],
  }),
  svc('leaving', 'leaving', 80),
];

const get = async (kind) => JSON.parse(await ok(['-n', NS, 'get', kind, '-o', 'json'])).items;
const ready = (p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function waitFor(what, check) {
  for (let i = 0; i < 120; i++) {
    if (await check()) return;
    await sleep(1000);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function main() {
  await recreateNamespace(NS);
  try {
    await ok(['-n', NS, 'apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: OBJECTS }));
    await waitFor('pods running, web/twice/alone/leaving ready', async () => {
      const pods = await get('pods');
      return (
        pods.length === 5 &&
        ['web', 'twice', 'alone', 'leaving'].every((n) => pods.some((p) => p.metadata.name === n && ready(p)))
      );
    });
    // the disruption controller's status and the EndpointSlice controller catch up
    await waitFor('budgets observed', async () => {
      const budgets = await get('pdb');
      const observed = budgets.every((b) => b.status?.observedGeneration === b.metadata.generation);
      return observed && budgets.find((b) => b.metadata.name === 'web')?.status?.currentHealthy === 1;
    });
    await ok(['-n', NS, 'delete', 'pod', 'leaving', '--wait=false']);
    await waitFor('leaving listed as terminating', async () =>
      (await get('endpointslices')).some((s) =>
        (s.endpoints ?? []).some((e) => e.targetRef?.name === 'leaving' && e.conditions?.terminating),
      ),
    );
    const [pods, services, endpointSlices, networkPolicies, disruptionBudgets] = await Promise.all(
      ['pods', 'services', 'endpointslices', 'networkpolicies', 'poddisruptionbudgets'].map(get),
    );
    const capturedAt = new Date().toISOString();
    mkdirSync(OUT, { recursive: true });
    for (const p of pods) {
      const file = join(OUT, `${p.metadata.name}.json`);
      const fx = {
        case: p.metadata.name,
        capturedAt,
        pod: p,
        events: [],
        logs: [],
        services,
        endpointSlices,
        networkPolicies,
        disruptionBudgets,
      };
      writeFileSync(file, JSON.stringify(fx, null, 2) + '\n');
      console.log(`wrote ${file}`);
    }
  } finally {
    await ok(['delete', 'namespace', NS, '--wait=false', '--ignore-not-found']);
  }
}

await main();
