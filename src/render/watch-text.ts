// One transition as one line for people: time, pod, what changed, what it means.
import type { ContainerState } from '../domain/model.js';
import type { Transition } from '../domain/transitions.js';
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

function headline(t: Transition): string {
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
    case 'event':
      return `event ${t.reason}${t.count && t.count > 1 ? ` x${t.count}` : ''}${t.container ? ` (${t.container})` : ''}: ${t.message ?? ''}`;
  }
}

function style(t: Transition): Style | undefined {
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
export function transitionLine(transition: Transition, o: LineOptions): string {
  const t = visibleDeep(transition, { oneLine: true });
  const pod = o.showNamespace ? `${t.namespace}/${t.pod}` : t.pod;
  const head = headline(t);
  const s = style(t);
  const late = t.source === 'relist' ? ' [seen after reconnecting]' : '';
  const text = `${o.clock(t.time)}  ${pod}  ${s ? o.paint(s, head) : o.paint('bold', head)}${late}`;
  return t.change === 'event' ? `${text}  ${o.paint('dim', `- ${t.explanation}`)}` : `${text}  - ${t.explanation}`;
}
