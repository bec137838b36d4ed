// describe and watch as a user whose Role grants get/list/watch on pods and nothing else (no
// pods/log, no events, no namespaces, no nodes, no owners): a ServiceAccount and a kubeconfig made
// from `kubectl create token`. They work, as kubectl describe does, and say once what is missing.
import { apply, is, kubectlOk, podlens, podsOnlyUser, useNamespace, waitFor, waitForPod } from './support.js';
import { startWatch } from './watch-support.js';

const ns = useNamespace('rights');
let asUser = '';

beforeAll(async () => {
  await apply(
    [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'crasher' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'crasher' } },
          template: {
            metadata: { labels: { app: 'crasher' } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [
                {
                  name: 'app',
                  image: 'busybox',
                  imagePullPolicy: 'IfNotPresent',
                  command: ['sh', '-c', 'echo bye; exit 1'],
                },
              ],
            },
          },
        },
      },
    ],
    ns.name,
  );
  asUser = (await podsOnlyUser(ns.name)).kubeconfig;
}, 120_000);

async function crasherPod(): Promise<string> {
  const out = await waitFor('the crasher pod', async () => {
    const name = (
      await kubectlOk(['-n', ns.name, 'get', 'pods', '-l', 'app=crasher', '-o', 'jsonpath={.items[0].metadata.name}'])
    ).trim();
    return name || undefined;
  });
  await waitForPod(ns.name, out, is.lastTerminated('app'), 'crashed once');
  return out;
}

const EVENTS = `no right to list events in ${'NS'}: the events section is empty and verdicts are judged without events; \`get,list events\` adds it`;

// The node's health, the pods on it and their metrics are read cluster-wide (src/describe/surroundings.ts).
const NODE_NOTES = [
  "podlens: no right to get nodes: the node's health is not shown; `get nodes` adds it",
  "podlens: no right to list pods in all namespaces: how much of the node's allocatable its pods request is not shown; `list pods` adds it",
  "podlens: no right to list pods.metrics.k8s.io in all namespaces: the pod's usage and place in the eviction order are not shown; `list pods.metrics.k8s.io` adds it",
];

describe('pods-only rights (live)', () => {
  test('describe one pod: the report, and one note per missing view (events, logs, owner, Services, EndpointSlices, NetworkPolicies, PDBs, node)', async () => {
    const name = await crasherPod();
    const r = await podlens(['describe', name, '--kubeconfig', asUser]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Pod:        ${ns.name}/${name}`);
    const notes = r.stderr.trimEnd().split('\n');
    // in the report's order (src/describe/rights.ts NOTE_ORDER), whatever order the reads answered in
    expect(notes).toEqual([
      `podlens: no right to get replicasets.apps in ${ns.name}: the owner chain stops at the pod's own controller; \`get replicasets.apps\` adds it`,
      `podlens: no right to get pods/log in ${ns.name}: the logs of failed containers are not shown; \`get pods/log\` adds it`,
      ...NODE_NOTES,
      `podlens: no right to list services in ${ns.name}: which Services select the pod is not said; \`list services\` adds it`,
      `podlens: no right to list endpointslices.discovery.k8s.io in ${ns.name}: whether Services list the pod as an endpoint is not said; \`list endpointslices.discovery.k8s.io\` adds it`,
      `podlens: no right to list networkpolicies.networking.k8s.io in ${ns.name}: which NetworkPolicies select the pod is not said; \`list networkpolicies.networking.k8s.io\` adds it`,
      `podlens: no right to list poddisruptionbudgets.policy in ${ns.name}: which PodDisruptionBudgets cover the pod is not said; \`list poddisruptionbudgets.policy\` adds it`,
      EVENTS.replace('NS', ns.name).replace(/^/, 'podlens: '),
    ]);
    expect(r.stdout).toContain('Not shown');
    expect(r.stdout).not.toMatch(/^(Traffic|Network policies|Disruption budgets)$/m);
    expect(r.stdout).not.toMatch(/Forbidden|forbidden|403/);

    const j = await podlens(['describe', name, '--kubeconfig', asUser, '-o', 'json']);
    expect(j.code).toBe(0);
    const report = JSON.parse(j.stdout);
    expect(report.notes).toHaveLength(7 + NODE_NOTES.length);
    // the sections of kinds it may not read are null, never an empty claim
    expect([report.traffic, report.networkPolicies, report.disruption]).toEqual([null, null, null]);
    expect(report.notes.map((n: string) => `podlens: ${n}`)).toEqual(notes);
    expect(j.stderr.trimEnd().split('\n')).toEqual(notes); // said once on stderr too
  });

  test('describe of the namespace (no name) works, with the events note', async () => {
    const name = await crasherPod();
    const r = await podlens(['describe', '--kubeconfig', asUser]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(name);
    expect(r.stderr).toContain(`podlens: ${EVENTS.replace('NS', ns.name)}\n`);
  });

  test('watch works without events and EndpointSlices, and says so once for each', async () => {
    const name = await crasherPod();
    const w = startWatch([name, '--kubeconfig', asUser]);
    try {
      await waitFor(
        'the first line',
        async () => (w.stdout().includes(`${name}  now`) ? true : undefined),
        60_000,
        200,
      );
      await waitFor(
        'the note',
        async () => (w.stderr().includes('no right to list events') ? true : undefined),
        10_000,
        200,
      );
      w.kill('SIGINT');
      expect(await w.exit).toBe(0);
    } finally {
      w.kill('SIGKILL');
    }
    // one note per kind, in the order the two refusals came
    expect(w.stderr().split('\n').sort()).toEqual(
      [
        '',
        `podlens: no right to list endpointslices.discovery.k8s.io in ${ns.name}: endpoint lines (joined, left, terminating in the endpoints of a Service) are not shown; \`list,watch endpointslices.discovery.k8s.io\` adds it`,
        `podlens: no right to list events in ${ns.name}: event lines (pulls, probe failures, back-offs) are not shown; \`list,watch events\` adds it`,
      ].sort(),
    );
  });
});
