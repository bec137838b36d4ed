// Pure: is the pod getting traffic. For each Service that selects it: how the Service's
// EndpointSlices list it (ready, serving while terminating, terminating, not ready, or not at all),
// and whether each Service port resolves to a port of this pod. A named targetPort is looked up
// among the pod's container ports by name and protocol, as the EndpointSlice controller does
// (podutil.FindPort); when no container declares it, the controller leaves that port out for this pod:
// the Service has nowhere to send it. A numeric targetPort needs no declaration (containerPort is
// informational), so an undeclared one is only a hint.
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/api/v1/pod/util.go (FindPort)
// https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions
import type { EndpointRef, EndpointSliceRef, Pod, ServicePort, ServiceRef } from './model.js';
import { statusFinding } from './finding.js';
import type { EndpointState, Finding, ServiceTraffic, TrafficInfo } from './report.js';
import { selects } from './services.js';

export const TARGET_PORT_NOT_FOUND = 'TargetPortNotFound';

/** Ports the Service can reach on this pod: app containers' and native sidecars' declared ports. */
function podPorts(pod: Pod) {
  return [...pod.initContainers.filter((c) => c.kind === 'sidecar'), ...pod.containers].flatMap((c) => c.ports);
}

function portRow(pod: Pod, sp: ServicePort): ServiceTraffic['ports'][number] {
  const ports = podPorts(pod);
  const base = { port: sp.port, protocol: sp.protocol, name: sp.name ?? null, targetPort: String(sp.targetPort) };
  if (typeof sp.targetPort === 'string') {
    const p = ports.find((x) => x.name === sp.targetPort && x.protocol === sp.protocol);
    return { ...base, podPort: p?.containerPort ?? null, problem: p ? null : 'no-port-named' };
  }
  const declared = ports.some((x) => x.containerPort === sp.targetPort && x.protocol === sp.protocol);
  return { ...base, podPort: sp.targetPort, problem: declared ? null : 'port-not-declared' };
}

/** One endpoint's conditions as a state: ready and serving absent mean true, terminating absent false (API docs). */
export function endpointRefState(e: EndpointRef): Exclude<EndpointState, 'absent'> {
  if (e.terminating) return e.serving !== false ? 'serving-terminating' : 'terminating';
  return e.ready !== false ? 'ready' : 'not-ready';
}

const STATE_ORDER: EndpointState[] = ['ready', 'serving-terminating', 'terminating', 'not-ready', 'absent'];

/** Of several entries for one pod (dual-stack slices, a pod in two slices while they move), the best. */
export function bestEndpointState(a: EndpointState, b: EndpointState): EndpointState {
  return STATE_ORDER.indexOf(a) <= STATE_ORDER.indexOf(b) ? a : b;
}

/** How the Service's slices list the pod; several entries (dual-stack) agree, the best one is taken. */
function endpointState(pod: Pod, service: string, slices: EndpointSliceRef[]): { state: EndpointState; in: string[] } {
  const mine = slices.filter((s) => s.service === service);
  const found = mine.flatMap((s) =>
    s.endpoints
      .filter((e) => (e.podUid ? e.podUid === pod.uid : e.podName === pod.name))
      .map((e) => ({ slice: s.name, e })),
  );
  const inSlices = [...new Set(found.map((f) => f.slice))];
  const state = found.reduce<EndpointState>((best, { e }) => bestEndpointState(best, endpointRefState(e)), 'absent');
  return { state, in: inSlices };
}

/** What a ready endpoint receives: the controller leaves out the ports that do not resolve on the pod. */
function receives(rows: ServiceTraffic['ports']): string {
  const usable = rows.filter((r) => r.problem !== 'no-port-named');
  if (usable.length === rows.length) return "it receives the Service's traffic";
  if (!usable.length)
    return "but with no port, since none of the Service's ports resolves on this pod: no connection to the Service reaches it";
  return `it receives the Service's traffic on port${usable.length > 1 ? 's' : ''} ${usable.map((r) => r.port).join(', ')} only`;
}

function endpointWords(pod: Pod, state: EndpointState | null, slices: string[], rows: ServiceTraffic['ports']): string {
  const where = slices.length ? ` (EndpointSlice ${slices.join(', ')})` : '';
  switch (state) {
    case 'ready':
      return `lists it as a ready endpoint${where}${receives(rows).startsWith('but') ? ' ' : ': '}${receives(rows)}`;
    case 'serving-terminating':
      return `lists it as terminating but still serving${where}: kube-proxy sends it new connections only while the Service has no ready endpoint`;
    case 'terminating':
      return `lists it as terminating and not serving${where}: it gets no new connections`;
    case 'not-ready':
      return `lists it as not ready${where}: it gets no traffic from the Service until it is ready`;
    case 'absent':
      if (pod.phase === 'Succeeded' || pod.phase === 'Failed')
        return `does not list it: a pod that has finished is no endpoint`;
      if (!pod.podIP) return `does not list it: the pod has no IP yet`;
      return `selects it, but its EndpointSlices do not list it (yet)`;
    default:
      return `selects it; whether its EndpointSlices list it is not known`;
  }
}

function portWords(rows: ServiceTraffic['ports']): string {
  const bad = rows.filter((r) => r.problem === 'no-port-named');
  const hint = rows.filter((r) => r.problem === 'port-not-declared');
  const out: string[] = [];
  for (const r of bad)
    out.push(
      `its port ${r.port} sends to the port named "${r.targetPort}", which no container of this pod declares (${r.protocol}): the Service has no port to send to on this pod`,
    );
  for (const r of hint)
    out.push(
      `its port ${r.port} sends to port ${r.targetPort}, which no container declares (allowed: the Service still sends there, but check the app listens on it)`,
    );
  return out.length ? `; ${out.join('; ')}` : '';
}

function serviceTraffic(pod: Pod, s: ServiceRef, slices: EndpointSliceRef[] | undefined): ServiceTraffic {
  const ep = slices ? endpointState(pod, s.name, slices) : undefined;
  const ports = (s.ports ?? []).map((p) => portRow(pod, p));
  const words = endpointWords(pod, ep?.state ?? null, ep?.in ?? [], ports);
  return {
    service: s.name,
    endpoint: ep?.state ?? null,
    endpointSlices: ep?.in ?? [],
    ports,
    sentence: `Service "${s.name}" ${words}${portWords(ports)}`,
  };
}

/**
 * The traffic section: undefined services (not readable) gives null; undefined slices (not readable)
 * still names the Services, without saying how their endpoints list the pod.
 */
export function traffic(
  pod: Pod,
  services: ServiceRef[] | undefined,
  slices: EndpointSliceRef[] | undefined,
): TrafficInfo | null {
  if (!services) return null;
  const selecting = services.filter((s) => selects(s, pod)).sort((a, b) => a.name.localeCompare(b.name));
  if (!selecting.length)
    return {
      services: [],
      summary: `No Service in ${pod.namespace} selects it${Object.keys(pod.labels).length ? '' : ' (it has no labels)'}: it receives no Service traffic, only connections made to its IP`,
    };
  const rows = selecting.map((s) => serviceTraffic(pod, s, slices));
  const n = rows.length;
  const ready = rows.filter((r) => r.endpoint === 'ready').length;
  const head = `${n} Service${n > 1 ? 's select' : ' selects'} it`;
  const listed =
    n === 1
      ? ready
        ? ' and lists it as a ready endpoint'
        : '; it is not one of its ready endpoints'
      : `; ${ready === n ? 'all list' : `${ready} of ${n} list`} it as a ready endpoint`;
  const summary = slices ? head + listed : head;
  return { services: rows, summary };
}

/** A named targetPort this pod does not declare: that Service port cannot reach the pod (an error). */
export function trafficFindings(pod: Pod, info: TrafficInfo | null): Finding[] {
  if (!info || pod.deletionTimestamp || pod.phase === 'Succeeded' || pod.phase === 'Failed') return [];
  return info.services.flatMap((s) =>
    s.ports
      .filter((p) => p.problem === 'no-port-named')
      .map((p) =>
        statusFinding(
          'error',
          TARGET_PORT_NOT_FOUND,
          `Service "${s.service}" sends its port ${p.port} to the port named "${p.targetPort}", but no container of this pod declares a ${p.protocol} port by that name: connections to that Service port never reach this pod`,
          [
            `service ${s.service} spec.ports[port=${p.port}].targetPort=${p.targetPort}`,
            'no containers[].ports[].name matches',
          ],
          undefined,
          `Service ${s.service}: no port named "${p.targetPort}"`,
        ),
      ),
  );
}
