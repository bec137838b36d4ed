// The benchmark harness' pure helpers (bench/stats.mjs): the figures in bench/results/latest.json
// and the README are only as right as these.
import { membership, membershipChanges, type Membership } from '../../src/domain/endpoint-transitions.js';
import { normalizeEndpointSlice } from '../../src/kube/normalize-neighbours.js';
import {
  completeness,
  endpointTransitions,
  cpuSecondsFromStat,
  jsonStreamSplitter,
  lags,
  median,
  pairedRatio,
  peakRssMbFromStatus,
  percentile,
  podTransitions,
  podlensEndpointTransition,
  podlensTransition,
  splitJsonStream,
  table,
  type Transition,
} from '../../bench/stats.mjs';
import { loadWatch, type WatchFixture } from './watch-fixtures.js';

describe('median and percentile', () => {
  test('odd and even counts, order does not matter', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(median([5, NaN, 1])).toBe(3);
  });

  test('nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 50)).toBe(50);
    expect(percentile(xs, 99)).toBe(99);
    expect(percentile(xs, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('pairedRatio', () => {
  test('is the median of the per-pair ratios, not the ratio of medians', () => {
    // A noisy round slows both members of its pair: the pair's ratio stays put.
    const r = pairedRatio([100, 400, 110], [200, 800, 100]);
    expect(r.ratios).toEqual([0.5, 0.5, 1.1]);
    expect(r.median).toBe(0.5);
  });

  test('refuses samples of different lengths', () => {
    expect(() => pairedRatio([1, 2], [1])).toThrow(/differ in length/);
  });
});

describe('/proc parsing', () => {
  test('CPU seconds from /proc/PID/stat, with spaces and parentheses in the command name', () => {
    // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '4242 (node (my) app) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 1000 0 0';
    expect(cpuSecondsFromStat(stat, 100)).toBe(3);
  });

  test('peak RSS from VmHWM in /proc/PID/status', () => {
    expect(peakRssMbFromStatus('Name:\tnode\nVmPeak:\t 900000 kB\nVmHWM:\t   102400 kB\nVmRSS:\t 51200 kB\n')).toBe(
      100,
    );
    expect(peakRssMbFromStatus('Name:\tnode\n')).toBeNaN();
  });
});

describe('splitJsonStream', () => {
  test('splits kubectl -w -o json output across chunk boundaries, braces in strings included', () => {
    const a = JSON.stringify({ metadata: { name: 'a', note: 'a } { "tricky" \\ string' } }, null, 4);
    const b = JSON.stringify({ metadata: { name: 'b' }, items: [1, { x: 2 }] }, null, 4);
    const whole = `${a}\n${b}\n`;
    const cut = whole.length - 10;
    const first = splitJsonStream(whole.slice(0, cut));
    expect(first.values).toEqual([JSON.parse(a)]);
    const second = splitJsonStream(first.rest + whole.slice(cut));
    expect(second.values).toEqual([JSON.parse(b)]);
    expect(second.rest.trim()).toBe('');
  });
});

describe('jsonStreamSplitter', () => {
  test('gives the same values whatever the chunking, one character at a time included', () => {
    const objs = [
      { kind: 'PodList', items: [{ a: '}{' }, { b: [1, 2] }] },
      { kind: 'Pod', s: 'quote \\" and \\\\' },
      { kind: 'Pod', n: 3 },
    ];
    const text = objs.map((o) => JSON.stringify(o, null, 4)).join('\n');
    for (const size of [1, 7, 64, text.length]) {
      const s = jsonStreamSplitter();
      const got: unknown[] = [];
      for (let i = 0; i < text.length; i += size) got.push(...s.push(text.slice(i, i + size)));
      expect(got).toEqual(objs);
      expect(s.pending).toBe(0);
    }
  });
});

const pod = (uid: string, phase?: string) => ({ metadata: { uid, name: uid }, status: phase ? { phase } : {} });

describe('podTransitions (the truth from a watch stream)', () => {
  test('creation, each phase change once, deletion; status-only updates are not transitions', () => {
    const t = podTransitions([
      { type: 'ADDED', object: pod('u1', 'Pending'), at: 1 },
      { type: 'MODIFIED', object: pod('u1', 'Pending'), at: 2 }, // scheduled, IP, init running...
      { type: 'MODIFIED', object: pod('u1', 'Running'), at: 3 },
      { type: 'MODIFIED', object: pod('u1', 'Running'), at: 4 }, // deletion requested
      { type: 'DELETED', object: pod('u1', 'Running'), at: 5 },
    ]);
    expect(t).toEqual([
      { uid: 'u1', change: 'created', at: 1 },
      { uid: 'u1', change: 'phase', phase: 'Running', at: 3 },
      { uid: 'u1', change: 'deleted', at: 5 },
    ]);
  });

  test('a missing phase counts as Pending; a deletion of a pod never seen is ignored', () => {
    expect(
      podTransitions([
        { type: 'ADDED', object: pod('u2') },
        { type: 'DELETED', object: pod('u3') },
      ]),
    ).toEqual([{ uid: 'u2', change: 'created', at: undefined }]);
  });
});

describe('podlensTransition (ndjson lines of podlens watch)', () => {
  test('keeps creations, phase changes and deletions; drops the rest', () => {
    expect(podlensTransition({ change: 'created', uid: 'u1', to: 'Pending' }, 10)).toEqual({
      uid: 'u1',
      change: 'created',
      at: 10,
    });
    expect(podlensTransition({ change: 'phase', uid: 'u1', to: 'Running' }, 11)).toEqual({
      uid: 'u1',
      change: 'phase',
      phase: 'Running',
      at: 11,
    });
    expect(podlensTransition({ change: 'deleted', uid: 'u1' }, 12)).toEqual({ uid: 'u1', change: 'deleted', at: 12 });
    expect(podlensTransition({ change: 'condition', uid: 'u1', to: 'True' })).toBeUndefined();
    expect(podlensTransition({ change: 'initial', uid: 'u1', to: 'Running' })).toBeUndefined();
  });
});

describe('completeness', () => {
  const truth: Transition[] = [
    { uid: 'a', change: 'created' },
    { uid: 'a', change: 'phase', phase: 'Running' },
    { uid: 'a', change: 'deleted' },
    { uid: 'b', change: 'created' },
    { uid: 'b', change: 'deleted' },
  ];

  test('everything seen exactly once', () => {
    expect(completeness(truth, [...truth].reverse())).toMatchObject({
      expected: 5,
      missed: 0,
      duplicates: 0,
      unexpected: 0,
    });
  });

  test('counts what was missed, each extra report, and what never happened', () => {
    const seen: Transition[] = [
      { uid: 'a', change: 'created' },
      { uid: 'a', change: 'created' },
      { uid: 'a', change: 'created' },
      { uid: 'a', change: 'phase', phase: 'Running' },
      { uid: 'a', change: 'phase', phase: 'Failed' },
      { uid: 'b', change: 'created' },
    ];
    const c = completeness(truth, seen);
    expect(c).toMatchObject({ expected: 5, missed: 2, duplicates: 2, unexpected: 1 });
    expect(c.examples.missed).toEqual(['a deleted', 'b deleted']);
    expect(c.examples.duplicates).toEqual(['a created', 'a created']);
    expect(c.examples.unexpected).toEqual(['a phase Failed']);
  });
});

describe('endpointTransitions (the truth of endpoint lines from an EndpointSlice watch stream)', () => {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const fx = loadWatch('endpoints-flip') as WatchFixture & { slicesList: any; sliceWatch: any[] };
  const listed: any[] = fx.slicesList.items;
  const stream = fx.sliceWatch.filter((l) => l.type !== 'BOOKMARK').map((l, i) => ({ ...l, at: i }));

  /** What podlens' own domain makes of the same stream: each Service's membership before and after each event. */
  function podlensOwn(): { uid: string; service: string; to: string | null; at: number }[] {
    const held = new Map<string, any>(listed.map((s) => [s.metadata.name, s]));
    const of = (service: string): Membership =>
      membership([...held.values()].map(normalizeEndpointSlice).filter((s) => s.service === service));
    const out: { uid: string; service: string; to: string | null; at: number }[] = [];
    for (const e of stream) {
      const service = e.object.metadata.labels['kubernetes.io/service-name'];
      const before = of(service);
      if (e.type === 'DELETED') held.delete(e.object.metadata.name);
      else held.set(e.object.metadata.name, e.object);
      for (const ch of membershipChanges(before, of(service))) out.push({ uid: ch.uid, service, to: ch.to, at: e.at });
    }
    return out;
  }

  test("on the captured stream it agrees with podlens' own membership diff, and it has something to agree on", () => {
    const truth = endpointTransitions(stream, listed);
    expect(truth.length).toBeGreaterThan(1);
    expect(truth.some((t) => t.to === 'not-ready')).toBe(true); // the readiness flip
    expect(truth.map(({ uid, service, to, at }) => ({ uid, service, to, at }))).toEqual(podlensOwn());
    expect(truth.every((t) => t.change === 'endpoint')).toBe(true);
  });

  test('the listed slices are held, not reported; without them an event reports every pod it lists', () => {
    const full = [...listed, ...stream.map((l) => l.object)].find((s) => (s.endpoints ?? []).length > 0);
    const pods = full.endpoints.filter((e: any) => e.targetRef?.kind === 'Pod').map((e: any) => e.targetRef.uid);
    expect(pods.length).toBeGreaterThan(0);
    const again = [{ type: 'MODIFIED', object: full, at: 1 }];
    expect(endpointTransitions(again, [full])).toEqual([]);
    expect(endpointTransitions(again).map((t) => t.uid)).toEqual([...new Set(pods)]);
  });

  test("a deleted slice: each pod it listed leaves (to null) the Service's endpoints", () => {
    const last = stream.filter((l) => (l.object.endpoints ?? []).length > 0).at(-1)!;
    const t = endpointTransitions([{ type: 'DELETED', object: last.object, at: 99 }], [last.object]);
    const uids = last.object.endpoints.map((e: any) => e.targetRef.uid);
    expect(t.map((x) => x.uid)).toEqual([...new Set(uids)]);
    expect(
      t.every((x) => x.to === null && x.service === last.object.metadata.labels['kubernetes.io/service-name']),
    ).toBe(true);
  });

  test('podlens ndjson endpoint lines become the same keys; other lines are not endpoint transitions', () => {
    const t = podlensEndpointTransition({ change: 'endpoint', uid: 'u1', service: 'web', to: null }, 5)!;
    expect(t).toEqual({ uid: 'u1', change: 'endpoint', service: 'web', to: null, at: 5 });
    expect(podlensEndpointTransition({ change: 'phase', uid: 'u1', to: 'Running' })).toBeUndefined();
    const truth: Transition[] = [
      { uid: 'u1', change: 'endpoint', service: 'web', to: 'ready' },
      { uid: 'u1', change: 'endpoint', service: 'web', to: null },
    ];
    const seen = [podlensEndpointTransition({ change: 'endpoint', uid: 'u1', service: 'web', to: 'ready' })!, t, t];
    expect(completeness(truth, seen)).toMatchObject({ missed: 0, duplicates: 1, unexpected: 0 });
    expect(completeness(truth, [t])).toMatchObject({ missed: 1, duplicates: 0 });
  });
  /* eslint-enable @typescript-eslint/no-explicit-any */
});

describe('lags', () => {
  test('first report of each transition against the truth time; later repeats and unknowns ignored', () => {
    const truth: Transition[] = [
      { uid: 'a', change: 'created', at: 1000 },
      { uid: 'a', change: 'deleted', at: 2000 },
    ];
    const seen: Transition[] = [
      { uid: 'a', change: 'created', at: 1012 },
      { uid: 'a', change: 'created', at: 1500 },
      { uid: 'x', change: 'created', at: 1600 },
      { uid: 'a', change: 'deleted', at: 2003 },
    ];
    expect(lags(truth, seen)).toEqual([12, 3]);
  });
});

describe('table', () => {
  test('pads columns to their widest cell', () => {
    expect(
      table([
        ['a', 'bb'],
        ['ccc', 1],
        ['d', null],
      ]),
    ).toBe('a    bb\n---  --\nccc  1\nd');
  });
});
