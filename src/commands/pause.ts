// `podlens pause`: flags -> options -> src/node/service.ts -> src/render/pause-text.ts; the service is
// loaded only when it runs.
import type { Command } from 'commander';
import type { RunState } from '../cli.js';
import { addClusterFlags, addOutputFlag } from '../options/flags.js';
import { ACCESS_HELP, addNodeAccessFlags, runNodeSide, type NodeCommandFlags } from './node.js';

export function registerPause(program: Command, state: RunState): void {
  const cmd = program
    .command('pause')
    .description(
      "Show a pod's pause (sandbox) container on its node, map it to the pod's containers, and prove\n" +
        'that they share its network namespace (the same net:[inode]).',
    )
    .argument('<pod>', 'pod name');
  addClusterFlags(cmd);
  addOutputFlag(cmd);
  addNodeAccessFlags(cmd);
  cmd
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  podlens pause shared-network-pod              # auto: docker, local, or a helper pod (asks first)\n' +
        '  podlens pause web-0 -n shop --via pod --yes   # through a helper pod, without asking\n' +
        '  podlens pause web-0 --show-commands           # and the commands to do it by hand\n' +
        ACCESS_HELP,
    )
    .action(async (pod: string, flags: NodeCommandFlags) => {
      state.exitCode = await runNodeSide('pod', pod, flags, state.io);
    });
}
