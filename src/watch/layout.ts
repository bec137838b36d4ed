// What watch's text output shows, and in which order: the filters (--events, -c), the time order
// within a short window (the pod stream and the event stream are not ordered with each other, and a
// status update can carry a change stamped earlier than one already printed), and, on a terminal by
// default, the pod's Normal events of a window (Scheduled, Pulling, Pulled, Created, Started) as one
// entry instead of a line each. Pure: no clock reads, no output.
import type { Transition } from '../domain/transitions.js';

export const EVENTS = ['all', 'warnings', 'none'] as const;
export type EventsMode = (typeof EVENTS)[number];

export interface Selection {
  events?: EventsMode; // undefined: every event, Normal ones folded on a terminal
  container?: string; // -c: transitions of other containers are left out; the pod's own stay
}

/** The pod's Normal events of one window, shown as one entry. */
export interface FoldedEvents {
  time: string; // the first one's
  namespace: string;
  pod: string;
  reasons: string[]; // in time order, each once (x2 when it came twice)
}

/**
 * `late`: the time the fact happened, when that is before a line already printed (the kubelet or the
 * event stream reported it more than a window late); the entry then carries the time of that line,
 * so that lines stay in time order, and the renderer says when it happened.
 */
export type Entry = ({ kind: 'transition'; t: Transition } | ({ kind: 'events' } & FoldedEvents)) & { late?: string };

/** Whether --events and -c let this transition through. */
export function selected(t: Transition, s: Selection): boolean {
  if (t.change === 'event' && s.events === 'none') return false;
  if (t.change === 'event' && s.events === 'warnings' && t.to !== 'Warning') return false;
  if (s.container !== undefined && t.container !== null && t.container !== s.container) return false;
  return true;
}

/** How long watch holds lines to put them in time order: longer than the two streams' usual skew. */
export const ORDER_WINDOW_MS = 2000;

const NORMAL = 'Normal';

/**
 * One window's transitions as entries: in time order (ties keep arrival order), and with `fold`,
 * each run of a pod's Normal events (no other fact of the pod between them) as one entry. A fact
 * stamped before `notBefore` (the time of the last line printed) comes first, at that time, `late`.
 */
export function arrange(ts: Transition[], fold: boolean, notBefore?: string): Entry[] {
  const floor = notBefore ? second(notBefore) : -Infinity;
  const sorted = ts
    .map((t, i) =>
      second(t.time) < floor
        ? { t: { ...t, time: notBefore as string }, i, at: floor, late: t.time }
        : { t, i, at: second(t.time), late: undefined },
    )
    .sort((a, b) => a.at - b.at || a.i - b.i);
  const out: Entry[] = [];
  const folded = new Map<string, Extract<Entry, { kind: 'events' }>>();
  for (const { t, late } of sorted) {
    if (!fold || t.change !== 'event' || t.to !== NORMAL) {
      out.push(late ? { kind: 'transition', t, late } : { kind: 'transition', t });
      folded.delete(t.uid); // a fact of the pod ends its run of Normal events: later ones get a line of their own
      continue;
    }
    const reason = `${t.reason ?? '?'}${t.count && t.count > 1 ? ` x${t.count}` : ''}`;
    const entry = folded.get(t.uid);
    if (entry) {
      if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
      continue;
    }
    const e = { kind: 'events' as const, time: t.time, namespace: t.namespace, pod: t.pod, reasons: [reason] };
    folded.set(t.uid, late ? { ...e, late } : e);
    out.push(folded.get(t.uid)!);
  }
  return out;
}

/** Kubernetes stamps to the second (metav1.Time): within one second, arrival order is the best order known. */
function second(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** The time of an entry's line. */
export const entryTime = (e: Entry): string => (e.kind === 'transition' ? e.t.time : e.time);
