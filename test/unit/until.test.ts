// --until on captured pod streams: when each condition is reached, when it can no longer be, and the
// words the exit and timeout messages use.
import { UNTIL, outcome, untilWords, whereItIs, type Until } from '../../src/domain/until.js';
import type { Pod } from '../../src/domain/model.js';
import { loadWatch, podSnapshots } from './watch-fixtures.js';

const seq = (name: string): Pod[] => podSnapshots(loadWatch(name)).map((s) => s.pod);
const outcomes = (pods: Pod[], until: Until) => pods.map((p) => outcome(p, until));
const first = <T>(xs: T[], x: T) => xs.indexOf(x);

describe('--until on the init-to-ready-and-delete capture', () => {
  const pods = seq('init-to-ready-and-delete');
  test('ready: pending through the init containers, reached once Ready is True, failed once it completed', () => {
    const o = outcomes(pods, 'ready');
    const ready = pods.findIndex((p) => p.conditions.some((c) => c.type === 'Ready' && c.status === 'True'));
    expect(o.slice(0, ready).every((x) => x === 'pending')).toBe(true);
    expect(o[ready]).toBe('reached');
    expect(o.at(-1)).toBe('failed'); // Succeeded after deletion: it will never be ready again
  });
  test('running: reached at the first Running snapshot and after it (Succeeded has run)', () => {
    const o = outcomes(pods, 'running');
    const running = pods.findIndex((p) => p.phase === 'Running');
    expect(first(o, 'reached')).toBe(running);
    expect(o.slice(running)).not.toContain('failed');
  });
  test('deleted: pending while the pod exists, reached when it is gone', () => {
    expect(new Set(outcomes(pods, 'deleted'))).toEqual(new Set(['pending']));
    expect(outcome(undefined, 'deleted')).toBe('reached');
  });
  test('a pod deleted before it got there has failed every other condition', () => {
    for (const u of UNTIL.filter((x) => x !== 'deleted')) expect(outcome(undefined, u)).toBe('failed');
  });
});

describe('--until on pods that finish', () => {
  test('completes: succeeded and done are reached by Succeeded, not before', () => {
    const pods = seq('completes');
    for (const u of ['succeeded', 'done'] as const) {
      const o = outcomes(pods, u);
      expect(o.at(-1)).toBe('reached');
      expect(o.slice(0, -1)).not.toContain('reached');
    }
  });
  test('crashloop, which ends Failed: done is reached (Succeeded or Failed); succeeded, ready, running fail', () => {
    const pods = seq('crashloop');
    const last = pods.at(-1)!;
    expect(last.phase).toBe('Failed');
    expect(outcome(last, 'done')).toBe('reached');
    expect(outcome(last, 'succeeded')).toBe('failed');
    expect(outcome(last, 'ready')).toBe('failed');
    expect(outcome(last, 'running')).toBe('failed');
    // While it crash-loops in Running it is neither ready nor finished.
    const looping = pods.find(
      (p) => p.phase === 'Running' && !p.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    )!;
    expect(outcome(looping, 'ready')).toBe('pending');
    expect(outcome(looping, 'done')).toBe('pending');
  });
});

describe('words', () => {
  test('done says what it accepts; the others are their name', () => {
    expect(untilWords('done')).toBe('done (Succeeded or Failed)');
    for (const u of UNTIL.filter((x) => x !== 'done')) expect(untilWords(u)).toBe(u);
  });
  test('whereItIs: kubectl status and ready count, or that it does not exist', () => {
    const pods = seq('init-to-ready-and-delete');
    expect(whereItIs(pods[0], 'two-inits')).toBe('two-inits is Pending (0/1 ready)');
    const initialising = pods.find((p) => p.initContainerStatuses.length > 0)!;
    expect(whereItIs(initialising, 'two-inits')).toMatch(/^two-inits is Init:[01]\/2 \(0\/1 ready\)$/);
    expect(whereItIs(undefined, 'web-1')).toBe('web-1 does not exist');
  });
});
