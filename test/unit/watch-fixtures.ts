// Loads the watch captures of scripts/capture-watch-fixtures.mjs (real API server streams).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeEvent, Pod } from '../../src/domain/model.js';
import { diffPod, deletedTransition, type Transition } from '../../src/domain/transitions.js';
import { eventTransition } from '../../src/domain/watch-events.js';
import { normalizeEvent, normalizePod } from '../../src/kube/normalize.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'watch');

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface WatchFixture {
  scenario: string;
  capturedAt: string;
  podsList: any;
  podWatch: { type: string; object: any }[];
  eventsList: any;
  eventWatch: { type: string; object: any }[];
}

export function loadWatch(name: string): WatchFixture {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
}

/** The pod snapshots of the capture, in order (bookmarks left out). */
export function podSnapshots(fx: WatchFixture): { type: string; pod: Pod }[] {
  return fx.podWatch.filter((l) => l.type !== 'BOOKMARK').map((l) => ({ type: l.type, pod: normalizePod(l.object) }));
}

export function eventsOf(fx: WatchFixture): { type: string; event: KubeEvent }[] {
  return fx.eventWatch
    .filter((l) => l.type !== 'BOOKMARK')
    .map((l) => ({ type: l.type, event: normalizeEvent(l.object) }));
}

/** Replays the pod stream through the diff, as watch does. */
export function replay(fx: WatchFixture, now = new Date(fx.capturedAt)): Transition[] {
  let held: Pod | undefined;
  const out: Transition[] = [];
  for (const { type, pod } of podSnapshots(fx)) {
    out.push(...diffPod(held, pod, { now, source: 'watch' }));
    if (type === 'DELETED') {
      out.push(deletedTransition(pod, { now, source: 'watch' }));
      held = undefined;
    } else held = pod;
  }
  return out;
}

export function replayEvents(fx: WatchFixture, now = new Date(fx.capturedAt)): Transition[] {
  const pod = podSnapshots(fx).at(-1)!.pod;
  return eventsOf(fx).map(({ event }) => eventTransition(event, pod, 0, { now, source: 'watch' }));
}

/** "change[:condition|container]=to" : compact, for exact sequence assertions. */
export function short(t: Transition): string {
  const what = t.condition ?? t.container;
  return `${t.change}${what ? `:${what}` : ''}${t.to !== null ? `=${t.to}` : ''}`;
}
