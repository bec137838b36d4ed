// Pure: a watched pod's place in its Services' endpoints, and how it changed. The EndpointSlice
// controller lists each pod a Service selects (once it has an IP) in the Service's slices: ready while
// the pod is Ready, terminating once the pod is being deleted (serving while it still passes its
// readiness checks), and removes it when the pod finishes, goes, or is no longer selected.
// `podlens watch` holds the slices of its scope (one watch), takes each Service's membership (pod uid
// -> state) before and after a slice changes, and reports what changed for the pods it watches.
// https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions
import { containerViews } from './containers.js';
import type { EndpointSliceRef, Pod } from './model.js';
import { probeOf } from './probes.js';
import type { EndpointState } from './report.js';
import { bestEndpointState, endpointRefState } from './traffic.js';
import { finish, type DiffContext, type Transition } from './transitions.js';

export type Member = Exclude<EndpointState, 'absent'>;
/** One Service's endpoints: pod uid -> how its slices list the pod (the best entry when several do). */
export type Membership = Map<string, Member>;

export const READINESS_PROBE_FAILED = 'ReadinessProbeFailed';

export function membership(slices: Iterable<EndpointSliceRef>): Membership {
  const out: Membership = new Map();
  for (const s of slices)
    for (const e of s.endpoints) {
      if (!e.podUid) continue;
      const state = endpointRefState(e);
      const had = out.get(e.podUid);
      out.set(e.podUid, had ? (bestEndpointState(had, state) as Member) : state);
    }
  return out;
}

export interface MembershipChange {
  uid: string;
  from: Member | null; // null: not listed
  to: Member | null;
}

export function membershipChanges(before: Membership, after: Membership): MembershipChange[] {
  const out: MembershipChange[] = [];
  for (const [uid, to] of after) {
    const from = before.get(uid) ?? null;
    if (from !== to) out.push({ uid, from, to });
  }
  for (const [uid, from] of before) if (!after.has(uid)) out.push({ uid, from, to: null });
  return out;
}

/**
 * The containers whose readiness probe made the pod unready, as far as its status vouches: the pod
 * runs, is not being deleted, its Ready condition is False, and a container with a readiness probe
 * runs, has started, is not ready, and was already running when the pod became unready (a container
 * that restarted since is not ready because it is new, which is no probe failure).
 */
export function readinessFailing(pod: Pod): string[] {
  if (pod.deletionTimestamp || pod.phase !== 'Running') return [];
  const ready = pod.conditions.find((c) => c.type === 'Ready');
  if (ready?.status !== 'False' || !ready.lastTransitionTime) return [];
  const since = ready.lastTransitionTime.getTime();
  return containerViews(pod)
    .filter((v) => {
      const s = v.status;
      if ((v.spec.kind !== 'app' && v.spec.kind !== 'sidecar') || !probeOf(v.spec, 'readiness')) return false;
      if (!s || s.ready || s.started === false || s.state.kind !== 'running') return false;
      return s.state.startedAt !== undefined && s.state.startedAt.getTime() < since;
    })
    .map((v) => v.spec.name);
}

/**
 * A deleted pod as watch remembers it while slices still list it: only what its endpoint lines read
 * (its name, namespace and uid, deletionTimestamp and phase for the words of leaving), its spec and
 * status lists left out. A deleted pod's readiness is never the reason it leaves (readinessFailing).
 */
export function leavingPod(pod: Pod): Pod {
  return {
    ...pod,
    labels: {},
    owners: [],
    nodeSelector: {},
    tolerations: [],
    initContainers: [],
    containers: [],
    ephemeralContainers: [],
    volumes: [],
    conditions: [],
    initContainerStatuses: [],
    containerStatuses: [],
    ephemeralContainerStatuses: [],
  };
}

function leftWords(pod: Pod): string {
  if (pod.deletionTimestamp) return 'the pod is being deleted: the Service sends it nothing more';
  if (pod.phase === 'Succeeded' || pod.phase === 'Failed') return 'a pod that has finished is no endpoint';
  return "the Service's EndpointSlices no longer list it: it gets no traffic from the Service";
}

/** The change as a transition of the pod; `service` is the Service's name (its namespace is the pod's). */
export function endpointTransition(pod: Pod, service: string, ch: MembershipChange, ctx: DiffContext): Transition {
  let reason: string | null = null;
  let explanation: string;
  switch (ch.to) {
    case 'ready':
      explanation = "the Service lists it as ready: it gets a share of the Service's new connections";
      break;
    case 'not-ready': {
      const failing = ch.from === null ? [] : readinessFailing(pod);
      if (failing.length) reason = READINESS_PROBE_FAILED;
      explanation =
        ch.from === null
          ? 'the Service lists it as not ready: it gets no traffic from the Service until it is ready'
          : failing.length
            ? `the readiness probe of container${failing.length > 1 ? 's' : ''} ${failing.join(', ')} fails: the Service sends it no new connections until the probe passes again`
            : 'the Service lists it as not ready: it gets no new connections from the Service';
      break;
    }
    case 'serving-terminating':
      explanation =
        'the pod is being deleted but still passes its readiness checks: it gets new connections only while the Service has no ready endpoint';
      break;
    case 'terminating':
      explanation = 'the pod is being deleted and no longer serving: it gets no new connections from the Service';
      break;
    case null:
      explanation = leftWords(pod);
      break;
  }
  return finish([{ rank: 0, change: 'endpoint', service, from: ch.from, to: ch.to, reason, explanation }], pod, ctx)[0];
}
