// The list-then-watch machinery, driven by a real captured pod stream through a fake source and a
// fake clock: resume, bookmarks, 410 relist diff, backoff, inactivity, refusal.
import type { Pod } from '../../src/domain/model.js';
import {
  ResourceExpiredError,
  WatchRefusedError,
  type ListWatchSource,
  type WatchEvent,
  type WatchHandlers,
} from '../../src/kube/listwatch.js';
import { Reflector, type Change, type Clock, type LinkStatus } from '../../src/kube/reflector.js';
import { normalizePod } from '../../src/kube/normalize.js';
import { loadWatch } from './watch-fixtures.js';

class FakeClock implements Clock {
  t = 1_000_000;
  timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 1;
  rand = 0.5;
  now = () => this.t;
  random = () => this.rand;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  /** Runs due timers in order, advancing time. */
  advance(ms: number) {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > end) break;
      this.timers.shift();
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
  pendingDelays() {
    return this.timers.map((x) => x.at - this.t);
  }
}

interface WatchCall {
  rv: string;
  timeout: number;
  h: WatchHandlers<Pod>;
  stopped: boolean;
}

class FakeSource implements ListWatchSource<Pod> {
  what = 'pods in namespace test';
  lists: { items: Pod[]; resourceVersion: string }[] = [];
  listCalls = 0;
  watches: WatchCall[] = [];
  async list() {
    this.listCalls++;
    const l = this.lists.shift();
    if (!l) throw new Error('connection refused');
    return l;
  }
  watch(rv: string, timeout: number, h: WatchHandlers<Pod>) {
    const w: WatchCall = { rv, timeout, h, stopped: false };
    this.watches.push(w);
    return { stop: () => (w.stopped = true) };
  }
  get last() {
    return this.watches.at(-1)!;
  }
}

const fx = loadWatch('init-to-ready-and-delete');
const stream: WatchEvent<Pod>[] = fx.podWatch.map((l) =>
  l.type === 'BOOKMARK'
    ? { type: 'BOOKMARK', resourceVersion: l.object.metadata.resourceVersion }
    : { type: l.type as 'ADDED', object: normalizePod(l.object), resourceVersion: l.object.metadata.resourceVersion },
);
const rvOf = (i: number) => stream[i].resourceVersion;
const podAt = (i: number) => (stream[i] as { object: Pod }).object;
const flush = () => new Promise((r) => setImmediate(r));

function setup(opts: { inactivityMs?: number; retain?: (p: Pod) => Pod } = {}) {
  const clock = new FakeClock();
  const source = new FakeSource();
  const changes: Change<Pod>[] = [];
  const statuses: LinkStatus[] = [];
  const fatal: unknown[] = [];
  const r = new Reflector<Pod>({
    source,
    keyOf: (p) => p.uid,
    versionOf: (p) => p.resourceVersion,
    retain: opts.retain,
    onInitial: () => {},
    onChange: (c) => changes.push(c),
    onStatus: (s) => statuses.push(s),
    onFatal: (e) => fatal.push(e),
    minWatchTimeoutSeconds: 300,
    inactivityMs: opts.inactivityMs ?? 75_000,
    clock,
  });
  return { clock, source, changes, statuses, fatal, r };
}

const summary = (cs: Change<Pod>[]) => cs.map((c) => `${c.type}@${c.after.resourceVersion}/${c.source}`);

describe('Reflector on a captured pod stream', () => {
  test('lists, then watches from the list resourceVersion with bookmarks and a jittered timeout', async () => {
    const { source, r, changes } = setup();
    source.lists.push({ items: [], resourceVersion: fx.podsList.metadata.resourceVersion });
    await r.start();
    expect(source.last.rv).toBe(fx.podsList.metadata.resourceVersion);
    expect(source.last.timeout).toBe(450); // 300 * (1 + 0.5)
    for (const e of stream) source.last.h.onEvent(e);
    expect(changes.map((c) => c.type)).toEqual(['added', ...Array(stream.length - 2).fill('modified'), 'deleted']);
    expect(r.size).toBe(0);
    expect(r.resourceVersion).toBe(rvOf(stream.length - 1));
  });

  test('a server close resumes from the last resourceVersion; a replayed event is not reported twice', async () => {
    const { source, r, changes, clock } = setup();
    source.lists.push({ items: [], resourceVersion: '1' });
    await r.start();
    for (const e of stream.slice(0, 5)) source.last.h.onEvent(e);
    source.last.h.onEvent({ type: 'BOOKMARK', resourceVersion: '99999' });
    clock.advance(2000);
    source.last.h.onDone(null);
    expect(source.watches).toHaveLength(2);
    expect(source.last.rv).toBe('99999');
    expect(source.listCalls).toBe(1);
    // The server replays event 4 (same resourceVersion): no new change.
    source.last.h.onEvent(stream[4]);
    source.last.h.onEvent(stream[5]);
    expect(summary(changes)).toEqual(
      stream.slice(0, 6).map((e, i) => `${i === 0 ? 'added' : 'modified'}@${e.resourceVersion}/watch`),
    );
  });

  test('410 Gone: relists and reports what changed while disconnected exactly once, deletions included', async () => {
    const { source, r, changes, statuses, clock } = setup();
    const other = { ...podAt(0), uid: 'other-uid', name: 'other', resourceVersion: '10' };
    source.lists.push({ items: [other], resourceVersion: '10' });
    await r.start();
    for (const e of stream.slice(0, 3)) source.last.h.onEvent(e);
    changes.length = 0;
    // Meanwhile: our pod moved on to Ready (index 7), "other" was deleted, a new pod appeared.
    const fresh = { ...podAt(0), uid: 'fresh-uid', name: 'fresh', resourceVersion: '2000' };
    source.lists.push({ items: [podAt(7), fresh], resourceVersion: '2001' });
    source.last.h.onDone(new ResourceExpiredError());
    expect(statuses.at(-1)!.state).toBe('relisting');
    clock.advance(0);
    await flush();
    expect(source.listCalls).toBe(2);
    expect(changes.map((c) => `${c.type}:${c.after.name}@${c.after.resourceVersion}/${c.source}`)).toEqual([
      `modified:two-inits@${rvOf(7)}/relist`,
      'added:fresh@2000/relist',
      'deleted:other@10/relist',
    ]);
    expect(changes[0].before!.resourceVersion).toBe(rvOf(2));
    expect(source.last.rv).toBe('2001');
    // The new watch delivers the DELETED of "other" again and an old version of ours: nothing new.
    source.last.h.onEvent({ type: 'DELETED', object: other, resourceVersion: '2002' });
    source.last.h.onEvent(stream[7]);
    expect(changes).toHaveLength(3);
  });

  test('retain: the store keeps the cut-down form, given back as before; versions still compared', async () => {
    const slim = (p: Pod) => ({ ...p, containers: [], initContainers: [] }) as Pod;
    const { source, r, changes, clock } = setup({ retain: slim });
    source.lists.push({ items: [podAt(0)], resourceVersion: '10' });
    await r.start();
    expect(r.get(podAt(0).uid)!.containers).toEqual([]);
    source.last.h.onEvent(stream[1]);
    expect(changes[0].after).toBe(podAt(1)); // the change carries the whole new object
    expect(changes[0].before!.containers).toEqual([]); // what was held: the retained form
    expect(changes[0].before!.resourceVersion).toBe(rvOf(0));
    source.last.h.onEvent(stream[1]); // a replay of the same version: no change
    expect(changes).toHaveLength(1);
    // A relist that finds the pod gone reports it with the retained form.
    source.lists.push({ items: [], resourceVersion: '5000' });
    source.last.h.onDone(new ResourceExpiredError());
    clock.advance(0);
    await flush();
    expect(changes.map((c) => c.type)).toEqual(['modified', 'deleted']);
    expect(changes[1].after.containers).toEqual([]);
  });

  test('errors back off exponentially with jitter; a good event resets the backoff', async () => {
    const { source, r, clock, statuses } = setup();
    source.lists.push({ items: [], resourceVersion: '1' });
    await r.start();
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      source.last.h.onDone(new Error('connect ECONNREFUSED'));
      delays.push(clock.pendingDelays().find((d) => d < 75_000)!);
      clock.advance(delays.at(-1)!);
    }
    expect(delays).toEqual([375, 750, 1500, 3000, 6000, 12000, 22500, 22500]); // base * 0.75, capped at 30s
    expect(statuses.at(-1)).toMatchObject({ state: 'reconnecting', attempt: 8, error: 'connect ECONNREFUSED' });
    source.last.h.onOpen!();
    source.last.h.onEvent(stream[0]);
    expect(statuses.at(-1)!.state).toBe('watching');
    source.last.h.onDone(new Error('reset'));
    expect(clock.pendingDelays().find((d) => d < 75_000)).toBe(375);
  });

  test('no byte for the inactivity period: the connection is replaced quietly; if the new one gets no answer, the link is reported down', async () => {
    const { source, r, clock, statuses } = setup({ inactivityMs: 5000 });
    source.lists.push({ items: [], resourceVersion: '1' });
    await r.start();
    source.last.h.onOpen!();
    source.last.h.onEvent(stream[0]);
    clock.advance(4999);
    expect(source.watches).toHaveLength(1);
    clock.advance(1);
    expect(source.watches[0].stopped).toBe(true);
    expect(source.watches).toHaveLength(2); // replaced at once, from the last resourceVersion
    expect(source.last.rv).toBe(rvOf(0));
    expect(statuses.at(-1)!.state).toBe('watching'); // nothing to report yet
    // The replacement never answers (black hole): that is reported, then retried with backoff.
    clock.advance(5000);
    expect(source.watches[1].stopped).toBe(true);
    expect(statuses.at(-1)).toMatchObject({
      state: 'reconnecting',
      error: 'no answer from the API server within 5s (connection presumed dead)',
    });
    clock.advance(375);
    expect(source.watches).toHaveLength(3);
    source.last.h.onOpen!();
    clock.advance(1000);
    expect(statuses.at(-1)!.state).toBe('watching');
    // Late events from the abandoned streams are ignored.
    source.watches[0].h.onEvent(stream[1]);
    source.watches[1].h.onEvent(stream[1]);
    expect(r.get(podAt(0).uid)!.resourceVersion).toBe(rvOf(0));
  });

  test('a refused watch (403) is fatal: no retry loop', async () => {
    const { source, r, clock, fatal } = setup();
    source.lists.push({ items: [], resourceVersion: '1' });
    await r.start();
    source.last.h.onDone(new WatchRefusedError(403, 'forbidden'));
    clock.advance(120_000);
    expect(fatal).toHaveLength(1);
    expect(source.watches).toHaveLength(1);
    expect(r.link.state).toBe('stopped');
  });

  test('410 met on reconnecting after many failures: the relist is immediate, not after the backoff', async () => {
    const { source, r, clock, statuses } = setup();
    source.lists.push({ items: [], resourceVersion: '1' });
    await r.start();
    for (let i = 0; i < 6; i++) {
      source.last.h.onDone(new Error('connect ECONNREFUSED'));
      clock.advance(30_000);
    }
    source.lists.push({ items: [podAt(3)], resourceVersion: '9000' });
    source.last.h.onOpen!();
    source.last.h.onDone(new ResourceExpiredError('too old resource version: 1 (8000)'));
    expect(statuses.at(-1)).toMatchObject({ state: 'relisting', error: 'too old resource version: 1 (8000)' });
    clock.advance(0);
    await flush();
    expect(source.listCalls).toBe(2);
    expect(source.last.rv).toBe('9000');
    // A 410 again right after that relist does wait (no list loop).
    source.last.h.onDone(new ResourceExpiredError());
    clock.advance(0);
    await flush();
    expect(source.listCalls).toBe(2);
  });

  test('a relist that fails is retried with backoff until it succeeds', async () => {
    const { source, r, clock, changes } = setup();
    source.lists.push({ items: [], resourceVersion: '1' });
    await r.start();
    source.last.h.onDone(new ResourceExpiredError());
    clock.advance(0);
    await flush();
    expect(source.listCalls).toBe(2);
    source.lists.push({ items: [podAt(3)], resourceVersion: '5000' });
    clock.advance(30_000);
    await flush();
    expect(source.listCalls).toBe(3);
    expect(summary(changes)).toEqual([`added@${rvOf(3)}/relist`]);
    expect(source.last.rv).toBe('5000');
  });
});
