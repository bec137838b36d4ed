// The watch session through its interfaces: captured pod and event streams fed by fake sources,
// transitions collected by a fake sink; --until decided as the pods change, and its exit codes.
import type { KubeEvent, Pod } from '../../src/domain/model.js';
import type { Transition } from '../../src/domain/transitions.js';
import { ExitCode } from '../../src/errors.js';
import {
  WatchRefusedError,
  type ListWatchSource,
  type WatchEvent,
  type WatchHandlers,
} from '../../src/kube/listwatch.js';
import type { LinkStatus } from '../../src/kube/reflector.js';
import { watchedSlice, type VersionedEvent, type WatchedSlice } from '../../src/kube/watch.js';
import { normalizePod } from '../../src/kube/normalize.js';
import { KubeApiError } from '../../src/errors.js';
import { WatchSession, type Sink } from '../../src/watch/session.js';
import { eventsOf, loadWatch, podSnapshots, type WatchFixture } from './watch-fixtures.js';
import { load } from './fixtures.js';

class Source<T> implements ListWatchSource<T> {
  what = 'test objects';
  handlers?: WatchHandlers<T>;
  constructor(private readonly items: T[] = []) {}
  list() {
    return Promise.resolve({ items: this.items, resourceVersion: '1' });
  }
  watch(_rv: string, _timeout: number, h: WatchHandlers<T>) {
    this.handlers = h;
    h.onOpen?.();
    return { stop: () => (this.handlers = undefined) };
  }
  send(e: WatchEvent<T>) {
    this.handlers?.onEvent(e);
  }
}

function setup(
  fx: WatchFixture,
  o: {
    until?: 'ready' | 'done' | 'deleted' | 'succeeded';
    names?: string[];
    expectCreation?: boolean;
    slices?: ListWatchSource<WatchedSlice>;
  } = {},
) {
  const pods = new Source<Pod>();
  const events = new Source<VersionedEvent>();
  const seen: Transition[] = [];
  const notes: string[] = [];
  const sink: Sink = {
    transitions: (ts) => seen.push(...ts),
    link: (_s: LinkStatus) => {},
    note: (t) => notes.push(t),
  };
  const now = new Date(fx.capturedAt);
  const s = new WatchSession({
    pods,
    events,
    endpointSlices: o.slices,
    sink,
    until: o.until,
    names: o.names,
    expectCreation: o.expectCreation,
    now: () => now,
    inactivityMs: 600_000,
  });
  s.done.catch(() => {});
  let rv = 10;
  const sendPod = (type: string, pod: Pod) =>
    pods.send({ type: type as 'ADDED', object: pod, resourceVersion: String(++rv) });
  const sendEvent = (event: KubeEvent) =>
    events.send({ type: 'ADDED', object: { ...event, resourceVersion: String(++rv) }, resourceVersion: String(rv) });
  return { s, seen, notes, sendPod, sendEvent };
}

const racing = <T>(p: Promise<T>) => Promise.race([p, new Promise((r) => setTimeout(() => r('still waiting'), 50))]);

describe('--until ready on the init-to-ready-and-delete capture', () => {
  const fx = loadWatch('init-to-ready-and-delete');
  const snaps = podSnapshots(fx);

  test('-f: waits for the pod to be created and through its init containers, exit 0 once Ready', async () => {
    const { s, seen, sendPod } = setup(fx, { until: 'ready', names: ['two-inits'], expectCreation: true });
    await s.start();
    expect(await racing(s.done)).toBe('still waiting');
    expect(s.stragglers()).toBe('two-inits is not created yet');
    const readyAt = snaps.findIndex((x) => x.pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    for (const { type, pod } of snaps.slice(0, readyAt)) sendPod(type, pod);
    expect(await racing(s.done)).toBe('still waiting');
    sendPod(snaps[readyAt].type, snaps[readyAt].pod);
    expect(await s.done).toEqual({ code: ExitCode.OK, message: undefined });
    expect(seen.map((t) => t.change)).toContain('created');
    expect(seen.some((t) => t.change === 'condition' && t.condition === 'Ready' && t.to === 'True')).toBe(true);
    s.stop();
  });

  test('deleted instead: exit 3 and the sentence says it will not be ready', async () => {
    const { s, sendPod } = setup(fx, { until: 'ready', names: ['two-inits'] });
    await s.start();
    sendPod('ADDED', snaps[0].pod);
    sendPod('DELETED', snaps[0].pod);
    const r = await s.done;
    expect(r.code).toBe(ExitCode.POD_FAILED);
    expect(r.message).toBe('pod two-inits will not be ready: two-inits was deleted.');
  });

  test('an event that arrives before its pod is held, then shown once the pod is known', async () => {
    const { s, seen, sendPod, sendEvent } = setup(fx);
    await s.start();
    const [first] = eventsOf(fx);
    sendEvent(first.event);
    expect(seen.filter((t) => t.change === 'event')).toHaveLength(0);
    sendPod('ADDED', snaps[0].pod);
    expect(seen.filter((t) => t.change === 'event').map((t) => t.reason)).toEqual([first.event.reason]);
    expect(s.stragglers()).toBe('two-inits is Pending (0/1 ready)');
    s.end({ code: ExitCode.OK });
    expect(await s.done).toEqual({ code: ExitCode.OK });
  });
});

test('--until done is reached by Failed too: exit 0, and the line says which', async () => {
  const fx = loadWatch('crashloop');
  const snaps = podSnapshots(fx).filter((x) => x.type !== 'DELETED');
  const { s, sendPod } = setup(fx, { until: 'done' });
  await s.start();
  for (const { type, pod } of snaps) sendPod(type, pod);
  const r = await s.done;
  expect(r.code).toBe(ExitCode.OK);
  expect(r.message).toBe(`pod ${snaps[0].pod.name} is done: it Failed.`);
});

test('--until deleted with nothing in scope is reached at once; a timeout names who is not there', async () => {
  const fx = loadWatch('completes');
  const { s } = setup(fx, { until: 'deleted' });
  await s.start();
  expect((await s.done).code).toBe(ExitCode.OK);
  const other = setup(fx, { until: 'succeeded' });
  await other.s.start();
  expect(other.s.stragglers()).toBe('no pod in scope yet');
  other.s.stop();
});

// The EndpointSlices and pods of scripts/capture-neighbour-fixtures.mjs, sent as a watch would: a
// Service's slice appearing lists its pods, one disappearing drops them; only watched pods get lines.
describe('endpoint lines from slices added and deleted (neighbourhood capture)', () => {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const nbr = (n: string) => load(`neighbourhood/${n}`);
  const raw = nbr('web').endpointSlices!;
  const slice = (name: string) =>
    watchedSlice(raw.find((x: any) => x.metadata.labels['kubernetes.io/service-name'] === name));

  test('joined (ready / not ready), terminating, left; nothing for a pod not watched', async () => {
    const slices = new Source<WatchedSlice>([]);
    const fx = loadWatch('completes'); // only for its capture time
    const t = setup(fx, { slices });
    await t.s.start();
    for (const n of ['web', 'unready', 'leaving']) t.sendPod('ADDED', normalizePod(nbr(n).pod));
    const before = t.seen.length;
    let rv = 3000;
    const send = (type: 'ADDED' | 'DELETED', sl: WatchedSlice) =>
      slices.send({ type, object: sl, resourceVersion: String(++rv) });
    send('ADDED', slice('web'));
    send('ADDED', slice('web-raw'));
    send('ADDED', slice('unready'));
    send('ADDED', slice('leaving'));
    send('DELETED', slice('web-raw'));
    const ep = t.seen.slice(before).map((x) => `${x.pod} ${x.service} ${x.from}->${x.to} ${x.reason}`);
    expect(ep).toEqual([
      'web web null->ready null',
      'web web-raw null->ready null',
      'unready unready null->not-ready null',
      'leaving leaving null->serving-terminating null',
      'web web-raw ready->null null',
    ]);
    // web-metrics lists web too, but its slice never came: nothing about it
    expect(t.seen.some((x) => x.service === 'web-metrics')).toBe(false);
    t.s.stop();
  });

  test('a pod out of scope (not watched) gets no line, and nothing is held for long', async () => {
    const slices = new Source<WatchedSlice>([]);
    const t = setup(loadWatch('completes'), { slices });
    await t.s.start();
    slices.send({ type: 'ADDED', object: slice('web'), resourceVersion: '5000' });
    expect(t.seen).toEqual([]);
    t.s.stop();
  });
});

// scripts/capture-watch-fixtures.mjs endpoints-flip: a pod behind Service flip whose readiness file
// is removed and put back, then the pod deleted; the pod and EndpointSlice streams as they came.
describe('endpoint lines on the endpoints-flip capture', () => {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  let fx: WatchFixture & { slicesList: any; sliceWatch: any[] };
  beforeAll(() => {
    fx = loadWatch('endpoints-flip') as typeof fx;
  });

  async function replay() {
    const slices = new Source<WatchedSlice>(fx.slicesList.items.map(watchedSlice));
    const t = setup(fx, { slices });
    await t.s.start();
    let rv = 1000;
    // the two streams interleaved as they arrived (seq is the capture's arrival order)
    const lines = [
      ...fx.podWatch.map((l: any) => ({ ...l, stream: 'pod' })),
      ...fx.sliceWatch.map((l: any) => ({ ...l, stream: 'slice' })),
    ].sort((x, y) => x.seq - y.seq);
    for (const l of lines) {
      if (l.type === 'BOOKMARK') continue;
      if (l.stream === 'pod') t.sendPod(l.type, normalizePod(l.object));
      else slices.send({ type: l.type, object: watchedSlice(l.object), resourceVersion: String(++rv) });
    }
    t.s.stop();
    return t;
  }

  test('joined, left the ready endpoints because the readiness probe failed, joined again, terminating, gone', async () => {
    const { seen } = await replay();
    const ep = seen.filter((x) => x.change === 'endpoint');
    expect(ep.every((x) => x.service === 'flip' && x.pod === 'flipper')).toBe(true);
    expect(ep.map((x) => `${x.from}->${x.to}${x.reason ? ` (${x.reason})` : ''}`)).toEqual(EXPECTED);
    // each readiness line after the pod's own Ready change it follows from, as the streams came
    const order = seen
      .filter((x) => x.change === 'endpoint' || (x.change === 'condition' && x.condition === 'Ready'))
      .map((x) => (x.change === 'endpoint' ? `endpoint:${x.to}` : `Ready:${x.to}`));
    expect(order).toEqual([
      'endpoint:not-ready',
      'Ready:True',
      'endpoint:ready',
      'Ready:False',
      'endpoint:not-ready',
      'Ready:True',
      'endpoint:ready',
      'endpoint:serving-terminating',
      'Ready:False',
      'endpoint:null',
    ]);
  });

  test('not said: the readiness probe as the reason for a pod being deleted', async () => {
    const { seen } = await replay();
    const deleting = seen.filter((x) => x.change === 'endpoint' && (x.to === null || x.to?.includes('terminating')));
    expect(deleting.length).toBeGreaterThan(0);
    for (const x of deleting) {
      expect(x.reason).toBeNull();
      expect(x.explanation).not.toMatch(/readiness probe/);
    }
  });

  test('a slice line about a pod not seen yet waits for the pod, then is shown once', async () => {
    const slices = new Source<WatchedSlice>([]);
    const t = setup(fx, { slices });
    await t.s.start();
    const withPod = fx.sliceWatch.find((l: any) => (l.object?.endpoints ?? []).length > 0);
    slices.send({ type: 'ADDED', object: watchedSlice(withPod.object), resourceVersion: '2000' });
    expect(t.seen).toHaveLength(0);
    const first = fx.podWatch.find((l: any) => l.type === 'ADDED')!;
    t.sendPod('ADDED', normalizePod(first.object));
    expect(t.seen.filter((x) => x.change === 'endpoint')).toHaveLength(1);
    t.s.stop();
  });

  test.each([
    ['listed before it was deleted', false],
    ['listed only after it was deleted', true],
  ])(
    'a slice that drops a pod deleted 300 deletions before still says it left (%s); nothing about pods never listed',
    async (_, late) => {
      const slices = new Source<WatchedSlice>([]);
      const t = setup(fx, { slices });
      await t.s.start();
      try {
        const raws = fx.podWatch.filter((l: any) => l.type !== 'BOOKMARK').map((l: any) => l.object);
        const readyRaw = raws.find((o: any) =>
          normalizePod(o).conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
        );
        t.sendPod('ADDED', normalizePod(readyRaw));
        const listing = fx.sliceWatch.find((l: any) => l.object.endpoints?.[0]?.conditions?.ready === true);
        const list = () =>
          slices.send({ type: 'ADDED', object: watchedSlice(listing.object), resourceVersion: '2000' });
        if (!late) list();
        t.sendPod('DELETED', normalizePod(raws.at(-1)));
        if (late) list(); // the controller's view of the pods runs behind too
        // the slice controller runs behind: 300 other pods come and go before it drops the first one
        for (let i = 0; i < 300; i++) {
          const other = structuredClone(readyRaw);
          other.metadata.uid = `other-${i}`;
          other.metadata.name = `other-${i}`;
          t.sendPod('ADDED', normalizePod(other));
          t.sendPod('DELETED', normalizePod(other));
        }
        const empty = fx.sliceWatch.find((l: any) => !(l.object.endpoints ?? []).length);
        slices.send({ type: 'MODIFIED', object: watchedSlice(empty.object), resourceVersion: '2001' });
        const ep = t.seen.filter((x) => x.change === 'endpoint');
        expect(ep.map((x) => `${x.pod} ${x.from}->${x.to}`)).toEqual(['flipper null->ready', 'flipper ready->null']);
        expect(ep[1].explanation).toBe('the pod is being deleted: the Service sends it nothing more');
        expect(ep[1].uid).toBe(readyRaw.metadata.uid);
      } finally {
        t.s.stop();
      }
    },
  );

  test('the right to watch EndpointSlices refused later: one note, and the watch goes on', async () => {
    const call = { verb: 'watch', resource: 'endpointslices.discovery.k8s.io', namespace: 'podlens-watch-fixtures' };
    const refusedLater: ListWatchSource<WatchedSlice> = {
      what: 'endpointslices in namespace podlens-watch-fixtures',
      list: () => Promise.resolve({ items: [], resourceVersion: '1' }),
      watch: (_rv, _t, h) => {
        h.onDone(new WatchRefusedError(403, 'forbidden', new KubeApiError(403, call)));
        return { stop: () => {} };
      },
    };
    const t = setup(fx, { slices: refusedLater });
    await t.s.start();
    expect(t.notes).toEqual([
      'podlens: no right to watch endpointslices.discovery.k8s.io in podlens-watch-fixtures: endpoint lines (joined, left, terminating in the endpoints of a Service) are not shown; `list,watch endpointslices.discovery.k8s.io` adds it',
    ]);
    expect(await racing(t.s.done)).toBe('still waiting'); // not ended by it
    t.sendPod('ADDED', normalizePod(fx.podWatch.find((l: any) => l.type === 'ADDED')!.object));
    expect(t.seen.map((x) => x.change)).toContain('created');
    t.s.stop();
  });

  test('no right to list EndpointSlices: one note, and the pods are watched all the same', async () => {
    const refused: ListWatchSource<WatchedSlice> = {
      what: 'endpointslices in namespace podlens-watch-fixtures',
      list: () =>
        Promise.reject(
          new KubeApiError(403, {
            verb: 'list',
            resource: 'endpointslices.discovery.k8s.io',
            namespace: 'podlens-watch-fixtures',
          }),
        ),
      watch: () => ({ stop: () => {} }),
    };
    const t = setup(fx, { slices: refused });
    await t.s.start();
    expect(t.notes).toEqual([
      'podlens: no right to list endpointslices.discovery.k8s.io in podlens-watch-fixtures: endpoint lines (joined, left, terminating in the endpoints of a Service) are not shown; `list,watch endpointslices.discovery.k8s.io` adds it',
    ]);
    t.sendPod('ADDED', normalizePod(fx.podWatch.find((l: any) => l.type === 'ADDED')!.object));
    expect(t.seen.map((x) => x.change)).toContain('created');
    t.s.stop();
  });
});

const EXPECTED = [
  'null->not-ready', // listed once it had an IP, before its first readiness check passed
  'not-ready->ready',
  'ready->not-ready (ReadinessProbeFailed)', // rm /tmp/ready
  'not-ready->ready', // touch /tmp/ready
  'ready->serving-terminating', // deleted, still passing its readiness probe (it traps TERM for 4s)
  'serving-terminating->null',
];
