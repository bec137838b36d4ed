// A crash seen live: the terminations `podlens watch` reads the last log lines of ("last words"),
// and the transition that carries them. One read per termination: a termination is known by pod,
// container and finish time, whether it is seen as the container's state (terminated) or, after a
// quick restart, as its lastState. Exit code 0 is no crash; a pod's state when the watch starts is
// history, not a crash seen live.
import { WATCH_API_VERSION } from './api-versions.js';
import { containerViews, kindWords } from './containers.js';
import { readLog } from './container-findings.js';
import type { ContainerKind, ContainerStatus, Pod } from './model.js';
import type { Transition } from './transitions.js';

/** Lines read per termination, and characters kept per line. */
export const LAST_WORDS_LINES = 5;
const LINE_MAX = 300;

export interface Termination {
  key: string;
  container: string;
  containerKind: ContainerKind;
  /** true: read the previous instance's log (the container was started again). */
  previous: boolean;
  exitCode: number;
  reason: string | null;
  finishedAt: string | null;
}

function terminationOf(pod: Pod, s: ContainerStatus, kind: ContainerKind): Termination | undefined {
  const cur = s.state.kind === 'terminated' ? s.state : undefined;
  const last = s.lastState.kind === 'terminated' ? s.lastState : undefined;
  const t = cur ?? last;
  if (!t || t.exitCode === 0) return undefined;
  return {
    key: `${pod.uid}/${s.name}/${t.finishedAt?.getTime() ?? `restart-${s.restartCount}`}`,
    container: s.name,
    containerKind: kind,
    previous: !cur,
    exitCode: t.exitCode,
    reason: t.reason ?? null,
    finishedAt: t.finishedAt?.toISOString() ?? null,
  };
}

/**
 * The failed terminations the pod shows now: each container's latest one. None while the pod is being
 * deleted: its containers stop because they were told to (SIGTERM, then SIGKILL at the grace period's
 * end, so exit codes 143 and 137), which is no crash, and the log read would finish after the pod's
 * "deleted" line.
 */
export function terminations(pod: Pod): Termination[] {
  if (pod.deletionTimestamp) return [];
  const out: Termination[] = [];
  for (const v of containerViews(pod)) {
    const t = v.status && terminationOf(pod, v.status, v.spec.kind);
    if (t) out.push(t);
  }
  return out;
}

export function lastWordsTransition(
  pod: Pod,
  t: Termination,
  log: { lines: string[]; error?: string },
  now: Date,
): Transition {
  const read = readLog({ container: t.container, previous: t.previous, lines: log.lines, error: log.error });
  const lines = read.error
    ? []
    : read.lines
        .filter((l) => l.trim())
        .slice(-LAST_WORDS_LINES)
        .map((l) => (l.length > LINE_MAX ? `${l.slice(0, LINE_MAX - 1)}…` : l));
  const v = containerViews(pod).find((x) => x.spec.name === t.container);
  const who = v ? kindWords(v, pod) : `container "${t.container}"`;
  const exit = `exit code ${t.exitCode}${t.reason ? `, ${t.reason}` : ''}`;
  const explanation = read.error
    ? `the log of ${who} (${exit}) could not be read: ${read.error}`
    : lines.length
      ? `${who} (${exit}) last wrote: ${lines.map((l) => `"${l.trim()}"`).join(' / ')}`
      : `${who} (${exit}) wrote nothing to its log`;
  return {
    apiVersion: WATCH_API_VERSION,
    kind: 'PodTransition',
    time: t.finishedAt ?? now.toISOString(),
    observedAt: now.toISOString(),
    source: 'watch',
    namespace: pod.namespace,
    pod: pod.name,
    uid: pod.uid,
    change: 'last-words',
    condition: null,
    container: t.container,
    containerKind: t.containerKind,
    from: null,
    to: null,
    reason: t.reason,
    message: read.error ?? lines.at(-1) ?? null,
    exitCode: t.exitCode,
    count: lines.length,
    explanation,
    lines,
  };
}
