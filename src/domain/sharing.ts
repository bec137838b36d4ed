// What the containers of a pod share: one network namespace (one IP, one port space), held by the
// pod's pause container, and the pod's volumes.
import { containerViews, finished, inPostStart } from './containers.js';
import type { KubeEvent, Pod } from './model.js';
import type { NetworkInfo, VolumeInfo } from './report.js';

/** Containers that run at the same time as the app containers: sidecars and apps. */
function concurrent(pod: Pod) {
  return [...pod.initContainers.filter((c) => c.kind === 'sidecar'), ...pod.containers];
}

/** `events`: the pod's, which tell a sandbox being set up from a status not written since (a postStart hook). */
export function network(pod: Pod, events: KubeEvent[] = []): NetworkInfo {
  const all = containerViews(pod).map((v) => v.spec.name);
  const ports = containerViews(pod).flatMap((v) =>
    v.spec.ports.map((p) => ({
      container: v.spec.name,
      port: p.containerPort,
      protocol: p.protocol,
      name: p.name ?? null,
      hostPort: p.hostPort ?? null,
    })),
  );
  const seen = new Map<string, string>();
  const conflicts: string[] = [];
  for (const c of concurrent(pod)) {
    for (const p of c.ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      const other = seen.get(key);
      if (other && other !== c.name)
        conflicts.push(
          `containers "${other}" and "${c.name}" both declare ${key}: they share one network namespace, so only one of them can listen on it`,
        );
      else seen.set(key, c.name);
    }
  }
  return {
    podIP: pod.podIP ?? null,
    hostNetwork: pod.hostNetwork,
    sharedBy: all,
    explanation: networkWords(pod, events),
    ports,
    conflicts,
  };
}

/**
 * What the pod's network namespace means now. Only containers that run at the same time reach each
 * other on localhost (regular init containers run before the others, one at a time); "the IP stays
 * when a container restarts" only while the sandbox is up and something can restart.
 */
function networkWords(pod: Pod, events: KubeEvent[]): string {
  if (pod.hostNetwork)
    return `hostNetwork: the containers use the node's own network namespace, so the pod's IP is the node's (${pod.hostIP ?? 'unknown'}) and its ports are the node's ports`;
  const sandbox = pod.conditions.find((c) => c.type === 'PodReadyToStartContainers');
  const torn = sandbox?.status === 'False' && Boolean(pod.startTime);
  if (finished(pod) || pod.deletionTimestamp) {
    const why = finished(pod) ? `the pod has finished (${pod.phase})` : 'the pod is being deleted';
    return `${why}, so nothing restarts in it${torn ? '; its sandbox (the pause container that held its network namespace) has been torn down' : ''}${pod.podIP ? `; it had IP ${pod.podIP}` : ''}`;
  }
  const together = concurrent(pod).map((c) => c.name);
  const init = pod.initContainers.filter((c) => c.kind === 'init').map((c) => c.name);
  const inits = init.length
    ? `; init container${init.length > 1 ? 's' : ''} ${init.join(', ')} run${init.length > 1 ? '' : 's'} before them, one at a time, in the same network namespace`
    : '';
  const stays = pod.restartPolicy !== 'Never' ? ', and the IP stays the same when a container restarts' : '';
  const hooks = pod.podIP ? [] : inPostStart(pod, events);
  if (hooks.length)
    return `no IP in the pod's status yet, though its sandbox is set up (container ${hooks[0]} has started in it): the kubelet writes the IP once the postStart hook of ${hooks[0]} returns`;
  if (!pod.podIP)
    return `no IP yet: the pod's sandbox (the pause container that holds the network namespace its containers will share) has not been set up`;
  if (together.length === 1)
    return `container ${together[0]} uses IP ${pod.podIP} in a network namespace held by the pod's pause (sandbox) container${stays}${inits}`;
  return `containers ${together.join(', ')} run together and share IP ${pod.podIP} and one network namespace, held by the pod's pause (sandbox) container: they reach each other on localhost${stays}${inits}`;
}
export function volumes(pod: Pod): VolumeInfo[] {
  const views = containerViews(pod);
  return pod.volumes.map((vol) => {
    const mounts = views.flatMap((v) =>
      v.spec.volumeMounts
        .filter((m) => m.name === vol.name)
        .map((m) => ({
          container: v.spec.name,
          kind: v.spec.kind,
          path: m.mountPath + (m.subPath ? ` (subPath ${m.subPath})` : ''),
          readOnly: m.readOnly,
        })),
    );
    let note: string | null = null;
    const writers = mounts.filter((m) => m.kind === 'init' && !m.readOnly).map((m) => m.container);
    const readers = mounts.filter((m) => m.kind !== 'init').map((m) => m.container);
    const ephemeral = vol.type === 'emptyDir';
    if (!mounts.length) note = 'not mounted by any container';
    else if (writers.length && readers.length)
      note = `init container${writers.length > 1 ? 's' : ''} ${writers.join(', ')} can prepare files here before ${readers.join(', ')} start${readers.length > 1 ? '' : 's'}${ephemeral ? '; the data lives as long as the pod' : ''}`;
    else if (new Set(readers).size > 1)
      note = `shared by ${[...new Set(readers)].join(' and ')} while they run${ephemeral ? '; the data lives as long as the pod' : ''}`;
    else if (vol.name.startsWith('kube-api-access-') && vol.type === 'projected')
      note = 'the service account token, CA and namespace, mounted automatically';
    return { name: vol.name, type: vol.type, source: vol.source ?? null, mounts, note };
  });
}
