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
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dockerdPath, startDockerNode, type DockerNode } from './docker-node.js';
import {
  SOCK,
  ctrDirect,
  expectNodeListsSandboxes,
  expectPauseAgreesWithNode,
  sandboxesDirect,
  startSharedNetworkPod,
  stillThere,
} from './shared-network.js';
import { podlens, sleep, useNamespace } from './support.js';

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
  const podlensD = (args: string[], env: Record<string, string> = {}) =>
    podlens(args, { env: { ...dn.env, COLUMNS: '300', ...env } });

  beforeAll(async () => {
    if (skipReason) throw new Error(`CI=true requires the --via docker live tests: ${skipReason}`);
    const p = await startSharedNetworkPod(ns.name);
    node = p.spec.nodeName;
    uid = p.metadata.uid;
    podIP = p.status.podIP;
    dn = await startDockerNode(node, SOCK);
  }, 180_000);

  afterAll(async () => {
    await dn?.stop();
  }, 60_000);

  test('the stand-in is what kind offers: a container named as the node, ctr inside reaching its containerd', async () => {
    expect(node).toBe(hostname()); // the local cluster's node is this machine
    const r = await dn.docker(['exec', node, 'ctr', '--address', SOCK, '-n', 'k8s.io', 'containers', 'ls', '-q']);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toContain((await ctrDirect(uid)).pause);
  });

  test('pause --via docker: sandbox, PIDs and inodes agree with ctr and /proc on this host', async () => {
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    await expectPauseAgreesWithNode(report, uid, podIP);
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
    expect(r.stdout).toContain(
      `$ docker exec ${node} ctr --address ${SOCK} -n k8s.io containers ls 'labels."io.kubernetes.pod.uid"==${uid}'`,
    );
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
    await expectPauseAgreesWithNode(report, uid, podIP);
  });

  test('node --via docker: every sandbox ctr lists, mapped to its pod with its containers', async () => {
    const before = await sandboxesDirect();
    const r = await podlensD(['node', node, '--via', 'docker', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.access.via).toBe('docker');
    expectNodeListsSandboxes(report, await stillThere(before), ns.name, uid);
  });

  test('a wrong containerd address through docker: the unreachable sentence, exit 1', async () => {
    const r = await podlensD([
      'pause',
      'shared-network-pod',
      '-n',
      ns.name,
      '--via',
      'docker',
      '--containerd-address',
      '/podlens-no-such.sock',
      '--timeout',
      '30s',
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: ctr cannot reach containerd at /podlens-no-such\\.sock on node "${node}" \\(.*\\); pass --containerd-address with the node's containerd socket\\.\\n$`,
      ),
    );
  });

  test('a daemon that is not there: one sentence, exit 1', async () => {
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker'], {
      DOCKER_HOST: `unix://${dn.dir}/absent.sock`,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: --via docker cannot reach node "${node}": docker cannot reach its daemon (Cannot connect to the Docker daemon at unix://${dn.dir}/absent.sock. Is the docker daemon running?).\n`,
    );
  });

  test('a node container without ctr: the "no ctr" sentence, exit 1', async () => {
    await dn.runWithoutCtr();
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: ctr is not available on node "${node}" \\(\`docker exec ${node} ctr --address \\S+ -n k8s.io .*\` found no ctr\\)`,
      ),
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a stopped node container: --via docker says so; auto falls back to local and says why', async () => {
    expect((await dn.docker(['stop', '-t', '1', node])).code).toBe(0);
    const r = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'docker']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: --via docker cannot reach node "${node}": the Docker container ${node} is not running.\n`,
    );
    const auto = await podlensD(['pause', 'shared-network-pod', '-n', ns.name, '-o', 'json']);
    expect(auto.code).toBe(0);
    expect(auto.stderr).toBe(
      `podlens: reaching node ${node} via local (docker: the Docker container ${node} is not running)\n`,
    );
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
