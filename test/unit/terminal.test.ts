// Colour only on a terminal, never with NO_COLOR (non-empty) or TERM=dumb; the painter's codes.
import { colourEnabled, painter, startSpinner, type Io } from '../../src/render/terminal.js';

const io = (isTTY: boolean, env: NodeJS.ProcessEnv): Io => ({
  stdout: { write: () => true, isTTY },
  stderr: { write: () => true, isTTY },
  env,
});

test('colour on a terminal; not through a pipe, with NO_COLOR, or on a dumb terminal', () => {
  expect(colourEnabled(io(true, {}))).toBe(true);
  expect(colourEnabled(io(true, { NO_COLOR: '' }))).toBe(true); // no-color.org: present and not empty
  expect(colourEnabled(io(false, {}))).toBe(false);
  expect(colourEnabled(io(true, { NO_COLOR: '1' }))).toBe(false);
  expect(colourEnabled(io(true, { TERM: 'dumb' }))).toBe(false);
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
