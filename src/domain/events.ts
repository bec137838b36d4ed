// Events of one pod: matched like kubectl (name, namespace and uid of the involved object, so events
// of an older pod with the same name are left out), de-duplicated, newest last.
import type { KubeEvent, Pod } from './model.js';

export function eventsOf(pod: Pod, events: KubeEvent[]): KubeEvent[] {
  return events.filter(
    (e) =>
      e.involvedObject.kind === 'Pod' &&
      e.involvedObject.name === pod.name &&
      (e.involvedObject.namespace ?? pod.namespace) === pod.namespace &&
      (!e.involvedObject.uid || e.involvedObject.uid === pod.uid),
  );
}

/** Groups events by pod uid in one pass, for the many-pods path (one event list for all pods). */
export function eventsByPod(events: KubeEvent[]): Map<string, KubeEvent[]> {
  const out = new Map<string, KubeEvent[]>();
  for (const e of events) {
    if (e.involvedObject.kind !== 'Pod') continue;
    const key = e.involvedObject.uid || `${e.involvedObject.namespace}/${e.involvedObject.name}`;
    const list = out.get(key);
    if (list) list.push(e);
    else out.set(key, [e]);
  }
  return out;
}

export function podEventsFrom(index: Map<string, KubeEvent[]>, pod: Pod): KubeEvent[] {
  return [...(index.get(pod.uid) ?? []), ...(index.get(`${pod.namespace}/${pod.name}`) ?? [])];
}

/** The container an event is about, from its fieldPath, e.g. spec.containers{app} -> app. */
export function eventContainer(e: KubeEvent): string | undefined {
  return e.involvedObject.fieldPath?.match(/\{(.+)\}$/)?.[1];
}

// Messages that differ only in numbers (pull durations, sizes) are the same story told again.
function shape(message: string): string {
  return message.replace(/\d+(\.\d+)?/g, '#');
}

/** Merges events with the same type, reason, object and message shape; keeps the latest message. */
export function dedupe(events: KubeEvent[]): KubeEvent[] {
  const groups = new Map<string, KubeEvent>();
  for (const e of events) {
    const key = [e.type, e.reason, e.involvedObject.fieldPath ?? '', shape(e.message)].join('\u0000');
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { ...e });
      continue;
    }
    g.count += e.count;
    if (e.firstSeen < g.firstSeen) g.firstSeen = e.firstSeen;
    if (e.lastSeen >= g.lastSeen) {
      g.lastSeen = e.lastSeen;
      g.message = e.message;
    }
  }
  // Old-style events carry whole seconds, new-style ones microseconds: compare whole seconds so an
  // event in the same second does not jump ahead of those recorded before it.
  const sec = (d: Date) => Math.floor(d.getTime() / 1000);
  return [...groups.values()].sort((a, b) => sec(a.lastSeen) - sec(b.lastSeen) || sec(a.firstSeen) - sec(b.firstSeen));
}

/** The latest event of a reason (optionally for one container), or undefined. */
export function latest(events: KubeEvent[], reason: string | RegExp, container?: string): KubeEvent | undefined {
  let best: KubeEvent | undefined;
  for (const e of events) {
    const ok = typeof reason === 'string' ? e.reason === reason : reason.test(e.reason);
    if (!ok || (container !== undefined && eventContainer(e) !== container)) continue;
    if (!best || e.lastSeen >= best.lastSeen) best = e;
  }
  return best;
}

export function totalCount(events: KubeEvent[], reason: string, container?: string): number {
  return events
    .filter((e) => e.reason === reason && (container === undefined || eventContainer(e) === container))
    .reduce((n, e) => n + e.count, 0);
}
