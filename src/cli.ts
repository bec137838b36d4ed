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
import { registerCompletion } from './commands/completion.js';
import { addColorFlag, addGlobalFlags, colorMode } from './options/flags.js';
import { registerVersion } from './commands/version.js';
import { asPlugin, invokedAs, type Invocation } from './invocation.js';
import { processIo, type Io } from './render/terminal.js';
import { guardOutput } from './render/output.js';
import { visible } from './render/visible.js';

// Set by scripts/sea.mjs in the single executable, which has no package.json beside it.
declare const PODLENS_VERSION: string | undefined;

function version(): string {
  if (typeof PODLENS_VERSION === 'string') return PODLENS_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A place for commands to leave their exit code (commander's action return values are ignored). */
export interface RunState {
  exitCode: number;
  io: Io;
}

export function buildProgram(state: RunState, how: Invocation = 'podlens'): Command {
  const plugin = how !== 'podlens';
  const program = new Command(plugin ? 'kubectl podlens' : 'podlens')
    .description('Connects to a Kubernetes cluster and makes pods understandable.')
    .version(version(), '--version', 'print the podlens version')
    .exitOverride()
    .configureOutput({
      // Run by kubectl, the help's examples say `kubectl podlens ...` as the user types them.
      writeOut: (s) => state.io.stdout.write(plugin ? asPlugin(s) : s),
      writeErr: (s) => state.io.stderr.write(s),
      outputError: () => {}, // printed once, by main(), like every other error
    });
  addGlobalFlags(program);
  registerDescribe(program, state);
  registerPause(program, state);
  registerNode(program, state);
  registerCleanup(program, state);
  registerWatch(program, state);
  registerConfig(program, state);
  registerCompletion(program, state, how === 'podlens' ? 'podlens' : 'kubectl-podlens');
  registerVersion(program, state, version);
  // --color on every command; its value (after the global flags are merged) goes to the one decision.
  addColorFlag(program).hook('preAction', (_root, action) => {
    state.io = { ...state.io, color: colorMode(action.opts()) };
  });
  return program;
}

/**
 * Runs podlens; resolves with the exit code once stdout and stderr have taken everything written
 * (src/render/output.ts), so the caller may exit at once.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const guard = io === processIo ? guardOutput(process.stdout, process.stderr) : undefined;
  const state: RunState = { exitCode: ExitCode.OK, io };
  // kubectl runs plugins as kubectl-podlens, and kubectl_complete-podlens for `kubectl podlens <TAB>`.
  const how = invokedAs(argv);
  try {
    if (how === 'kubectl_complete-podlens' || argv[2] === '__complete') {
      // Before commander: the words are the user's, none of them is an option of this run.
      const words = argv.slice(how === 'kubectl_complete-podlens' ? 2 : 3);
      const { completionLines } = await import('./complete/run.js');
      io.stdout.write(await completionLines(buildProgram(state, how), words, io.env));
      return guard ? guard.settle(0) : 0;
    }
    const program = buildProgram(state, how);
    // No arguments: the usage, on stdout, and success (krew's guidance for a plugin run bare).
    if (argv.length <= 2) program.outputHelp();
    else await program.parseAsync(argv);
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
