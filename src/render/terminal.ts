// Where output goes and what the terminal can do. Colour only on a TTY and never with NO_COLOR
// (https://no-color.org); spinners only on a TTY and never for machine-readable output.

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };

export function colourEnabled(io: Io): boolean {
  return Boolean(io.stdout.isTTY) && !('NO_COLOR' in io.env && io.env.NO_COLOR !== '') && io.env.TERM !== 'dumb';
}

export type Paint = (style: Style, s: string) => string;
export type Style = 'red' | 'yellow' | 'green' | 'cyan' | 'bold' | 'dim';

const CODES: Record<Style, [number, number]> = {
  red: [31, 39],
  yellow: [33, 39],
  green: [32, 39],
  cyan: [36, 39],
  bold: [1, 22],
  dim: [2, 22],
};

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_style, s) => s;
  return (style, s) => `\u001b[${CODES[style][0]}m${s}\u001b[${CODES[style][1]}m`;
}

/**
 * The terminal's width in columns, or undefined when it has none to tell: off a terminal, and on a
 * terminal that reports 0 columns (some CI and serial consoles). Nothing that redraws (the spinner,
 * the live area) runs without a width: ora divides by it, and at 0 its clear loop never ends.
 */
export function terminalWidth(stream: unknown): number | undefined {
  const c = (stream as { columns?: number }).columns;
  return c && c > 0 ? c : undefined;
}

export interface Spinner {
  stop(): void;
}

/** Starts an ora spinner on stderr when it makes sense; ora is loaded only then. */
export async function startSpinner(io: Io, text: string, machineOutput: boolean): Promise<Spinner> {
  const enabled = Boolean(io.stderr.isTTY) && terminalWidth(io.stderr) !== undefined && !machineOutput && !io.env.CI;
  if (!enabled) return { stop() {} };
  const { default: ora } = await import('ora');
  const s = ora({ text, stream: process.stderr, discardStdin: false }).start();
  return { stop: () => s.stop() };
}
