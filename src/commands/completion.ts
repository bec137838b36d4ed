// `podlens completion bash|zsh|fish`: prints the shell's completion script. The script asks
// `podlens __complete WORDS...` (handled in src/cli.ts before commander parses anything, so that
// no flag among the words is taken as podlens's own) for candidates.
import { Argument, type Command } from 'commander';
import type { RunState } from '../cli.js';
import { completionScript, SHELLS, type Shell } from '../complete/scripts.js';

export function registerCompletion(program: Command, state: RunState, commandName: string): void {
  program
    .command('completion')
    .description('Print a shell completion script: commands, flags, and names of pods, namespaces, contexts and nodes.')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(SHELLS))
    .addHelpText(
      'after',
      '\nLoad it in the current shell:\n' +
        `  source <(${commandName} completion bash)\n` +
        `  source <(${commandName} completion zsh)     # after compinit\n` +
        `  ${commandName} completion fish | source\n` +
        '\nNames come from the cluster of the current context (or of --context, --kubeconfig and -n typed\n' +
        'before the name); a cluster that does not answer within 2 s offers none.\n' +
        'For `kubectl podlens <TAB>` put kubectl_complete-podlens on PATH (npm installs it with podlens).',
    )
    .action((shell: Shell) => {
      state.io.stdout.write(completionScript(shell, commandName));
    });
}
