// `podlens cleanup`: removes helper pods that `pause`/`node --via pod` left behind (killed with -9,
// lost connection). They carry app.kubernetes.io/managed-by=podlens; nothing else is touched.
// flags -> src/node/cleanup.ts -> a table.
import type { Command } from 'commander';
import type { RunState } from '../cli.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { Io } from '../render/terminal.js';
import { addClusterFlags, openCluster } from './flags.js';
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
    state.exitCode = await runCleanup(flags, state.io);
  });
}

async function runCleanup(flags: CleanupFlags, io: Io): Promise<ExitCodeValue> {
  const { cluster } = await openCluster(flags, io.env);
  const { cleanupHelpers, HELPER_SELECTOR } = await import('../node/cleanup.js');
  const done = await cleanupHelpers(cluster, flags.namespace, Boolean(flags.dryRun));
  if (!done.length) {
    const where = flags.namespace ? ` in namespace ${flags.namespace}` : '';
    io.stderr.write(`No podlens helper pods found${where} (${HELPER_SELECTOR}).\n`);
    return ExitCode.OK;
  }
  const [{ age }, { table }, { colourEnabled, painter }, { visibleDeep }] = await Promise.all([
    import('../domain/time.js'),
    import('../render/table.js'),
    import('../render/terminal.js'),
    import('../render/visible.js'),
  ]);
  const now = new Date();
  const rows = done.map(({ helper: h, result }) => [
    h.namespace,
    h.name,
    h.node,
    h.phase,
    age(h.createdAt ? new Date(h.createdAt) : undefined, now),
    result,
  ]);
  io.stdout.write(
    table(['NAMESPACE', 'NAME', 'NODE', 'PHASE', 'AGE', 'RESULT'], visibleDeep(rows), painter(colourEnabled(io)), '') +
      '\n',
  );
  return ExitCode.OK;
}
