// Issue 13, the neighbourhood over time: a Deployment of two pods behind a Service whose exec
// readiness probe (`cat /tmp/ready`) is flipped with kubectl exec. `podlens watch` (one more watch per
// scope: EndpointSlices) says when a pod leaves the Service's ready endpoints and why (the readiness
// probe, only when the pod's status shows it), when it joins again, and when a pod being deleted is
// terminating in them and leaves (never "readiness probe failed" then), in ndjson and in text, in time
// order; the many-pods view names the Service that does not list the unready pod as ready.
import { apply, is, kubectlOk, podlens, sleep, useNamespace, waitFor, waitForPod } from './support.js';
import { startWatch, validateLine, type Line, type Watcher } from './watch-support.js';

const ns = useNamespace('nbrwatch-endpoints');

/* eslint-disable @typescript-eslint/no-explicit-any */
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        terminationGracePeriodSeconds: 2,
        containers: [
          {
            name: 'app',
            image: 'busybox',
            imagePullPolicy: 'IfNotPresent',
            command: ['sh', '-c', 'touch /tmp/ready; trap "exit 0" TERM; while true; do sleep 1; done'],
            readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      },
    },
  },
};
const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
};

async function podNames(): Promise<string[]> {
  const list = JSON.parse(await kubectlOk(['-n', ns.name, 'get', 'pods', '-l', 'app=web', '-o', 'json'])).items;
  return list
    .filter((p: any) => !p.metadata.deletionTimestamp)
    .map((p: any) => p.metadata.name as string)
    .sort();
}

/** How the Service's EndpointSlices list the pod now: ready, not-ready, or absent. */
async function listed(pod: string): Promise<string> {
  const slices = JSON.parse(
    await kubectlOk(['-n', ns.name, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json']),
  ).items;
  const e = slices.flatMap((s: any) => s.endpoints ?? []).find((x: any) => x.targetRef?.name === pod);
  return e ? (e.conditions?.ready ? 'ready' : 'not-ready') : 'absent';
}

const untilListed = (pod: string, state: string) =>
  waitFor(`${pod} ${state} in the endpoints of web`, async () => ((await listed(pod)) === state ? true : undefined));

const flip = (pod: string, ready: boolean) =>
  kubectlOk(['-n', ns.name, 'exec', pod, '--', ...(ready ? ['touch', '/tmp/ready'] : ['rm', '-f', '/tmp/ready'])]);

let a = '';
let b = '';

beforeAll(async () => {
  await apply([deployment, service], ns.name);
  await waitFor('two pods of web', async () => ((await podNames()).length === 2 ? true : undefined), 90_000);
  [a, b] = await podNames();
  await Promise.all([a, b].map((p) => waitForPod(ns.name, p, is.condition('Ready'))));
  await Promise.all([a, b].map((p) => untilListed(p, 'ready')));
}, 150_000);

const endpointLines = (w: Watcher, pod: string) =>
  w.lines.filter((l: Line) => l.change === 'endpoint' && l.pod === pod);

describe('endpoint transitions in podlens watch (live)', () => {
  let w: Watcher | undefined;
  afterEach(async () => {
    w?.kill('SIGKILL');
    w = undefined;
    await flip(a, true).catch(() => {});
  });

  test('ndjson: left the ready endpoints (readiness probe failed), joined again; a deleted pod terminating and gone without that reason', async () => {
    w = startWatch(['-n', ns.name, '-o', 'ndjson']);
    await w.until('the first lines', (l) => l.change === 'initial' && l.pod === b);
    await sleep(1000); // the EndpointSlice list is in (it is made with the pods')
    await flip(a, false);
    const left = await w.until('a left', (l) => l.change === 'endpoint' && l.pod === a && l.to === 'not-ready');
    expect(left).toMatchObject({ service: 'web', from: 'ready', reason: 'ReadinessProbeFailed', namespace: ns.name });
    expect(left.explanation).toBe(
      'the readiness probe of container app fails: the Service sends it no new connections until the probe passes again',
    );
    await flip(a, true);
    const joined = await w.until('a joined', (l) => l.change === 'endpoint' && l.pod === a && l.to === 'ready');
    expect(joined).toMatchObject({ service: 'web', from: 'not-ready', reason: null });
    // in the order it happened: Ready False, left, Ready True, joined
    const seq = w.lines
      .filter(
        (l: Line) => l.pod === a && (l.change === 'endpoint' || (l.change === 'condition' && l.condition === 'Ready')),
      )
      .map((l: Line) => `${l.change}:${l.to}`);
    expect(seq).toEqual(['condition:False', 'endpoint:not-ready', 'condition:True', 'endpoint:ready']);

    await kubectlOk(['-n', ns.name, 'delete', 'pod', b, '--wait=false']);
    await w.until('b left', (l) => l.change === 'endpoint' && l.pod === b && l.to === null, 60_000);
    const bLines = endpointLines(w, b);
    // terminating first (serving or not, as its readiness stood), then gone; never the probe as the reason
    expect(bLines.map((l: Line) => l.to).slice(-1)).toEqual([null]);
    expect(bLines.some((l: Line) => l.to === 'terminating' || l.to === 'serving-terminating')).toBe(true);
    for (const l of bLines) {
      expect(l.reason).toBeNull();
      expect(l.explanation).not.toMatch(/readiness probe/);
    }
    expect(bLines.find((l: Line) => l.to === null).explanation).toMatch(/being deleted|no longer list/);
    // the Deployment's replacement joins
    const c = await waitFor('the replacement', async () => (await podNames()).find((n) => n !== a));
    await w.until('c joined ready', (l) => l.change === 'endpoint' && l.pod === c && l.to === 'ready', 60_000);
    expect(endpointLines(w, a)).toHaveLength(2); // nothing about a while b went and c came
    for (const l of w.lines)
      expect([l.change, validateLine(l) ? 'valid' : validateLine.errors]).toEqual([l.change, 'valid']);
    w.kill('SIGINT');
    expect(await w.exit).toBe(0);
    b = c;
  }, 150_000);

  test('text (with --events none: endpoint lines are no events): the two lines in time order', async () => {
    w = startWatch(['-n', ns.name, '--events', 'none']);
    await waitFor('the first lines', async () => (w!.stdout().includes(`${b}  now`) ? true : undefined));
    await sleep(1000);
    await flip(a, false);
    const leftText = `${a}  left the ready endpoints of Service web: readiness probe failed  - the readiness probe of container app fails`;
    await waitFor('left in text', async () => (w!.stdout().includes(leftText) ? true : undefined), 30_000, 200);
    await flip(a, true);
    const joinedText = `${a}  joined the endpoints of Service web (ready)  - the Service lists it as ready`;
    await waitFor('joined in text', async () => (w!.stdout().includes(joinedText) ? true : undefined), 30_000, 200);
    const out = w.stdout();
    expect(out.indexOf(leftText)).toBeLessThan(out.indexOf(joinedText));
    expect(out).not.toMatch(/ event /); // --events none
    const times = out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(0, 8));
    expect([...times].sort()).toEqual(times); // time order
    expect(w.stderr()).toBe('');
    w.kill('SIGINT');
    expect(await w.exit).toBe(0);
  }, 90_000);
});

describe('the many-pods view names the Service (live)', () => {
  afterAll(async () => {
    await flip(a, true).catch(() => {});
  });

  test('an unready pod: "not a ready endpoint of Service web", in text and -o json; not said of the ready one', async () => {
    await flip(a, false);
    await untilListed(a, 'not-ready');
    const [t, j] = await Promise.all([
      podlens(['describe', '-n', ns.name], { env: { COLUMNS: '200' } }),
      podlens(['describe', '-n', ns.name, '-o', 'json']),
    ]);
    expect([t.code, t.stderr, j.code, j.stderr]).toEqual([0, '', 0, '']);
    expect(t.stdout).toContain(`1 pod: EndpointNotReady, not a ready endpoint of Service web (${a})\n`);
    const items = JSON.parse(j.stdout).items;
    const mine = items.find((i: any) => i.name === a);
    expect(mine.neighbourhood).toEqual([
      { severity: 'warning', code: 'EndpointNotReady', cause: 'not a ready endpoint of Service web' },
    ]);
    for (const other of items.filter((i: any) => i.name !== a)) expect(other.neighbourhood).toEqual([]);
    expect(JSON.parse(j.stdout).around).toEqual([
      expect.objectContaining({ count: 1, code: 'EndpointNotReady', pods: [{ namespace: ns.name, name: a }] }),
    ]);
    await flip(a, true);
    await untilListed(a, 'ready');
    const again = await podlens(['describe', '-n', ns.name]);
    expect(again.stdout).not.toContain('EndpointNotReady');
  }, 90_000);
});
