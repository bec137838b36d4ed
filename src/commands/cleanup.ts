// `podlens cleanup`: removes helper pods that `pause`/`node --via pod` left behind (killed with -9,
// lost connection). They carry app.kubernetes.io/managed-by=podlens; nothing else is touched.
import type { Command } from 'commander';
import type { RunState } from '../cli.js';
import { addClusterFlags } from './flags.js';
import type { ClusterFlags } from './flags.js';

export type CleanupFlags = ClusterFlags & { dryRun?: boolean };

export function registerCleanup(program: Command, state: RunState): void {
  const cmd = program
    .command('cleanup')
    .description(
      'Delete the helper pods podlens pause/node left behind (label app.kubernetes.io/managed-by=podlens).\nLooks in every namespace unless -n is given.',
    );
  addClusterFlags(cmd);
  cmd.option('--dry-run', 'list them, delete nothing').action(async (flags: CleanupFlags) => {
    const { runCleanup } = await import('./cleanup-run.js');
    state.exitCode = await runCleanup(flags, state.io);
  });
}
