// Watch's pod store holds the spec parts that pods of one template have in common once
// (src/kube/spec-share.ts): on the captured watch streams, versions of a pod share them, another
// pod's are its own, what watch reports is unchanged, and the held values are bounded and frozen.
import { normalizePod } from '../../src/kube/normalize.js';
import { SpecShare } from '../../src/kube/spec-share.js';
import { deletedTransition, diffPod, type Transition } from '../../src/domain/transitions.js';
import type { Pod } from '../../src/domain/model.js';
import { loadWatch } from './watch-fixtures.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const raws = (name: string): any[] =>
  loadWatch(name)
    .podWatch.filter((l) => l.type !== 'BOOKMARK')
    .map((l) => l.object);
const init = raws('init-to-ready-and-delete');
const crash = raws('crashloop');
const PARTS = ['labels', 'owners', 'nodeSelector', 'tolerations', 'initContainers', 'containers', 'volumes'] as const;

test('versions of one pod share their spec parts; the status stays each version its own', () => {
  const share = new SpecShare();
  const [a, b] = [share.pod(normalizePod(init[0])), share.pod(normalizePod(init.at(-1)))];
  expect(a.initContainers.length).toBeGreaterThan(0);
  for (const k of PARTS) expect(b[k]).toBe(a[k]);
  expect(b.conditions).not.toBe(a.conditions);
  expect(b.phase).toBe(normalizePod(init.at(-1)).phase);
  expect(a.phase).toBe(normalizePod(init[0]).phase);
});

test("another pod's spec parts are its own, equal to its normalization", () => {
  const share = new SpecShare();
  const a = share.pod(normalizePod(init[0]));
  const c = share.pod(normalizePod(crash[0]));
  expect(c.containers).not.toBe(a.containers);
  expect(c.containers).toEqual(normalizePod(crash[0]).containers);
  expect(c.containers.map((x) => x.name)).not.toEqual(a.containers.map((x) => x.name));
});

test('what watch reports from the captured streams is the same with shared parts', () => {
  const replay = (share?: SpecShare): Transition[] => {
    const now = new Date('2026-12-05T20:00:00Z');
    let held: Pod | undefined;
    const out: Transition[] = [];
    for (const raw of [...init, ...crash]) {
      const pod = share ? share.pod(normalizePod(raw)) : normalizePod(raw);
      if (held && held.uid !== pod.uid) {
        out.push(deletedTransition(held, { now, source: 'watch' }));
        held = undefined;
      }
      out.push(...diffPod(held, pod, { now, source: 'watch' }));
      held = pod;
    }
    return out;
  };
  const plain = replay();
  expect(plain.length).toBeGreaterThan(5);
  expect(replay(new SpecShare())).toEqual(plain);
});

test('shared parts are frozen: a change would reach every pod holding them, so it fails instead', () => {
  const share = new SpecShare();
  const a = share.pod(normalizePod(init[0]));
  expect(Object.isFrozen(a.containers)).toBe(true);
  expect(Object.isFrozen(a.containers[0])).toBe(true);
  expect(() => (a.containers as any[]).push({})).toThrow(TypeError);
  expect(Object.isFrozen(a)).toBe(false); // the pod itself is not shared
});

test('it holds at most `max` values, the least recently used going first', () => {
  const share = new SpecShare(8);
  const pods = Array.from({ length: 20 }, (_, i) => {
    const raw = structuredClone(init[0]);
    raw.metadata.labels = { ...raw.metadata.labels, n: String(i) };
    return share.pod(normalizePod(raw));
  });
  expect(share.size).toBeLessThanOrEqual(8);
  expect(pods[19].labels.n).toBe('19');
  expect(pods[0].labels.n).toBe('0');
  // the containers were used by every pod: still held, still shared
  expect(share.pod(normalizePod(init[0])).containers).toBe(pods[0].containers);
});
