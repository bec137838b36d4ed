// The STATUS, READY and RESTARTS columns exactly as `kubectl get pods` computes them, so podlens and
// kubectl agree. Re-implemented from the rules of kubectl's printPod:
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/printers/internalversion/printers.go
import type { ContainerState, Pod } from './model.js';

export interface KubectlStatus {
  status: string;
  ready: string; // "1/2"
  readyCount: number;
  total: number;
  restarts: number;
  lastRestart?: Date;
}

function terminatedWord(t: Extract<ContainerState, { kind: 'terminated' }>, prefix: string): string {
  if (t.reason) return prefix + t.reason;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode}`;
}

export function kubectlStatus(pod: Pod): KubectlStatus {
  let reason = pod.reason ?? pod.phase;
  if (pod.conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated'))
    reason = 'SchedulingGated';
  const sidecars = new Set(pod.initContainers.filter((c) => c.kind === 'sidecar').map((c) => c.name));
  const total = pod.containers.length + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: Date | undefined;
  let lastSidecarRestart: Date | undefined;
  const later = (a: Date | undefined, b: Date | undefined) => (!a || (b && b > a) ? b : a);

  let initializing = false;
  const initCount = pod.initContainers.length;
  for (const [i, s] of pod.initContainerStatuses.entries()) {
    restarts += s.restartCount;
    const last = s.lastState.kind === 'terminated' ? s.lastState.finishedAt : undefined;
    lastRestart = later(lastRestart, last);
    const isSidecar = sidecars.has(s.name);
    if (isSidecar) {
      sidecarRestarts += s.restartCount;
      lastSidecarRestart = later(lastSidecarRestart, last);
    }
    const st = s.state;
    if (st.kind === 'terminated' && st.exitCode === 0) continue;
    if (isSidecar && s.started) {
      if (s.ready) ready++;
      continue;
    }
    if (st.kind === 'terminated') reason = terminatedWord(st, 'Init:');
    else if (st.kind === 'waiting' && st.reason && st.reason !== 'PodInitializing') reason = `Init:${st.reason}`;
    else reason = `Init:${i}/${initCount}`;
    initializing = true;
    break;
  }

  const initialized = pod.conditions.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    for (const s of [...pod.containerStatuses].reverse()) {
      restarts += s.restartCount;
      if (s.lastState.kind === 'terminated') lastRestart = later(lastRestart, s.lastState.finishedAt);
      const st = s.state;
      if (st.kind === 'waiting' && st.reason) reason = st.reason;
      else if (st.kind === 'terminated') reason = terminatedWord(st, '');
      else if (s.ready && st.kind === 'running') {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (pod.deletionTimestamp && pod.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.deletionTimestamp && pod.phase !== 'Succeeded' && pod.phase !== 'Failed') reason = 'Terminating';

  return { status: reason, ready: `${ready}/${total}`, readyCount: ready, total, restarts, lastRestart };
}
