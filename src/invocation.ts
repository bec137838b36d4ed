// Under which name podlens runs: `podlens`, `kubectl-podlens` (kubectl runs plugins by that name,
// https://kubernetes.io/docs/tasks/extend-kubectl/kubectl-plugins/) or `kubectl_complete-podlens`
// (kubectl's plugin completion: staging/src/k8s.io/kubectl/pkg/cmd/plugin/plugin_completion.go).
// From node, the script's path is argv[1]; a single executable's own name is process.argv0.
import { basename } from 'node:path';

export type Invocation = 'podlens' | 'kubectl-podlens' | 'kubectl_complete-podlens';

export function invokedAs(argv: string[], argv0: string = process.argv0): Invocation {
  for (const path of [argv0, argv[1] ?? '']) {
    const name = basename(path).replace(/\.(c?js|mjs|exe)$/, '');
    if (name === 'kubectl_complete-podlens' || name === 'kubectl-podlens') return name;
  }
  return 'podlens';
}

/** Help text as the plugin's user types it: a line's `podlens watch ...` -> `kubectl podlens watch ...`. */
export function asPlugin(help: string): string {
  return help.replace(/^(\s*(?:\$ )?)podlens(?= )/gm, '$1kubectl podlens');
}
