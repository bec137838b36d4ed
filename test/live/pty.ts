// podlens on a pseudo-terminal, as on a user's terminal: stdin, stdout and stderr are one TTY of a
// chosen size; a text can be typed when a prompt appears (test/live/pty.py does the terminal work:
// Node has no pty of its own).
import { join } from 'node:path';
import { BIN, ROOT, kubeconfig, run } from './support.js';

export interface TerminalRun {
  code: number; // 124: still running after timeoutSeconds (then killed)
  output: string; // everything the terminal showed (stdout and stderr together)
}

export interface TerminalOptions {
  cols?: number;
  rows?: number;
  /** Typed once this text appears: e.g. "\\x03" (Ctrl-C) when "Continue?" is asked. */
  when?: { text: string; type: string };
  timeoutSeconds?: number;
  env?: NodeJS.ProcessEnv;
}

export async function onTerminal(args: string[], o: TerminalOptions = {}): Promise<TerminalRun> {
  const r = await run(
    'python3',
    [
      join(ROOT, 'test', 'live', 'pty.py'),
      String(o.cols ?? 120),
      String(o.rows ?? 40),
      o.when?.text ?? '',
      o.when?.type ?? '',
      String(o.timeoutSeconds ?? 60),
      '--',
      process.execPath,
      BIN,
      ...args,
    ],
    {
      // No CI variable at all: ora (like many tools) draws nothing when CI is set, even empty.
      env: { KUBECONFIG: kubeconfig(), TERM: 'xterm', CI: undefined, NO_COLOR: '1', ...o.env },
      timeoutMs: ((o.timeoutSeconds ?? 60) + 30) * 1000,
    },
  );
  return { code: r.code, output: Buffer.from(r.stdout, 'base64').toString('utf8') };
}
