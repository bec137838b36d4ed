// The pure mapping of node-side facts to pods, on snapshots built from captured output.
import { buildPauseReport } from '../../src/domain/sandbox.js';
import { buildNodeReport } from '../../src/domain/sandbox-node.js';
import { apiPod, nodePods, nodeSnapshot, podSnapshot, read } from './node-fixtures.js';

const now = new Date('2030-01-01T00:00:00Z');

describe("pause report: the seed's shared-network pod", () => {
  const pod = apiPod('shared-network-pod');
  const r = buildPauseReport(pod, podSnapshot('shared-network-pod'), now);
  const pauseLine = read('shared-network-pod.containers-ls.txt')
    .split('\n')
    .find((l) => l.includes('pause:'))!;
  test('the sandbox is the pause container ctr lists', () => {
    expect(r.sandbox?.id).toBe(pauseLine.split(/\s+/)[0]);
    expect(r.sandbox?.image).toMatch(/^registry\.k8s\.io\/pause:/);
    expect(r.sandbox?.state).toBe('RUNNING');
    expect(r.sandbox?.netns).toMatch(/^net:\[\d+\]$/);
  });
  test("both containers share the pause's netns; ids agree with the API", () => {
    expect(r.containers.map((c) => c.name)).toEqual(['nginx', 'alpine']);
    for (const c of r.containers) {
      expect(c.sharesSandboxNetns).toBe(true);
      expect(c.netns).toBe(r.sandbox?.netns);
      expect(c.idAgrees).toBe(true);
      expect(c.joins).toBe(`/proc/${r.sandbox?.pid}/ns/net`);
    }
  });
  test('the plain statement, and the IPs agree', () => {
    expect(r.ip.agree).toBe(true);
    expect(r.statements[0]).toBe(
      `nginx and alpine run in the network namespace of the pause container (${r.sandbox?.netns}); that is why they share the IP ${pod.podIP} and reach each other on localhost.`,
    );
  });
});

describe('pause report: init container has exited', () => {
  const r = buildPauseReport(apiPod('nginx-pod'), podSnapshot('nginx-pod'), now);
  test('the init container has no task; the statement says so', () => {
    const init = r.containers.find((c) => c.kind === 'init')!;
    expect(init.name).toBe('init-page');
    expect(init.state).toBe('EXITED (no task)');
    expect(init.apiState).toMatch(/^terminated \(Completed, exit code 0\)/);
    expect(r.statements.some((s) => s.startsWith('init-page is not running'))).toBe(true);
  });
});

describe('pause report: no sandbox on the node', () => {
  test('a clear statement', () => {
    const snap = { ...podSnapshot('shared-network-pod'), containers: [] };
    const r = buildPauseReport(apiPod('shared-network-pod'), snap, now);
    expect(r.sandbox).toBeNull();
    expect(r.containers.every((c) => c.state === 'NOT ON NODE')).toBe(true);
    expect(r.statements[0]).toMatch(/no sandbox/);
  });
});

describe('node report', () => {
  const pods = nodePods();
  const snap = nodeSnapshot();
  test('every sandbox maps to a pod the API knows; every running pod has one', () => {
    const r = buildNodeReport('vm', 'containerd://1.6.20', pods, snap, now);
    const sandboxIds = read('node.containers-ls.txt')
      .split('\n')
      .filter((l) => l.includes('pause:'))
      .map((l) => l.split(/\s+/)[0])
      .sort();
    expect(r.sandboxes.map((s) => s.id).sort()).toEqual(sandboxIds);
    const shared = r.sandboxes.find(
      (s) => s.pod.name === 'shared-network-pod' && s.pod.namespace === 'podlens-fixtures-node',
    )!;
    expect(shared.containers.map((c) => c.name).sort()).toEqual(['alpine', 'nginx']);
    expect(r.podsWithoutSandbox).toEqual([]);
  });
  test('a sandbox whose pod the API no longer knows is flagged; a pod without sandbox too', () => {
    const [gone, ...rest] = pods.filter((p) => p.phase === 'Running');
    const r = buildNodeReport('vm', 'containerd', rest, snap, now);
    const orphan = r.sandboxes.find((s) => s.pod.uid === gone.uid)!;
    expect(orphan.apiKnowsPod).toBe(false);
    expect(orphan.flag).toMatch(/^orphan/);
    const ghost = { ...rest[0], uid: 'not-on-node', name: 'ghost' };
    const r2 = buildNodeReport('vm', 'containerd', [...rest, ghost], snap, now);
    expect(r2.podsWithoutSandbox.map((p) => p.name)).toEqual(['ghost']);
  });
});
