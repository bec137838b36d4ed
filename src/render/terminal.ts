// Where output goes and what the terminal can do. Whether podlens colours is decided here, once per
// stream, by colourEnabled (the renderers receive its answer as a Paint); spinners only on a TTY and
// never for machine-readable output.

/** --color: auto (the default) follows NO_COLOR, FORCE_COLOR and the terminal; always and never do not. */
export const COLOR_MODES = ['auto', 'always', 'never'] as const;
export type ColorMode = (typeof COLOR_MODES)[number];

export interface Io {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** --color as given (before or after the command); undefined: auto. */
  color?: ColorMode;
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr, env: process.env };

/**
 * Whether output on this stream is coloured. Precedence: --color always|never, then NO_COLOR (any
 * non-empty value: off, https://no-color.org), then FORCE_COLOR (on even off a terminal; 0 or false:
 * off), then the terminal (a TTY that is not TERM=dumb).
 */
export function colourEnabled(io: Io, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  if (io.color === 'always') return true;
  if (io.color === 'never') return false;
  if (io.env.NO_COLOR) return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return Boolean(io[stream].isTTY) && io.env.TERM !== 'dumb';
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
  const { default: ora, spinners } = await import('ora');
  const spinner = spinnerFrames(spinners, painter(colourEnabled(io, 'stderr')));
  const s = ora({ text, stream: process.stderr, discardStdin: false, spinner, color: false }).start();
  return { stop: () => s.stop() };
}

/**
 * ora's spinner with its frames painted by our Paint, so that ora's own colouring (chalk's guess from
 * the environment) is never used: `color: false` with these frames.
 */
export function spinnerFrames(
  spinners: Record<'dots', { interval: number; frames: string[] }>,
  paint: Paint,
): { interval: number; frames: string[] } {
  return { interval: spinners.dots.interval, frames: spinners.dots.frames.map((f) => paint('cyan', f)) };
}
