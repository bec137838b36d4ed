// The pod's life in order: created, scheduled, sandbox ready, each init container, images, starts,
// ready, restarts, deletion. Built from conditions (transition times), container states and events.
import { containerViews, exitWords } from './containers.js';
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

function condTrue(pod: Pod, type: string): Date | undefined {
  const c = pod.conditions.find((x) => x.type === type && x.status === 'True');
  return c?.lastTransitionTime;
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
  const sandbox = condTrue(pod, 'PodReadyToStartContainers');
  if (sandbox)
    out.push({
      at: sandbox,
      event: 'sandbox and network ready',
      detail: pod.podIP ? `pause container holds IP ${pod.podIP}` : undefined,
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
      if (st.startedAt) out.push({ at: st.startedAt, event: `${name} started` });
      if (st.finishedAt) {
        const ms = st.startedAt ? st.finishedAt.getTime() - st.startedAt.getTime() : undefined;
        out.push({
          at: st.finishedAt,
          event: `${name} ${st.exitCode === 0 ? 'completed' : 'failed'}`,
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
  if (ready) out.push({ at: ready, event: 'ready', detail: 'counted in Service endpoints' });
  else if (cready) out.push({ at: cready, event: 'containers ready' });
  if (pod.deletionTimestamp) {
    const grace = pod.deletionGracePeriodSeconds ?? 0;
    out.push({
      at: new Date(pod.deletionTimestamp.getTime() - grace * 1000),
      event: 'deletion requested',
      detail: `grace period ${grace}s${pod.finalizers.length ? `; held by finalizers ${pod.finalizers.join(', ')}` : ''}`,
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
