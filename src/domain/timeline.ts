// The pod's life in order: created, scheduled, sandbox ready, each init container, images, starts,
// ready, restarts, deletion. Built from conditions (transition times), container states and events.
import { containerViews, exitWords, ranMs, realStart } from './containers.js';
import { deletionRequest } from './deletion.js';
import { eventContainer } from './events.js';
import type { KubeEvent, Pod } from './model.js';
import type { TimelineEntry } from './report.js';
import { shortDuration } from './time.js';

interface Raw {
  at: Date;
  event: string;
  detail?: string;
  duration?: number; // ms
}

export function condTrue(pod: Pod, type: string): Date | undefined {
  const c = pod.conditions.find((x) => x.type === type && x.status === 'True');
  return c?.lastTransitionTime;
}

// The kubelet pulls images and starts containers only once the sandbox is up, but it writes the
// PodReadyToStartContainers condition with its next status update, which can come seconds later.
// The first kubelet event about a container (or the first container start) bounds the real time.
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/kuberuntime/kuberuntime_manager.go (SyncPod)
const AFTER_SANDBOX = new Set(['Pulling', 'Pulled', 'Created', 'Started', 'Failed', 'BackOff']);

export function sandboxReady(pod: Pod, events: KubeEvent[]): { at: Date; late?: string } | undefined {
  const cond = condTrue(pod, 'PodReadyToStartContainers');
  if (!cond) return undefined;
  const starts = [...pod.initContainerStatuses, ...pod.containerStatuses].flatMap((s) =>
    [s.state, s.lastState].flatMap((st) =>
      st.kind === 'running' ? [st.startedAt] : st.kind === 'terminated' ? [realStart(st)] : [],
    ),
  );
  const kubelet = events.filter((e) => AFTER_SANDBOX.has(e.reason) && eventContainer(e)).map((e) => e.firstSeen);
  const first = [...starts, ...kubelet]
    .filter((d): d is Date => d !== undefined && d < cond)
    .sort((a, b) => +a - +b)[0];
  if (!first) return { at: cond };
  return {
    at: first,
    late: `at the latest here, when the kubelet began with the containers; the condition was recorded ${Math.round((+cond - +first) / 1000)}s later`,
  };
}

export function timeline(pod: Pod, events: KubeEvent[]): TimelineEntry[] {
  const out: Raw[] = [
    { at: pod.creationTimestamp, event: 'created', detail: 'stored by the API server (created does not mean running)' },
  ];
  const scheduled = condTrue(pod, 'PodScheduled');
  if (scheduled)
    out.push({ at: scheduled, event: 'scheduled', detail: pod.nodeName ? `to node ${pod.nodeName}` : undefined });
  const failedSched = events.find((e) => e.reason === 'FailedScheduling');
  if (failedSched && !scheduled)
    out.push({ at: failedSched.firstSeen, event: 'not schedulable', detail: `scheduler: ${failedSched.message}` });
  const sandbox = sandboxReady(pod, events);
  if (sandbox)
    out.push({
      at: sandbox.at,
      event: 'sandbox and network ready',
      detail:
        [pod.podIP ? `pause container holds IP ${pod.podIP}` : '', sandbox.late].filter(Boolean).join('; ') ||
        undefined,
    });

  for (const e of events) {
    const c = eventContainer(e);
    if (e.reason === 'Pulled' && c) {
      const took = e.message.match(/in (\d+(?:\.\d+)?m?s)/)?.[1];
      const present = /already present/.test(e.message);
      out.push({
        at: e.lastSeen,
        event: `image ${present ? 'present' : 'pulled'} for ${c}`,
        detail: present ? 'already on the node' : took ? `pull took ${took}` : e.message,
      });
    } else if (e.reason === 'Killing') {
      out.push({ at: e.lastSeen, event: `stopping ${c ?? 'container'}`, detail: e.message });
    }
  }

  for (const v of containerViews(pod)) {
    const s = v.status;
    if (!s) continue;
    const name = v.spec.kind === 'app' ? s.name : `${v.spec.kind} ${s.name}`;
    const last = s.lastState;
    if (last.kind === 'terminated' && last.finishedAt) {
      out.push({
        at: last.finishedAt,
        event: `${name} exited (previous run)`,
        detail: `${exitWords(last)}${last.reason ? `, ${last.reason}` : ''}`,
      });
    }
    const st = s.state;
    if (st.kind === 'running' && st.startedAt) {
      out.push({
        at: st.startedAt,
        event: `${name} started`,
        detail: s.restartCount ? `after ${s.restartCount} restart${s.restartCount === 1 ? '' : 's'}` : undefined,
      });
    } else if (st.kind === 'terminated') {
      const started = realStart(st);
      if (started) out.push({ at: started, event: `${name} started` });
      if (st.finishedAt) {
        const ms = ranMs(st);
        out.push({
          at: st.finishedAt,
          event: `${name} ${st.exitCode === 0 ? 'completed' : started ? 'failed' : 'could not start'}`,
          detail: `${exitWords(st)}${st.reason ? `, ${st.reason}` : ''}${ms !== undefined ? `, ran ${shortDuration(ms)}` : ''}`,
          duration: ms,
        });
      }
    }
  }
  if (pod.initContainers.some((c) => c.kind === 'init')) {
    const init = condTrue(pod, 'Initialized');
    if (init) out.push({ at: init, event: 'initialized', detail: 'all init containers completed' });
  }
  const cready = condTrue(pod, 'ContainersReady');
  const ready = condTrue(pod, 'Ready');
  if (ready) out.push({ at: ready, event: 'ready', detail: 'every container ready' });
  else if (cready) out.push({ at: cready, event: 'containers ready' });
  const req = deletionRequest(pod, events);
  if (req?.at) {
    out.push({
      at: req.at,
      event: 'deletion requested',
      detail: [
        req.approx ? 'at the latest: the kubelet began stopping the containers' : `grace period ${req.grace}s`,
        pod.finalizers.length ? `held by finalizers ${pod.finalizers.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    });
  }

  // Stable sort: entries with the same second keep their logical order from above.
  const created = pod.creationTimestamp.getTime();
  return out
    .map((r, i) => ({ r, i }))
    .sort((a, b) => a.r.at.getTime() - b.r.at.getTime() || a.i - b.i)
    .map(({ r }) => ({
      at: r.at.toISOString(),
      offsetSeconds: Math.round((r.at.getTime() - created) / 1000),
      event: r.event,
      detail: r.detail ?? null,
      durationSeconds: r.duration === undefined ? null : Math.round(r.duration / 1000),
    }));
}
