// Issue 13, created for real: a pod's memory use against its requests, from metrics.k8s.io, which
// the local cluster serves (metrics-server behind the aggregation layer, cluster/addons). Three pods
// on the real node: one holding 32 MiB in /dev/shm against requests of 8Mi (over them), one using
// little of 256Mi (within them), and one of system-critical priority, which the kubelet does not
// evict under node pressure. describe says each in one sentence, -o json holds the same facts, and
// the number is the one `kubectl top` shows. A developer bound to the view role in the namespace
// (which includes metrics.k8s.io) gets the pod's own usage, without a place in the order.
import {
  apply,
  describeBoth,
  kubectl,
  kubectlOk,
  pod,
  podlens,
  podsOnlyUser,
  useNamespace,
  waitFor,
} from './support.js';
import { parseQuantity } from '../../src/domain/quantity.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ns = useNamespace('usage');
const SHM = 'head -c 33554432 /dev/zero > /dev/shm/fill && sleep 3600';
const MiB = 2 ** 20;
const app = (command: string, memory: string) => ({
  name: 'app',
  image: 'busybox',
  command: ['sh', '-c', command],
  resources: { requests: { cpu: '10m', memory } },
});

/** The pod's memory in bytes as metrics.k8s.io reports it now (undefined until its first scrape). */
async function reported(name: string): Promise<number | undefined> {
  const r = await kubectl(['get', '--raw', `/apis/metrics.k8s.io/v1beta1/namespaces/${ns.name}/pods/${name}`]);
  if (r.code !== 0) return undefined;
  const m = JSON.parse(r.stdout);
  return m.containers.reduce((n: number, c: any) => n + parseQuantity(c.usage.memory)!, 0);
}

beforeAll(async () => {
  await apply(
    [
      pod('uses-more', { containers: [app(SHM, '8Mi')] }),
      pod('uses-less', { containers: [app('sleep 3600', '256Mi')] }),
      pod('critical', { priorityClassName: 'system-cluster-critical', containers: [app(SHM, '8Mi')] }),
    ],
    ns.name,
  );
  // metrics-server scrapes every 15 s: a pod appears after its first scrape once it runs
  for (const [name, atLeast] of [
    ['uses-more', 32 * MiB],
    ['uses-less', 1],
    ['critical', 32 * MiB],
  ] as const)
    await waitFor(
      `metrics.k8s.io reports ${name}`,
      async () => (((await reported(name)) ?? 0) >= atLeast ? true : undefined),
      120_000,
    );
}, 200_000);

test('over its requests: the usage, the requests and its place in the order the kubelet evicts', async () => {
  const { text, json } = await describeBoth(ns.name, 'uses-more');
  const e = json.node.eviction;
  expect(json.eviction).toEqual(e);
  expect(e).toMatchObject({
    metrics: 'available',
    memoryRequests: '8Mi',
    exceedsRequests: true,
    qosClass: 'Burstable',
  });
  expect(parseQuantity(e.memoryUsage)).toBeGreaterThanOrEqual(32 * MiB);
  expect(e.rank).toBeGreaterThanOrEqual(1);
  expect(e.rank).toBeLessThanOrEqual(e.rankOf);
  // one sentence, in the node section of a healthy node, only because it exceeds its requests
  expect(text).toContain(
    `Eviction:   QoS class Burstable: under memory pressure the kubelet evicts it before pods within their requests once its use exceeds its requests; it uses ${e.memoryUsage} of memory against requests of 8Mi (over its requests), which puts it ${e.rank} of ${e.rankOf} in the order the kubelet evicts the node's pods under memory pressure`,
  );
  expect(text).not.toMatch(/metrics\.k8s\.io is not available|no usage for|critical pod/);
  // the same figure kubectl top shows (both read PodMetrics; the 32 MiB in /dev/shm do not move)
  const top = (await kubectlOk(['top', 'pod', 'uses-more', '-n', ns.name, '--no-headers'])).trim().split(/\s+/);
  expect(Math.abs(parseQuantity(top[2])! - parseQuantity(e.memoryUsage)!)).toBeLessThan(2 * MiB);
});

test('within its requests: ranked after the pod over them, and no node section in the text', async () => {
  const [over, within] = await Promise.all([describeBoth(ns.name, 'uses-more'), describeBoth(ns.name, 'uses-less')]);
  const e = within.json.node.eviction;
  expect(e).toMatchObject({ metrics: 'available', memoryRequests: '256Mi', exceedsRequests: false });
  expect(e.words).toContain(`it uses ${e.memoryUsage} of memory against requests of 256Mi (within its requests)`);
  expect(e.rankOf).toBe(over.json.node.eviction.rankOf);
  expect(e.rank).toBeGreaterThan(over.json.node.eviction.rank);
  expect(within.text).not.toMatch(/\nNode\n|Eviction:/);
});

test('a critical pod: out of the order, whatever its use', async () => {
  const [crit, over] = await Promise.all([describeBoth(ns.name, 'critical'), describeBoth(ns.name, 'uses-more')]);
  const e = crit.json.node.eviction;
  expect(e).toMatchObject({ priority: 2000000000, exceedsRequests: true, rank: null, rankOf: null });
  expect(crit.text).toContain(
    `Eviction:   QoS class Burstable, but it is a critical pod (priority 2000000000, at or above the system-critical 2000000000), which the kubelet does not evict under node pressure; it uses ${e.memoryUsage} of memory against requests of 8Mi (over its requests)`,
  );
  expect(crit.text).not.toMatch(/in the order the kubelet evicts|evicts it before pods/);
  // and it takes no place in the others' order: CoreDNS and metrics-server are critical too
  const nodePods = JSON.parse(
    await kubectlOk(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${over.json.node.name}`, '-o', 'json']),
  ).items;
  const ordinary = nodePods.filter(
    (p: any) => (p.spec.priority ?? 0) < 2e9 && !['Succeeded', 'Failed'].includes(p.status.phase),
  );
  expect(over.json.node.eviction.rankOf).toBeLessThanOrEqual(ordinary.length);
});

test("a developer bound to the view role: the pod's own usage, no place in the order, one note", async () => {
  const dev = await podsOnlyUser(ns.name, { name: 'developer', clusterRole: 'view' });
  const env = { KUBECONFIG: dev.kubeconfig };
  const [t, j] = await Promise.all([
    podlens(['describe', 'uses-more'], { env }),
    podlens(['describe', 'uses-more', '-o', 'json'], { env }),
  ]);
  expect([t.code, j.code]).toEqual([0, 0]);
  const report = JSON.parse(j.stdout);
  // the node itself is not readable with these rights (its own note); the standing is, from the pod
  expect(report.node).toBeNull();
  const e = report.eviction;
  expect(e).toMatchObject({ metrics: 'available', exceedsRequests: true, rank: null });
  expect(parseQuantity(e.memoryUsage)).toBeGreaterThanOrEqual(32 * MiB);
  expect(e.words).toContain("its place among the node's other pods is not known (their usage could not be read)");
  expect(report.notes).toContain(
    "no right to list pods.metrics.k8s.io in all namespaces: the pod's place in the eviction order is not shown; `list pods.metrics.k8s.io` adds it",
  );
  expect(report.notes.join('\n')).not.toMatch(/usage and place/);
  const text = t.stdout.replace(/\n {4,}/g, ' ');
  expect(text).toContain(
    `Eviction:   QoS class Burstable: under memory pressure the kubelet evicts it before pods within their requests once its use exceeds its requests; it uses ${e.memoryUsage} of memory against requests of 8Mi (over its requests); its place among the node's other pods is not known (their usage could not be read)`,
  );
  expect(text).not.toMatch(/\d+ of \d+ in the order/);
});
