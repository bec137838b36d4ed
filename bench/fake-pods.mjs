// Pods on KWOK fake nodes (cluster/kwok.sh), created fast: the benchmark and the live tests that
// need hundreds or thousands of pods (test/live/as-users.test.ts) share these, with bench/kube.mjs'
// plain node:https client (kubectl's start-up for each of thousands of requests would dominate).
import { Kube } from './kube.mjs';

/**
 * A pod for the KWOK fake nodes, bound to one of them (spec.nodeName) so that the scheduler has no
 * part in it: at load 15 to 21 the scheduler was what held creation to about 5 pods a second. It
 * tolerates the fake nodes' taint (cluster/kwok.sh); an init container, as many real pods have.
 */
export function fakePod(name, nodeName, labels = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'podlens-bench', ...labels } },
    spec: {
      nodeName,
      tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 1,
      initContainers: [{ name: 'init-config', image: 'busybox' }],
      containers: [{ name: 'app', image: 'nginx' }],
    },
  };
}

/**
 * A headless Service selecting the fake pods labelled `podlens-bench-svc: NAME`: the EndpointSlice
 * controller lists them in its slices once KWOK gives them an IP (cluster/kwok.sh --cidr), ready once
 * KWOK makes them Ready. Headless: no cluster IP to allocate and nothing for kube-proxy to program.
 */
export function fakeService(name) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: 'podlens-bench' } },
    spec: {
      clusterIP: 'None',
      selector: { app: 'podlens-bench', 'podlens-bench-svc': name },
      ports: [{ name: 'http', port: 80, targetPort: 80 }],
    },
  };
}

/** Creates objects by POST to `path` with a bounded number of requests in flight. */
export async function createObjects(kube, path, objects, inFlight = 32) {
  let next = 0;
  const worker = async () => {
    while (next < objects.length) await kube.request('POST', path, objects[next++]);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

/** Creates pods with a bounded number of requests in flight. */
export async function createPods(kube, ns, pods, inFlight = 32) {
  await createObjects(kube, `/api/v1/namespaces/${ns}/pods`, pods, inFlight);
}

/**
 * createPods with a client of its own for the kubeconfig at `kubeconfigPath` (its current context),
 * closed afterwards; resolves with the creation rate in pods per second.
 */
export async function createPodsWith(kubeconfigPath, ns, pods, inFlight = 32) {
  const kube = new Kube(kubeconfigPath);
  const t0 = performance.now();
  try {
    await createPods(kube, ns, pods, inFlight);
  } finally {
    kube.close();
  }
  return pods.length / ((performance.now() - t0) / 1000);
}
