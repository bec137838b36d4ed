// watch's terminal layout and order on captured streams (test/fixtures/watch): the filters, time
// order within the window, Normal events folded, and lines that fit the width, broken between words.
import type { Transition } from '../../src/domain/transitions.js';
import { painter } from '../../src/render/terminal.js';
import { entryLine, entryLines, wrapWords } from '../../src/render/watch-text.js';
import { arrange, selected } from '../../src/watch/layout.js';
import { loadWatch, replay, replayEvents } from './watch-fixtures.js';

const o = { paint: painter(false), showNamespace: false, clock: (iso: string) => iso.slice(11, 19) };
const stream = (name: string): Transition[] => {
  const fx = loadWatch(name);
  return [...replay(fx), ...replayEvents(fx)];
};

test.each([40, 60, 80, 120])('at %i columns every line fits, and the words are the same words, unbroken', (width) => {
  for (const name of ['crashloop', 'completes', 'init-to-ready-and-delete']) {
    for (const e of arrange(stream(name), true)) {
      const lines = entryLines(e, o, width);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(width);
      expect(lines.slice(1).every((l) => l.startsWith(' '.repeat(10)))).toBe(true);
      if (e.kind !== 'transition') continue;
      const words = (s: string) => s.split(/\s+/).filter(Boolean);
      // the explanation is whole on the lines after the fact (a word longer than a line aside)
      const rest = words(lines.slice(1).join(' '));
      if (words(e.t.explanation).every((w) => w.length <= width - 10))
        expect(rest.join(' ')).toContain(words(e.t.explanation).join(' '));
      expect(lines[0]).toContain(e.t.pod);
      expect(lines[0]).not.toContain(e.t.explanation);
    }
  }
});

test('wrapping breaks between words; a word longer than the line is cut, not lost', () => {
  expect(wrapWords('aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk', 24, 4)).toEqual([
    'aaa bbb ccc ddd eee fff',
    '    ggg hhh iii jjj kkk',
  ]);
  expect(wrapWords('x'.repeat(45), 24, 2).join('').replace(/ /g, '')).toBe('x'.repeat(45));
});

test('a window comes out in time order (to the second), arrival order within a second', () => {
  const ts = stream('crashloop');
  const shuffled = [...ts].reverse();
  const out = arrange(shuffled, false).map((e) => (e.kind === 'transition' ? e.t : undefined)!);
  const secs = out.map((t) => Math.floor(Date.parse(t.time) / 1000));
  expect(secs).toEqual([...secs].sort((a, b) => a - b));
  // a restart stamped after the termination it follows never precedes it
  const terminated = out.findIndex((t) => t.change === 'container' && t.to === 'terminated');
  const restart = out.findIndex((t) => t.change === 'restart');
  expect(terminated).toBeGreaterThanOrEqual(0);
  expect(restart).toBeGreaterThan(terminated);
});

test("on a terminal a pod's Normal events fold into one line; Warnings keep theirs; off it, a line each", () => {
  const ts = stream('init-to-ready-and-delete');
  const normal = ts.filter((t) => t.change === 'event' && t.to === 'Normal');
  expect(normal.length).toBeGreaterThan(2);
  const folded = arrange(ts, true);
  const events = folded.filter((e) => e.kind === 'events');
  expect(events.length).toBeLessThan(normal.length);
  // a run of them (no other fact of the pod between) is one line
  expect(events).toContainEqual(expect.objectContaining({ reasons: ['Pulled', 'Created', 'Started'] }));
  for (const e of events) expect(entryLines(e, o, 80)).toHaveLength(1);
  expect(events.flatMap((e) => (e.kind === 'events' ? e.reasons : []))).toContain('Killing'); // not lost
  expect(folded.filter((e) => e.kind === 'transition' && e.t.change === 'event' && e.t.to === 'Normal')).toEqual([]);
  const warnings = stream('crashloop').filter((t) => t.change === 'event' && t.to === 'Warning');
  expect(arrange(warnings, true).every((e) => e.kind === 'transition')).toBe(true);
  const plain = arrange(ts, false);
  expect(plain.filter((e) => e.kind === 'events')).toEqual([]);
  expect(plain.map((e) => entryLine(e, o)).every((l) => !l.includes('\n'))).toBe(true);
});

test('--events and -c: what is left out and what stays', () => {
  const ts = stream('crashloop');
  const ev = ts.filter((t) => t.change === 'event');
  expect(ev.some((t) => t.to === 'Normal') && ev.some((t) => t.to === 'Warning')).toBe(true);
  expect(ts.filter((t) => selected(t, { events: 'none' })).some((t) => t.change === 'event')).toBe(false);
  const warn = ts.filter((t) => selected(t, { events: 'warnings' })).filter((t) => t.change === 'event');
  expect(warn.length).toBeGreaterThan(0);
  expect(warn.every((t) => t.to === 'Warning')).toBe(true);
  expect(ts.filter((t) => selected(t, { events: 'all' }))).toEqual(ts);
  const c = ts.find((t) => t.container)!.container!;
  expect(ts.filter((t) => selected(t, { container: c }))).toEqual(ts); // the pod's only container
  const other = ts.filter((t) => selected(t, { container: 'not-there' }));
  expect(other.every((t) => t.container === null)).toBe(true);
  expect(other.some((t) => t.change === 'phase' || t.change === 'condition')).toBe(true);
});

test('a fact reported after later lines were printed comes at the last printed time, saying when it happened', () => {
  const [first, second] = stream('crashloop').filter((t) => t.change !== 'event');
  const printed = new Date(Date.parse(second.time) + 5000).toISOString();
  const [entry] = arrange([first], false, printed);
  expect(entry).toMatchObject({ kind: 'transition', late: first.time });
  expect(entry.kind === 'transition' && entry.t.time).toBe(printed);
  const line = entryLine(entry, o);
  expect(line.startsWith(`${printed.slice(11, 19)}  `)).toBe(true);
  expect(line).toContain(`[at ${first.time.slice(11, 19)}, reported late]`);
  // not late: its own time, no note
  const [onTime] = arrange([second], false, first.time);
  expect(onTime).not.toHaveProperty('late');
  expect(entryLine(onTime, o)).not.toContain('late');
  expect(entryLines(entry, o, 60).join(' ')).toContain('reported late');
});
