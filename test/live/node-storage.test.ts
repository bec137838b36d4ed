// Issue 13, created for real: a pod's node and its storage. Node situations only on fake nodes this
// file creates under its own names and deletes: a KWOK fake node (label type=kwok, so the running kwok
// keeps it Ready and runs its pods) under memory, disk and PID pressure, cordoned, with a NoSchedule
// and a NoExecute taint, and a pod requesting 90% of its cpu; and a Node object no kubelet or kwok
// serves, created not Ready (kwok would make a type=kwok node Ready again). The real node is never
// touched. Storage: a claim that does not exist, one naming a StorageClass that does not exist, one
// waiting for its first consumer (a WaitForFirstConsumer class whose provisioner provisions nothing).
// describe names the object and the consequence in one sentence, and -o json holds the same fact.
import { join } from 'node:path';
import { nodeCondition, nodeConditionsPatch, pressureCondition } from '../../scripts/node-status.mjs';
import {
  apply,
  describeBoth as describeLive,
  is,
  kubectl,
  kubectlOk,
  pod,
  ROOT,
  run,
  uniqueName,
  useNamespace,
  waitFor,
  waitForPod,
} from './support.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ns = useNamespace('nbrlive-node');
const FAKE = uniqueName('nbrlive-kwok');
const DOWN = uniqueName('nbrlive-down');
const WAIT_CLASS = uniqueName('nbrlive-wait');
const MISSING_CLASS = uniqueName('nbrlive-no-such-class');
const FAKE_TOLERATION = { key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' };
const DRAIN = { key: 'podlens.dev/nbrlive-drain', value: 'now', effect: 'NoExecute' };
const HOLD = 'podlens.dev/nbrlive-hold';

const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
const nodeJson = async (name: string) => JSON.parse(await kubectlOk(['get', 'node', name, '-o', 'json']));
const capacity = { cpu: '2', memory: '2Gi', pods: '10' };
const sleeper = (extra: Record<string, unknown> = {}) => ({
  name: 'app',
  image: 'busybox',
  command: ['sleep', '3600'],
  ...extra,
});
const onFake = (name: string, extra: Record<string, any> = {}, metadata: Record<string, any> = {}) =>
  pod(
    name,
    {
      nodeName: FAKE,
      tolerations: [FAKE_TOLERATION, ...(extra.tolerations ?? [])],
      containers: [sleeper(extra.container)],
    },
    metadata,
  );

async function markRunning(name: string, i: number): Promise<void> {
  const t = stamp();
  const cond = (type: string) => ({ type, status: 'True', lastTransitionTime: t });
  await kubectlOk([
    '-n',
    ns.name,
    'patch',
    'pod',
    name,
    '--subresource=status',
    '--type=merge',
    '-p',
    JSON.stringify({
      status: {
        phase: 'Running',
        hostIP: '10.251.0.1',
        podIP: `10.250.99.${i + 1}`,
        startTime: t,
        conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map(cond),
        containerStatuses: [
          {
            name: 'app',
            image: 'busybox',
            imageID: '',
            containerID: `kwok://${name}`,
            ready: true,
            started: true,
            restartCount: 0,
            state: { running: { startedAt: t } },
          },
        ],
      },
    }),
  ]);
  await waitForPod(ns.name, name, is.condition('Ready'));
}

const describeBoth = (name: string) => describeLive(ns.name, name);
const finding = (json: any, code: string) => json.findings.filter((f: any) => f.code === code);

beforeAll(async () => {
  // kwok must run for the fake node to stay Ready; `up N` with N = the fake nodes there now removes none.
  const existing = (await kubectlOk(['get', 'nodes', '-l', 'type=kwok', '-o', 'name']))
    .split('\n')
    .filter((l) => /^node\/kwok-node-\d+$/.test(l));
  const up = await run('bash', [join(ROOT, 'cluster', 'kwok.sh'), 'up', String(Math.max(1, existing.length))], {
    timeoutMs: 150_000,
  });
  if (up.code !== 0) throw new Error(`cluster/kwok.sh up failed: ${up.stderr}`);
  await kubectlOk(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: {
            name: FAKE,
            labels: { type: 'kwok', 'kubernetes.io/hostname': FAKE },
            annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
          },
          spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] },
          status: { allocatable: capacity, capacity },
        },
        {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: DOWN, labels: { 'kubernetes.io/hostname': DOWN } },
          status: {
            allocatable: capacity,
            capacity,
            conditions: [nodeCondition('Ready', 'False', 'KubeletNotReady', 'container runtime network not ready')],
          },
        },
        {
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: { name: WAIT_CLASS },
          provisioner: 'kubernetes.io/no-provisioner',
          volumeBindingMode: 'WaitForFirstConsumer',
        },
      ],
    }),
  });
  await waitFor('fake node Ready', async () => {
    const n = await nodeJson(FAKE);
    return (n.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') ? true : undefined;
  });
  const claim = (name: string, storageClassName: string) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName },
  });
  const user = (name: string, claimName: string) =>
    pod(name, {
      containers: [sleeper({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    });
  const forever = { key: DRAIN.key, operator: 'Exists', effect: 'NoExecute' };
  await apply(
    [
      onFake('pressed', {
        tolerations: [forever],
        container: { resources: { requests: { cpu: '1800m', memory: '128Mi' } } },
      }),
      onFake('best-effort', { tolerations: [forever] }),
      onFake('for-a-while', { tolerations: [{ ...forever, tolerationSeconds: 3600 }] }),
      // does not tolerate the NoExecute taint: the taint manager deletes it; the finalizer keeps it to describe
      onFake('untolerant', {}, { finalizers: [HOLD] }),
      pod('stranded', { nodeName: DOWN, containers: [sleeper()] }),
      claim('data-fast', MISSING_CLASS),
      claim('data-wait', WAIT_CLASS),
      user('claim-class-missing', 'data-fast'),
      user('claim-waits', 'data-wait'),
      user('claim-missing', 'data-nowhere'),
    ],
    ns.name,
  );
  // The fake node's pods run: reported as its kubelet would (kwok does the same, but behind a
  // benchmark's thousands of fake pods it may take minutes; with a podIP set, its stages leave them).
  await Promise.all(['pressed', 'best-effort', 'for-a-while', 'untolerant'].map(markRunning));
  // What a kubelet short of memory, disk and PIDs reports, on the fake node; then cordon and taints.
  await kubectlOk(
    nodeConditionsPatch(FAKE, [
      pressureCondition('MemoryPressure'),
      pressureCondition('DiskPressure'),
      pressureCondition('PIDPressure'),
    ]),
  );
  await kubectlOk(['cordon', FAKE]);
  await kubectlOk([
    'taint',
    'node',
    FAKE,
    'podlens.dev/nbrlive-maint=soon:NoSchedule',
    `${DRAIN.key}=${DRAIN.value}:${DRAIN.effect}`,
  ]);
  await waitForPod(ns.name, 'untolerant', (p) => Boolean(p.metadata.deletionTimestamp), 'deleted by the taint manager');
  await Promise.all(
    ['claim-class-missing', 'claim-waits', 'claim-missing'].map((p) =>
      waitForPod(ns.name, p, is.condition('PodScheduled', 'False')),
    ),
  );
}, 150_000);

afterAll(async () => {
  await kubectl([
    '-n',
    ns.name,
    'patch',
    'pod',
    'untolerant',
    '--type=merge',
    '-p',
    '{"metadata":{"finalizers":null}}',
  ]);
  await kubectl(['-n', ns.name, 'delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=false']);
  await kubectl(['delete', 'node', FAKE, DOWN, '--ignore-not-found', '--wait=false']);
  await kubectl(['delete', 'storageclass', WAIT_CLASS, '--ignore-not-found', '--wait=false']);
}, 60_000);

describe('the pod on its node (live, fake nodes)', () => {
  test('memory, disk and PID pressure, cordon, an untolerated NoSchedule taint and 90% of the cpu requested: each named with its consequence', async () => {
    const { text, json } = await describeBoth('pressed');
    const on = `node ${FAKE}`;
    expect(json.verdict.code).toBe('NodePressure');
    for (const [cond, what] of [
      ['MemoryPressure', 'memory'],
      ['DiskPressure', 'disk space'],
      ['PIDPressure', 'process IDs'],
    ])
      expect(text).toContain(
        `${on} reports ${cond}: the kubelet is short of ${what} and evicts pods to reclaim it, and no new pod is scheduled there`,
      );
    expect(text).toContain(
      `${on} is cordoned (spec.unschedulable): that moves no pod already placed there, this one included, but no new pod is scheduled there`,
    );
    expect(text).toContain(
      `${on} has the taint podlens.dev/nbrlive-maint=soon:NoSchedule, which this pod does not tolerate: the pod is on it because it was placed there before the taint came (or by spec.nodeName), and a NoSchedule taint moves no pod already placed, but the scheduler places no such pod there again`,
    );
    expect(text).toMatch(
      new RegExp(
        `the pods on ${on} request 1\\.8 of its allocatable 2 cpu \\(90%\\), this pod 1\\.8: a pod that needs more than what is left does not fit there`,
      ),
    );
    expect(json.node).toMatchObject({
      name: FAKE,
      ready: 'True',
      pressure: ['MemoryPressure', 'DiskPressure', 'PIDPressure'],
      cordoned: true,
      healthy: false,
    });
    expect(json.node.requests[0]).toMatchObject({
      resource: 'cpu',
      pod: '1.8',
      requested: '1.8',
      allocatable: '2',
      percent: 90,
    });
    expect(json.node.taints).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'podlens.dev/nbrlive-maint', effect: 'NoSchedule', tolerated: false }),
        expect.objectContaining({ key: DRAIN.key, effect: 'NoExecute', tolerated: true, tolerationSeconds: null }),
      ]),
    );
    expect(finding(json, 'NodePressure')).toHaveLength(3);
    expect(finding(json, 'NodeCordoned')).toHaveLength(1);
    // the controllers' condition taints (memory-pressure, unschedulable ...) and the tolerated one say nothing of their own
    expect(finding(json, 'NodeTaint')).toHaveLength(1);
    // what must not be said: the node is Ready; a tolerated taint is no finding
    expect(text).not.toMatch(/is not Ready|has stopped reporting|nbrlive-drain=now:NoExecute, which/);
  });

  test('the eviction-order sentence follows the QoS class, and says no usage where metrics.k8s.io is not served', async () => {
    const metrics = await kubectl(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods']);
    const served = metrics.code === 0;
    const burstable = (await describeBoth('pressed')).json.node.eviction;
    const be = await describeBoth('best-effort');
    expect(burstable).toMatchObject({ qosClass: 'Burstable', memoryRequests: '128Mi' });
    expect(burstable.words).toMatch(
      /^QoS class Burstable: under memory pressure the kubelet evicts it before pods within their requests once its use exceeds its requests; /,
    );
    expect(be.json.node.eviction).toMatchObject({ qosClass: 'BestEffort', exceedsRequests: true });
    expect(be.text).toContain(
      'QoS class BestEffort: it requests no memory, so any use exceeds its requests, and under memory pressure the kubelet evicts such pods first',
    );
    if (!served) {
      expect(burstable).toMatchObject({ metrics: 'unavailable', memoryUsage: null, rank: null });
      expect(burstable.words).toContain('metrics.k8s.io is not available on this cluster, so its usage is not known');
      expect(be.text).not.toMatch(/of memory against requests|in the order the kubelet evicts/);
    } else {
      // metrics-server does not scrape KWOK fake nodes: served, but no usage for any pod there
      expect(burstable).toMatchObject({ metrics: 'available', memoryUsage: null, rank: null });
      expect(burstable.words).toContain(
        `metrics.k8s.io has no usage for any pod on node ${FAKE}, so its usage is not known`,
      );
      expect(burstable.words).not.toMatch(/yet|not available on this cluster/);
    }
  });

  test('a NoExecute taint tolerated for a while: when the taint manager evicts the pod', async () => {
    const { text, json } = await describeBoth('for-a-while');
    const row = json.node.taints.find((t: any) => t.key === DRAIN.key);
    expect(row).toMatchObject({ tolerated: true, tolerationSeconds: 3600 });
    // kubectl taint sets no timeAdded: when the taint manager's timer started is not on the node
    const sentence = `node ${FAKE} has the taint ${DRAIN.key}=${DRAIN.value}:NoExecute, which this pod tolerates for 3600s: the taint manager evicts it ${
      row.since
        ? `at ${new Date(Math.max(new Date(row.since).getTime(), new Date(json.pod.createdAt).getTime()) + 3600_000).toISOString()}`
        : '3600s after it noticed the taint (the taint has no timeAdded, so when is not known)'
    }`;
    expect(row.evictAt).toBe(row.since ? expect.any(String) : null);
    expect(text).toContain(sentence);
    expect(finding(json, 'NodeTaint').map((f: any) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining(sentence)]),
    );
  });

  test('a NoExecute taint the pod does not tolerate: the taint manager evicts it (it is being deleted)', async () => {
    const { text, json } = await describeBoth('untolerant');
    expect(text).toContain(
      `node ${FAKE} has the taint ${DRAIN.key}=${DRAIN.value}:NoExecute, which this pod does not tolerate: the taint manager evicts it`,
    );
    expect(finding(json, 'NodeTaint').map((f: any) => f.category)).toContain('status');
    expect(json.pod.deletion).not.toBeNull();
  });

  test('a node that is not Ready is the verdict; the eviction time once the controller has tainted it', async () => {
    // The node lifecycle controller adds the not-ready NoExecute taint at its own pace (rate-limited
    // per zone): describe speaks of the eviction exactly when the node carries the taint.
    const noExecute = (n: any) =>
      (n.spec.taints ?? []).find((t: any) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute');
    const before = await nodeJson(DOWN);
    const { text, json } = await describeBoth('stranded');
    const after = await nodeJson(DOWN);
    const ready = before.status.conditions.find((c: any) => c.type === 'Ready').status;
    expect(json.verdict.code).toBe('NodeNotReady');
    expect(json.node).toMatchObject({ name: DOWN, healthy: false });
    const state =
      ready === 'False'
        ? `is not Ready \\(Ready=False since \\d+s ago: container runtime network not ready\\): its kubelet says it cannot run pods as it should`
        : 'has stopped reporting';
    expect(text).toMatch(new RegExp(`node ${DOWN} ${state}`));
    const taint = noExecute(before);
    if (taint) {
      // the timer starts when the taint manager sees both the taint and the pod
      const created = new Date(json.pod.createdAt).getTime();
      const at = new Date(Math.max(new Date(taint.timeAdded).getTime(), created) + 300_000).toISOString();
      const row = json.node.taints.find((t: any) => t.key === taint.key && t.effect === 'NoExecute');
      expect(row.evictAt).toBe(at);
      expect(text).toContain(
        `; it tolerates the taint node.kubernetes.io/not-ready:NoExecute for 300s, so the taint manager evicts it at ${at}`,
      );
    } else if (!noExecute(after)) expect(text).not.toMatch(/taint manager evicts/);
  });
});

describe("the pod's claims (live)", () => {
  test('a claim that does not exist is named as the missing object', async () => {
    const { text, json } = await describeBoth('claim-missing');
    expect(text).toContain(
      `PersistentVolumeClaim "data-nowhere" (volume "data") does not exist in ${ns.name}; the pod cannot be scheduled until it does`,
    );
    expect(json.storage).toEqual([
      expect.objectContaining({
        claim: 'data-nowhere',
        volume: 'data',
        state: 'Missing',
        missing: 'PersistentVolumeClaim data-nowhere',
      }),
    ]);
    expect(json.verdict.cause).toBe('PersistentVolumeClaim data-nowhere does not exist');
  });

  test('a claim naming a StorageClass that does not exist names the class', async () => {
    const { text, json } = await describeBoth('claim-class-missing');
    expect(text).toContain(
      `PersistentVolumeClaim "data-fast" names StorageClass "${MISSING_CLASS}", which does not exist, so nothing provisions a volume for it and it stays Pending`,
    );
    expect(json.storage[0]).toMatchObject({
      claim: 'data-fast',
      state: 'ClassMissing',
      storageClass: MISSING_CLASS,
      classExists: false,
      missing: `StorageClass ${MISSING_CLASS}`,
    });
  });

  test('a claim waiting for its first consumer names its class; nothing is said missing', async () => {
    const { text, json } = await describeBoth('claim-waits');
    expect(text).toContain(
      `PersistentVolumeClaim "data-wait" waits for its first consumer (StorageClass "${WAIT_CLASS}" has volumeBindingMode WaitForFirstConsumer, provisioner kubernetes.io/no-provisioner)`,
    );
    expect(json.storage[0]).toMatchObject({
      claim: 'data-wait',
      state: 'WaitForFirstConsumer',
      storageClass: WAIT_CLASS,
      classExists: true,
      missing: null,
    });
    expect(text).not.toMatch(/does not exist/);
  });
});
