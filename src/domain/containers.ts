// Containers of a pod: spec and status joined, in the order the kubelet starts them.
import { latest } from './events.js';
import type { ContainerSpec, ContainerState, ContainerStatus, KubeEvent, Pod } from './model.js';

export interface ContainerView {
  spec: ContainerSpec;
  status?: ContainerStatus;
  /** 1-based position among the pod's init containers (sidecars included), for "init 1 of 2". */
  initIndex?: number;
}

export function containerViews(pod: Pod): ContainerView[] {
  const find = (list: ContainerStatus[], name: string) => list.find((s) => s.name === name);
  return [
    ...pod.initContainers.map((spec, i) => ({
      spec,
      status: find(pod.initContainerStatuses, spec.name),
      initIndex: i + 1,
    })),
    ...pod.containers.map((spec) => ({ spec, status: find(pod.containerStatuses, spec.name) })),
    ...pod.ephemeralContainers.map((spec) => ({ spec, status: find(pod.ephemeralContainerStatuses, spec.name) })),
  ];
}

/**
 * The init container the pod now waits on: the first that has neither completed with exit code 0
 * nor (for a sidecar) started. Undefined once the pod is initialized or has no init containers.
 * The kubelet runs them one at a time, in order:
 * https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#detailed-behavior
 */
export function currentInit(pod: Pod): ContainerView | undefined {
  if (!pod.initContainers.length || pod.conditions.some((c) => c.type === 'Initialized' && c.status === 'True'))
    return undefined;
  return containerViews(pod).find((v) => {
    if (v.initIndex === undefined) return false;
    const s = v.status;
    const completed = s?.state.kind === 'terminated' && s.state.exitCode === 0;
    return !completed && !(v.spec.kind === 'sidecar' && s?.started);
  });
}

// Linux signal numbers (signal(7)); exit codes above 128 mean "killed by signal code-128".
const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

export type Terminated = Extract<ContainerState, { kind: 'terminated' }>;

/**
 * When the container's process really started. A container that could not be started (StartError)
 * carries the zero time, 1970-01-01T00:00:00Z, as startedAt: a placeholder, not a start.
 */
export function realStart(t: Terminated): Date | undefined {
  return t.startedAt && t.startedAt.getTime() > 0 ? t.startedAt : undefined;
}

/** How long the process ran, when both ends are known; undefined when it never started. */
export function ranMs(t: Terminated): number | undefined {
  const start = realStart(t);
  return start && t.finishedAt ? t.finishedAt.getTime() - start.getTime() : undefined;
}

/** The runtime could not start the process at all (StartError, or a placeholder start time). */
export function neverStarted(t: Terminated): boolean {
  return t.reason === 'StartError' || (t.startedAt !== undefined && !realStart(t));
}

/** The containers that run now, sidecars and ephemeral ones included. */
export function runningNames(pod: Pod): string[] {
  return [...pod.initContainerStatuses, ...pod.containerStatuses, ...pod.ephemeralContainerStatuses]
    .filter((s) => s.state.kind === 'running')
    .map((s) => s.name);
}

/** Text cut to n characters, with "…" when cut. */
export function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The command a container runs, quoted as a shell would take it: `sh -c 'echo "hi"; exit 3'`. */
export function commandWords(c: ContainerSpec): string | undefined {
  if (!c.command.length) return undefined;
  const quote = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
  return clip(c.command.map(quote).join(' '), 100);
}

/**
 * What the container runs, as a clause: its command, or the image's entrypoint with the args (a
 * container without command runs the image's ENTRYPOINT, args replacing the image's CMD).
 */
export function commandClause(c: ContainerSpec): string {
  const words = commandWords(c);
  if (!words) return `it runs the image's own entrypoint (${c.image})`;
  return c.imageEntrypoint
    ? `it runs the image's own entrypoint (${c.image}) with the arguments \`${words}\``
    : `its command is \`${words}\``;
}

export function signalOf(t: Terminated): string | undefined {
  const n = t.signal ?? (t.exitCode > 128 && t.exitCode < 160 ? t.exitCode - 128 : undefined);
  return n === undefined ? undefined : (SIGNALS[n] ?? `signal ${n}`);
}

/**
 * "exit code 137: SIGKILL", or "exit code 3" when the code names no signal. No brackets of its own:
 * sentences put it inside theirs ("(OOMKilled, exit code 137: SIGKILL)").
 */
export function exitCodeWords(exitCode: number, signal?: string | null): string {
  return `exit code ${exitCode}${signal ? `: ${signal}` : ''}`;
}

/** exitCodeWords of a terminated state, its signal read from the state or the code. */
export function exitWords(t: Terminated): string {
  return exitCodeWords(t.exitCode, signalOf(t));
}

export function kindWords(v: ContainerView, pod: Pod): string {
  switch (v.spec.kind) {
    case 'init':
      return `init container "${v.spec.name}" (${v.initIndex} of ${pod.initContainers.length})`;
    case 'sidecar':
      return `sidecar "${v.spec.name}"`;
    case 'ephemeral':
      return `ephemeral container "${v.spec.name}"`;
    default:
      return `container "${v.spec.name}"`;
  }
}

/** Succeeded or Failed: the kubelet starts nothing in the pod again and tears its sandbox down. */
export function finished(pod: Pod): boolean {
  return pod.phase === 'Succeeded' || pod.phase === 'Failed';
}

/**
 * Will the kubelet start this container again after it exits? Never in a pod that is being deleted
 * or has finished; else by restartPolicy (sidecars always).
 */
export function willRestart(v: ContainerView, pod: Pod, exitCode: number): boolean {
  if (v.spec.kind === 'ephemeral' || pod.deletionTimestamp || finished(pod)) return false;
  if (v.spec.kind === 'sidecar') return true;
  if (pod.restartPolicy === 'Always') return true;
  return pod.restartPolicy === 'OnFailure' && exitCode !== 0;
}

/**
 * Which containers deserve their log in the report: the crashed ones, and the init container the pod
 * waits on while it runs (what it is saying now). One that has not started has no log to read.
 */
export function logsWanted(pod: Pod): { container: string; previous: boolean; running?: true }[] {
  const out: { container: string; previous: boolean; running?: true }[] = [];
  const waitingOn = currentInit(pod);
  if (waitingOn?.spec.kind === 'init' && waitingOn.status?.state.kind === 'running')
    out.push({ container: waitingOn.spec.name, previous: false, running: true });
  for (const v of containerViews(pod)) {
    const s = v.status;
    if (!s) continue;
    if (s.state.kind === 'terminated' && s.state.exitCode !== 0) out.push({ container: s.name, previous: false });
    else if (s.lastState.kind === 'terminated' && s.lastState.exitCode !== 0)
      out.push({ container: s.name, previous: true });
  }
  return out;
}

/**
 * The Started event of a container whose postStart hook is running: the hook is in its spec, its
 * status still says ContainerCreating, and the kubelet has started it (a Started event, newer than
 * any FailedPostStartHook). The kubelet runs the hook right after starting the container and writes
 * the pod's status again only once the hook returns, so meanwhile the status is the one written
 * before (no IP, sandbox condition False although the sandbox exists).
 * https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution
 */
export function postStartRunning(v: ContainerView, events: KubeEvent[]): KubeEvent | undefined {
  const st = v.status?.state;
  if (!v.spec.postStart || st?.kind !== 'waiting' || st.reason !== 'ContainerCreating') return undefined;
  const started = latest(events, 'Started', v.spec.name);
  const failed = latest(events, 'FailedPostStartHook', v.spec.name);
  return started && !(failed && failed.lastSeen >= started.lastSeen) ? started : undefined;
}

/** The names of the pod's containers whose postStart hook is running (postStartRunning). */
export function inPostStart(pod: Pod, events: KubeEvent[]): string[] {
  return containerViews(pod)
    .filter((v) => postStartRunning(v, events))
    .map((v) => v.spec.name);
}
