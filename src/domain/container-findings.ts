// Findings about one container, each sentence said only when the container's status makes it true:
// a run time only when the process really started, "started again" only when the kubelet will,
// "its last log line" only for a line of the log (not an error about reading it), readiness words
// only for a container that has a readiness probe. The cause comes first: the sibling that holds the
// port, the probe that kills the process, the init container that never exits.
import {
  commandClause,
  commandWords,
  finished,
  kindWords,
  neverStarted,
  ranMs,
  willRestart,
  exitWords,
  type ContainerView,
  type Terminated,
  postStartRunning,
} from './containers.js';
import { eventContainer, latest } from './events.js';
import type { Evidence } from './findings.js';
import type { ContainerLog, KubeEvent, Pod } from './model.js';
import { failureWords, probeOf, probeWords } from './probes.js';
import type { Finding } from './report.js';
import { eventEvidence } from './scheduling.js';
import { age, shortDuration } from './time.js';
import { clause, statusFinding as finding } from './finding.js';

const iso = (d?: Date) => (d ? d.toISOString() : '?');
const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;

/** Messages like "Error: ErrImagePull" only repeat a reason; they are no evidence of their own. */
export const repeatsReason = (m: string) => /^Error: \w+$/.test(m.trim());

// What the kubelet answers, with status 200, instead of a log when it cannot read one: an error
// about the log, not a line the container wrote.
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/kubelet_pods.go (GetContainerLogs)
const LOG_READ_ERROR =
  /^(unable to retrieve container logs for|failed to try resolving symlinks in path|failed to get parse function|Internal error occurred|previous terminated container .* not found|container .* (is|was) (terminated|not found|waiting))/i;

/** The log as read, or, when what was read is the kubelet's error about reading it, that error. */
export function readLog(log: ContainerLog): ContainerLog {
  const lines = log.lines.filter((l) => l.trim());
  return lines.length === 1 && LOG_READ_ERROR.test(lines[0].trim())
    ? { ...log, lines: [], error: log.error ?? lines[0].trim() }
    : log;
}

function logLines(ev: Evidence, container: string, previous: boolean): string[] {
  const log = ev.logs.find((l) => l.container === container && l.previous === previous);
  return log && !readLog(log).error ? log.lines.filter((l) => l.trim()) : [];
}

/**
 * The line of a Go program's crash: "panic: …" or "fatal error: …" followed by the goroutine dump the
 * runtime prints (runtime/panic.go printpanics, then the traceback), whose last line (a file:line
 * of the stack) says nothing of why.
 */
function goPanicLine(lines: string[]): string | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!/^(panic|fatal error): /.test(lines[i])) continue;
    return lines.slice(i + 1).some((l) => /^goroutine \d+ \[/.test(l)) ? lines[i] : undefined;
  }
  return undefined;
}

/**
 * The line that says how a stopped container's log ends (its last line, or the panic a Go program's
 * log ends in), and the clause that says so.
 */
function logEnd(lines: string[]): { line: string; words: string } | undefined {
  const panic = goPanicLine(lines)?.trim().slice(0, 200);
  if (panic) return { line: panic, words: `its log ends in a Go panic: "${panic}"` };
  const last = lines.at(-1)?.trim().slice(0, 200);
  return last ? { line: last, words: `its last log line was "${last}"` } : undefined;
}

function memoryWords(v: ContainerView, pod: Pod, t: Terminated): string {
  const limit = v.spec.limits.memory;
  return limit
    ? `was killed by the kernel for using more than its memory limit of ${limit} (OOMKilled, ${exitWords(t)})`
    : `was killed for lack of memory (OOMKilled, ${exitWords(t)}); it has no memory limit, so the node${pod.nodeName ? ` ${pod.nodeName}` : ''} itself ran short`;
}

/** The runtime's reason a process could not start, without the layers of wrapping around it. */
function startErrorCore(t: Terminated): string {
  const m = t.message?.trim() ?? '';
  return m.match(/unable to start container process: (.*?)(: unknown)?$/)?.[1] ?? m;
}

function startErrorWords(t: Terminated): string {
  const core = startErrorCore(t);
  return `could not be started (${t.reason ?? 'StartError'}, ${exitWords(t)})${core ? `: ${core}` : ''}`;
}

/** How a termination reads: "exited with exit code 1 (Error) after running 2s, 3m ago". */
export function terminationWords(t: Terminated, v: ContainerView, ev: Evidence): string {
  const when = t.finishedAt ? `, ${age(t.finishedAt, ev.now)} ago` : '';
  if (t.reason === 'OOMKilled') return memoryWords(v, ev.pod, t) + when;
  if (neverStarted(t)) return startErrorWords(t) + when;
  const ms = ranMs(t);
  const ran = ms !== undefined ? ` after running ${shortDuration(ms)}` : '';
  const why =
    t.reason && t.reason !== 'Error'
      ? ` (${t.reason}${t.message ? `: ${t.message.trim()}` : ''})`
      : t.message
        ? ` (${t.message.trim()})`
        : '';
  return `exited with ${exitWords(t)}${why}${ran}${when}`;
}

/** The command, for a container that could not start or exited within seconds: it decides there. */
function quickExitCommand(v: ContainerView, t: Terminated): string | undefined {
  const ms = ranMs(t);
  if (t.reason === 'OOMKilled' || (!neverStarted(t) && (ms === undefined || ms > 10_000))) return undefined;
  return commandClause(v.spec);
}

/** Deeper cause than "Error"/"Completed": the reason of the termination, if it says more. */
function deeperReason(t: Terminated | undefined): string | undefined {
  return t?.reason && t.reason !== 'Error' && t.reason !== 'Completed' ? t.reason : undefined;
}

// ---- causes that come first ---------------------------------------------------------------------

/**
 * A port bound by a sibling: the container's log says the address is in use and another container of
 * the pod that runs now declares that port. Containers of a pod share one network namespace.
 */
function portHolder(v: ContainerView, ev: Evidence, lines: string[]): { words: string; cause: string } | undefined {
  const line = lines.find((l) => /address already in use|EADDRINUSE/i.test(l));
  const logged = line?.match(/:(\d{1,5})\b(?!.*:\d)/)?.[1];
  const mine = new Set(v.spec.ports.map((p) => p.containerPort));
  const running = new Set(
    [...ev.pod.initContainerStatuses, ...ev.pod.containerStatuses]
      .filter((s) => s.state.kind === 'running')
      .map((s) => s.name),
  );
  if (!line) {
    // No log to tell (the many-pods view reads none): say only the declared overlap, which is a fact.
    const sib = [...ev.pod.initContainers.filter((x) => x.kind === 'sidecar'), ...ev.pod.containers].find(
      (c) => c.name !== v.spec.name && running.has(c.name) && c.ports.some((p) => mine.has(p.containerPort)),
    );
    const port = sib?.ports.find((p) => mine.has(p.containerPort))?.containerPort;
    return sib && port !== undefined
      ? {
          words: `container "${v.spec.name}" declares port ${port}, which the running container "${sib.name}" of the same pod also declares: the containers of a pod share one network namespace, so only one of them can listen on it`,
          cause: `${v.spec.name}: port ${port} also declared by running sibling ${sib.name}`,
        }
      : undefined;
  }
  for (const c of [...ev.pod.initContainers.filter((x) => x.kind === 'sidecar'), ...ev.pod.containers]) {
    if (c.name === v.spec.name || !running.has(c.name)) continue;
    const p = c.ports.find((x) => (logged ? x.containerPort === Number(logged) : mine.has(x.containerPort)));
    if (p)
      return {
        words: `container "${v.spec.name}" cannot listen on port ${p.containerPort}: container "${c.name}" of the same pod already does (the containers of a pod share one network namespace, so each port can be bound once)`,
        cause: `${v.spec.name}: port ${p.containerPort} already bound by sibling container ${c.name}`,
      };
  }
  return logged
    ? {
        words: `container "${v.spec.name}" cannot listen on port ${logged}: the address is already in use`,
        cause: `${v.spec.name}: port ${logged} already in use`,
      }
    : undefined;
}

/** The kubelet's kills of a container by a failing liveness or startup probe. */
function probeKills(ev: Evidence, name: string): KubeEvent[] {
  return ev.events.filter(
    (e) => e.reason === 'Killing' && eventContainer(e) === name && /failed (liveness|startup) probe/.test(e.message),
  );
}

/** A process killed again and again by its failing liveness or startup probe (the kill loop). */
function killLoop(v: ContainerView, ev: Evidence): Finding | undefined {
  const s = v.status!;
  const last = s.lastState.kind === 'terminated' ? s.lastState : undefined;
  const kills = probeKills(ev, s.name);
  const n = kills.reduce((k, e) => k + e.count, 0);
  if (!last || last.reason === 'OOMKilled' || s.restartCount < 2 || n < 2) return undefined;
  const kind = /startup probe/.test(kills.at(-1)!.message) ? 'startup' : 'liveness';
  const probe = probeOf(v.spec, kind);
  const failing = latest(ev.events, 'Unhealthy', s.name);
  const said = failing?.message.replace(/^\w+ probe failed:\s*/, '').trim();
  const grace = ev.pod.terminationGracePeriodSeconds ?? 30;
  const signal =
    last.exitCode === 137
      ? `it did not stop on SIGTERM within the ${grace}s grace period, so the kubelet sent SIGKILL (exit code 137)`
      : `it stopped on SIGTERM (${exitWords(last)})`;
  return finding(
    'error',
    'ProbeKillLoop',
    `${kindWords(v, ev.pod)} is killed again and again by its failing ${probe ? probeWords(probe) : `${kind} probe`}${said ? `, which says "${said.slice(0, 160)}"` : ''}: restarted ${times(s.restartCount)}; ${signal}; this repeats as long as the probe fails`,
    [
      `restartCount=${s.restartCount}`,
      `lastState.terminated: exitCode=${last.exitCode} reason=${last.reason ?? ''}`,
      ...eventEvidence(kills.at(-1)),
      ...eventEvidence(failing),
    ],
    s.name,
    `${s.name} killed by its failing ${kind} probe${last.exitCode === 137 ? ', ignores SIGTERM' : ''}, ${s.restartCount} restarts`,
  );
}

// ---- by state -------------------------------------------------------------------------------------

/** The env var behind "couldn't find key K in ConfigMap NS/NAME" (or Secret), when the spec has one. */
function envWords(v: ContainerView, message: string | undefined): { words: string; cause: string } | undefined {
  const m = message?.match(/find key (\S+) in (ConfigMap|Secret) [^/\s]+\/(\S+)/);
  if (!m) return undefined;
  const refs = v.spec.envKeyRefs.filter((r) => r.key === m[1] && r.kind === m[2] && r.name === m[3]);
  const env = refs.map((r) => r.env).join(', ');
  return refs.length
    ? {
        words: `env var ${env} takes its value from key "${m[1]}" of ${m[2]} "${m[3]}", which has no such key`,
        cause: `env ${env}: no key "${m[1]}" in ${m[2]} ${m[3]}`,
      }
    : undefined;
}

export function waitingFinding(v: ContainerView, ev: Evidence, reason: string, message: string | undefined): Finding {
  const s = v.status!;
  const who = kindWords(v, ev.pod);
  const last = s.lastState.kind === 'terminated' ? s.lastState : undefined;
  const evidence = [`state.waiting.reason=${reason}${message ? `: ${message}` : ''}`];
  const parts: string[] = [];
  let code = reason;
  let cause = `${s.name}: ${reason}`;
  if (last) {
    const loop = killLoop(v, ev);
    if (loop) return loop;
    evidence.push(
      `lastState.terminated: exitCode=${last.exitCode} reason=${last.reason ?? ''} finishedAt=${iso(last.finishedAt)}`,
    );
    code = deeperReason(last) ?? reason;
    const lines = logLines(ev, s.name, true);
    const port = portHolder(v, ev, lines);
    const end = logEnd(lines);
    const line = end?.line;
    cause = neverStarted(last)
      ? `${s.name} cannot start: ${startErrorCore(last)}`
      : last.reason === 'OOMKilled'
        ? `${s.name} killed for memory${v.spec.limits.memory ? ` over its limit ${v.spec.limits.memory}` : ''}`
        : `${s.name} exits with code ${last.exitCode}${line ? `: "${line}"` : ''}`;
    if (port) {
      if (lines.some((l) => /address already in use|EADDRINUSE/i.test(l))) code = 'PortInUse';
      parts.push(port.words);
      cause = port.cause;
    }
    parts.push(
      neverStarted(last)
        ? `${who} cannot start: it ${terminationWords(last, v, ev)}; tried ${times(s.restartCount + 1)}`
        : `${who} keeps stopping: its last run ${terminationWords(last, v, ev)}; restarted ${times(s.restartCount)}`,
    );
    const cmd = quickExitCommand(v, last);
    if (cmd) parts.push(cmd);
    if (last.exitCode === 0 && ev.pod.restartPolicy === 'Always') {
      parts.push(
        'it exits successfully, but restartPolicy Always starts it again: it should run a long-lived process (use a Job for run-to-completion work)',
      );
    }
    if (end) parts.push(end.words);
  } else {
    const env = envWords(v, message);
    parts.push(env?.words ?? `${who} cannot start (${reason})`);
    if (env) {
      parts.push(`so ${who} cannot be created (${reason})`);
      cause = env.cause;
    } else if (/ImagePull|ErrImage|InvalidImageName/.test(reason))
      cause = `${s.name}: image ${v.spec.image} cannot be pulled`;
    else if (message && !repeatsReason(message)) cause = `${s.name}: ${message}`;
  }
  const backoff = message?.match(/back-off (\S+)/i)?.[1];
  if (reason === 'CrashLoopBackOff') {
    // The kubelet doubles the restart delay after each crash, from 10s up to 5m:
    // https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/kubelet.go (MaxContainerBackOff)
    parts.push(
      `the kubelet waits ${backoff ?? 'a while'} before starting it again (CrashLoopBackOff: the delay doubles after each crash, up to 5m)`,
    );
  } else {
    // The kubelet's own message, then the latest warning event about this container, if it adds to it.
    const warn = [...ev.events]
      .reverse()
      .find(
        (e) =>
          e.type === 'Warning' &&
          eventContainer(e) === s.name &&
          !repeatsReason(e.message) &&
          !(message ?? '').includes(e.message.replace(/^(Failed to pull image "[^"]*"|Error): /, '')),
      );
    const detail = warn && /^(Failed|Err|Inspect)/.test(warn.reason) ? warn.message : message;
    if (detail && !repeatsReason(detail) && !envWords(v, detail)) parts.push(clause(detail));
    if (warn) evidence.push(...eventEvidence(warn));
    if (backoff || /BackOff$/.test(reason)) parts.push('the kubelet retries with a growing delay (up to 5m)');
    else if (reason === 'CreateContainerConfigError') parts.push('the kubelet tries again until the key exists');
  }
  return finding('error', code, parts.join('; '), evidence, s.name, cause);
}

/** ContainerCreating: pulling, blocked on a volume, or simply being created. */
export function creatingFinding(v: ContainerView, ev: Evidence): Finding {
  const s = v.status!;
  const who = kindWords(v, ev.pod);
  const started = postStartRunning(v, ev.events);
  if (started)
    return finding(
      'progressing',
      'ContainerCreating',
      `${who} was created and started; its postStart hook (${v.spec.postStart}) has been running for ${age(started.lastSeen, ev.now)}: the kubelet reports the container Running only once the hook returns, and kills it if the hook fails`,
      ['state.waiting.reason=ContainerCreating', `postStart: ${v.spec.postStart}`, ...eventEvidence(started)],
      s.name,
      `${s.name}: postStart hook running`,
    );
  const pulling = latest(ev.events, 'Pulling', s.name);
  const pulled = latest(ev.events, 'Pulled', s.name);
  if (pulling && (!pulled || pulled.lastSeen < pulling.lastSeen)) {
    return finding(
      'progressing',
      'Pulling',
      `pulling image ${v.spec.image} for ${who} (for ${age(pulling.lastSeen, ev.now)})`,
      eventEvidence(pulling),
      s.name,
      `pulling image ${v.spec.image}`,
    );
  }
  // The kubelet mounts the pod's volumes before it creates any container; while a mount fails, no
  // container is being created.
  const mount = latest(ev.events, /^(FailedMount|FailedAttachVolume)$/);
  if (mount) {
    const vol = mount.message.match(/volume "([^"]+)"/)?.[1];
    return finding(
      'progressing',
      'WaitingForVolumes',
      `${who} is not created yet: the kubelet mounts the pod's volumes first, and ${vol ? `volume "${vol}"` : 'a volume'} fails to mount`,
      ['state.waiting.reason=ContainerCreating', ...eventEvidence(mount)],
      s.name,
      `${s.name} waits for volume ${vol ?? ''} to mount`,
    );
  }
  return finding(
    'progressing',
    'ContainerCreating',
    `${who} is being created`,
    ['state.waiting.reason=ContainerCreating'],
    s.name,
    `${s.name} being created`,
  );
}

export function terminatedFinding(v: ContainerView, ev: Evidence, t: Terminated): Finding | undefined {
  const s = v.status!;
  const { pod } = ev;
  if (t.exitCode === 0) return undefined;
  const parts = [`${kindWords(v, pod)} ${terminationWords(t, v, ev)}`];
  const cmd = quickExitCommand(v, t);
  if (cmd) parts.push(cmd);
  const end = logEnd(logLines(ev, s.name, false));
  const line = end?.line;
  if (end) parts.push(end.words);
  if (willRestart(v, pod, t.exitCode)) parts.push('the kubelet will start it again');
  else if (v.spec.kind === 'ephemeral')
    parts.push("ephemeral containers are never restarted, and the pod's other containers are not affected");
  else if (pod.deletionTimestamp) parts.push('the pod is being deleted, so nothing starts it again');
  else if (v.spec.kind === 'init' && pod.restartPolicy === 'Never') {
    parts.push(
      `with restartPolicy ${pod.restartPolicy} the pod does not retry it, so the pod has failed and its app containers never started`,
    );
  } else if (finished(pod)) parts.push(`the pod has finished (${pod.phase}), so nothing starts it again`);
  else parts.push(`with restartPolicy ${pod.restartPolicy} it is not restarted`);
  const evidence = [
    `state.terminated: exitCode=${t.exitCode} reason=${t.reason ?? ''} finishedAt=${iso(t.finishedAt)}`,
  ];
  const prefix = v.spec.kind === 'app' ? '' : `${v.spec.kind} `;
  const cause = neverStarted(t)
    ? `${prefix}${s.name} cannot start: ${startErrorCore(t)}`
    : `${prefix}${s.name}${v.initIndex ? ` (${v.initIndex}/${pod.initContainers.length})` : ''} exited with code ${t.exitCode}${line ? `: "${line}"` : t.reason && t.reason !== 'Error' ? ` (${t.reason})` : ''}`;
  return finding('error', t.reason ?? 'Error', parts.join('; '), evidence, s.name, cause);
}

/**
 * An init container that has run far longer than its peers took and than a minute: init containers
 * must exit by themselves, and one that loops or serves never will. Only what is known is said: how
 * long it runs, and how long the others took.
 */
function initNotExiting(v: ContainerView, ev: Evidence, since: Date): Finding | undefined {
  const ran = ev.now.getTime() - since.getTime();
  const peers = ev.pod.initContainerStatuses
    .filter((s) => s.name !== v.spec.name && s.state.kind === 'terminated' && s.state.exitCode === 0)
    .map((s) => ({ name: s.name, ms: s.state.kind === 'terminated' ? ranMs(s.state) : undefined }));
  const longest = Math.max(0, ...peers.map((p) => p.ms ?? 0));
  if (ran < 60_000 || ran < 10 * longest) return undefined;
  const took = peers.map((p) => `"${p.name}" took ${p.ms === undefined ? 'an unknown time' : shortDuration(p.ms)}`);
  const cmd = commandWords(v.spec) && commandClause(v.spec);
  return finding(
    'warning',
    'InitContainerNotExiting',
    `${kindWords(v, ev.pod)} has been running for ${age(since, ev.now)} and has not exited: the app containers start only after it exits with code 0, which a process that loops or serves never does${cmd ? ` (${cmd})` : ''}${took.length ? `; init container ${took.join(', ')}` : ''}`,
    ['state.running', `startedAt=${iso(since)}`, 'condition Initialized=False'],
    v.spec.name,
    `init ${v.spec.name} has run ${age(since, ev.now)} without exiting`,
  );
}

export function runningFindings(v: ContainerView, ev: Evidence): Finding[] {
  const s = v.status!;
  const { pod, now } = ev;
  const who = kindWords(v, pod);
  const out: Finding[] = [];
  const last = s.lastState.kind === 'terminated' ? s.lastState : undefined;
  const since = s.state.kind === 'running' ? s.state.startedAt : undefined;
  if (s.restartCount > 0 && last) {
    const loop = killLoop(v, ev);
    if (loop) out.push(loop);
    else
      out.push(
        finding(
          'warning',
          last.reason === 'OOMKilled' ? 'OOMKilled' : 'Restarted',
          `${who} is running again but has restarted ${times(s.restartCount)}; last time it ${terminationWords(last, v, ev)}`,
          [
            `restartCount=${s.restartCount}`,
            `lastState.terminated: exitCode=${last.exitCode} reason=${last.reason ?? ''}`,
          ],
          s.name,
          `${s.name} restarted ${times(s.restartCount)}, last ${last.reason === 'OOMKilled' ? 'OOMKilled' : exitWords(last)}`,
        ),
      );
  }
  if (v.spec.kind === 'init') {
    const stuck = since && initNotExiting(v, ev, since);
    // What the running init container says now: the latest line of its log (read by describe).
    const line = logLines(ev, s.name, false).at(-1)?.trim().slice(0, 200);
    const says = line ? `; its latest log line is "${line}"` : '';
    if (stuck) stuck.message += says;
    out.push(
      stuck ||
        finding(
          'progressing',
          'ContainersNotInitialized',
          `${who} is running${since ? ` (for ${age(since, now)})` : ''}; the app containers start after it completes${says}`,
          ['state.running', 'condition Initialized=False'],
          s.name,
          `init ${s.name} (${v.initIndex}/${pod.initContainers.length}) running${since ? ` for ${age(since, now)}` : ''}`,
        ),
    );
  }
  // Ephemeral containers have no probes and never count for readiness (kubectl debug adds them).
  if (!s.ready && v.spec.kind !== 'init' && v.spec.kind !== 'ephemeral') out.push(notReady(v, ev, since));
  return out;
}

function notReady(v: ContainerView, ev: Evidence, since: Date | undefined): Finding {
  const s = v.status!;
  const who = kindWords(v, ev.pod);
  const readiness = probeOf(v.spec, 'readiness');
  const startup = probeOf(v.spec, 'startup');
  const failures = (kind: string) =>
    ev.events.filter(
      (e) =>
        e.reason === 'Unhealthy' &&
        eventContainer(e) === s.name &&
        e.message.startsWith(`${kind} probe`) &&
        (!since || e.lastSeen >= since),
    );
  if (startup && s.started === false) {
    const failed = failures('Startup');
    const said = failed
      .at(-1)
      ?.message.replace(/^Startup probe failed:\s*/, '')
      .trim();
    return finding(
      'progressing',
      'StartupProbeNotPassed',
      `${who} is running but its ${probeWords(startup)} has not passed yet${said ? `: ${said} (${failureWords(failed, ev.now)})` : ''}; until it passes the container is not ready${readiness || probeOf(v.spec, 'liveness') ? ' and its other probes do not run' : ''}`,
      ['started=false', ...eventEvidence(failed.at(-1))],
      s.name,
      `${s.name}: startup probe not passed yet`,
    );
  }
  const failed = failures('Readiness');
  if (readiness && failed.length) {
    const said = failed
      .at(-1)!
      .message.replace(/^Readiness probe failed:\s*/, '')
      .trim();
    return finding(
      'warning',
      'Unhealthy',
      `${who} is running but not ready: its ${probeWords(readiness)} fails: ${said} (${failureWords(failed, ev.now)}); Services send the pod no traffic until it passes`,
      ['ready=false', ...eventEvidence(failed.at(-1))],
      s.name,
      `${s.name}: readiness probe fails: ${said}`,
    );
  }
  return finding(
    'progressing',
    'ContainersNotReady',
    `${who} is running${since ? ` (for ${age(since, ev.now)})` : ''} but not ready yet${readiness ? `: waiting for its ${probeWords(readiness)}` : ''}`,
    ['ready=false'],
    s.name,
    `${s.name} running, not ready yet`,
  );
}
