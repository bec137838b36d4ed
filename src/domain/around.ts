// Pure: what the many-pods view says about each pod's neighbourhood, from the same lists and the same
// judgements as one pod's report (src/domain/traffic.ts, disruption.ts): a Service whose named
// targetPort the pod does not declare (TargetPortNotFound, an error that is also the verdict, as in
// the full report), a PodDisruptionBudget that blocks its eviction, and a running pod that a Service
// selects but does not list as a ready endpoint (it gets none of that Service's traffic).
import { disruption, disruptionFindings } from './disruption.js';
import type { DisruptionBudgetRef, EndpointSliceRef, Pod, ServiceRef } from './model.js';
import type { Finding, NeighbourFact } from './report.js';
import { traffic, trafficFindings } from './traffic.js';

export const ENDPOINT_NOT_READY = 'EndpointNotReady';

/** The lists the view read once for its scope; undefined: that kind could not be read. */
export interface Around {
  services?: ServiceRef[];
  endpointSlices?: EndpointSliceRef[];
  disruptionBudgets?: DisruptionBudgetRef[];
}

const mine = <T extends { namespace?: string }>(list: T[] | undefined, ns: string) =>
  list?.filter((x) => x.namespace === undefined || x.namespace === ns);

/** The objects of one namespace, out of lists of that namespace or of all of them (-A). */
export function inNamespace(a: Around, ns: string): Around {
  return {
    services: mine(a.services, ns),
    endpointSlices: mine(a.endpointSlices, ns),
    disruptionBudgets: mine(a.disruptionBudgets, ns),
  };
}

/**
 * The pod's neighbourhood findings (to judge its verdict with, as describePod does) and its facts
 * for the view; facts undefined when neither Services nor budgets could be read.
 */
export function aroundPod(pod: Pod, a: Around): { findings: Finding[]; facts?: NeighbourFact[] } {
  const info = traffic(pod, a.services, a.endpointSlices);
  const found = [...trafficFindings(pod, info), ...disruptionFindings(disruption(pod, a.disruptionBudgets))];
  if (!a.services && !a.disruptionBudgets) return { findings: found };
  const facts: NeighbourFact[] = found.map((f) => ({ severity: f.severity, code: f.code, cause: f.cause ?? f.code }));
  if (info && a.endpointSlices && pod.phase === 'Running' && !pod.deletionTimestamp)
    for (const s of info.services)
      if (s.endpoint === 'not-ready' || s.endpoint === 'absent')
        facts.push({
          severity: 'warning',
          code: ENDPOINT_NOT_READY,
          cause: `not a ready endpoint of Service ${s.service}`,
        });
  return { findings: found, facts };
}
