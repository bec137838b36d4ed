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

export type Entry = { kind: 'transition'; t: Transition } | ({ kind: 'events' } & FoldedEvents);

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
 * each run of a pod's Normal events (no other fact of the pod between them) as one entry.
 */
export function arrange(ts: Transition[], fold: boolean): Entry[] {
  const sorted = ts
    // Kubernetes stamps to the second (metav1.Time): within one second, arrival order is the best order known.
    .map((t, i) => ({ t, i, at: Math.floor(Date.parse(t.time) / 1000) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.t);
  const out: Entry[] = [];
  const folded = new Map<string, Extract<Entry, { kind: 'events' }>>();
  for (const t of sorted) {
    if (!fold || t.change !== 'event' || t.to !== NORMAL) {
      out.push({ kind: 'transition', t });
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
    folded.set(t.uid, e);
    out.push(e);
  }
  return out;
}
