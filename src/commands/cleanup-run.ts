// `podlens cleanup`: list the helper pods by label, delete each at once (grace 0), say what was done.
import { ExitCode } from '../errors.js';
import type { KubeCluster } from '../kube/adapter.js';
import { HELPER_SELECTOR, NodeApi } from '../kube/node-api.js';
import { age } from '../domain/time.js';
import { table } from '../render/table.js';
import { colourEnabled, painter, type Io } from '../render/terminal.js';
import type { CleanupFlags } from './cleanup.js';
import { openCluster } from './flags.js';

export async function runCleanup(flags: CleanupFlags, io: Io): Promise<number> {
  const { cluster } = await openCluster(flags, io.env);
  const api = new NodeApi(cluster as KubeCluster);
  const helpers = await api.listHelpers(flags.namespace);
  const where = flags.namespace ? ` in namespace ${flags.namespace}` : '';
  if (!helpers.length) {
    io.stderr.write(`No podlens helper pods found${where} (${HELPER_SELECTOR}).\n`);
    return ExitCode.OK;
  }
  const now = new Date();
  const rows: string[][] = [];
  for (const h of helpers) {
    const done = flags.dryRun
      ? 'would delete'
      : (await api.deletePod(h.namespace, h.name))
        ? 'deleted'
        : 'already gone';
    rows.push([h.namespace, h.name, h.node, h.phase, age(h.createdAt ? new Date(h.createdAt) : undefined, now), done]);
  }
  io.stdout.write(
    table(['NAMESPACE', 'NAME', 'NODE', 'PHASE', 'AGE', 'RESULT'], rows, painter(colourEnabled(io)), '') + '\n',
  );
  return ExitCode.OK;
}
