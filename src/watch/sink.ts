// Where watch's output goes: one line per transition (stdout, or the live area on a terminal), or
// one JSON object per transition (ndjson: one per line; json: indented, as kubectl get -w -o json
// prints objects); connection trouble and notes on stderr.
import { humanDuration } from '../domain/time.js';
import type { Transition } from '../domain/transitions.js';
import type { LinkStatus } from '../kube/reflector.js';
import { colourEnabled, painter, type Io } from '../render/terminal.js';
import type { LiveArea } from '../render/watch-live.js';
import { jsonText, visible } from '../render/visible.js';
import { entryLine, entryLines, localClock } from '../render/watch-text.js';
import { arrange, entryTime, ORDER_WINDOW_MS, selected, type Selection } from './layout.js';
import type { Sink } from './session.js';

export interface SinkOptions {
  showNamespace: boolean;
  data: 'ndjson' | 'json' | undefined; // -o ndjson|json: one object per transition, at once
  selection: Selection;
  /** On a terminal: its width, for the wrapped layout (src/render/watch-text.ts entryLines). */
  width?: number;
}

export function textSink(io: Io, o: SinkOptions, live?: LiveArea): Sink & { flush(): void } {
  const { showNamespace, data, selection } = o;
  const paint = painter(!data && colourEnabled(io));
  const down = new Map<string, boolean>();
  const said = new Map<string, string>(); // the last state reported per stream
  const line = { paint, showNamespace, clock: localClock };
  // Text lines wait ORDER_WINDOW_MS to be put in time order (src/watch/layout.ts); JSON goes at once.
  let held: Transition[] = [];
  let timer: NodeJS.Timeout | undefined;
  let printedUpTo: string | undefined; // the time of the last line printed: later lines are not earlier
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!held.length) return;
    const entries = arrange(held, o.width !== undefined && selection.events === undefined, printedUpTo);
    held = [];
    for (const time of entries.map(entryTime))
      if (!printedUpTo || Date.parse(time) > Date.parse(printedUpTo)) printedUpTo = time;
    const lines = entries.flatMap((e) => (o.width !== undefined ? entryLines(e, line, o.width) : [entryLine(e, line)]));
    if (live) live.log(lines);
    else io.stdout.write(lines.map((l) => l + '\n').join(''));
  };
  return {
    transitions(all: Transition[]) {
      const ts = all.filter((t) => selected(t, selection));
      if (!ts.length) return;
      if (data) {
        io.stdout.write(ts.map((t) => jsonText(t, data === 'json' ? 4 : undefined) + '\n').join(''));
        return;
      }
      held.push(...ts);
      timer ??= setTimeout(flush, ORDER_WINDOW_MS);
    },
    flush,
    link(s: LinkStatus) {
      live?.setLink(s);
      const wasDown = down.get(s.what) ?? false;
      const ago = s.lastEventAt ? `, last event ${humanDuration(Date.now() - s.lastEventAt)} ago` : '';
      if (s.state === 'reconnecting' || s.state === 'relisting') {
        const what = s.state === 'relisting' ? 'listing again to catch up' : 'reconnecting';
        // Every change of state, and every 5th failed attempt: enough to follow, not a flood.
        if (!live && (said.get(s.what) !== s.state || s.attempt % 5 === 0))
          io.stderr.write(visible(`podlens: lost the watch of ${s.what} (${s.error ?? 'closed'}); ${what}${ago}\n`));
        said.set(s.what, s.state);
        down.set(s.what, true);
      } else if (s.state === 'watching' && wasDown) {
        if (!live) io.stderr.write(`podlens: watching ${s.what} again\n`);
        said.set(s.what, s.state);
        down.set(s.what, false);
      }
    },
    note(sentence: string) {
      flush(); // what came before the note is printed before it
      const text = visible(sentence, { oneLine: true }); // may quote cluster text (a pod's message)
      if (live) live.log([paint('dim', text)]);
      else io.stderr.write(text + '\n');
    },
  };
}
