// Parsers of node-side output, on output captured from real nodes: the local cluster's, containerd 1.6
// (scripts/capture-node-fixtures.sh), and a kind worker's, containerd 2 (scripts/capture-node-fixtures.sh --kind).
import {
  parseContainerInfo,
  parseContainersLs,
  parseIpAddr,
  parseNetnsLink,
  parsePidof,
  parseTasksLs,
  ParseError,
} from '../../src/node/parse.js';
import { SETS, nodeFixtures } from './node-fixtures.js';

describe.each(SETS)('$runtime', ({ dir }) => {
  const { files, read } = nodeFixtures(dir);

  describe('ctr containers ls', () => {
    const rows = parseContainersLs(read('shared-network-pod.containers-ls.txt'));
    test('one row per container, 64-hex ids, the pause image among them', () => {
      expect(rows).toHaveLength(3);
      for (const r of rows) expect(r.id).toMatch(/^[0-9a-f]{64}$/);
      expect(rows.filter((r) => r.image.startsWith('registry.k8s.io/pause:'))).toHaveLength(1);
      expect(rows.every((r) => r.runtime === 'io.containerd.runc.v2')).toBe(true);
    });
    test('whole node: as many rows as lines below the header', () => {
      const text = read('node.containers-ls.txt');
      expect(parseContainersLs(text)).toHaveLength(text.trim().split('\n').length - 1);
    });
    test('refuses output that is not a ctr table', () => {
      expect(() => parseContainersLs('ctr: failed to dial\n')).toThrow(ParseError);
      expect(parseContainersLs('')).toEqual([]);
    });
  });

  describe('ctr tasks ls', () => {
    test('PIDs and states', () => {
      const tasks = parseTasksLs(read('node.tasks-ls.txt'));
      expect(tasks.length).toBeGreaterThan(0);
      for (const t of tasks) {
        expect(t.id).toMatch(/^[0-9a-f]{64}$/);
        expect(t.pid).toBeGreaterThan(0);
        expect(['RUNNING', 'STOPPED', 'CREATED', 'PAUSED', 'UNKNOWN']).toContain(t.status);
      }
    });
  });

  describe('ctr containers info', () => {
    const infos = files('shared-network-pod.info.').map((f) => parseContainerInfo(read(f)));
    const pod = JSON.parse(read('shared-network-pod.pod.json'));
    test('labels map each container to the pod; one sandbox', () => {
      for (const c of infos) {
        expect(c.podUid).toBe(pod.metadata.uid);
        expect(c.podName).toBe('shared-network-pod');
        expect(c.podNamespace).toBe(pod.metadata.namespace);
      }
      const sandboxes = infos.filter((c) => c.kind === 'sandbox');
      expect(sandboxes).toHaveLength(1);
      expect(sandboxes[0].image).toMatch(/^registry\.k8s\.io\/pause:/);
      expect(sandboxes[0].netnsPath).toMatch(/^\/var\/run\/netns\/cni-/);
    });
    test("app containers name themselves and their sandbox, and join the pause's netns", () => {
      const sandbox = infos.find((c) => c.kind === 'sandbox')!;
      const apps = infos.filter((c) => c.kind === 'container');
      expect(apps.map((c) => c.containerName).sort()).toEqual(['alpine', 'nginx']);
      for (const c of apps) {
        expect(c.sandboxId).toBe(sandbox.id);
        expect(c.netnsPath).toMatch(/^\/proc\/\d+\/ns\/net$/);
      }
      // The API's container ids are the node's ids.
      const apiIds = pod.status.containerStatuses
        .map((s: { containerID: string }) => s.containerID.replace('containerd://', ''))
        .sort();
      expect(apps.map((c) => c.id).sort()).toEqual(apiIds);
    });
    test('not JSON: a ParseError', () => {
      expect(() => parseContainerInfo('ctr: container "x" in namespace "k8s.io": not found')).toThrow(ParseError);
    });
  });

  describe('readlink, ip, pidof', () => {
    test('net:[inode]', () => {
      for (const f of files('shared-network-pod.readlink.')) expect(parseNetnsLink(read(f))).toMatch(/^net:\[\d+\]$/);
      expect(() => parseNetnsLink('readlink: /proc/99/ns/net: No such file or directory')).toThrow(ParseError);
    });
    test('ip -o addr: the pod IP as the only global IPv4 address', () => {
      const pod = JSON.parse(read('shared-network-pod.pod.json'));
      const addrs = parseIpAddr(read('shared-network-pod.ip-addr.txt'));
      expect(addrs.filter((a) => a.family === 'inet').map((a) => a.cidr.split('/')[0])).toEqual([pod.status.podIP]);
      expect(addrs.every((a) => a.ifname !== 'lo')).toBe(true);
    });
    test('pidof', () => {
      expect(parsePidof(read('pidof-containerd.txt')).length).toBeGreaterThan(0);
      expect(parsePidof('')).toEqual([]);
    });
  });
});
