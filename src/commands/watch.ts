// `podlens watch`: flags and help only; the work lives in watch-run.ts, loaded when it runs.
import { Option, type Command } from 'commander';
import type { RunState } from '../cli.js';
import { addClusterFlags, addSelectionFlags, type ClusterFlags, type SelectionFlags } from './flags.js';

export type WatchFlags = ClusterFlags &
  SelectionFlags & { output: 'text' | 'ndjson'; until?: string; timeout?: string; filename?: string };

export function registerWatch(program: Command, state: RunState): void {
  const cmd = program
    .command('watch')
    .description(
      'Follow pods live: one line per pod now, then one line per transition (phase, conditions, containers,\n' +
        'restarts, events, deletion), each explained. Survives API server restarts and dropped connections\n' +
        'without losing or repeating a transition.',
    )
    .argument('[names...]', 'pod names (default: every pod in the namespace, or those matching -l)');
  addClusterFlags(cmd);
  addSelectionFlags(cmd);
  cmd
    .addOption(
      new Option(
        '-o, --output <format>',
        'text, or ndjson: one JSON object per transition (schema/watch-event.v1.json)',
      )
        .choices(['text', 'ndjson'])
        .default('text'),
    )
    .addOption(
      new Option('--until <condition>', 'exit when every watched pod is ready|running|succeeded|done|deleted').choices([
        'ready',
        'running',
        'succeeded',
        'done',
        'deleted',
      ]),
    )
    .option('--timeout <duration>', 'give up after this long (exit 4), e.g. 90s, 5m')
    .option(
      '-f, --filename <file>',
      "create the manifest's pods, then follow them from the moment the API server stores them",
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  podlens watch                                  # every pod in the namespace\n' +
        '  podlens watch -l app=web --until ready         # a rollout: exit when every pod is ready\n' +
        '  podlens watch -f examples/init-container.yaml  # create, then follow from the first moment\n' +
        '  podlens watch job-pod --until done --timeout 10m -o ndjson | jq .\n' +
        '\nExit codes: 0 --until reached, or Ctrl-C; 1 cluster or runtime error; 2 usage error;\n' +
        '            3 a pod failed (or was deleted) instead of reaching --until; 4 --timeout expired.',
    )
    .action(async (names: string[], flags: WatchFlags) => {
      const { runWatch } = await import('./watch-run.js');
      state.exitCode = await runWatch(names, flags, state.io);
    });
}
