// `podlens config`: which context, cluster, user, namespace and credential podlens would use, read
// from the kubeconfig exactly as every other command reads it. Makes no request and runs no exec
// plugin: the same choice `kubectl config view --minify` shows, for checking merged kubeconfigs.
import type { Command } from 'commander';
import type { RunState } from '../cli.js';
import { addClusterFlags, addOutputFlag, type ClusterFlags, type OutputFlags } from '../options/flags.js';

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
    const { runConfig } = await import('../kube/config-view.js');
    state.exitCode = await runConfig(flags, state.io);
  });
}
