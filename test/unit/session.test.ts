// The watch session through its interfaces: captured pod and event streams fed by fake sources,
// transitions collected by a fake sink; --until decided as the pods change, and its exit codes.
import type { KubeEvent, Pod } from '../../src/domain/model.js';
import type { Transition } from '../../src/domain/transitions.js';
import { ExitCode } from '../../src/errors.js';
import type { ListWatchSource, WatchEvent, WatchHandlers } from '../../src/kube/listwatch.js';
import type { LinkStatus } from '../../src/kube/reflector.js';
import type { VersionedEvent } from '../../src/kube/watch.js';
import { WatchSession, type Sink } from '../../src/watch/session.js';
import { eventsOf, loadWatch, podSnapshots, type WatchFixture } from './watch-fixtures.js';

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
  o: { until?: 'ready' | 'done' | 'deleted' | 'succeeded'; names?: string[]; expectCreation?: boolean } = {},
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
