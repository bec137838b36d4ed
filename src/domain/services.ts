// Which Services select a pod, and what that means for its traffic. A Service's selector is a set of
// labels the pod must all carry; the EndpointSlice controller lists the selected pods that are Ready
// as ready endpoints, and a terminating pod as not ready (terminating), whatever its Ready condition.
// https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions
import type { Pod, ServiceRef } from './model.js';

export function selects(s: ServiceRef, pod: Pod): boolean {
  const sel = Object.entries(s.selector);
  return sel.length > 0 && sel.every(([k, v]) => pod.labels[k] === v);
}

/** The Services that select the pod, or undefined when they could not be read (say nothing then). */
export function selecting(pod: Pod, services: ServiceRef[] | undefined): string[] | undefined {
  return services?.filter((s) => selects(s, pod)).map((s) => s.name);
}

/**
 * What the pod's readiness means for Service traffic, in one sentence, only from what is known.
 * undefined: the Services could not be listed, so nothing is said about them.
 */
export function trafficWords(pod: Pod, services: ServiceRef[] | undefined, ready: boolean): string | undefined {
  const names = selecting(pod, services);
  if (!names) return undefined;
  const list = names.map((n) => `"${n}"`).join(', ');
  const plural = names.length > 1 ? 's' : '';
  if (!names.length)
    return `no Service in ${pod.namespace} selects it${Object.keys(pod.labels).length ? '' : ' (it has no labels)'}, so it is in no Service's endpoints`;
  if (pod.deletionTimestamp)
    return `it is being deleted, so the endpoints of Service${plural} ${list} list it as terminating and send it no new connections`;
  return ready
    ? `Service${plural} ${list} select${names.length > 1 ? '' : 's'} it and list${names.length > 1 ? '' : 's'} it as a ready endpoint`
    : `Service${plural} ${list} select${names.length > 1 ? '' : 's'} it but send${names.length > 1 ? '' : 's'} it no traffic until it is ready`;
}
