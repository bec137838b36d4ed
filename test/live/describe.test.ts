// podlens describe against the live cluster: every failure case of issue 3, created in parallel.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  apply,
  BIN,
  is,
  kubeconfig,
  kubectlOk,
  podlens,
  pod,
  run,
  useNamespace,
  waitForPod,
  kubectl,
  type RawPod,
} from './support.js';

const ns = useNamespace('describe');

const busy = (name: string, command: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'busybox',
  command: ['sh', '-c', command],
  ...extra,
});
const nginx = (extra: Record<string, unknown> = {}) => ({
  name: 'web',
  image: 'nginx',
  ports: [{ containerPort: 80 }],
  ...extra,
});

const PODS = [
  pod('no-node', { nodeSelector: { disktype: 'none-has-this' }, containers: [nginx()] }),
  pod('too-big', { containers: [nginx({ resources: { requests: { cpu: '500' } } })] }),
  pod('no-image', { containers: [{ name: 'app', image: 'podlens-missing-image:0.0.1' }] }),
  pod('crasher', { containers: [busy('app', 'echo "fatal: no config" >&2; exit 3')] }),
  pod('hog', {
    containers: [busy('hog', 'echo filling memory; tail /dev/zero', { resources: { limits: { memory: '20Mi' } } })],
  }),
  pod('init-fails', {
    restartPolicy: 'Never',
    initContainers: [busy('wait-db', 'echo db unreachable; exit 2')],
    containers: [nginx()],
  }),
  pod('init-slow', { initContainers: [busy('first', 'true'), busy('second', 'sleep 3600')], containers: [nginx()] }),
  pod('one-shot', { restartPolicy: 'Never', containers: [busy('task', 'echo done')] }),
  pod('sidecar', {
    initContainers: [busy('shipper', 'sleep 3600', { restartPolicy: 'Always' })],
    containers: [nginx()],
  }),
  pod('standalone', { containers: [nginx()] }),
  pod('not-ready', {
    containers: [
      nginx({ readinessProbe: { httpGet: { path: '/nope', port: 80 }, periodSeconds: 2, failureThreshold: 1 } }),
    ],
  }),
  pod('held', { containers: [busy('app', 'sleep 3600')] }, { finalizers: ['podlens.dev/test-hold'] }),
  // Two containers declaring the same port (nginx listens on it; the other only sleeps).
  pod('same-port', { containers: [nginx(), busy('sidekick', 'sleep 3600', { ports: [{ containerPort: 80 }] })] }),
  // Gets an ephemeral container from kubectl debug once it is ready.
  pod('debugged', { containers: [nginx()] }),
];
const DEPLOY = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'shop' } },
    template: {
      metadata: { labels: { app: 'shop' } },
      spec: { terminationGracePeriodSeconds: 1, containers: [nginx({ imagePullPolicy: 'IfNotPresent' })] },
    },
  },
};

async function describe1(name: string, ...args: string[]) {
  return podlens(['describe', name, '-n', ns.name, ...args]);
}
async function json(name: string) {
  const r = await describe1(name, '-o', 'json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

beforeAll(async () => {
  await apply([...PODS, DEPLOY], ns.name);
  await Promise.all([
    waitForPod(ns.name, 'no-node', is.condition('PodScheduled', 'False', 'Unschedulable')),
    waitForPod(ns.name, 'too-big', is.condition('PodScheduled', 'False', 'Unschedulable')),
    waitForPod(
      ns.name,
      'no-image',
      (p) => is.waiting('app', 'ImagePullBackOff')(p) || is.waiting('app', 'ErrImagePull')(p),
    ),
    waitForPod(ns.name, 'crasher', is.all(is.waiting('app', 'CrashLoopBackOff'), is.lastTerminated('app'))),
    waitForPod(ns.name, 'hog', is.lastTerminated('hog', 'OOMKilled')),
    waitForPod(ns.name, 'init-fails', is.phase('Failed')),
    waitForPod(ns.name, 'init-slow', is.running('second')),
    waitForPod(ns.name, 'one-shot', is.phase('Succeeded')),
    waitForPod(ns.name, 'sidecar', is.condition('Ready')),
    waitForPod(ns.name, 'standalone', is.condition('Ready')),
    waitForPod(ns.name, 'not-ready', is.running('web')),
    waitForPod(ns.name, 'held', is.condition('Ready')),
    waitForPod(ns.name, 'same-port', is.condition('Ready')),
    (async () => {
      await waitForPod(ns.name, 'debugged', is.condition('Ready'));
      await kubectlOk([
        '-n',
        ns.name,
        'debug',
        'debugged',
        '--image=busybox',
        '--image-pull-policy=IfNotPresent',
        '--container=debugger',
        '--target=web',
        '--profile=general',
        '--',
        'sleep',
        '3600',
      ]);
      await waitForPod(
        ns.name,
        'debugged',
        (p: RawPod) =>
          Boolean(
            (p.status?.ephemeralContainerStatuses ?? []).find((c: RawPod) => c.name === 'debugger')?.state?.running,
          ),
        'ephemeral container running',
      );
    })(),
  ]);
  // The readiness probe needs a few failures to leave evidence.
  await new Promise((r) => setTimeout(r, 5000));
}, 200_000);

afterAll(async () => {
  await kubectl(['-n', ns.name, 'patch', 'pod', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
});

test('unschedulable: nodeSelector', async () => {
  const r = await describe1('no-node');
  expect(r.code).toBe(0);
  expect(r.stdout.replace(/\s+/g, ' ')).toContain(
    // other nodes of the cluster (e.g. KWOK's tainted fake nodes for benchmarks) add their causes after it
    'Verdict: ERROR Unschedulable: no node carries the labels of its nodeSelector disktype=none-has-this',
  );
  expect(r.stdout.replace(/\s+/g, ' ')).toContain(', so the scheduler cannot place the pod (scheduler: "0/');
  expect(r.stdout).toMatch(/Phase:\s+Pending \(Unschedulable\)/);
});

test('unschedulable: resources', async () => {
  const j = await json('too-big');
  expect(j.verdict.code).toBe('Unschedulable');
  expect(j.verdict.summary).toContain(
    'container "web" requests 500 CPUs (cpu: "500"); 500m (0.5 CPU) was probably meant',
  );
  expect(j.verdict.cause).toMatch(/^cpu request 500 is 500 CPUs \(500m meant\?\)/);
});

test('image that does not exist', async () => {
  const j = await json('no-image');
  expect(['ErrImagePull', 'ImagePullBackOff']).toContain(j.verdict.code);
  expect(j.verdict.severity).toBe('error');
  expect(j.verdict.summary).toContain('podlens-missing-image:0.0.1');
  expect(j.phase.state).toBe('ImagePullError');
});

test('CrashLoopBackOff with its exit code and previous log; --exit-code exits 3', async () => {
  // Between two restarts the container runs, then is Terminated for a moment (verdict Error, as in the
  // README): describe it while the kubelet holds it in CrashLoopBackOff, asking again if it moved on.
  let r = await describe1('crasher', '--exit-code');
  for (let i = 0; i < 5 && !r.stdout.includes('ERROR CrashLoopBackOff'); i++) {
    await waitForPod(ns.name, 'crasher', is.waiting('app', 'CrashLoopBackOff'), 'back in CrashLoopBackOff');
    r = await describe1('crasher', '--exit-code');
  }
  expect(r.code).toBe(3);
  expect(r.stdout.replace(/\s+/g, ' ')).toMatch(
    /Verdict: ERROR CrashLoopBackOff: container "app" keeps stopping: its last run exited with exit code 3/,
  );
  expect(r.stdout).toContain('| fatal: no config');
  expect(r.stdout).toContain(`kubectl -n ${ns.name} logs crasher -c app --previous`);
});

test('OOMKilled names the limit', async () => {
  const j = await json('hog');
  expect(j.verdict.code).toBe('OOMKilled');
  expect(j.verdict.summary).toContain('memory limit of 20Mi');
  expect(j.containers[0].lastTermination).toMatchObject({ exitCode: 137, reason: 'OOMKilled', signal: 'SIGKILL' });
});

test('init container failing under restartPolicy Never', async () => {
  const j = await json('init-fails');
  expect(j.pod.status).toBe('Init:Error');
  expect(j.verdict.severity).toBe('error');
  expect(j.verdict.summary).toContain('init container "wait-db" (1 of 1) exited with exit code 2');
  expect(j.verdict.summary).toContain('with restartPolicy Never the pod does not retry it');
  expect(j.containers[0].log.lines).toEqual(['db unreachable']);
});

test('init containers in progress', async () => {
  const j = await json('init-slow');
  expect(j.pod.status).toBe('Init:1/2');
  expect(j.verdict).toMatchObject({ severity: 'progressing', code: 'ContainersNotInitialized' });
  expect(j.phase.state).toBe('Initializing');
  expect(j.phase.meaning).toContain('init container 2 of 2 ("second") is running');
});

test('completed pod', async () => {
  const j = await json('one-shot');
  expect(j.verdict).toMatchObject({ severity: 'ok', code: 'Completed' });
  expect(j.pod.status).toBe('Completed');
});

test('native sidecar', async () => {
  const j = await json('sidecar');
  expect(j.containers.map((c: { kind: string; name: string }) => `${c.kind}/${c.name}`)).toEqual([
    'sidecar/shipper',
    'app/web',
  ]);
  expect(j.pod.ready).toBe('2/2');
  expect(j.network.sharedBy).toEqual(['shipper', 'web']);
});

test('standalone vs owned by a Deployment (and deploy/NAME lists its pods)', async () => {
  const s = await describe1('standalone');
  expect(s.stdout).toContain('! standalone pod: no controller owns it');
  expect(s.stdout).toMatch(/Verdict:\s+OK Running/);
  await kubectlOk(['-n', ns.name, 'rollout', 'status', 'deploy/shop', '--timeout=90s']);
  const d = await podlens(['describe', 'deploy/shop', '-n', ns.name]);
  expect(d.code).toBe(0);
  const lines = d.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+NODE\s+VERDICT$/);
  expect(lines).toHaveLength(3);
  const one = lines[1].split(/\s+/)[0];
  const j = await json(one);
  expect(j.pod.owner.kind).toBe('ReplicaSet');
  expect(j.pod.ownerChain).toEqual([j.pod.owner, { kind: 'Deployment', name: 'shop' }]);
  expect(j.findings.some((f: { code: string }) => f.code === 'NoController')).toBe(false);
});

test('readiness probe failing', async () => {
  const j = await json('not-ready');
  expect(j.verdict.code).toBe('Unhealthy');
  expect(j.verdict.summary).toContain(
    'readiness probe http-get http://:80/nope (every 2s, timeout 1s, no initial delay; 1 failure in a row marks it not ready) fails: HTTP probe failed with statuscode: 404',
  );
  expect(j.phase.state).toBe('NotReady');
});

test('deletion held by a finalizer', async () => {
  await kubectlOk(['-n', ns.name, 'delete', 'pod', 'held', '--wait=false']);
  await waitForPod(ns.name, 'held', (p: RawPod) => Boolean(p.metadata.deletionTimestamp));
  const j = await json('held');
  expect(j.phase.state).toBe('Terminating');
  expect(j.pod.deletion.finalizers).toEqual(['podlens.dev/test-hold']);
  expect(['DeletionHeldByFinalizers', 'Terminating']).toContain(j.verdict.code);
  // Its container is killed after the 1s grace period and the phase moves to Failed: let that
  // happen here, so that the agreement test below does not see the phase change between two calls.
  await waitForPod(
    ns.name,
    'held',
    (p: RawPod) => ['Failed', 'Succeeded'].includes(p.status?.phase),
    'containers stopped',
  );
  const after = await json('held');
  expect(after.verdict.code).toBe('DeletionHeldByFinalizers');
  expect(after.phase.state).toBe('Terminating');
});

test('phase, status, node, IP and restarts agree with kubectl', async () => {
  const pods = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'pods', '-o', 'json'])).items as RawPod[];
  const table = await kubectlOk(['-n', ns.name, 'get', 'pods', '--no-headers']);
  const kubectlStatus = new Map(
    table
      .trim()
      .split('\n')
      .map((l) => {
        const f = l.split(/\s+/);
        return [f[0], { ready: f[1], status: f[2], restarts: Number(f[3]) }];
      }),
  );
  const r = await podlens(['describe', '-n', ns.name, '-o', 'json']);
  expect(r.code).toBe(0);
  const items = JSON.parse(r.stdout).items as {
    name: string;
    phase: string;
    status: string;
    node: string | null;
    podIP: string | null;
    restarts: number;
    ready: string;
  }[];
  for (const p of pods) {
    const mine = items.find((i) => i.name === p.metadata.name)!;
    const k = kubectlStatus.get(p.metadata.name)!;
    const restarts = [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])].reduce(
      (n: number, s: RawPod) => n + s.restartCount,
      0,
    );
    expect({ name: mine.name, phase: mine.phase, node: mine.node, podIP: mine.podIP }).toEqual({
      name: p.metadata.name,
      phase: p.status.phase,
      node: p.spec.nodeName ?? null,
      podIP: p.status.podIP ?? null,
    });
    // Restarts can tick between the two calls on crash-looping pods; status and ready are stable here.
    if (!['crasher', 'hog'].includes(p.metadata.name)) {
      expect({ status: mine.status, ready: mine.ready, restarts: mine.restarts }).toEqual(k);
      expect(mine.restarts).toBe(restarts);
    }
  }
});

test('-l selects, -A spans namespaces, one line per pod', async () => {
  const l = await podlens(['describe', '-n', ns.name, '-l', 'app=shop']);
  expect(l.stdout.trim().split('\n')).toHaveLength(3);
  const a = await podlens(['describe', '-A']);
  expect(a.code).toBe(0);
  expect(a.stdout).toMatch(/^NAMESPACE\s+NAME/);
  expect(a.stdout).toContain(ns.name);
});

test('-o yaml', async () => {
  const r = await describe1('one-shot', '-o', 'yaml');
  expect(r.stdout).toMatch(/^apiVersion: podlens.dev\/v2\nkind: PodReport\n/);
});

test('two containers declaring the same port: a warning names both', async () => {
  const j = await json('same-port');
  expect(j.network.ports).toEqual([
    { container: 'web', port: 80, protocol: 'TCP', name: null, hostPort: null },
    { container: 'sidekick', port: 80, protocol: 'TCP', name: null, hostPort: null },
  ]);
  expect(j.network.conflicts).toEqual([
    'containers "web" and "sidekick" both declare 80/TCP: they share one network namespace, so only one of them can listen on it',
  ]);
  expect(j.verdict).toEqual({
    severity: 'ok',
    code: 'Running',
    cause: 'running and ready',
    summary: 'running and ready: 2/2 containers ready, 0 restarts',
  });
  const t = await describe1('same-port');
  expect(t.code).toBe(0);
  expect(t.stdout).toMatch(/^\s+Ports:\s+web 80\/TCP, sidekick 80\/TCP$/m);
  expect(t.stdout.replace(/\s+/g, ' ')).toContain(
    '! containers "web" and "sidekick" both declare 80/TCP: they share one network namespace, so only one of them can listen on it',
  );
});

test('an ephemeral container added by kubectl debug is kind ephemeral; the pod stays ready', async () => {
  const j = await json('debugged');
  expect(
    j.containers.map((c: { kind: string; name: string; image: string; state: string; ready: boolean }) => [
      c.kind,
      c.name,
      c.image,
      c.state,
      c.ready,
    ]),
  ).toEqual([
    ['app', 'web', 'nginx', 'Running', true],
    ['ephemeral', 'debugger', 'busybox', 'Running', false],
  ]);
  expect(j.verdict).toEqual({
    severity: 'ok',
    code: 'Running',
    cause: 'running and ready',
    summary: 'running and ready: 1/1 containers ready, 0 restarts',
  });
  expect(j.pod.ready).toBe('1/1');
  const t = await describe1('debugged');
  expect(t.stdout).toMatch(/^\s+ephemeral\s+debugger\s+busybox\s+Running\s+0\s+no\s+-$/m);
  expect(t.stdout).toMatch(/Verdict:\s+OK Running: running and ready: 1\/1 containers ready, 0 restarts/);
});

test('kubectl podlens describe (kubectl plugin) prints what podlens describe prints', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'podlens-plugin-'));
  try {
    symlinkSync(BIN, join(dir, 'kubectl-podlens'));
    const env = { KUBECONFIG: kubeconfig(), NO_COLOR: '1', PATH: `${dir}${delimiter}${process.env.PATH}` };
    const list = await run('kubectl', ['plugin', 'list', '--name-only'], { env });
    expect(list.stdout.split('\n')).toContain('kubectl-podlens');
    const [viaKubectl, direct] = await Promise.all([
      run('kubectl', ['podlens', 'describe', 'same-port', '-n', ns.name], { env }),
      podlens(['describe', 'same-port', '-n', ns.name]),
    ]);
    expect(viaKubectl.stderr).toBe('');
    expect(viaKubectl.code).toBe(0);
    // Ages may tick between the two runs (and widen a column): compare with ages and spacing masked.
    const masked = (s: string) => s.replace(/\b\d+(?:[smhd]\d*[smh]?)\b/g, 'AGE').replace(/[ \t]+/g, ' ');
    expect(masked(viaKubectl.stdout)).toBe(masked(direct.stdout));
    expect(viaKubectl.stdout).toContain(`Pod:        ${ns.name}/same-port`);
    const code = await run('kubectl', ['podlens', 'describe', 'no-such-pod', '-n', ns.name], { env });
    expect(code.code).toBe(1);
    expect(code.stderr).toMatch(/^error: pod "no-such-pod" not found in namespace/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('several pods off a terminal: lines fit 100 columns, the cause cut at a word but the severity whole; -o json in full', async () => {
  const [t, j] = await Promise.all([
    podlens(['describe', '-n', ns.name]),
    podlens(['describe', '-n', ns.name, '-o', 'json']),
  ]);
  expect(t.code).toBe(0);
  const items = JSON.parse(j.stdout).items as {
    name: string;
    verdict: { severity: string; code: string; cause: string; summary: string };
  }[];
  const lines = t.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(items.length + 1);
  for (const it of items) {
    const line = lines.find((l) => l.startsWith(`${it.name} `))!;
    const sev = `  ${it.verdict.severity.toUpperCase()} `;
    expect(line).toContain(sev);
    const shown = line.slice(line.lastIndexOf(sev) + sev.length);
    if (line.length > 100) expect(shown.length).toBeLessThanOrEqual(12);
    if (shown.endsWith('…')) expect(it.verdict.cause.startsWith(shown.slice(0, -1))).toBe(true);
    else expect(shown).toBe(it.verdict.cause);
  }
  expect(lines.some((l) => l.endsWith('…'))).toBe(true);
});
