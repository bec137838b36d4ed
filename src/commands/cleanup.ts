// `podlens cleanup`: removes the helpers `pause`/`node --via pod` left behind (killed with -9, lost
// connection) whose deadline passed or whose creating process on this host is gone; every helper with
// --all. Helpers carry app.kubernetes.io/managed-by=podlens; nothing else is touched.
// flags -> src/node/cleanup.ts -> a table.
import type { Command } from 'commander';
import type { RunState } from '../cli.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { Io } from '../render/terminal.js';
import { addClusterFlags, openCluster } from '../options/flags.js';
import type { ClusterFlags } from '../options/flags.js';

export type CleanupFlags = ClusterFlags & { dryRun?: boolean; all?: boolean };

export function registerCleanup(program: Command, state: RunState): void {
  const cmd = program
    .command('cleanup')
    .description(
      'Delete the helper Jobs podlens pause/node left behind (label app.kubernetes.io/managed-by=podlens)\n' +
        'whose deadline passed or whose creating podlens process on this host is gone; --all deletes every one.\n' +
        'Looks in every namespace unless -n is given.',
    );
  addClusterFlags(cmd);
  cmd
    .option('--all', 'delete every helper, also those another podlens run may be using')
    .option('--dry-run', 'list them and what would be done, delete nothing')
    .action(async (flags: CleanupFlags) => {
      state.exitCode = await runCleanup(flags, state.io);
    });
}

async function runCleanup(flags: CleanupFlags, io: Io): Promise<ExitCodeValue> {
  const { cluster } = await openCluster(flags, io.env);
  const { cleanupHelpers, HELPER_SELECTOR } = await import('../node/cleanup.js');
  const now = new Date();
  const done = await cleanupHelpers(cluster, {
    namespace: flags.namespace,
    dryRun: Boolean(flags.dryRun),
    all: Boolean(flags.all),
    now,
  });
  if (!done.length) {
    const where = flags.namespace ? ` in namespace ${flags.namespace}` : '';
    io.stderr.write(`No podlens helpers found${where} (${HELPER_SELECTOR}).\n`);
    return ExitCode.OK;
  }
  const [{ age }, { table }, { colourEnabled, painter }, { visibleDeep }] = await Promise.all([
    import('../domain/time.js'),
    import('../render/table.js'),
    import('../render/terminal.js'),
    import('../render/visible.js'),
  ]);
  const rows = done.map(({ helper: h, result, why }) => [
    h.namespace,
    `${h.kind.toLowerCase()}/${h.name}`,
    h.node,
    h.phase,
    age(h.createdAt ? new Date(h.createdAt) : undefined, now),
    result,
    why,
  ]);
  io.stdout.write(
    table(
      ['NAMESPACE', 'NAME', 'NODE', 'PHASE', 'AGE', 'RESULT', 'WHY'],
      visibleDeep(rows),
      painter(colourEnabled(io)),
      '',
    ) + '\n',
  );
  return ExitCode.OK;
}
