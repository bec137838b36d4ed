// podlens watch under faults, on the live cluster: a half-open connection (black-holed by a TCP
// proxy that never closes it), a pod deleted while disconnected, TCP resets, 410 Gone after the
// API server's watch cache moved past podlens' resourceVersion, and the API server restarted while
// a pod completes. Each asserts that every transition is reported, and reported once.
import { run } from './support.js';
import { apply, is, kubectlOk, pod, useNamespace, waitFor, waitForPod } from './support.js';
import {
  FaultProxy,
  adminRequest,
  duplicates,
  isExpired,
  podSequence,
  proxiedKubeconfig,
  sleep,
  startWatch,
  validateLine,
  type Watcher,
} from './watch-support.js';

const ns = useNamespace('watch-faults');
const sleeper = (name: string, extra: Record<string, unknown> = {}) =>
  pod(name, { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 3600'] }] }, extra);
const INACTIVITY = { PODLENS_WATCH_INACTIVITY_MS: '3000' };
// The local cluster's etcd takes only clients with a certificate from its own CA (as kubeadm's).
const PKI = '/var/lib/podlens-cluster/pki';
const ETCD = 'https://127.0.0.1:2379';
const ETCD_CLIENT = [
  '-s',
  '--cacert',
  `${PKI}/etcd-ca.crt`,
  '--cert',
  `${PKI}/apiserver-etcd-client.crt`,
  '--key',
  `${PKI}/apiserver-etcd-client.key`,
];

let proxy: FaultProxy;
let w: Watcher | undefined;

beforeAll(async () => {
  const real = await proxiedKubeconfig(0);
  proxy = new FaultProxy(real.host, real.port);
  await proxy.start();
});

afterEach(async () => {
  w?.kill('SIGKILL');
  w = undefined;
});

afterAll(async () => {
  await proxy?.close();
});

async function throughProxy(args: string[]): Promise<Watcher> {
  const kc = await proxiedKubeconfig(proxy.port);
  return startWatch(['--kubeconfig', kc.file, ...args], INACTIVITY);
}

const listRv = async () =>
  (await adminRequest('GET', `/api/v1/namespaces/${ns.name}/pods`)).body.metadata.resourceVersion as string;

describe('podlens watch under faults (live)', () => {
  test('a half-open connection is detected by the inactivity timer; a pod deleted meanwhile is reported once; resets reconnect', async () => {
    await apply([sleeper('victim'), sleeper('bystander')], ns.name);
    await waitForPod(ns.name, 'victim', is.condition('Ready'));
    w = await throughProxy(['-n', ns.name, '-o', 'ndjson']);
    await w.until('initial victim', (l) => l.change === 'initial' && l.pod === 'victim');
    await sleep(7000); // two inactivity periods of a healthy, quiet watch: replaced quietly, nothing to report
    expect(w.stderr()).toBe('');

    proxy.blackhole();
    await w.untilStderr(
      /lost the watch of pods in namespace \S+ \(no answer from the API server within 3s \(connection presumed dead\)\); reconnecting/,
      30_000,
    );
    await kubectlOk(['-n', ns.name, 'delete', 'pod', 'victim', '--wait=true', '--timeout=60s']);
    expect(w.lines.filter((l) => l.pod === 'victim' && l.change !== 'initial')).toEqual([]); // nothing gets through

    proxy.pass();
    await w.until('victim deleted', (l) => l.pod === 'victim' && l.change === 'deleted', 60_000);
    await w.untilStderr(/watching pods in namespace \S+ again/);
    const seq = podSequence(w.lines, 'victim');
    expect(seq[0]).toBe('initial=Running');
    expect(seq.filter((s) => s.startsWith('deletion-requested'))).toHaveLength(1);
    expect(seq.filter((s) => s === 'deleted')).toHaveLength(1);
    expect(seq.at(-1)).toBe('deleted');

    // A TCP reset: an error at once, a reconnect, and the next change still arrives, once.
    proxy.reset();
    await apply(sleeper('after-reset'), ns.name);
    await w.until(
      'after-reset Ready',
      (l) => l.pod === 'after-reset' && l.condition === 'Ready' && l.to === 'True',
      90_000,
    );
    expect(podSequence(w.lines, 'after-reset').filter((s) => s === 'created=Pending')).toHaveLength(1);
    expect(duplicates(w.lines)).toEqual([]);
    for (const l of w.lines) expect(validateLine(l)).toBe(true);
  });

  test('410 Gone: held off while the watch cache moves past its resourceVersion, podlens lists again and reports what changed once', async () => {
    await apply([sleeper('keeper'), sleeper('doomed')], ns.name);
    await Promise.all([
      waitForPod(ns.name, 'keeper', is.condition('Ready')),
      waitForPod(ns.name, 'doomed', is.condition('Ready')),
    ]);
    w = await throughProxy(['-n', ns.name, '-o', 'ndjson']);
    await w.until('initial doomed', (l) => l.change === 'initial' && l.pod === 'doomed');
    await sleep(3000); // both first lists done and both watches open (a first list that fails is fatal, as in kubectl)
    proxy.blackhole();
    const rv = await listRv(); // podlens holds this version or an older one
    await kubectlOk(['-n', ns.name, 'delete', 'pod', 'doomed', '--wait=true', '--timeout=60s']);
    await apply(sleeper('newcomer'), ns.name);
    await waitForPod(ns.name, 'newcomer', is.condition('Ready'));

    // Move the server past that version: churn pod updates and compact etcd past it. The API
    // server answers watches from its watch cache, which keeps events for at least 75s and grows
    // while they are fresh, so compaction alone does not expire a cached version; if churn has not
    // done it within 20s, a restart of the API server (podlens, black-holed, does not see it)
    // starts the cache afresh, and the version is then too old for certain.
    const started = Date.now();
    let n = 0;
    let restarted = false;
    while (!(await isExpired(ns.name, rv))) {
      if (Date.now() - started > 20_000 && !restarted) {
        const revision = JSON.parse(
          (await run('curl', [...ETCD_CLIENT, '-X', 'POST', `${ETCD}/v3/kv/range`, '-d', '{"key":"AA=="}'])).stdout,
        ).header.revision;
        await run('curl', [
          ...ETCD_CLIENT,
          '-X',
          'POST',
          `${ETCD}/v3/kv/compaction`,
          '-d',
          JSON.stringify({ revision, physical: true }),
        ]);
        expect(
          (await run('npm', ['run', '-s', 'cluster:restart', '--', 'kube-apiserver'], { timeoutMs: 150_000 })).code,
        ).toBe(0);
        restarted = true;
        continue;
      }
      if (Date.now() - started > 120_000) throw new Error(`resourceVersion ${rv} still not expired after ${n} updates`);
      await Promise.all(
        Array.from({ length: 10 }, () =>
          adminRequest('PATCH', `/api/v1/namespaces/${ns.name}/pods/keeper`, {
            metadata: { annotations: { churn: String(n++) } },
          }),
        ),
      );
    }
    console.log(
      `410 for ${rv} after ${Math.round((Date.now() - started) / 1000)}s, ${n} pod updates${restarted ? ', etcd compaction and an API server restart' : ''}`,
    );

    proxy.pass();
    await w.untilStderr(
      /lost the watch of pods in namespace \S+ \(.*(too old resource version|410).*\); listing again to catch up/,
      60_000,
    );
    await w.until('newcomer created', (l) => l.pod === 'newcomer' && l.change === 'created', 60_000);
    await w.until('doomed deleted', (l) => l.pod === 'doomed' && l.change === 'deleted', 60_000);
    await w.untilStderr(/watching pods in namespace \S+ again/);
    await sleep(2000);
    const doomed = w.lines.filter((l) => l.pod === 'doomed' && l.change !== 'event');
    // Deleted while disconnected: the relist only knows it is gone, and says so once.
    expect(doomed.map((l) => `${l.change}/${l.source}`)).toEqual(['initial/list', 'deleted/relist']);
    const newcomer = w.lines.filter((l) => l.pod === 'newcomer' && l.change !== 'event');
    // Created while disconnected: one "created", then the state it reached, all marked relist.
    expect(newcomer[0].change).toBe('created');
    expect(newcomer.every((l) => l.source === 'relist')).toBe(true);
    expect(podSequence(w.lines, 'newcomer')).toContain('condition:Ready=True');
    expect(newcomer[0].explanation).toMatch(/while podlens was disconnected/);
    // keeper only had annotations changed: nothing to report, however many updates it got.
    expect(w.lines.filter((l) => l.pod === 'keeper' && l.change !== 'initial' && l.change !== 'event')).toEqual([]);
    expect(duplicates(w.lines)).toEqual([]);
  });

  test('the API server restarted while a pod completes: the completion is reported after the watch resumes, exactly once', async () => {
    await apply(
      pod('finisher', {
        restartPolicy: 'Never',
        // Long enough that a loaded machine (CI on 2 cores) still sees it running before it completes.
        containers: [{ name: 'task', image: 'busybox', command: ['sh', '-c', 'sleep 15; echo done'] }],
      }),
      ns.name,
    );
    w = startWatch(['finisher', '-n', ns.name, '-o', 'ndjson', '--until', 'done', '--timeout', '200s']); // default inactivity: the restart itself must be noticed
    await w.until(
      'task running',
      (l) =>
        (l.change === 'container' && l.container === 'task' && l.to === 'running') ||
        (l.change === 'initial' && l.to === 'Running'),
      120_000,
    );
    const restartedAt = Date.now();
    const restart = await run('npm', ['run', '-s', 'cluster:restart', '--', 'kube-apiserver'], { timeoutMs: 150_000 });
    expect(restart.code).toBe(0);
    expect(await w.exit).toBe(0);
    expect(w.stderr()).toMatch(/lost the watch of pods in namespace/);
    const seq = podSequence(w.lines, 'finisher');
    expect(seq.filter((s) => s === 'container:task=terminated')).toHaveLength(1);
    expect(seq.filter((s) => s === 'phase=Succeeded')).toHaveLength(1);
    expect(w.lines.find((l) => l.change === 'container' && l.to === 'terminated')).toMatchObject({
      exitCode: 0,
      reason: 'Completed',
    });
    // Seen only after the restart began: the watch really was cut while the pod completed.
    expect(Date.parse(w.lines.find((l) => l.change === 'phase' && l.to === 'Succeeded').observedAt)).toBeGreaterThan(
      restartedAt,
    );
    console.log(
      `apiserver restart took ${Math.round((Date.now() - restartedAt) / 1000)}s; podlens said:\n${w.stderr()}`,
    );
    expect(duplicates(w.lines)).toEqual([]);
    await waitFor('the API server', async () =>
      (await run('kubectl', ['get', '--raw', '/readyz'])).code === 0 ? true : undefined,
    );
  });
});
