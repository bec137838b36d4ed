// `podlens __complete WORDS...` (and kubectl_complete-podlens): prints the candidates one per line,
// then `:N`, cobra's shell directive, which kubectl's plugin completion reads
// (staging/src/k8s.io/kubectl/pkg/cmd/plugin/plugin_completion.go): 4 = no file completion,
// 0 = the shell's default (files). Live names come from the cluster within COMPLETE_TIMEOUT_MS:
// a slow or unreachable cluster gives no names, never a shell that hangs. Failures print nothing.
import type { Command } from 'commander';
import { offer, plan, type NameKind, type Target } from './plan.js';
import { programSpec } from './spec.js';

export const COMPLETE_TIMEOUT_MS = 2000;
const NO_FILES = 4;
const FILES = 0;

async function fetchNames(what: NameKind, t: Target, env: NodeJS.ProcessEnv): Promise<string[]> {
  const { configNames, liveNames } = await import('../kube/names.js');
  if (what === 'contexts' || what === 'clusters' || what === 'users')
    return configNames(what, { kubeconfig: t.kubeconfig, env });
  const { connect } = await import('../kube/adapter.js');
  const cluster = await connect({
    kubeconfig: t.kubeconfig,
    context: t.context,
    requestTimeoutMs: COMPLETE_TIMEOUT_MS,
    env,
    stdinIsTTY: false, // never prompt (an exec plugin's login) in the middle of a command line
  });
  return liveNames(cluster, what, t.namespace ?? cluster.namespace);
}

/** Resolves with nothing once `ms` pass; the timer does not keep the process alive. */
function within<T>(p: Promise<T[]>, ms: number): Promise<T[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), ms);
    timer.unref();
    p.then(resolve, () => resolve([])).finally(() => clearTimeout(timer));
  });
}

export async function completionLines(program: Command, words: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { plan: p, target } = plan(programSpec(program), words);
  const out = (candidates: string[], directive: number) => [...candidates, `:${directive}`].join('\n') + '\n';
  if (p.kind === 'files') return out([], FILES);
  if (p.kind === 'words') return out(p.words, NO_FILES);
  const names = await within(fetchNames(p.what, target, env), COMPLETE_TIMEOUT_MS);
  return out(offer(p, names), NO_FILES);
}
