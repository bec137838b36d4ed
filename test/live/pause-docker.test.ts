// `podlens pause` and `podlens node` --via docker, for real: a private dockerd runs a container named
// as the node (a stand-in for a kind node, see docker-node.ts) in which ctr reaches the cluster's
// containerd. What podlens says through `docker exec NODE ...` is checked against ctr run directly
// and /proc/PID/ns/net read directly on this host, as pause.test.ts does for --via local. Then the
// ways --via docker cannot work, each one sentence; and at the end, the stand-in is stopped and must
// leave nothing behind (processes, mounts, files, cgroups, links, iptables rules).
//
// It needs the node to be this machine (the local cluster) and dockerd (Debian's docker.io, which
// cluster/install-deps.sh installs). Without them it is skipped with a loud line, except under
// CI=true, where it fails.
import { existsSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { dockerdPath, run, startDockerNode, type DockerNode } from './docker-node.js';
import { ROOT, apply, is, podlens, sleep, useNamespace, waitForPod } from './support.js';

const SOCK = process.env.CONTAINERD_ADDRESS ?? '/run/containerd/containerd.sock';
const ci = process.env.CI === 'true' || process.env.CI === '1';

function whyNot(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  if (!dockerdPath()) return 'dockerd is not installed (cluster/install-deps.sh installs docker.io)';
  if (!existsSync('/usr/bin/ctr') || !existsSync('/bin/busybox')) return 'ctr or busybox-static missing on this host';
  try {
    if (!statSync(SOCK).isSocket()) return `${SOCK} is not a socket`;
  } catch {
    return `no containerd socket at ${SOCK} on this host (the node must be this machine)`;
  }
  return undefined;
}

const skipReason = whyNot();
if (skipReason && !ci) console.error(`\n!!! pause-docker live tests NOT RUN: ${skipReason} !!!\n`);
const maybe = skipReason && !ci ? describe.skip : describe;

maybe('--via docker against a kind-like node container', () => {
  const ns = useNamespace('pause-docker');
  let dn: DockerNode;
  let node = '';
  let uid = '';
  let podIP = '';
  const podlensD = (args: string[], env: Record<string, string> = {}) => podlens(args, { env: { ...dn.env, COLUMNS: '300', ...env } });

  beforeAll(async () => {
    if (skipReason) throw new Error(`CI=true requires the --via docker live tests: ${skipReason}`);
    await apply(readFileSync(join(ROOT, 'examples', 'shared-network.yaml'), 'utf8'), ns.name);
    const p = await waitForPod(ns.name, 'shared-network-pod', is.all(is.running('nginx'), is.running('alpine')), 'both containers running');
    node = p.spec.nodeName;
    uid = p.metadata.uid;
    podIP = p.status.podIP;
    dn = await startDockerNode(node, SOCK);
  }, 180_000);

  afterAll(async () => {
    await dn?.stop();
  }, 60_000);

  /** ctr run directly on this host: the pod's containers and every task's PID. */
  async function ctrDirect(): Promise<{ pause: string; ids: string[]; pids: Map<string, number> }> {
    const ls = await run('ctr', ['--address', SOCK, '-n', 'k8s.io', 'containers', 'ls', `labels."io.kubernetes.pod.uid"==${uid}`]);
    const rows = ls.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
    const tasks = await run('ctr', ['--address', SOCK, '-n', 'k8s.io', 'tasks', 'ls']);
    const pids = new Map(tasks.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/)).map(([id, pid]) => [id, Number(pid)] as [string, number]));
    return { pause: rows.find((r) => r[1].includes('/pause:'))![0], ids: rows.map((r) => r[0]), pids };
  }

  /* eslint-disable @typescript-eslint/no-explicit-any */
  async function agreesWithNode(report: any): Promise<void> {
    const direct = await ctrDirect();
    expect(report.sandbox.id).toBe(direct.pause);
    expect(report.sandbox.image).toMatch(/^registry\.k8s\.io\/pause:/);
    expect(report.sandbox.pid).toBe(direct.pids.get(direct.pause));
    const pauseNet = readlinkSync(`/proc/${report.sandbox.pid}/ns/net`);
    expect(report.sandbox.netns).toBe(pauseNet);
    expect(report.containers.map((c: any) => c.name)).toEqual(['nginx', 'alpine']);
    for (const c of report.containers) {
      expect(direct.ids).toContain(c.id);
      expect(c.pid).toBe(direct.pids.get(c.id));
      expect(c.netns).toBe(readlinkSync(`/proc/${c.pid}/ns/net`));
      expect(c.netns).toBe(pauseNet);
      expect(c.sharesSandboxNetns).toBe(true);
    }
    expect(report.ip).toEqual({ api: podIP, apiAll: [podIP], node: [podIP], agree: true });
    expect(report.statements[0]).toBe(
      `nginx and alpine run in the network namespace of the pause container (${pauseNet}); that is why they share the IP ${podIP} and reach each other on localhost.`,
    );
  }

  test('the stand-in is what kind offers: a container named as the node, ctr inside reaching its containerd', async () => {
    expect(node).toBe(hostname()); // the local cluster's node is this machine
    const r = await dn.docker(['exec', node, 'ctr', '--address', SOCK, '-n', 'k8s.io', 'containers', 'ls', '-q']);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toContain((await ctrDirect()).pause);
  });

  test('pause --via docker: sandbox, PIDs and inodes agree with ctr and /proc on this host', async () => {
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    await agreesWithNode(report);
    expect(report.access.via).toBe('docker');
    expect(report.access.how).toBe(`docker exec into the node's container ${node}, containerd at ${SOCK}`);
    expect(report.access.commands.length).toBeGreaterThan(0);
    for (const c of report.access.commands) expect(c.startsWith(`docker exec ${node} `)).toBe(true);
  });

  test('--show-commands prints the docker exec commands to do it by hand', async () => {
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker', '--show-commands']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`(via docker: docker exec into the node's container ${node}, containerd at ${SOCK})`);
    expect(r.stdout).toContain(`Pod IP:   API ${podIP}   node (inside the pause's network namespace) ${podIP}   agree`);
    expect(r.stdout).toContain(`$ docker exec ${node} ctr --address ${SOCK} -n k8s.io containers ls 'labels."io.kubernetes.pod.uid"==${uid}'`);
    expect(r.stdout).toContain(`$ docker exec ${node} ctr --address ${SOCK} -n k8s.io tasks ls`);
    expect(r.stdout).toMatch(new RegExp(`\\$ docker exec ${node} readlink /proc/\\d+/ns/net`));
    expect(r.stdout).toMatch(new RegExp(`\\$ docker exec ${node} nsenter -t \\d+ -n ip -o addr show`));
  });

  test('auto picks docker when a running container is named as the node, and says so', async () => {
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`podlens: reaching node ${node} via docker\n`);
    const report = JSON.parse(r.stdout);
    expect(report.access.via).toBe('docker');
    await agreesWithNode(report);
  });

  test('node --via docker: every sandbox ctr lists, mapped to its pod with its containers', async () => {
    const sandboxes = async () =>
      (await run('ctr', ['--address', SOCK, '-n', 'k8s.io', 'containers', 'ls', '-q', 'labels."io.cri-containerd.kind"==sandbox'])).stdout.split('\n').filter(Boolean);
    const before = await sandboxes();
    const r = await podlensD(['node', node, '--via', 'docker', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.access.via).toBe('docker');
    const ids = report.sandboxes.map((s: any) => s.id);
    const after = await sandboxes();
    // Other tests' pods come and go: every sandbox ctr listed before and after must be there.
    for (const id of before.filter((x) => after.includes(x))) expect(ids).toContain(id);
    const mine = report.sandboxes.filter((s: any) => s.pod.uid === uid);
    expect(mine).toHaveLength(1);
    expect(mine[0].pod).toEqual({ namespace: ns.name, name: 'shared-network-pod', uid });
    expect(mine[0].state).toBe('RUNNING');
    expect(mine[0].containers.map((c: any) => c.name).sort()).toEqual(['alpine', 'nginx']);
    expect(mine[0].flag).toBeNull();
  });

  test('a wrong containerd address through docker: the unreachable sentence, exit 1', async () => {
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker', '--containerd-address', '/podlens-no-such.sock', '--timeout', '30s']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^error: ctr cannot reach containerd at /podlens-no-such\\.sock on node "${node}" \\(.*\\); pass --containerd-address with the node's containerd socket\\.\\n$`));
  });

  test('a daemon that is not there: one sentence, exit 1', async () => {
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker'], { DOCKER_HOST: `unix://${dn.dir}/absent.sock` });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: --via docker cannot reach node "${node}": docker cannot reach its daemon (Cannot connect to the Docker daemon at unix://${dn.dir}/absent.sock. Is the docker daemon running?).\n`,
    );
  });

  test('a node container without ctr: the "no ctr" sentence, exit 1', async () => {
    await dn.runWithoutCtr();
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ctr is not available on node "${node}" \\(\`docker exec ${node} ctr --address \\S+ -n k8s.io .*\` found no ctr\\)`));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a stopped node container: --via docker says so; auto falls back to local and says why', async () => {
    expect((await dn.docker(['stop', '-t', '1', node])).code).toBe(0);
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: --via docker cannot reach node "${node}": the Docker container ${node} is not running.\n`);
    const auto = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '-o', 'json']);
    expect(auto.code).toBe(0);
    expect(auto.stderr).toBe(`podlens: reaching node ${node} via local (docker: the Docker container ${node} is not running)\n`);
  });

  test('no container named as the node: --via docker says so', async () => {
    expect((await dn.docker(['rm', '-f', node])).code).toBe(0);
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: --via docker cannot reach node "${node}": no Docker container is named ${node}.\n`);
  });

  test('stopping the stand-in leaves nothing behind', async () => {
    await dn.stop();
    // A shim or mount may take a moment to go: look again for a few seconds before judging.
    let left = await dn.leftovers();
    for (let i = 0; i < 10 && left.length; i++) {
      await sleep(500);
      left = await dn.leftovers();
    }
    expect(left).toEqual([]);
  }, 60_000);
});
