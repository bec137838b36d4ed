// The node-access strategies without a cluster: the pod strategy against a fake API that replays
// what a real helper pod answered (test/fixtures/node/helper-*, captured by
// scripts/capture-node-fixtures.sh; kubectl's own "command terminated" line is not part of what
// exec returns, so it is dropped), docker's argv, the socket precedence, the runtime check, consent.
import { PassThrough } from 'node:stream';
import { PodlensError, toUserError, KubeApiError } from '../../src/errors.js';
import { ExecError } from '../../src/kube/exec.js';
import { helperManifest, type HelperDeletion } from '../../src/kube/node-api.js';
import { assertContainerd, containerdAddress, helperName, validateName } from '../../src/node/choose.js';
import { collectPod, ctrError } from '../../src/node/collect.js';
import { NodeCommandError, looksNotFound } from '../../src/node/access.js';
import { askConsent } from '../../src/node/consent.js';
import { dockerExecArgv, dockerExecResult } from '../../src/node/docker.js';
import { PodAccess, type HelperApi } from '../../src/node/pod.js';
import { read } from './node-fixtures.js';

const SOCK = '/var/lib/podlens-cluster/containerd/containerd.sock';
const creator = { user: 'ann', host: 'laptop', pid: 4242, processStart: '2026-11-30T19:00:00.000Z' };
const helper = {
  namespace: 'ns1',
  name: 'podlens-helper-vm-abc123',
  node: 'vm',
  image: 'busybox',
  deadlineSeconds: 600,
  creator,
};

function captured(name: string) {
  const stderr = read(`${name}.stderr.txt`)
    .split('\n')
    .filter((l) => l && !l.startsWith('command terminated with exit code'))
    .join('\n');
  return {
    stdout: read(`${name}.stdout.txt`),
    stderr: stderr ? `${stderr}\n` : '',
    exitCode: Number(read(`${name}.exit.txt`).trim()),
  };
}

/** A fake API: creation and phases as scripted, exec answers looked up by the command line. */
function fakeApi(
  answer: (argv: string[]) => { stdout: string; stderr: string; exitCode: number } | Error,
  opts: { create?: Error; phases?: string[]; deletion?: HelperDeletion } = {},
) {
  const calls: string[] = [];
  const phases = [...(opts.phases ?? ['running'])];
  const api: HelperApi = {
    createHelper: async () => {
      calls.push('create');
      if (opts.create) throw opts.create;
    },
    helperPhase: async () => {
      const p = phases.length > 1 ? phases.shift()! : phases[0];
      const [kind, reason] = p.split(':');
      return { kind, reason, pod: `${helper.name}-x1y2z` } as never;
    },
    deleteHelper: async () => {
      calls.push('delete');
      return opts.deletion ?? 'deleted';
    },
    exec: async (_ns, _pod, argv) => {
      calls.push(argv.join(' '));
      const a = answer(argv);
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return { api, calls };
}

const access = (api: HelperApi) =>
  new PodAccess({ api, helper, address: SOCK, timeoutMs: 5000, kubectlArgs: [], notice: () => {}, pollMs: 1 });

describe('pod strategy', () => {
  test("PID 1 refuses (as on this VM): falls back to containerd's PID and says so", async () => {
    const { api, calls } = fakeApi((argv) => {
      if (argv.join(' ').startsWith('nsenter -t 1 ')) return captured('helper-nsenter-pid1');
      if (argv[0] === 'pidof') return captured('helper-pidof');
      return { stdout: '', stderr: '', exitCode: 0 };
    });
    const a = access(api);
    await a.prepare();
    const pid = read('helper-pidof.stdout.txt').trim().split(/\s+/)[0];
    expect(a.how()).toContain(
      `containerd's namespaces (PID ${pid}; PID 1 refused: nsenter: can't open '/proc/1/ns/ipc': Permission denied)`,
    );
    await a.ctr(['tasks', 'ls']);
    expect(calls.at(-1)).toBe(`nsenter -t ${pid} -m -u -i -n -p -- ctr --address ${SOCK} -n k8s.io tasks ls`);
    expect(a.commands()[0]).toBe(
      `kubectl exec -n ns1 job/podlens-helper-vm-abc123 -- nsenter -t 1 -m -u -i -n -p -- ctr --address ${SOCK} -n k8s.io version`,
    );
    await a.close();
    await a.close();
    expect(calls.filter((c) => c === 'delete')).toHaveLength(1);
  });

  test('a node without ctr: the "no ctr" sentence', async () => {
    const { api } = fakeApi(() => captured('helper-no-ctr'));
    const a = access(api);
    // The probe in prepare() meets it first; the command maps it with ctrError, as collectPod does.
    const probe = await a.prepare().catch((e) => e);
    const later = await collectPod({ node: 'vm', access: a, address: SOCK, addressFrom: 'test' }, 'uid').catch(
      (e) => e,
    );
    expect(toUserError(later).message).toMatch(/^ctr is not available on node "vm"/);
    const err = ctrError(probe, 'vm', SOCK);
    expect(toUserError(err)).toEqual({
      exitCode: 1,
      message: expect.stringMatching(
        /^ctr is not available on node "vm" \(`kubectl exec -n ns1 job\/podlens-helper-vm-abc123 -- nsenter -t 1 .* found no ctr\)/,
      ),
    });
    await a.close();
  });

  test('an exec timeout is one sentence naming the command', async () => {
    const { api } = fakeApi(() => new ExecError('timeout', 'no answer', 5000));
    const err = await access(api)
      .prepare()
      .catch((e) => e);
    expect(err).toBeInstanceOf(PodlensError);
    expect(err.message).toBe(
      `the node-side command \`kubectl exec -n ns1 job/podlens-helper-vm-abc123 -- nsenter -t 1 -m -u -i -n -p -- ctr --address ${SOCK} -n k8s.io version\` on node "vm" did not answer within 5s; raise --timeout or check the node.`,
    );
  });

  test('an image that cannot be pulled stops the wait at once', async () => {
    const { api } = fakeApi(() => new Error('no exec expected'), {
      phases: ['pending:ContainerCreating', 'pending:ErrImagePull'],
    });
    const err = await access(api)
      .prepare()
      .catch((e) => e);
    expect(err.message).toMatch(/^the helper image "busybox" cannot be pulled on node "vm" \(ErrImagePull\)/);
  });

  test('a create the API refused (PSA) is not deleted; the sentence names the namespace and level', async () => {
    const psa = new KubeApiError(
      403,
      { verb: 'create', resource: 'pods', namespace: 'ns1' },
      'Forbidden',
      'pods "podlens-helper-vm-abc123" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true), privileged (container "helper" must not set securityContext.privileged=true)',
    );
    const { api, calls } = fakeApi(() => new Error('no exec expected'), { create: psa });
    const a = access(api);
    const err = await a.prepare().catch((e) => e);
    await a.close();
    expect(err.message).toBe(
      'Pod Security Admission in namespace "ns1" rejected the privileged helper pod (enforce level baseline:latest: host namespaces (hostPID=true), privileged (container "helper" must not set securityContext.privileged=true)); pass --helper-namespace with a namespace whose pod-security.kubernetes.io/enforce level is privileged, or use --via local or docker.',
    );
    expect(calls).toEqual(['create']);
  });

  test('the helper still there when the 30 s wait for it runs out: one sentence, exit 1; gone or absent: nothing', async () => {
    const ok = { stdout: '', stderr: '', exitCode: 0 };
    for (const deletion of ['deleted', 'absent'] as const) {
      const a = access(fakeApi(() => ok, { deletion }).api);
      await a.prepare();
      await expect(a.close()).resolves.toBeUndefined();
    }
    const { api, calls } = fakeApi(() => ok, { deletion: 'still-deleting' });
    const a = access(api);
    await a.prepare();
    const err = await a.close().catch((e) => e);
    expect(err).toBeInstanceOf(PodlensError);
    expect(toUserError(err)).toEqual({
      exitCode: 1,
      message:
        'the helper Job ns1/podlens-helper-vm-abc123 and its pod were still there 30s after podlens deleted them: ' +
        'they are still being deleted (in the foreground, so no new pod starts), and Kubernetes finishes that without podlens; ' +
        '`kubectl get job podlens-helper-vm-abc123 -n ns1` shows the Job until its pod is gone, and ' +
        '`podlens cleanup -n ns1` deletes it again if it stays.',
    });
    // one sentence: no second one, no stack, no claim that it is gone or could not be deleted
    expect(err.message.match(/\. /g)).toBeNull();
    expect(err.message).not.toMatch(/could not be removed|(Job|helper|they) (is|was|were|are) gone|\n/);
    expect(calls.filter((c) => c === 'delete')).toHaveLength(1);
  });

  test('the helper manifest: a Job Kubernetes stops and deletes by itself, annotated with its creator', () => {
    const m = helperManifest(helper) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(m).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job' });
    expect(m.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 30 });
    for (const meta of [m.metadata, m.spec.template.metadata]) {
      expect(meta.labels['app.kubernetes.io/managed-by']).toBe('podlens');
      expect(meta.annotations).toMatchObject({
        'podlens.dev/created-by-user': 'ann',
        'podlens.dev/created-on-host': 'laptop',
        'podlens.dev/created-by-pid': '4242',
        'podlens.dev/creator-started-at': '2026-11-30T19:00:00.000Z',
      });
    }
  });

  test('the helper pod: privileged, hostPID, pinned, tolerates everything, stops by itself', () => {
    const m = helperManifest(helper) as any; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(m.spec.template.spec).toMatchObject({
      nodeName: 'vm',
      hostPID: true,
      tolerations: [{ operator: 'Exists' }],
      activeDeadlineSeconds: 600,
      automountServiceAccountToken: false,
    });
    expect(m.spec.template.spec.containers[0]).toMatchObject({
      command: ['sleep', '600'],
      securityContext: { privileged: true },
    });
  });
});

describe('choosing and checking', () => {
  test('docker exec argv keeps every argument separate', () => {
    expect(
      dockerExecArgv('kind-control-plane', [
        'ctr',
        '--address',
        '/run/containerd/containerd.sock',
        '-n',
        'k8s.io',
        'containers',
        'ls',
        'labels."io.kubernetes.pod.uid"==u 1',
      ]),
    ).toEqual([
      'docker',
      'exec',
      'kind-control-plane',
      'ctr',
      '--address',
      '/run/containerd/containerd.sock',
      '-n',
      'k8s.io',
      'containers',
      'ls',
      'labels."io.kubernetes.pod.uid"==u 1',
    ]);
  });
  test('docker exec puts "cannot start the program" on stdout: moved to stderr, and read as no ctr', () => {
    // Captured from docker 28.2.2 (CLI) / 20.10.24 (daemon): `docker exec vm ctr --version` in a container without ctr.
    const stdout =
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "ctr": executable file not found in $PATH: unknown\n';
    const r = dockerExecResult({ stdout, stderr: '', exitCode: 126 });
    expect(r).toEqual({ stdout: '', stderr: stdout, exitCode: 126 });
    const err = ctrError(
      new NodeCommandError(
        'docker exec vm ctr --address /s -n k8s.io tasks ls',
        r.exitCode,
        r.stderr,
        looksNotFound(r),
      ),
      'vm',
      '/s',
    ) as PodlensError;
    expect(err.message).toMatch(/^ctr is not available on node "vm" \(`docker exec vm ctr /);
    const ok = { stdout: 'OCI runtime exec failed is what this container printed\n', stderr: '', exitCode: 0 };
    expect(dockerExecResult(ok)).toBe(ok);
  });
  test('socket: flag, then $CONTAINERD_ADDRESS, then the kubelet, then the default', async () => {
    const kubelet = async () => 'unix:///var/lib/podlens-cluster/containerd/containerd.sock';
    expect(await containerdAddress('unix:///a.sock', { CONTAINERD_ADDRESS: '/b.sock' }, kubelet)).toEqual({
      address: '/a.sock',
      from: '--containerd-address',
    });
    expect(await containerdAddress(undefined, { CONTAINERD_ADDRESS: '/b.sock' }, kubelet)).toEqual({
      address: '/b.sock',
      from: '$CONTAINERD_ADDRESS',
    });
    expect(await containerdAddress(undefined, {}, kubelet)).toEqual({
      address: SOCK,
      from: "the kubelet's config (configz)",
    });
    expect(
      await containerdAddress(undefined, {}, async () => {
        throw new Error('403');
      }),
    ).toEqual({ address: '/run/containerd/containerd.sock', from: 'default' });
  });
  test('a node that does not run containerd is not supported, with the runtime named', () => {
    expect(() => assertContainerd({ name: 'n1', runtime: 'cri-o://1.30.4', addresses: [] })).toThrow(
      'node "n1" runs cri-o://1.30.4: podlens pause/node support containerd only (ctr reads its containers).',
    );
    expect(() => assertContainerd({ name: 'vm', runtime: 'containerd://1.6.20', addresses: [] })).not.toThrow();
  });
  test('names are validated; helper names fit 63 characters', () => {
    expect(() => validateName('pod', 'web-0')).not.toThrow();
    for (const bad of ['Web', 'a b', 'x;y', '$(id)', '-a', ''])
      expect(() => validateName('pod', bad)).toThrow(/^invalid pod name/);
    const n = helperName('a'.repeat(70) + '.example.com');
    expect(n.length).toBeLessThanOrEqual(63);
    expect(n).toMatch(/^podlens-helper-a+-[0-9a-f]{6}$/);
  });
  test('consent: off a terminal without --yes it refuses with exit 2; --yes passes', async () => {
    const stdin = Object.assign(new PassThrough(), { isTTY: false });
    const err = await askConsent('a pod', false, { stdin, stderr: { write: () => true } }).catch((e) => e);
    expect(toUserError(err).exitCode).toBe(2);
    await expect(askConsent('a pod', true, { stdin, stderr: { write: () => true } })).resolves.toBeUndefined();
  });
  test('consent on a terminal: "y" goes on, anything else stops', async () => {
    for (const [answer, ok] of [
      ['y\n', true],
      ['\n', false],
    ] as const) {
      const stdin = Object.assign(new PassThrough(), { isTTY: true });
      const p = askConsent('a pod', false, { stdin, stderr: new PassThrough() });
      stdin.write(answer);
      if (ok) await expect(p).resolves.toBeUndefined();
      else await expect(p).rejects.toThrow('not confirmed: nothing was created.');
    }
  });
});
