// Issue 13, created for real: a web pod behind a Service whose named targetPort resolves and one
// whose does not, an undeclared numeric targetPort, a NetworkPolicy isolating its ingress and a
// PodDisruptionBudget allowing no disruption; a pod failing readiness behind a Service; a pod nothing
// selects; a pod being deleted that its Service lists as terminating. describe names the object and
// the consequence in one sentence, -o json holds the same fact, and describe of one pod makes the same
// fixed set of API calls whatever surrounds it (-v 6 logs each request on stderr, as kubectl's does).
import { apply, is, kubectl, kubectlOk, pod, podlens, useNamespace, waitFor, waitForPod } from './support.js';

const ns = useNamespace('nbr-traffic');

/* eslint-disable @typescript-eslint/no-explicit-any */
const sleeper = {
  name: 'app',
  image: 'busybox',
  command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'],
};
const svc = (name: string, app: string, targetPort: number | string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector: { app }, ports: [{ port: 80, targetPort }] },
});

beforeAll(async () => {
  await apply(
    [
      pod(
        'web',
        { containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }] },
        { labels: { app: 'web' } },
      ),
      svc('web', 'web', 'http'),
      svc('web-typo', 'web', 'htp'),
      svc('web-raw', 'web', 8080),
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny-in' },
        spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
      },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
      },
      pod(
        'unready',
        { containers: [{ ...sleeper, readinessProbe: { exec: { command: ['false'] }, periodSeconds: 1 } }] },
        { labels: { app: 'unready' } },
      ),
      svc('unready', 'unready', 80),
      pod('client', { containers: [sleeper] }),
      pod(
        'leaving',
        {
          terminationGracePeriodSeconds: 60,
          containers: [{ ...sleeper, command: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'] }],
        },
        { labels: { app: 'leaving' } },
      ),
      svc('leaving', 'leaving', 80),
    ],
    ns.name,
  );
  await Promise.all(['web', 'client', 'leaving'].map((p) => waitForPod(ns.name, p, is.condition('Ready'))));
  await waitForPod(ns.name, 'unready', is.running('app'));
  // the disruption controller counts web as healthy; the EndpointSlice controller lists the pods
  await waitFor('budget web observed', async () => {
    const b = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'pdb', 'web', '-o', 'json']));
    return b.status?.currentHealthy === 1 && b.status?.observedGeneration === b.metadata.generation ? true : undefined;
  });
  await waitFor('endpoints listed', async () => {
    const slices = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'endpointslices', '-o', 'json'])).items;
    const listed = (n: string) =>
      slices.some((s: any) => (s.endpoints ?? []).some((e: any) => e.targetRef?.name === n));
    return ['web', 'unready', 'leaving'].every(listed) ? true : undefined;
  });
}, 120_000);

async function describeBoth(name: string): Promise<{ text: string; json: any }> {
  const [t, j] = await Promise.all([
    podlens(['describe', name, '-n', ns.name], { env: { COLUMNS: '2000' } }),
    podlens(['describe', name, '-n', ns.name, '-o', 'json']),
  ]);
  expect([t.code, t.stderr, j.code, j.stderr]).toEqual([0, '', 0, '']);
  return { text: t.stdout.replace(/\n {4,}/g, ' '), json: JSON.parse(j.stdout) };
}

describe('the pod in its neighbourhood (live)', () => {
  test('a named targetPort no container declares is the error, named with its Service; the resolving one carries traffic', async () => {
    const { text, json } = await describeBoth('web');
    expect(text).toMatch(
      /Verdict: +ERROR TargetPortNotFound: Service "web-typo" sends its port 80 to the port named "htp", but no container of this pod declares a TCP port by that name/,
    );
    expect(text).toMatch(
      /Service "web" lists it as a ready endpoint \(EndpointSlice web-\w+\): it receives the Service's traffic\n/,
    );
    expect(text).toMatch(
      /Service "web-raw" lists it as a ready endpoint .*its port 80 sends to port 8080, which no container declares \(allowed/,
    );
    expect(json.verdict.code).toBe('TargetPortNotFound');
    const by = Object.fromEntries(json.traffic.services.map((s: any) => [s.service, s]));
    expect(by.web).toMatchObject({ endpoint: 'ready', ports: [{ targetPort: 'http', podPort: 80, problem: null }] });
    expect(by['web-typo'].ports[0]).toMatchObject({ targetPort: 'htp', podPort: null, problem: 'no-port-named' });
    expect(by['web-raw'].ports[0]).toMatchObject({ targetPort: '8080', problem: 'port-not-declared' });
    expect(json.findings.filter((f: any) => f.code === 'TargetPortNotFound')).toHaveLength(1); // the number is a hint
    const exit = await podlens(['describe', 'web', '-n', ns.name, '--exit-code']);
    expect(exit.code).toBe(3);
  });

  test("a NetworkPolicy isolating ingress is named, with the plugin caveat; this cluster's plugin does not enforce it", async () => {
    const { text, json } = await describeBoth('web');
    expect(text).toContain(
      'NetworkPolicy "deny-in" selects it: its ingress is isolated and it has no ingress rule: nothing reaches it; its egress is not isolated',
    );
    expect(text).toContain("NetworkPolicies take effect only where the cluster's network plugin enforces them");
    expect(json.networkPolicies).toMatchObject({
      ingressIsolated: true,
      egressIsolated: false,
      policies: [{ name: 'deny-in' }],
    });
    // the caveat is real here: the local cluster's bridge plugin lets the connection through
    const ip = json.pod.podIP as string;
    // (nc, not wget: the static busybox's wget crashes on this machine)
    const request = `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ${ip} 80`;
    const got = await kubectl(['-n', ns.name, 'exec', 'client', '--', 'sh', '-c', request]);
    expect([got.code, got.stdout.includes('nginx')]).toEqual([0, true]);
  });

  test('a budget allowing no disruption: describe says the eviction API would refuse (429), and it does', async () => {
    const { text, json } = await describeBoth('web');
    expect(text).toMatch(
      /PodDisruptionBudget "web" covers it; it allows no disruption now \(1 healthy, 1 needed\): the eviction API would refuse to evict it \(429/,
    );
    expect(json.disruption).toMatchObject({
      evictable: false,
      evictionStatus: 429,
      budgets: [{ name: 'web', disruptionsAllowed: 0 }],
    });
    const evict = (name: string) =>
      kubectl(['create', '--raw', `/api/v1/namespaces/${ns.name}/pods/${name}/eviction?dryRun=All`, '-f', '-'], {
        input: JSON.stringify({
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name, namespace: ns.name },
          deleteOptions: { dryRun: ['All'] },
        }),
      });
    const refused = await evict('web');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("Cannot evict pod as it would violate the pod's disruption budget");
    // and a pod no budget covers: describe says it would be evicted, and a dry-run eviction is accepted
    const client = await describeBoth('client');
    expect(client.json.disruption).toMatchObject({ budgets: [], evictable: true, evictionStatus: 201 });
    expect((await evict('client')).code).toBe(0);
  });

  test('a pod failing readiness is listed by its Service as not ready', async () => {
    const { text, json } = await describeBoth('unready');
    expect(text).toMatch(
      /Service "unready" lists it as not ready \(EndpointSlice unready-\w+\): it gets no traffic from the Service until it is ready/,
    );
    expect(json.traffic.services[0]).toMatchObject({ service: 'unready', endpoint: 'not-ready' });
  });

  test('what must not be said: a pod nothing selects has no endpoint, no isolation, no budget', async () => {
    const { text, json } = await describeBoth('client');
    const traffic = text.split('\nTraffic\n')[1].split('\n\n')[0];
    expect(traffic).toBe(
      `  No Service in ${ns.name} selects it (it has no labels): it receives no Service traffic, only connections made to its IP`,
    );
    expect(text).toContain(`No NetworkPolicy in ${ns.name} selects it: neither its ingress nor its egress is isolated`);
    expect(text).not.toMatch(/network plugin|EndpointSlice|TargetPortNotFound|EvictionBlocked/);
    expect(json.traffic.services).toEqual([]);
    expect(json.networkPolicies).toMatchObject({ ingressIsolated: false, egressIsolated: false, enforcement: null });
  });

  test('describe of one pod makes the same fixed set of API calls, one list per kind', async () => {
    // -v 6 logs `podlens: GET URL STATUS in N ms` per request; the path names the call (the query is
    // paging and selectors), with the namespace, the pod's and its node's names replaced.
    const calls = async (name: string) => {
      const r = await podlens(['-v', '6', 'describe', name, '-n', ns.name]);
      expect(r.code).toBe(0);
      return r.stderr
        .split('\n')
        .flatMap((l) => /^podlens: [A-Z]+ (https:\S+) \d+ in \d+ ms$/.exec(l)?.slice(1) ?? [])
        .map((url) =>
          new URL(url).pathname
            .replace(`/namespaces/${ns.name}/`, '/namespaces/NS/')
            .replace(new RegExp(`/pods/${name}$`), '/pods/NAME')
            .replace(/^\/api\/v1\/nodes\/[^/]+$/, '/api/v1/nodes/NODE'),
        )
        .sort();
    };
    const web = await calls('web');
    expect(web).toEqual(
      [
        '/api/v1/namespaces/NS/pods/NAME',
        '/api/v1/namespaces/NS/events',
        '/api/v1/namespaces/NS/services',
        '/apis/discovery.k8s.io/v1/namespaces/NS/endpointslices',
        '/apis/networking.k8s.io/v1/namespaces/NS/networkpolicies',
        '/apis/policy/v1/namespaces/NS/poddisruptionbudgets',
        // the pod's node, the pods on it (by spec.nodeName) and their metrics (src/describe/surroundings.ts)
        '/api/v1/nodes/NODE',
        '/api/v1/pods',
        '/apis/metrics.k8s.io/v1beta1/pods',
      ].sort(),
    );
    expect(await calls('client')).toEqual(web);
    expect(await calls('unready')).toEqual(web);
  });

  test('a pod being deleted is listed as terminating (still serving), never as a ready endpoint', async () => {
    await kubectlOk(['-n', ns.name, 'delete', 'pod', 'leaving', '--wait=false']);
    const json = await waitFor('leaving listed as terminating', async () => {
      const j = await podlens(['describe', 'leaving', '-n', ns.name, '-o', 'json']);
      const r = j.code === 0 ? JSON.parse(j.stdout) : undefined;
      return r?.traffic?.services[0]?.endpoint === 'serving-terminating' ? r : undefined;
    });
    expect(json.traffic.services[0].sentence).toMatch(/^Service "leaving" lists it as terminating but still serving/);
    const t = await podlens(['describe', 'leaving', '-n', ns.name], { env: { COLUMNS: '2000' } });
    expect(t.stdout).not.toMatch(/ready endpoint \(/);
    await kubectl(['-n', ns.name, 'delete', 'pod', 'leaving', '--grace-period=0', '--force', '--wait=false']);
  });
});
