// Pure: has a watched pod reached what `podlens watch --until` waits for, or can it no longer?
import type { Pod } from './model.js';
import { kubectlStatus } from './status.js';

export const UNTIL = ['ready', 'running', 'succeeded', 'done', 'deleted'] as const;
export type Until = (typeof UNTIL)[number];

export type Outcome = 'reached' | 'failed' | 'pending';

const cond = (pod: Pod, type: string) => pod.conditions.some((c) => c.type === type && c.status === 'True');

/** `pod` undefined: the pod is gone from the API server. */
export function outcome(pod: Pod | undefined, until: Until): Outcome {
  if (until === 'deleted') return pod ? 'pending' : 'reached';
  if (!pod) return 'failed'; // deleted before it got there
  const finished = pod.phase === 'Succeeded' || pod.phase === 'Failed';
  switch (until) {
    case 'ready':
      return cond(pod, 'Ready') && !pod.deletionTimestamp ? 'reached' : finished ? 'failed' : 'pending';
    case 'running':
      // A pod that already ran to completion has run.
      return pod.phase === 'Running' || pod.phase === 'Succeeded'
        ? 'reached'
        : pod.phase === 'Failed'
          ? 'failed'
          : 'pending';
    case 'succeeded':
      return pod.phase === 'Succeeded' ? 'reached' : pod.phase === 'Failed' ? 'failed' : 'pending';
    case 'done':
      // Finished either way: a Job's pod that failed is done too (the line says which).
      return finished ? 'reached' : 'pending';
  }
}

const WORDS: Record<Until, string> = {
  ready: 'ready',
  running: 'running',
  succeeded: 'succeeded',
  done: 'done (Succeeded or Failed)',
  deleted: 'deleted',
};

export function untilWords(until: Until): string {
  return WORDS[until];
}

/** What `--until done` says when every pod finished: which ones succeeded and which failed. */
export function doneWords(pods: Pod[]): string {
  const by = (phase: string) => pods.filter((p) => p.phase === phase).map((p) => p.name);
  const list = (names: string[]) =>
    names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');
  const ok = by('Succeeded');
  const failed = by('Failed');
  if (pods.length === 1) return `pod ${pods[0].name} is done: it ${ok.length ? 'Succeeded' : 'Failed'}.`;
  return `every pod is done: ${[ok.length ? `${ok.length} Succeeded (${list(ok)})` : '', failed.length ? `${failed.length} Failed (${list(failed)})` : ''].filter(Boolean).join(', ')}.`;
}

/** "web-1 is Init:1/2" for the timeout message. */
export function whereItIs(pod: Pod | undefined, name: string): string {
  if (!pod) return `${name} does not exist`;
  const ks = kubectlStatus(pod);
  return `${pod.name} is ${ks.status} (${ks.ready} ready)`;
}
