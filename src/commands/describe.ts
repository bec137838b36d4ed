// `podlens describe`: flags and help only; the work lives in src/describe/service.ts, loaded when it runs.
import type { Command } from 'commander';
import type { RunState } from '../cli.js';
import {
  addClusterFlags,
  addOutputFlag,
  addSelectionFlags,
  type ClusterFlags,
  type OutputFlags,
  type SelectionFlags,
} from './flags.js';

export type DescribeFlags = ClusterFlags & SelectionFlags & OutputFlags & { exitCode?: boolean; tail: string };

export function registerDescribe(program: Command, state: RunState): void {
  const cmd = program
    .command('describe')
    .description(
      'Explain pods: what is happening, why, since when, and what to do, with the evidence.\n' +
        'One pod gives the full report; several give one line each.',
    )
    .argument('[names...]', 'pod names, or deploy/NAME, rs/NAME, job/NAME, sts/NAME, ds/NAME for their pods');
  addClusterFlags(cmd);
  addSelectionFlags(cmd);
  addOutputFlag(cmd);
  cmd
    .option('--exit-code', 'exit 3 when a verdict is "error" (for scripts)')
    .option('--tail <lines>', "lines of a crashed container's previous log to show", '10')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  podlens describe web-5d4f8-abcde          # full report of one pod\n' +
        '  podlens describe -l app=web               # one line per pod\n' +
        '  podlens describe deploy/web -o json       # the pods of a Deployment, as data\n' +
        '  podlens describe -A --exit-code           # exit 3 if any pod in the cluster is in error\n' +
        '\nExit codes: 0 ok, 1 cluster or runtime error, 2 usage error, 3 a verdict is error (with --exit-code).',
    )
    .action(async (names: string[], flags: DescribeFlags) => {
      const { runDescribe } = await import('../describe/service.js');
      state.exitCode = await runDescribe(names, flags, state.io);
    });
}
