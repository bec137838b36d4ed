import type { Io } from '../render/terminal.js';
import type { DescribeFlags } from './describe.js';
import { openCluster, validateSelection } from './flags.js';

export async function runDescribe(names: string[], flags: DescribeFlags, io: Io): Promise<number> {
  validateSelection(names, flags);
  const { cluster, namespace } = await openCluster(flags, io.env);
  const pods = await cluster.listPods({ namespace: flags.allNamespaces ? undefined : namespace, labelSelector: flags.selector });
  io.stdout.write(pods.map((p) => `${p.namespace}/${p.name} ${p.phase}`).join('\n') + '\n');
  return 0;
}
