// One transition as one line for people: time, pod, what changed, what it means.
import type { ContainerState } from '../domain/model.js';
import type { Transition } from '../domain/transitions.js';
import { READINESS_PROBE_FAILED, type Member } from '../domain/endpoint-transitions.js';
import type { Entry, FoldedEvents } from '../watch/layout.js';
import type { Paint, Style } from './terminal.js';
import { visibleDeep } from './visible.js';

export interface LineOptions {
  paint: Paint;
  showNamespace: boolean;
  /** Local time of day, e.g. 20:43:05 (injected so tests and README captures are stable). */
  clock: (iso: string) => string;
}

export const localClock = (iso: string) => new Date(iso).toTimeString().slice(0, 8);

// A container transition's `to` is its new state's kind, as src/domain/model.ts names them.
const TERMINATED = 'terminated' satisfies ContainerState['kind'];
const WAITING = 'waiting' satisfies ContainerState['kind'];

function headline(t: Transition, withMessage = true): string {
  const arrow = (a: string | null, b: string | null) => (a ? `${a} -> ${b}` : `${b}`);
  const who = t.container
    ? `${t.containerKind === 'app' ? 'container' : `${t.containerKind} container`} ${t.container}`
    : '';
  switch (t.change) {
    case 'initial':
      return `now ${t.to}`;
    case 'created':
      return 'created';
    case 'condition':
      return `${t.condition} ${arrow(t.from, t.to)}${t.to !== 'True' && t.reason ? ` (${t.reason})` : ''}`;
    case 'ip':
      return `IP ${t.to}`;
    case 'container': {
      const detail =
        t.to === TERMINATED
          ? ` (exit code ${t.exitCode}${t.reason ? `, ${t.reason}` : ''})`
          : t.to === WAITING
            ? ` (${t.reason})`
            : '';
      return `${who}: ${t.to}${detail}`;
    }
    case 'restart':
      return `${who}: restart ${t.to}`;
    case 'container-ready':
      return `${who}: ${t.to === 'true' ? 'ready' : 'not ready'}`;
    case 'phase':
      return `phase ${arrow(t.from, t.to)}`;
    case 'deletion-requested':
      return `deletion requested (${t.to})`;
    case 'deleted':
      return 'deleted';
    case 'last-words':
      return `${who}: last words`;
    case 'endpoint':
      return endpointHeadline(t);
    case 'event':
      return `event ${t.reason}${t.count && t.count > 1 ? ` x${t.count}` : ''}${t.container ? ` (${t.container})` : ''}${withMessage ? `: ${t.message ?? ''}` : ''}`;
  }
}

// An endpoint transition's from/to are the states src/domain/endpoint-transitions.ts names (null: not listed).
const READY = 'ready' satisfies Member;
const NOT_READY = 'not-ready' satisfies Member;

function endpointHeadline(t: Transition): string {
  const of = `the endpoints of Service ${t.service}`;
  if (t.to === READY) return `joined ${of} (ready)`;
  if (t.to === NOT_READY && t.from === null) return `joined ${of} (not ready)`;
  if (t.to === NOT_READY)
    return `left the ready endpoints of Service ${t.service}${t.reason === READINESS_PROBE_FAILED ? ': readiness probe failed' : ''}`;
  if (t.to === null) return `left ${of}`;
  return `terminating in ${of} (${t.to === 'serving-terminating' ? 'still serving' : 'not serving'})`;
}

function style(t: Transition): Style | undefined {
  if (t.change === 'endpoint')
    return t.to === READY ? 'green' : t.to === NOT_READY || t.to === null ? 'yellow' : 'cyan';
  if (t.change === 'event') return t.to === 'Warning' ? 'yellow' : 'dim';
  if (t.change === 'last-words') return 'red';
  if (t.change === 'container' && ((t.exitCode ?? 0) !== 0 || t.to === WAITING)) return 'red';
  if (t.change === 'phase' && t.to === 'Failed') return 'red';
  if (t.change === 'restart') return 'yellow';
  if (
    (t.change === 'condition' && t.condition === 'Ready' && t.to === 'True') ||
    (t.change === 'phase' && t.to === 'Succeeded')
  )
    return 'green';
  if (t.change === 'deleted' || t.change === 'deletion-requested') return 'cyan';
  return undefined;
}

/** One line per transition, always: a newline in an event message is shown as `\n`, like an escape. */
export function transitionLine(transition: Transition, o: LineOptions, reportedLate?: string): string {
  const t = visibleDeep(transition, { oneLine: true });
  const pod = o.showNamespace ? `${t.namespace}/${t.pod}` : t.pod;
  const head = headline(t);
  const s = style(t);
  const late = lateNote(t, o, reportedLate);
  const text = `${o.clock(t.time)}  ${pod}  ${s ? o.paint(s, head) : o.paint('bold', head)}${late}`;
  return t.change === 'event' ? `${text}  ${o.paint('dim', `- ${t.explanation}`)}` : `${text}  - ${t.explanation}`;
}

const INDENT = 10; // under the pod name: the width of "HH:MM:SS  "

/**
 * Words into lines of at most `width` columns, breaking only between words (a word longer than a
 * line is cut); every line after the first starts with `indent` spaces.
 */
export function wrapWords(text: string, width: number, indent: number, first = 0): string[] {
  const lines: string[] = [];
  let line = '';
  let limit = Math.max(20, width - first);
  const push = () => {
    lines.push(line);
    line = '';
    limit = Math.max(20, width - indent);
  };
  for (let word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > limit) push();
    while (word.length > limit) {
      line = word.slice(0, limit);
      word = word.slice(limit);
      push();
    }
    line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i ? ' '.repeat(indent) + l : l));
}

function foldedText(e: FoldedEvents & { late?: string }, o: LineOptions): [string, string] {
  const pod = visibleDeep(o.showNamespace ? `${e.namespace}/${e.pod}` : e.pod, { oneLine: true });
  const late = e.late ? ` [at ${o.clock(e.late)}, reported late]` : '';
  return [`${o.clock(e.time)}  ${pod}  `, `events ${visibleDeep(e.reasons, { oneLine: true }).join(', ')}${late}`];
}

/** Why a line's time is not the fact's: seen after a reconnect, or reported after later lines were printed. */
function lateNote(t: Transition, o: LineOptions, reportedLate?: string): string {
  if (t.source === 'relist') return ' [seen after reconnecting]';
  return reportedLate ? ` [at ${o.clock(reportedLate)}, reported late]` : '';
}

/** The fact: `lead` (time and pod) then `head` wrapped after it, or under it when the pod name is long. */
function factLines(lead: string, head: string, width: number, paint: (s: string) => string): string[] {
  if (lead.length + 20 > width)
    return [
      lead.trimEnd(),
      ...wrapWords(head, width, INDENT, INDENT).map((l, i) => (i ? paint(l) : ' '.repeat(INDENT) + paint(l))),
    ];
  return wrapWords(head, width, INDENT, lead.length).map((l, i) => (i ? '' : lead) + paint(l));
}

/**
 * An entry for a terminal `width` columns wide: the fact on its line (time, pod, what changed), then
 * the event's message and the explanation, indented under the pod and wrapped at word boundaries.
 */
export function entryLines(entry: Entry, o: LineOptions, width: number): string[] {
  if (entry.kind === 'events') {
    const [lead, head] = foldedText(entry, o);
    return factLines(lead, head, width, (l) => o.paint('dim', l));
  }
  const t = visibleDeep(entry.t, { oneLine: true });
  const pod = o.showNamespace ? `${t.namespace}/${t.pod}` : t.pod;
  const s = style(t);
  const late = lateNote(t, o, entry.late);
  const lines = factLines(`${o.clock(t.time)}  ${pod}  `, `${headline(t, false)}${late}`, width, (l) =>
    s ? o.paint(s, l) : o.paint('bold', l),
  );
  const more = [t.change === 'event' && t.message ? t.message : '', t.explanation].filter(Boolean);
  for (const text of more) {
    const wrapped = wrapWords(text, width, INDENT, INDENT).map((l, i) => (i ? l : ' '.repeat(INDENT) + l));
    lines.push(...(t.change === 'event' ? wrapped.map((l) => o.paint('dim', l)) : wrapped));
  }
  return lines;
}

/** An entry off a terminal: one line, as always (folded events only ever come on a terminal). */
export function entryLine(entry: Entry, o: LineOptions): string {
  if (entry.kind === 'transition') return transitionLine(entry.t, o, entry.late);
  const [lead, head] = foldedText(entry, o);
  return lead + o.paint('dim', head);
}
