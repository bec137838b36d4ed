// `podlens pause` on the live cluster, --via local and --via pod, on the seed's shared-network pod.
// What podlens says is checked against ctr run directly and /proc/PID/ns/net read directly on this
// host (the node), and against the API. Every helper-pod run must leave no helper behind: after a
// normal run, an error, a Pod Security rejection, a timeout, and SIGINT/SIGTERM/SIGHUP to the CLI.
import { spawn } from 'node:child_process';
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SOCK, expectPauseAgreesWithNode, helpersIn, startSharedNetworkPod } from './shared-network.js';
import {
  BIN,
  createNamespace,
  deleteNamespace,
  kubeconfig,
  kubectl,
  kubectlOk,
  podlens,
  sleep,
  tokenKubeconfig,
  useNamespace,
  waitFor,
} from './support.js';

const ns = useNamespace('pause');
let uid = '';
let podIP = '';

beforeAll(async () => {
  const p = await startSharedNetworkPod(ns.name);
  uid = p.metadata.uid;
  podIP = p.status.podIP;
}, 120_000);

test('--via local: sandbox, PIDs and inodes agree with ctr and /proc on this host', async () => {
  const r = await podlens(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'local', '-o', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  await expectPauseAgreesWithNode(JSON.parse(r.stdout), uid, podIP);
});

test('--via pod: the same answers through a helper pod, and no helper remains', async () => {
  const r = await podlens(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'pod', '--yes', '-o', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  await expectPauseAgreesWithNode(report, uid, podIP);
  expect(report.access.via).toBe('pod');
  expect(
    report.access.commands.some((c: string) => / -- nsenter -t \d+ -m -u -i -n -p -- ctr --address /.test(c)),
  ).toBe(true);
  expect(await helpersIn(ns.name)).toEqual([]);
});

test("text with --show-commands: the statement, the API IP beside the node's, the commands", async () => {
  const r = await podlens(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'local', '--show-commands'], {
    env: { COLUMNS: '300' },
  });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Pod IP:   API ${podIP}   node (inside the pause's network namespace) ${podIP}   agree`);
  expect(r.stdout).toMatch(/nginx and alpine run in the network namespace of the pause container \(net:\[\d+\]\)/);
  expect(r.stdout).toContain(
    `$ ctr --address ${SOCK} -n k8s.io containers ls 'labels."io.kubernetes.pod.uid"==${uid}'`,
  );
  expect(r.stdout).toMatch(/\$ readlink \/proc\/\d+\/ns\/net/);
});

test('off a terminal, the helper pod needs --yes: exit 2, nothing created', async () => {
  const r = await podlens(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'pod']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(
    /^error: podlens would create a privileged helper pod .* stdin is not a terminal, so it cannot ask: pass --yes to allow it/,
  );
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(await helpersIn(ns.name)).toEqual([]);
});

test('a helper image that cannot be pulled: one sentence, exit 1, helper removed', async () => {
  const r = await podlens([
    'pause',
    'shared-network-pod',
    '-n',
    ns.name,
    '--via',
    'pod',
    '--yes',
    '--image',
    'podlens-no-such-image',
  ]);
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^error: the helper image "podlens-no-such-image" cannot be pulled on node "\S+" \((ErrImagePull|ImagePullBackOff)/,
  );
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(await helpersIn(ns.name)).toEqual([]);
});

test('an exec that never answers: the timeout sentence, exit 1, helper removed', async () => {
  // A socket that accepts connections and never speaks: ctr waits on it (up to its own 10s).
  const sock = join(tmpdir(), `podlens-hang-${process.pid}.sock`);
  const server = spawn(
    'python3',
    [
      '-c',
      `import socket,time\ns=socket.socket(socket.AF_UNIX)\ns.bind(${JSON.stringify(sock)})\ns.listen(16)\ntime.sleep(60)`,
    ],
    { stdio: 'ignore' },
  );
  try {
    await waitFor(
      'the silent socket',
      async () => (existsSync(sock) && statSync(sock).isSocket()) || undefined,
      5000,
      100,
    );
    const r = await podlens([
      'pause',
      'shared-network-pod',
      '-n',
      ns.name,
      '--via',
      'pod',
      '--yes',
      '--containerd-address',
      sock,
      '--timeout',
      '4s',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^error: the node-side command `kubectl exec .* ctr --address \S+ -n k8s.io version` on node "\S+" did not answer within 4s; raise --timeout or check the node\.\n$/,
    );
    expect(await helpersIn(ns.name)).toEqual([]);
  } finally {
    server.kill('SIGKILL');
    try {
      unlinkSync(sock);
    } catch {
      // already gone
    }
  }
});

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129], // a dropped ssh session
] as const) {
  test(`${signal} while the helper pod exists: exit ${code}, helper removed`, async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'pause', 'shared-network-pod', '-n', ns.name, '--via', 'pod', '--yes', '--timeout', '120s'],
      {
        env: { ...process.env, KUBECONFIG: kubeconfig(), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    await waitFor(
      'the helper pod to appear',
      async () => ((await helpersIn(ns.name)).length ? true : undefined),
      30_000,
      100,
    );
    child.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr).toContain(`podlens: ${signal}: removing helper Job ${ns.name}/podlens-helper-`);
    expect(await helpersIn(ns.name)).toEqual([]);
  });
}

test('Pod Security Admission at baseline rejects the helper: one sentence, exit 1, nothing left', async () => {
  const restricted = await createNamespace('podlens-pause-psa');
  try {
    await kubectlOk(['label', 'namespace', restricted, 'pod-security.kubernetes.io/enforce=baseline']);
    const r = await podlens([
      'pause',
      'shared-network-pod',
      '-n',
      ns.name,
      '--via',
      'pod',
      '--yes',
      '--helper-namespace',
      restricted,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: Pod Security Admission in namespace "${restricted}" rejected the privileged helper pod \\(enforce level baseline:latest: .*host namespaces.*privileged.*\\); pass --helper-namespace`,
      ),
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(await helpersIn(restricted)).toEqual([]);
  } finally {
    await deleteNamespace(restricted);
  }
});

test('a user who may not create jobs: the RBAC sentence, exit 1', async () => {
  const sa = 'reader';
  const role = `podlens-pause-reader-${ns.name}`;
  await kubectlOk(['-n', ns.name, 'create', 'serviceaccount', sa]);
  await kubectlOk(['create', 'clusterrole', role, '--verb=get,list', '--resource=pods,nodes,namespaces']);
  try {
    await kubectlOk([
      'create',
      'clusterrolebinding',
      role,
      `--clusterrole=${role}`,
      `--serviceaccount=${ns.name}:${sa}`,
    ]);
    const token = (await kubectlOk(['-n', ns.name, 'create', 'token', sa])).trim();
    const file = await tokenKubeconfig(token, ns.name, 'pause-reader');
    const r = await podlens(['pause', 'shared-network-pod', '--via', 'pod', '--yes'], { env: { KUBECONFIG: file } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: not allowed to create jobs in namespace "${ns.name}" as system:serviceaccount:${ns.name}:${sa} (RBAC forbidden); ask for a Role granting "create" on "jobs".\n`,
    );
    expect(await helpersIn(ns.name)).toEqual([]);
  } finally {
    await kubectl(['delete', 'clusterrolebinding', role, '--ignore-not-found']);
    await kubectl(['delete', 'clusterrole', role, '--ignore-not-found']);
  }
});

test('auto on this machine picks local and says so', async () => {
  const r = await podlens(['pause', 'shared-network-pod', '-n', ns.name, '-o', 'json']);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/^podlens: reaching node \S+ via local \(docker: .*\)\n$/);
  expect(JSON.parse(r.stdout).access.via).toBe('local');
});

test('names are validated before any use', async () => {
  const r = await podlens(['pause', 'x;rm -rf /', '--via', 'local']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: invalid pod name "x;rm -rf \/"/);
  await sleep(0);
});
