// The one colour decision: --color, then NO_COLOR (non-empty), then FORCE_COLOR, then the terminal
// (not TERM=dumb); the painter's codes; the spinner's frames painted by the decision, not by ora.
import { spinners } from 'ora';
import {
  colourEnabled,
  painter,
  spinnerFrames,
  startSpinner,
  type ColorMode,
  type Io,
} from '../../src/render/terminal.js';

const io = (isTTY: boolean, env: NodeJS.ProcessEnv, color?: ColorMode): Io => ({
  stdout: { write: () => true, isTTY },
  stderr: { write: () => true, isTTY },
  env,
  color,
});

test('colour on a terminal; not through a pipe, with NO_COLOR, or on a dumb terminal', () => {
  expect(colourEnabled(io(true, {}))).toBe(true);
  expect(colourEnabled(io(true, { NO_COLOR: '' }))).toBe(true); // no-color.org: present and not empty
  expect(colourEnabled(io(false, {}))).toBe(false);
  expect(colourEnabled(io(true, { NO_COLOR: '1' }))).toBe(false);
  expect(colourEnabled(io(true, { TERM: 'dumb' }))).toBe(false);
});

test('precedence: --color, then NO_COLOR, then FORCE_COLOR, then the terminal', () => {
  // --color always|never beats everything; auto is the same as no flag
  expect(colourEnabled(io(false, { NO_COLOR: '1' }, 'always'))).toBe(true);
  expect(colourEnabled(io(true, { FORCE_COLOR: '1' }, 'never'))).toBe(false);
  expect(colourEnabled(io(true, {}, 'auto'))).toBe(true);
  expect(colourEnabled(io(false, {}, 'auto'))).toBe(false);
  // NO_COLOR beats FORCE_COLOR
  expect(colourEnabled(io(true, { NO_COLOR: '1', FORCE_COLOR: '1' }))).toBe(false);
  // FORCE_COLOR: on off a terminal and on a dumb one; 0 and false turn it off even on a terminal
  for (const v of ['1', '2', '3', 'true', '']) expect(colourEnabled(io(false, { FORCE_COLOR: v }))).toBe(true);
  expect(colourEnabled(io(true, { FORCE_COLOR: '1', TERM: 'dumb' }))).toBe(true);
  for (const v of ['0', 'false', 'FALSE']) expect(colourEnabled(io(true, { FORCE_COLOR: v }))).toBe(false);
});

test('each stream is judged by its own terminal (the spinner writes to stderr)', () => {
  const split: Io = {
    stdout: { write: () => true, isTTY: false },
    stderr: { write: () => true, isTTY: true },
    env: {},
  };
  expect(colourEnabled(split, 'stdout')).toBe(false);
  expect(colourEnabled(split, 'stderr')).toBe(true);
  expect(colourEnabled({ ...split, env: { NO_COLOR: '1' } }, 'stderr')).toBe(false);
});

test("the spinner's frames: ora's dots, cyan when colour is on, and no escape byte when it is off", () => {
  const off = spinnerFrames(spinners, painter(false));
  expect(off).toEqual({ interval: spinners.dots.interval, frames: spinners.dots.frames });
  expect(off.frames.join('')).not.toContain('\u001b');
  const on = spinnerFrames(spinners, painter(true));
  expect(on.frames).toEqual(spinners.dots.frames.map((f) => `\u001b[36m${f}\u001b[39m`));
});

test('the painter wraps in SGR codes and resets only what it set; disabled, it returns the text', () => {
  expect(painter(true)('red', 'x')).toBe('\u001b[31mx\u001b[39m');
  expect(painter(true)('bold', 'x')).toBe('\u001b[1mx\u001b[22m');
  expect(painter(false)('red', 'x')).toBe('x');
});

test('no spinner off a terminal, for machine output, or under CI', async () => {
  for (const [tty, machine, env] of [
    [false, false, {}],
    [true, true, {}],
    [true, false, { CI: 'true' }],
  ] as const) {
    const s = await startSpinner(io(tty, env), 'x', machine);
    expect(() => s.stop()).not.toThrow();
  }
});
