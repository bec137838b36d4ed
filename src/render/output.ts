// The one way podlens' output leaves the process. Commands write through Io (src/render/terminal.ts);
// for the real process, main() (src/cli.ts) guards stdout and stderr when it starts and settles them
// before it returns its exit code, so that bin/podlens exits only after:
// - everything written has been taken by the pipe or file (a process that exits right after a large
//   write to a pipe loses what the pipe has not yet taken: `describe -A -o json | jq` was cut at 64 KB);
// - EPIPE on either stream (`podlens ... | head`) ends quietly with exit 0, so that a
//   `set -o pipefail` script does not fail;
// - any other write error (`> /dev/full`, ENOSPC, EIO) is one sentence on stderr and exit 1.

/** A stream as this module needs it; process.stdout and process.stderr are ones. */
export interface OutStream {
  write(s: string): unknown;
  on(event: 'error', fn: (e: NodeJS.ErrnoException) => void): unknown;
  once(event: 'drain' | 'error' | 'close' | 'finish', fn: () => void): unknown;
  removeListener(event: 'drain' | 'error' | 'close' | 'finish', fn: () => void): unknown;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

export interface Guarded {
  /** Waits until both streams have taken everything; returns the exit code the process should use. */
  settle(code: number): Promise<number>;
}

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EIO: 'input/output error',
  EBADF: 'it is closed',
  EACCES: 'permission denied',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'the file is too large',
};

function drained(s: OutStream): Promise<void> {
  if (s.destroyed || s.writableLength === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      for (const ev of ['drain', 'error', 'close', 'finish'] as const) s.removeListener(ev, done);
      resolve();
    };
    for (const ev of ['drain', 'error', 'close', 'finish'] as const) s.once(ev, done);
  });
}

/** The sentence for a failed write (the caller adds "error: "). */
export function writeFailure(stream: 'stdout' | 'stderr', e: NodeJS.ErrnoException): string {
  const why = (e.code && WHY[e.code]) ?? e.message ?? String(e);
  return `cannot write to standard ${stream === 'stdout' ? 'output' : 'error'}: ${why}${e.code ? ` (${e.code})` : ''}.`;
}

/**
 * Listens for write errors on both streams from now on (without a listener, EPIPE would crash the
 * process with a stack trace) and returns how to settle them at the end.
 */
export function guardOutput(stdout: OutStream, stderr: OutStream): Guarded {
  const failed: { stream: 'stdout' | 'stderr'; e: NodeJS.ErrnoException }[] = [];
  stdout.on('error', (e) => failed.push({ stream: 'stdout', e }));
  stderr.on('error', (e) => failed.push({ stream: 'stderr', e }));
  return {
    async settle(code: number): Promise<number> {
      await Promise.all([drained(stdout), drained(stderr)]);
      // Writes that failed synchronously (files) have reported by now; asynchronous ones (pipes) too,
      // after one more turn of the event loop.
      await new Promise((r) => setImmediate(r));
      const first = failed[0];
      if (!first) return code;
      if (failed.some((f) => f.e.code === 'EPIPE')) return 0; // the reader left: not an error
      if (!failed.some((f) => f.stream === 'stderr')) {
        stderr.write(`error: ${writeFailure(first.stream, first.e)}\n`);
        await drained(stderr);
      }
      return 1;
    },
  };
}
