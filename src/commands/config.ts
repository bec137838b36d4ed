// `podlens config`: which context, cluster, user, namespace and credential podlens would use, read
// from the kubeconfig exactly as every other command reads it. Makes no request and runs no exec
// plugin: the same choice `kubectl config view --minify` shows, for checking merged kubeconfigs.
import type { Command } from 'commander';
import type { RunState } from '../cli.js';
import { ExitCode } from '../errors.js';
import {
  addClusterFlags,
  addOutputFlag,
  clusterOverrides,
  validateNamespace,
  type ClusterFlags,
  type OutputFlags,
} from '../options/flags.js';
import type { Io } from '../render/terminal.js';

export type ConfigFlags = ClusterFlags & OutputFlags;

export function registerConfig(program: Command, state: RunState): void {
  const cmd = program
    .command('config')
    .description(
      'Show the context, cluster, user, namespace and kind of credential podlens would use (no request is made).',
    );
  addClusterFlags(cmd);
  addOutputFlag(cmd);
  cmd.action(async (flags: ConfigFlags) => {
    state.exitCode = await runConfig(flags, state.io);
  });
}

export async function runConfig(flags: ConfigFlags, io: Io): Promise<number> {
  validateNamespace(flags.namespace);
  const overrides = clusterOverrides(flags);
  const { configChoice } = await import('../kube/config-view.js');
  const { kubeconfig, context, namespace } = flags;
  const choice = configChoice({ kubeconfig, context, namespace, overrides, env: io.env });
  if (flags.output !== 'text') {
    const { renderData } = await import('../render/data.js');
    io.stdout.write(await renderData(choice, flags.output));
    return ExitCode.OK;
  }
  const rows: [string, string][] = [
    ['context', choice.context],
    ['cluster', choice.cluster],
    ['server', choice.server],
    ['user', choice.user],
    ['namespace', choice.namespace],
    ['credentials', choice.credentials],
    ['proxy', choice.proxy ?? 'none'],
    ['kubeconfig', choice.kubeconfig.join(', ')],
  ];
  io.stdout.write(rows.map(([k, v]) => `${`${k}:`.padEnd(13)}${v}\n`).join(''));
  return ExitCode.OK;
}
