// Pure: a Kubernetes event about a watched pod, as one explained transition. Reasons are those the
// scheduler and kubelet record:
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/kubelet/events/event.go
import { containerViews, kindWords } from './containers.js';
import { eventContainer } from './events.js';
import type { KubeEvent, Pod } from './model.js';
import { finish, type DiffContext, type Transition } from './transitions.js';

const MEANING: Record<string, string> = {
  Scheduled: 'the scheduler bound the pod to a node; the kubelet there takes over',
  Pulling: 'the kubelet is downloading the image',
  Created: 'the container runtime created the container',
  Started: "the container runtime started the container's process",
  Killing: 'the kubelet is stopping the container: SIGTERM now, SIGKILL when the grace period ends',
  BackOff: 'the kubelet waits before trying again; the delay doubles after each failure, up to 5m',
  Failed: 'the kubelet could not do it',
  FailedScheduling: 'the scheduler found no node for the pod; it retries when nodes or pods change',
  Unhealthy: 'a probe failed',
  FailedMount: 'a volume could not be mounted; the containers cannot start until it is',
  FailedCreatePodSandBox: "the kubelet could not create the pod's sandbox (pause container and network)",
  SandboxChanged: "the pod's sandbox was recreated; its containers are restarted",
  Preempting: 'the pod is being evicted to make room for a pod of higher priority',
  Evicted: 'the kubelet evicted the pod to protect the node',
  ExceededGracePeriod: 'the containers did not stop within the grace period and were killed',
};

function pulledWords(e: KubeEvent): string {
  if (/already present/.test(e.message)) return 'the image was already on the node, so nothing was downloaded';
  const took = e.message.match(/ in (\d+(?:\.\d+)?m?s)/)?.[1];
  return took ? `the image was downloaded in ${took}` : 'the image is on the node';
}

/** The event as a transition; `seenCount` is the count already reported (0 for a new event). */
export function eventTransition(e: KubeEvent, pod: Pod, seenCount: number, ctx: DiffContext): Transition {
  const name = eventContainer(e);
  const view = name ? containerViews(pod).find((v) => v.spec.name === name) : undefined;
  const about = view ? `${kindWords(view, pod)}: ` : '';
  const base =
    e.reason === 'Pulled'
      ? pulledWords(e)
      : (MEANING[e.reason] ??
        (e.type === 'Warning'
          ? `a warning from ${e.source || 'a component'}`
          : `reported by ${e.source || 'a component'}`));
  const again = e.count > 1 ? ` (${e.count} times so far)` : '';
  const draft = {
    rank: 0,
    at: e.lastSeen,
    change: 'event' as const,
    container: name ?? null,
    containerKind: view?.spec.kind ?? null,
    from: seenCount ? String(seenCount) : null,
    to: e.type,
    reason: e.reason,
    message: e.message,
    count: e.count,
    explanation: `${about}${base}${again}`,
  };
  return finish([draft], pod, ctx)[0];
}
