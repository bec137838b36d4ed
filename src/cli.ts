// The podlens program. Each command registers its flags here cheaply and loads its implementation
// (and the Kubernetes client) only when it runs, so `podlens --help` and `--version` start fast.
// One top-level catch turns every failure into one sentence and an exit code (src/errors.ts).
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ExitCode, PodlensError, toUserError } from './errors.js';
import { redact } from './redact.js';
import { registerDescribe } from './commands/describe.js';
import { registerPause } from './commands/pause.js';
import { registerNode } from './commands/node.js';
import { registerCleanup } from './commands/cleanup.js';
import { registerWatch } from './commands/watch.js';
import { registerConfig } from './commands/config.js';
import { processIo, type Io } from './render/terminal.js';
import { guardOutput } from './render/output.js';
import { visible } from './render/visible.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A place for commands to leave their exit code (commander's action return values are ignored). */
export interface RunState {
  exitCode: number;
  io: Io;
}

export function buildProgram(state: RunState): Command {
  const program = new Command('podlens')
    .description('Connects to a Kubernetes cluster and makes pods understandable.')
    .version(version(), '--version', 'print the podlens version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => state.io.stdout.write(s),
      writeErr: (s) => state.io.stderr.write(s),
      outputError: () => {}, // printed once, by main(), like every other error
    });
  registerDescribe(program, state);
  registerPause(program, state);
  registerNode(program, state);
  registerCleanup(program, state);
  registerWatch(program, state);
  registerConfig(program, state);
  return program;
}

/**
 * Runs podlens; resolves with the exit code once stdout and stderr have taken everything written
 * (src/render/output.ts), so the caller may exit at once.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const guard = io === processIo ? guardOutput(process.stdout, process.stderr) : undefined;
  const state: RunState = { exitCode: ExitCode.OK, io };
  // kubectl runs plugins as kubectl-podlens; the name in messages follows.
  try {
    await buildProgram(state).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError && err.exitCode === 0) {
      state.exitCode = 0; // --help, --version
    } else if (err instanceof PodlensError && err.kind === 'interrupted') {
      state.exitCode = err.exitCode; // Ctrl-C: the user knows; no message
    } else {
      const { message, exitCode } = toUserError(err);
      // API messages quote cluster text (made visible); no secret survives (redact).
      io.stderr.write(`error: ${visible(redact(message))}
`);
      if (err instanceof CommanderError && exitCode === ExitCode.USAGE)
        io.stderr.write('(run with --help for usage)\n');
      state.exitCode = exitCode;
    }
  }
  return guard ? guard.settle(state.exitCode) : state.exitCode;
}
