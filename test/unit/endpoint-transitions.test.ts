// The pure side of watch's endpoint lines (src/domain/endpoint-transitions.ts) on captured objects:
// the EndpointSlices of scripts/capture-neighbour-fixtures.mjs (a ready pod, an unready one, one being
// deleted), the pods of scripts/capture-fixtures.mjs, and the endpoints-flip watch capture.
import {
  endpointTransition,
  leavingPod,
  membership,
  membershipChanges,
  readinessFailing,
} from '../../src/domain/endpoint-transitions.js';
import { normalizePod } from '../../src/kube/normalize.js';
import { normalizeEndpointSlice } from '../../src/kube/normalize-neighbours.js';
import { transitionLine } from '../../src/render/watch-text.js';
import { painter } from '../../src/render/terminal.js';
import { load } from './fixtures.js';
import { podSnapshots, loadWatch } from './watch-fixtures.js';

const nbr = (n: string) => load(`neighbourhood/${n}`);
const slices = nbr('web').endpointSlices!.map(normalizeEndpointSlice);
const uid = (n: string) => String(nbr(n).pod.metadata.uid);
const line = { paint: painter(false), showNamespace: false, clock: (iso: string) => iso.slice(11, 19) };

test("a Service's membership: each pod's best entry across its slices, by pod uid", () => {
  const of = (service: string) => membership(slices.filter((s) => s.service === service));
  expect(of('web').get(uid('web'))).toBe('ready');
  expect(of('unready').get(uid('unready'))).toBe('not-ready');
  expect(of('leaving').get(uid('leaving'))).toBe('serving-terminating');
  expect(of('web').has(uid('alone'))).toBe(false);
});

test('changes between two memberships: joined, changed, left; nothing for the unchanged', () => {
  const web = membership(slices.filter((s) => s.service === 'web'));
  const leaving = membership(slices.filter((s) => s.service === 'leaving'));
  const before = new Map([...web, ...leaving]);
  const after = new Map(web);
  after.set(uid('unready'), 'not-ready');
  expect(membershipChanges(before, after)).toEqual([
    { uid: uid('unready'), from: null, to: 'not-ready' },
    { uid: uid('leaving'), from: 'serving-terminating', to: null },
  ]);
  expect(membershipChanges(web, web)).toEqual([]);
});

describe('the readiness probe as the reason, only when the status shows it', () => {
  test('not for a pod that was never ready (its container started after the pod went unready)', () => {
    expect(readinessFailing(normalizePod(load('readiness-failing').pod))).toEqual([]);
    expect(readinessFailing(normalizePod(nbr('unready').pod))).toEqual([]);
  });

  test('not for a pod being deleted, nor one that is ready', () => {
    expect(readinessFailing(normalizePod(nbr('leaving').pod))).toEqual([]);
    expect(readinessFailing(normalizePod(nbr('web').pod))).toEqual([]);
  });

  test('for the captured pod whose readiness file was removed: container app; the line says so', () => {
    const fx = loadWatch('endpoints-flip');
    const snaps = podSnapshots(fx).map((s) => s.pod);
    const unready = snaps.find((p) =>
      p.conditions.some((c) => c.type === 'Ready' && c.status === 'False' && c.reason === 'ContainersNotReady'),
    )!;
    const flipped = snaps.filter((p) => readinessFailing(p).length);
    expect(flipped.length).toBeGreaterThan(0);
    expect(readinessFailing(flipped[0])).toEqual(['app']);
    const now = new Date(fx.capturedAt);
    const t = endpointTransition(
      flipped[0],
      'flip',
      { uid: flipped[0].uid, from: 'ready', to: 'not-ready' },
      {
        now,
        source: 'watch',
      },
    );
    expect(t).toMatchObject({ change: 'endpoint', service: 'flip', reason: 'ReadinessProbeFailed' });
    expect(transitionLine(t, line)).toBe(
      `${now.toISOString().slice(11, 19)}  flipper  left the ready endpoints of Service flip: readiness probe failed  - the readiness probe of container app fails: the Service sends it no new connections until the probe passes again`,
    );
    // joining while not ready is no probe failure
    const joined = endpointTransition(
      unready,
      'flip',
      { uid: unready.uid, from: null, to: 'not-ready' },
      {
        now,
        source: 'watch',
      },
    );
    expect(joined.reason).toBeNull();
    expect(transitionLine(joined, line)).toContain('flipper  joined the endpoints of Service flip (not ready)  - ');
  });

  test('a pod being deleted that leaves: what changed, and no probe', () => {
    const pod = normalizePod(nbr('leaving').pod);
    const now = new Date(nbr('leaving').capturedAt);
    const ctx = { now, source: 'watch' as const };
    const term = endpointTransition(pod, 'leaving', { uid: pod.uid, from: 'ready', to: 'serving-terminating' }, ctx);
    expect(transitionLine(term, line)).toContain(
      'leaving  terminating in the endpoints of Service leaving (still serving)',
    );
    const left = endpointTransition(pod, 'leaving', { uid: pod.uid, from: 'serving-terminating', to: null }, ctx);
    expect(left.reason).toBeNull();
    expect(transitionLine(left, line)).toContain(
      'leaving  left the endpoints of Service leaving  - the pod is being deleted: the Service sends it nothing more',
    );
  });
});

test('a deleted pod as watch remembers it while slices still list it: the same endpoint lines, without its spec and status lists', () => {
  const fx = loadWatch('endpoints-flip');
  const deleted = podSnapshots(fx).at(-1)!;
  expect(deleted.type).toBe('DELETED');
  const pod = deleted.pod;
  const slim = leavingPod(pod);
  const ctx = { now: new Date(fx.capturedAt), source: 'watch' as const };
  const changes = [
    { uid: pod.uid, from: 'serving-terminating' as const, to: null },
    { uid: pod.uid, from: 'ready' as const, to: 'serving-terminating' as const },
    { uid: pod.uid, from: 'serving-terminating' as const, to: 'terminating' as const },
    { uid: pod.uid, from: 'ready' as const, to: 'not-ready' as const },
  ];
  for (const ch of changes)
    expect(endpointTransition(slim, 'flip', ch, ctx)).toEqual(endpointTransition(pod, 'flip', ch, ctx));
  expect(pod.containers.length).toBeGreaterThan(0);
  expect(slim.containers).toEqual([]);
  expect(slim.containerStatuses).toEqual([]);
  expect(slim.conditions).toEqual([]);
  expect([slim.name, slim.namespace, slim.uid, slim.phase]).toEqual([pod.name, pod.namespace, pod.uid, pod.phase]);
});
