// `podlens version` (and `--version`): the podlens version, as `kubectl version --client` gives
// kubectl's. podlens has no server side, so --client is accepted and changes nothing; the cluster's
// version is kubectl's to tell (`kubectl version`).
import { Option, type Command } from 'commander';
import type { RunState } from '../cli.js';

export function registerVersion(program: Command, state: RunState, version: () => string): void {
  program
    .command('version')
    .description('Print the podlens version (and the Node.js version it runs on).')
    .option('--client', 'accepted for kubectl habits: podlens has only a client version')
    .addOption(
      new Option('-o, --output <format>', 'text, json or yaml').choices(['text', 'json', 'yaml']).default('text'),
    )
    .action(async (flags: { output: 'text' | 'json' | 'yaml' }) => {
      const info = { podlensVersion: version(), nodeVersion: process.version };
      if (flags.output === 'text') {
        state.io.stdout.write(`podlens version ${info.podlensVersion} (Node.js ${info.nodeVersion})\n`);
        return;
      }
      const { renderData } = await import('../render/data.js');
      state.io.stdout.write(await renderData(info, flags.output));
    });
}
