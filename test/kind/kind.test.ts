// podlens on the kind cluster from `npm run kind:up` (two nodes, containerd 2, kubeadm's control
// plane, CoreDNS, kube-proxy): what its users meet. Each node-side claim of podlens is checked
// against ctr and readlink run inside that node with `docker exec`, as a kind user would.
// Run with `npm run test:kind` (it sets KUBECONFIG and DOCKER_HOST to the kind cluster's).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { run } from '../live/docker-node.js';
import { ROOT, apply, is, kubectl, kubectlOk, pod, podlens, useNamespace, waitForPod } from '../live/support.js';
import {
  CLUSTER,
  CONTROL_PLANE,
  KIND_BIN,
  NODES,
  WORKER,
  ctrOnNode,
  netnsOnNode,
  sandboxesOnNode,
  whyNot,
} from './kind-support.js';

const skipReason = whyNot();
if (skipReason) throw new Error(`kind live tests: ${skipReason}`);

const ns = useNamespace('kind');
const onControlPlane = { key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' };

/** The seed's shared-network pod (examples/shared-network.yaml), placed on one node. */
function sharedNetworkPodOn(node: string, name: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const p = load(readFileSync(join(ROOT, 'examples', 'shared-network.yaml'), 'utf8')) as any;
  p.metadata.name = name;
  p.spec.nodeName = node;
  p.spec.tolerations = [onControlPlane];
  return p as Record<string, unknown>;
}

const podNames: Record<string, string> = { [CONTROL_PLANE]: 'shared-cp', [WORKER]: 'shared-worker' };
const uids: Record<string, string> = {};
const podIPs: Record<string, string> = {};

beforeAll(async () => {
  for (const node of NODES) await apply(sharedNetworkPodOn(node, podNames[node]), ns.name);
  for (const node of NODES) {
    const p = await waitForPod(
      ns.name,
      podNames[node],
      is.all(is.running('nginx'), is.running('alpine')),
      'both containers running',
    );
    uids[node] = p.metadata.uid;
    podIPs[node] = p.status.podIP;
  }
}, 240_000);

describe('the kind cluster', () => {
  test('kind lists it; two nodes Ready, a control plane and a worker, on containerd 2', async () => {
    const clusters = await run(KIND_BIN, ['get', 'clusters']);
    expect(clusters.stdout.split('\n')).toContain(CLUSTER);
    const nodes = JSON.parse(await kubectlOk(['get', 'nodes', '-o', 'json'])).items;
    expect(nodes.map((n: { metadata: { name: string } }) => n.metadata.name).sort()).toEqual([...NODES].sort());
    for (const n of nodes) {
      expect(n.status.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
      expect(n.status.nodeInfo.containerRuntimeVersion).toMatch(/^containerd:\/\/2\./);
    }
    const roles = nodes.map((n: { metadata: { labels: Record<string, string> } }) =>
      'node-role.kubernetes.io/control-plane' in n.metadata.labels ? 'control-plane' : 'worker',
    );
    expect(roles.sort()).toEqual(['control-plane', 'worker']);
  });

  test('a pod on one node resolves a Service by name and reaches a pod on the other node through its ClusterIP', async () => {
    // nginx of the control plane's shared-network pod, behind a Service; the client runs on the worker.
    await kubectlOk(['-n', ns.name, 'label', 'pod', podNames[CONTROL_PLANE], 'app=web']);
    await apply(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
      },
      ns.name,
    );
    const clusterIP = (
      await kubectlOk(['-n', ns.name, 'get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}'])
    ).trim();
    const host = `web.${ns.name}.svc.cluster.local`;
    await apply(
      pod('client', {
        nodeName: WORKER,
        restartPolicy: 'Never',
        containers: [
          {
            name: 'c',
            image: 'busybox',
            // busybox's nslookup asks CoreDNS itself; its nc then connects to the address it got
            // (busybox-static's wget crashes resolving names through glibc's NSS). CoreDNS learns of
            // the new Service through its watch, so the lookup is retried for up to a minute.
            command: [
              'sh',
              '-c',
              `for i in $(seq 30); do nslookup ${host} > /tmp/dns 2>&1 && break; sleep 2; done; ` +
                `cat /tmp/dns >&2; awk '/^Address: / {a=$2} END {print a}' /tmp/dns > /tmp/ip && ` +
                `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 "$(cat /tmp/ip)" 80`,
            ],
          },
        ],
      }),
      ns.name,
    );
    const done = await waitForPod(
      ns.name,
      'client',
      (p) => is.phase('Succeeded')(p) || is.phase('Failed')(p),
      'Succeeded or Failed',
      120_000,
    );
    const logs = await kubectlOk(['-n', ns.name, 'logs', 'client']);
    expect({ phase: done.status.phase, logs }).toMatchObject({ phase: 'Succeeded' });
    expect(logs).toContain(`Name:\t${host}`);
    expect(logs).toContain(`Address: ${clusterIP}`);
    expect(logs).toMatch(/^HTTP\/1\.1 200 OK/m);
  });

  test("a claim of the default StorageClass binds when its pod starts, on the pod's node (local-path, as stock kind)", async () => {
    const classes = JSON.parse(await kubectlOk(['get', 'storageclass', '-o', 'json'])).items;
    const standard = classes.find((c: { metadata: { name: string } }) => c.metadata.name === 'standard');
    expect(standard).toMatchObject({
      provisioner: 'rancher.io/local-path',
      volumeBindingMode: 'WaitForFirstConsumer',
      metadata: { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    });
    await apply(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } },
      },
      ns.name,
    );
    // No consumer yet: the claim waits (WaitForFirstConsumer), it is not bound to any volume.
    const waiting = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'pvc', 'data', '-o', 'json']));
    expect(waiting.status.phase).toBe('Pending');
    await apply(
      pod('writer', {
        // Through the scheduler (not nodeName): it picks the node, then the provisioner makes the volume there.
        nodeSelector: { 'kubernetes.io/hostname': WORKER },
        restartPolicy: 'Never',
        containers: [
          {
            name: 'w',
            image: 'busybox',
            command: ['sh', '-c', 'echo kept > /data/file'],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        ],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }],
      }),
      ns.name,
    );
    const done = await waitForPod(
      ns.name,
      'writer',
      (p) => is.phase('Succeeded')(p) || is.phase('Failed')(p),
      'done',
      120_000,
    );
    expect(done.status.phase).toBe('Succeeded');
    const claim = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'pvc', 'data', '-o', 'json']));
    expect(claim.status.phase).toBe('Bound');
    const pv = JSON.parse(await kubectlOk(['get', 'pv', claim.spec.volumeName, '-o', 'json']));
    expect(JSON.stringify(pv.spec.nodeAffinity)).toContain(WORKER);
    const onDisk = await run('docker', [
      'exec',
      WORKER,
      'sh',
      '-c',
      `cat /var/local-path-provisioner/${claim.spec.volumeName}_*/file`,
    ]);
    expect(onDisk.stdout.trim()).toBe('kept');
  });

  test('images come from the project registry under their usual names', async () => {
    const p = await waitForPod(ns.name, podNames[WORKER], is.running('nginx'), 'running');
    const images = p.status.containerStatuses.map((s: { image: string }) => s.image).sort();
    expect(images).toEqual(['docker.io/library/alpine:latest', 'docker.io/library/nginx:latest']);
  });
});

describe.each(NODES)('podlens on the kind node %s', (node) => {
  test('pause --via auto chooses docker; the sandbox id is the one ctr in the node shows, shared by inode', async () => {
    const r = await podlens(['pause', podNames[node], '-n', ns.name, '--via', 'auto', '-o', 'json']);
    expect(r.stderr).toBe(`podlens: reaching node ${node} via docker\n`);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.access.via).toBe('docker');
    expect(report.pod.node).toBe(node);
    const direct = await ctrOnNode(node, uids[node]);
    expect(report.sandbox.id).toBe(direct.pause);
    expect(report.sandbox.image).toMatch(/^registry\.k8s\.io\/pause:/);
    expect(report.sandbox.pid).toBe(direct.pids.get(direct.pause));
    const pauseNet = await netnsOnNode(node, direct.pids.get(direct.pause)!);
    expect(pauseNet).toMatch(/^net:\[\d+\]$/);
    expect(report.sandbox.netns).toBe(pauseNet);
    expect(report.containers.map((c: { name: string }) => c.name)).toEqual(['nginx', 'alpine']);
    for (const c of report.containers) {
      expect(direct.ids).toContain(c.id);
      expect(c.pid).toBe(direct.pids.get(c.id));
      expect(await netnsOnNode(node, c.pid)).toBe(pauseNet);
      expect(c.netns).toBe(pauseNet);
      expect(c.sharesSandboxNetns).toBe(true);
    }
    expect(report.ip.agree).toBe(true);
    expect(report.ip.node).toEqual([podIPs[node]]);
  });

  test('node --via auto chooses docker and lists every sandbox ctr in the node lists', async () => {
    const before = await sandboxesOnNode(node);
    const r = await podlens(['node', node, '--via', 'auto', '-o', 'json']);
    expect(r.stderr).toBe(`podlens: reaching node ${node} via docker\n`);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.access.via).toBe('docker');
    const after = await sandboxesOnNode(node);
    const ids = report.sandboxes.map((s: { id: string }) => s.id);
    for (const id of before.filter((i) => after.includes(i))) expect(ids).toContain(id);
    const mine = report.sandboxes.filter((s: { pod: { uid: string } }) => s.pod.uid === uids[node]);
    expect(mine).toHaveLength(1);
    expect(mine[0].state).toBe('RUNNING');
    expect(mine[0].containers.map((c: { name: string }) => c.name).sort()).toEqual(['alpine', 'nginx']);
    expect(mine[0].flag).toBeNull();
    // kubeadm's control plane runs as static pods: each sandbox carries the static pod's uid, which
    // the API's mirror pod names in kubernetes.io/config.mirror. None of them is an orphan. (Sandboxes
    // of deleted pods, an earlier run's or local-path's finished helper pods, may wait for the kubelet's
    // garbage collection: orphans podlens rightly flags, so only this run's and kube-system's are checked.)
    const current = report.sandboxes.filter((s: { pod: { namespace: string } }) =>
      [ns.name, 'kube-system'].includes(s.pod.namespace),
    );
    expect(current.length).toBeGreaterThan(1);
    for (const s of current) expect([s.pod.name, s.apiKnowsPod, s.flag]).toEqual([s.pod.name, true, null]);
    for (const s of report.sandboxes.filter((x: { apiKnowsPod: boolean }) => !x.apiKnowsPod))
      expect(s.flag).toMatch(/^orphan: the API has no pod with uid /);
    expect(report.podsWithoutSandbox).toEqual([]);
  });

  test('node --via pod: the helper pod path sees the same sandboxes, and no helper remains', async () => {
    const r = await podlens(['node', node, '--via', 'pod', '--yes', '--helper-namespace', ns.name, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.access.via).toBe('pod');
    const mine = report.sandboxes.filter((s: { pod: { uid: string } }) => s.pod.uid === uids[node]);
    expect(mine).toHaveLength(1);
    expect(mine[0].id).toBe((await ctrOnNode(node, uids[node])).pause);
    const helpers = await kubectlOk([
      '-n',
      ns.name,
      'get',
      'pods',
      '-l',
      'app.kubernetes.io/managed-by=podlens',
      '-o',
      'name',
    ]);
    expect(helpers.trim()).toBe('');
  });
});

describe('describe and watch on kind pods', () => {
  test('describe names the pod, its node and both containers running', async () => {
    const r = await podlens(['describe', podNames[WORKER], '-n', ns.name, '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(JSON.stringify(report)).toContain(WORKER);
    expect(r.stdout).toContain('"nginx"');
    expect(r.stdout).toContain('"alpine"');
  });

  test('watch follows pods on both nodes from creation to ready', async () => {
    const pods = NODES.map((node) =>
      pod(node === WORKER ? 'w-worker' : 'w-cp', {
        nodeName: node,
        tolerations: [onControlPlane],
        containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }],
      }),
    );
    const file = join(tmpdir(), `podlens-kind-watch-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }));
    const r = await podlens([
      'watch',
      '-n',
      ns.name,
      '-f',
      file,
      '-o',
      'ndjson',
      '--until',
      'ready',
      '--timeout',
      '120s',
    ]);
    rmSync(file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pod: string; change: string; condition: string | null; to: string | null });
    for (const name of ['w-worker', 'w-cp']) {
      const mine = lines.filter((l) => l.pod === name);
      expect(mine.some((l) => l.change === 'condition' && l.condition === 'Ready' && l.to === 'True')).toBe(true);
    }
    const placed = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'pods', 'w-worker', 'w-cp', '-o', 'json'])).items;
    expect(placed.map((p: { spec: { nodeName: string } }) => p.spec.nodeName).sort()).toEqual([...NODES].sort());
    await kubectl(['-n', ns.name, 'delete', 'pod', 'w-worker', 'w-cp', '--wait=false']);
  });
});
