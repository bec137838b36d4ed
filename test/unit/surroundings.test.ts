// The node, storage and probe parts of the report, on pods captured with their node, claims and
// classes (scripts/capture-surroundings-fixtures.mjs), and what must NOT be said.
import { renderReport } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';
import { parseQuantity } from '../../src/domain/quantity.js';
import { tolerates } from '../../src/domain/node-health.js';
import { load, reportOf } from './fixtures.js';

const text = (name: string) => renderReport(reportOf(name), { paint: painter(false), width: 120 });
const codes = (name: string) => reportOf(name).findings.map((f) => f.code);

describe('node health', () => {
  test('a node that is not Ready is the verdict, with the taint that evicts the pod and when', () => {
    const r = reportOf('node-not-ready');
    expect(r.verdict.code).toBe('NodeNotReady');
    expect(r.verdict.summary).toMatch(
      /^node podlens-fixture-down is not Ready \(Ready=False since \d+s ago: container runtime network not ready\): its kubelet says it cannot run pods as it should; it tolerates the taint node\.kubernetes\.io\/not-ready:NoExecute for 300s, so the taint manager evicts it at \S+ \(in 4m\d+s\)$/,
    );
    expect(r.node).toMatchObject({
      name: 'podlens-fixture-down',
      ready: 'False',
      readyReason: 'KubeletNotReady',
      healthy: false,
    });
    expect(r.phase.state).toBe('NodeNotReady');
    expect(text('node-not-ready')).toMatch(/\nNode\n {2}podlens-fixture-down\n {2}Ready: {6}False since/);
  });

  test('memory pressure, cordon, an untolerated taint and nearly full requests, each with its code', () => {
    const r = reportOf('node-pressure');
    expect(r.verdict.code).toBe('NodePressure');
    expect(r.verdict.summary).toContain('node podlens-fixture-kwok reports MemoryPressure');
    expect(codes('node-pressure')).toEqual(
      expect.arrayContaining(['NodePressure', 'NodeCordoned', 'NodeTaint', 'NodeNearlyFull']),
    );
    expect(r.node!.requests).toEqual([
      { resource: 'cpu', pod: '400m', requested: '1.9', allocatable: '2', percent: 95 },
      { resource: 'memory', pod: '128Mi', requested: '1.13Gi', allocatable: '2Gi', percent: 56 },
      { resource: 'pods', pod: '1', requested: '3', allocatable: '10', percent: 30 },
    ]);
    const taint = r.findings.find((f) => f.code === 'NodeTaint')!;
    expect(taint.message).toContain('podlens.dev/maintenance=soon:NoSchedule, which this pod does not tolerate');
    expect(taint.category).toBe('advice');
    // True of a pod placed there whether it runs or not: the sentence says why it is there, not that it runs.
    expect(taint.message).toContain('a NoSchedule taint moves no pod already placed');
    expect(taint.message).not.toMatch(/\bruns?\b|running/);
    // Taints the controllers add for a condition already said are not findings of their own.
    expect(r.findings.filter((f) => f.code === 'NodeTaint')).toHaveLength(1);
  });

  test('without metrics.k8s.io: the eviction order by QoS class, and no usage claim', () => {
    const burstable = reportOf('node-pressure').node!.eviction;
    expect(burstable).toMatchObject({ qosClass: 'Burstable', metrics: 'unavailable', memoryUsage: null, rank: null });
    expect(burstable.words).toContain('metrics.k8s.io is not available on this cluster, so its usage is not known');
    const be = reportOf('node-pressure-best-effort').node!.eviction;
    expect(be).toMatchObject({ qosClass: 'BestEffort', exceedsRequests: true, memoryUsage: null });
    expect(be.words).toMatch(/^QoS class BestEffort: it requests no memory, so any use exceeds its requests/);
    for (const n of ['node-pressure', 'node-pressure-best-effort'])
      expect(text(n)).not.toMatch(/\buses \d|of memory against requests|in the order the kubelet evicts/);
  });

  test('with metrics.k8s.io: usage over or within requests, and the place among the node pods it ranks', () => {
    const over = reportOf('node-usage-over').node!.eviction;
    const within = reportOf('node-usage-within').node!.eviction;
    expect(over).toMatchObject({ metrics: 'available', memoryRequests: '8Mi', exceedsRequests: true, rank: 2 });
    expect(within).toMatchObject({ metrics: 'available', memoryRequests: '256Mi', exceedsRequests: false });
    // 32 MiB in /dev/shm against 8Mi; the other pod uses little of 256Mi; both ranked among the same pods
    expect(parseQuantity(over.memoryUsage!)).toBeGreaterThanOrEqual(32 * 2 ** 20);
    expect(within.rank).toBeGreaterThan(over.rank!);
    expect(within.rankOf).toBe(over.rankOf);
    expect(over.words).toContain(`it uses ${over.memoryUsage} of memory against requests of 8Mi (over its requests)`);
    expect(within.words).toContain('against requests of 256Mi (within its requests)');
    // the node is healthy: the text has a node section only for the pod over its requests
    expect(text('node-usage-over')).toMatch(/\nNode\n {2}vm\n {2}Eviction: {3}QoS class Burstable: /);
    // the BestEffort pod (32 MiB over its zero requests) comes first: more over its requests
    expect(reportOf('node-usage-best-effort').eviction!.rank).toBe(1);
    expect(text('node-usage-over')).toContain(`which puts it 2 of ${over.rankOf} in the order the kubelet evicts`);
    expect(text('node-usage-within')).not.toMatch(/\nNode\n|Eviction:/);
    for (const n of ['node-usage-over', 'node-usage-within'])
      expect(JSON.stringify(reportOf(n))).not.toMatch(/metrics\.k8s\.io is not available|no usage for|critical pod/);
  });

  test('a BestEffort pod with usage on a healthy node: the standing in JSON, no node section in the text', () => {
    const e = reportOf('node-usage-best-effort').eviction!;
    expect(e).toMatchObject({ qosClass: 'BestEffort', metrics: 'available', exceedsRequests: true });
    expect(parseQuantity(e.memoryUsage!)).toBeGreaterThanOrEqual(32 * 2 ** 20);
    // its QoS class line already says it; usage adds no section for it (Burstable over requests does)
    expect(text('node-usage-best-effort')).not.toMatch(/\nNode\n|Eviction:/);
    expect(text('node-usage-best-effort')).toMatch(/QoS class: +BestEffort/);
  });

  test('critical pods are out of the order: the kubelet does not evict them, and they rank no one else', () => {
    const r = reportOf('node-usage-critical');
    expect(r.node!.eviction).toMatchObject({ priority: 2000000000, exceedsRequests: true, rank: null, rankOf: null });
    expect(r.node!.eviction.words).toMatch(
      /^QoS class Burstable, but it is a critical pod \(priority 2000000000, at or above the system-critical 2000000000\), which the kubelet does not evict under node pressure; it uses \S+ of memory against requests of 8Mi \(over its requests\)$/,
    );
    expect(text('node-usage-critical')).not.toMatch(/in the order the kubelet evicts|evicts it before pods/);
    // the critical pod, CoreDNS and metrics-server (system-cluster-critical) were on the node, with usage:
    // the order counts only the three others
    const fx = load('node-usage-over');
    const criticalOnNode = (fx.nodePods ?? []).filter(
      (p: { spec: { priority?: number } }) => (p.spec.priority ?? 0) >= 2e9,
    );
    expect(criticalOnNode.length).toBeGreaterThanOrEqual(3);
    expect(reportOf('node-usage-over').node!.eviction.rankOf).toBe(3);
  });

  test("a developer's rights: the pod's own usage from its namespace's metrics, no place in the order", () => {
    // vary: what a user bound to the view role in the namespace reads: the namespace's PodMetrics,
    // and not the pods on the node (listing pods of all namespaces is forbidden)
    const r = reportOf('node-usage-over', (fx) => ({
      ...fx,
      nodePods: undefined,
      metrics: (fx.metrics as { metadata: { namespace: string } }[]).filter(
        (m) => m.metadata.namespace === fx.pod.metadata.namespace,
      ),
      metricsScope: 'namespace',
    }));
    const e = r.node!.eviction;
    expect(e).toMatchObject({ metrics: 'available', exceedsRequests: true, rank: null, rankOf: null });
    expect(e.words).toContain(`it uses ${e.memoryUsage} of memory against requests of 8Mi (over its requests)`);
    expect(e.words).toContain("its place among the node's other pods is not known (their usage could not be read)");
    expect(e.words).not.toMatch(/\d+ of \d+ in the order|no usage/);
    // the same with every pod of the node listed, but metrics of the namespace only: still no place
    const scoped = reportOf('node-usage-over', (fx) => ({ ...fx, metricsScope: 'namespace' })).node!.eviction;
    expect(scoped.rank).toBeNull();
    const within = reportOf('node-usage-within', (fx) => ({ ...fx, nodePods: undefined }));
    expect(within.node!.eviction.words).not.toMatch(/\d+ of \d+ in the order/);
  });

  test('metrics served, but none for any pod on the node (a node metrics-server does not scrape): no "yet"', () => {
    const e = reportOf('node-usage-unscraped').node!.eviction;
    expect(e).toMatchObject({ metrics: 'available', memoryUsage: null, rank: null });
    expect(e.words).toContain(
      'metrics.k8s.io has no usage for any pod on node podlens-fixture-unscraped, so its usage is not known',
    );
    expect(e.words).not.toMatch(/yet|not available on this cluster/);
  });

  test('a NoExecute taint the pod tolerates for a while: when the taint manager evicts it; tolerated for ever: nothing', () => {
    const r = reportOf('node-taint-tolerated-for-a-while');
    const row = r.node!.taints.find((t) => t.key === 'podlens.dev/drain')!;
    // kubectl taint sets no timeAdded: when the taint manager's timer started is not on the node
    expect(row).toMatchObject({ effect: 'NoExecute', tolerated: true, tolerationSeconds: 3600, since: null });
    expect(row.evictAt).toBeNull();
    const f = r.findings.filter((x) => x.code === 'NodeTaint');
    expect(f).toHaveLength(1);
    expect(f[0].message).toBe(
      'node podlens-fixture-draining has the taint podlens.dev/drain=now:NoExecute, which this pod tolerates for 3600s: the taint manager evicts it 3600s after it noticed the taint (the taint has no timeAdded, so when is not known)',
    );
    // vary: the same taint with a timeAdded, as the node controllers set it (kubectl taint sets none),
    // a minute before the pod: the timer starts at the pod
    const fx = load('node-taint-tolerated-for-a-while');
    const since = new Date(new Date(fx.pod.metadata.creationTimestamp).getTime() - 60_000).toISOString();
    const withTime = reportOf('node-taint-tolerated-for-a-while', (x) => ({
      ...x,
      node: {
        ...x.node,
        spec: {
          ...x.node.spec,
          taints: x.node.spec.taints.map((t: { key: string }) =>
            t.key === 'podlens.dev/drain' ? { ...t, timeAdded: since } : t,
          ),
        },
      },
    }));
    const at = new Date(new Date(fx.pod.metadata.creationTimestamp).getTime() + 3600_000).toISOString();
    expect(withTime.node!.taints.find((t) => t.key === 'podlens.dev/drain')!.evictAt).toBe(at);
    expect(withTime.findings.find((x) => x.code === 'NodeTaint')!.message).toMatch(
      new RegExp(
        `which this pod tolerates for 3600s: the taint manager evicts it at ${at.replace(/\./g, '\\.')} \\(in \\d+m\\d*s?\\)$`,
      ),
    );
    expect(r.node!.healthy).toBe(false);
    expect(text('node-taint-tolerated-for-a-while')).toContain('the taint manager evicts it 3600s after it noticed');
    const forEver = reportOf('node-taint-tolerated-for-ever');
    expect(forEver.node!.taints.find((t) => t.key === 'podlens.dev/drain')).toMatchObject({
      tolerated: true,
      tolerationSeconds: null,
      evictAt: null,
    });
    expect(forEver.findings.filter((x) => x.code.startsWith('Node'))).toEqual([]);
    expect(text('node-taint-tolerated-for-ever')).not.toMatch(/evicts it|^Node$/m);
  });

  test('a healthy node: no Node section and no node finding, the facts in JSON only', () => {
    const r = reportOf('node-healthy');
    expect(r.node).toMatchObject({ name: 'vm', ready: 'True', pressure: [], cordoned: false, healthy: true });
    expect(r.findings.filter((f) => f.code.startsWith('Node'))).toEqual([]);
    expect(text('node-healthy')).not.toMatch(/^Node$/m);
  });

  test('an unscheduled pod has no node', () => {
    expect(reportOf('storage-claim-missing').node).toBeNull();
  });

  test('toleration matching follows the API: empty key with Exists matches all, effect must match when given', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    expect(tolerates({ operator: 'Exists' }, taint)).toBe(true);
    expect(tolerates({ key: 'k', operator: 'Equal', value: 'v' }, taint)).toBe(true);
    expect(tolerates({ key: 'k', operator: 'Equal', value: 'w' }, taint)).toBe(false);
    expect(tolerates({ key: 'k', operator: 'Exists', effect: 'NoExecute' }, taint)).toBe(false);
    expect(tolerates({ operator: 'Equal' }, taint)).toBe(false);
  });

  test('quantities', () => {
    expect([parseQuantity('500m'), parseQuantity('1.5'), parseQuantity('128Mi'), parseQuantity('1e3')]).toEqual([
      0.5, 1.5, 134217728, 1000,
    ]);
    expect(parseQuantity('2G')).toBe(2e9);
    expect(parseQuantity('lots')).toBeUndefined();
  });
});

describe('storage', () => {
  test('a claim naming a StorageClass that does not exist: the class is named as the missing object', () => {
    const r = reportOf('storage-claim-class-missing');
    expect(r.storage).toEqual([
      expect.objectContaining({
        claim: 'data-fast',
        state: 'ClassMissing',
        storageClass: 'fast-ssd-that-does-not-exist',
        classExists: false,
        missing: 'StorageClass fast-ssd-that-does-not-exist',
      }),
    ]);
    expect(r.verdict.code).toBe('Unschedulable');
    expect(r.verdict.summary).toMatch(
      /^PersistentVolumeClaim "data-fast" names StorageClass "fast-ssd-that-does-not-exist", which does not exist, so nothing provisions a volume for it and it stays Pending, so the scheduler cannot place the pod/,
    );
    expect(r.verdict.cause).toBe('claim data-fast: StorageClass fast-ssd-that-does-not-exist does not exist');
  });

  test('a claim that does not exist is named', () => {
    const r = reportOf('storage-claim-missing');
    expect(r.storage).toEqual([
      expect.objectContaining({
        claim: 'data-nowhere',
        state: 'Missing',
        missing: 'PersistentVolumeClaim data-nowhere',
      }),
    ]);
    expect(r.verdict.cause).toBe('PersistentVolumeClaim data-nowhere does not exist');
  });

  test('a claim that waits for its first consumer names its class and binding mode, and nothing is missing', () => {
    const r = reportOf('storage-claim-waits');
    expect(r.storage![0]).toMatchObject({
      state: 'WaitForFirstConsumer',
      storageClass: 'podlens-fixture-wait',
      classExists: true,
      volumeBindingMode: 'WaitForFirstConsumer',
      provisioner: 'kubernetes.io/no-provisioner',
      missing: null,
    });
    expect(r.verdict.summary).toContain('PersistentVolumeClaim "data-wait" waits for its first consumer');
    expect(text('storage-claim-waits')).not.toMatch(/does not exist/);
  });

  test('a pod without claims has no storage section', () => {
    expect(reportOf('node-healthy').storage).toEqual([]);
    expect(text('node-healthy')).not.toContain('Storage (PersistentVolumeClaims)');
  });
});

describe('probes', () => {
  test('a liveness probe kill is told apart from OOMKilled and from a signal', () => {
    expect(reportOf('liveness-kill-loop').terminations).toEqual([
      expect.objectContaining({ container: 'app', previous: true, cause: 'LivenessProbe', exitCode: 137 }),
    ]);
    expect(reportOf('oomkilled').terminations).toEqual([
      expect.objectContaining({ container: 'hog', cause: 'OOMKilled' }),
    ]);
    const sig = reportOf('signal-killed').terminations![0];
    expect(sig).toMatchObject({ cause: 'Signal', signal: 'SIGKILL', exitCode: 137 });
    expect(sig.message).toBe(
      'killed by SIGKILL (exit code 137) when the kubelet stopped it ("Stopping container app": SIGTERM, then SIGKILL after the grace period), not by its probes and not for memory',
    );
  });

  test('each probe: what it checks, its budget, its latest failures', () => {
    const [p] = reportOf('liveness-kill-loop').probes!;
    expect(p).toMatchObject({
      container: 'app',
      kind: 'liveness',
      handler: 'exec false',
      periodSeconds: 1,
      failureThreshold: 2,
      budgetSeconds: 2,
    });
    expect(p.failures).toEqual([expect.objectContaining({ count: 6, message: '(the probe gave no output)' })]);
    const [r] = reportOf('readiness-failing').probes!;
    expect(r.kind).toBe('readiness');
    expect(r.failures.at(-1)!.message).toMatch(/HTTP probe failed with statuscode: 404/);
  });

  test('no probes: no probe section and no budget', () => {
    expect(reportOf('oomkilled').probes).toEqual([]);
    expect(text('oomkilled')).not.toMatch(/^Probes$/m);
    expect(text('oomkilled')).not.toContain('at the earliest');
  });
});
