// Smoke test of the cluster the live tests run on (normally the project's own, cluster/up.sh):
// the seed's init-container pod becomes Ready and serves the page its init container wrote, the
// node's containerd holds a sandbox (pause) container for it, a missing image fails to pull, and
// Services work as on any kubeadm cluster: names resolve through the cluster's DNS (kube-dns), a
// Service's ClusterIP and NodePort reach its pods, and a pod's in-cluster config reaches the API
// server through the `kubernetes` Service.
import { readFileSync, realpathSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ROOT, apply, is, kubectl, kubectlOk, pod, run, useNamespace, waitForPod } from './support.js';

const ns = useNamespace('cluster');

function nodeIsThisMachine(nodeIp: string): boolean {
  return Object.values(networkInterfaces()).some((addrs) => addrs?.some((a) => a.address === nodeIp));
}

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

test('the seed init-container pod becomes Ready and nginx serves what the init container wrote', async () => {
  await apply(readFileSync(join(ROOT, 'examples', 'init-container.yaml'), 'utf8'), ns.name);
  const pod = await waitForPod(ns.name, 'nginx-pod', is.condition('Ready'), 'Ready');
  expect(pod.status.initContainerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  const podIp: string = pod.status.podIP;
  expect(podIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);

  const node = JSON.parse(await kubectlOk(['get', 'node', pod.spec.nodeName, '-o', 'json']));
  const nodeIp = node.status.addresses.find((a: { type: string }) => a.type === 'InternalIP').address;
  if (nodeIsThisMachine(nodeIp)) {
    // The host reaches the pod IP directly over the CNI bridge.
    expect(await fetchText(`http://${podIp}/`)).toContain('Hello from the init container');

    // The node's containerd holds a sandbox container labelled with the pod's uid.
    const address = process.env.CONTAINERD_ADDRESS ?? '/run/containerd/containerd.sock';
    const ctr = (args: string[]) => run('ctr', ['--address', address, '-n', 'k8s.io', ...args]);
    const listed = await ctr(['containers', 'ls', '-q', `labels."io.kubernetes.pod.uid"==${pod.metadata.uid}`]);
    expect(listed.code).toBe(0);
    const ids = listed.stdout.trim().split('\n').filter(Boolean);
    const kinds = await Promise.all(
      ids.map(async (id) => {
        const info = JSON.parse((await ctr(['containers', 'info', id])).stdout);
        return info.Labels['io.cri-containerd.kind'];
      }),
    );
    expect([...kinds].sort()).toEqual(['container', 'container', 'sandbox']);
    const all = await ctr(['containers', 'ls']);
    const sandboxId = ids[kinds.indexOf('sandbox')];
    expect(all.stdout).toMatch(new RegExp(`^${sandboxId}\\s+registry\\.k8s\\.io/pause:`, 'm'));
  } else {
    // Another cluster: its nodes are not this machine, so fetch the page from inside the cluster.
    const page = await kubectlOk([
      '-n',
      ns.name,
      'exec',
      'nginx-pod',
      '-c',
      'nginx',
      '--',
      'wget',
      '-qO-',
      `http://${podIp}/`,
    ]);
    expect(page).toContain('Hello from the init container');
  }
});

test('an image that does not exist fails to pull with a real ErrImagePull', async () => {
  await apply(
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'ghost' },
      spec: { containers: [{ name: 'ghost', image: 'podlens-no-such-image:1.0' }] },
    },
    ns.name,
  );
  const pod = await waitForPod(
    ns.name,
    'ghost',
    (p) => is.waiting('ghost', 'ErrImagePull')(p) || is.waiting('ghost', 'ImagePullBackOff')(p),
    'ErrImagePull',
  );
  const waiting = pod.status.containerStatuses[0].state.waiting;
  expect(['ErrImagePull', 'ImagePullBackOff']).toContain(waiting.reason);
  expect(waiting.message).toMatch(/podlens-no-such-image/);
});

describe('Services and DNS', () => {
  const web = useNamespace('cluster-svc');
  const page = 'Hello from the init container';
  let clusterIp = '';
  let nodePort = 0;
  let nodeIp = '';
  // busybox's wget here has no -T (Debian's build leaves its timeout out and crashes on the flag):
  // `timeout 5 wget ...` bounds it instead.
  const exec = (args: string[], timeoutMs = 30_000) =>
    kubectl(['-n', web.name, 'exec', 'client', '--', ...args], { timeoutMs });

  beforeAll(async () => {
    // The seed's init-container pod (app=nginx) serves the page; a Service of each type selects it; a client
    // pod runs as a service account that may list pods in its own namespace and nothing else.
    await apply(readFileSync(join(ROOT, 'examples', 'init-container.yaml'), 'utf8'), web.name);
    await apply(
      [
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web' },
          spec: { selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 80 }] },
        },
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: 'web-np' },
          spec: { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 80 }] },
        },
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'reader' } },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'pod-reader' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'reader' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: web.name }],
        },
        pod('client', {
          serviceAccountName: 'reader',
          containers: [{ name: 'client', image: 'busybox', command: ['sleep', '3600'] }],
        }),
      ],
      web.name,
    );
    await waitForPod(web.name, 'nginx-pod', is.condition('Ready'), 'Ready');
    await waitForPod(web.name, 'client', is.running('client'), 'running');
    clusterIp = (await kubectlOk(['-n', web.name, 'get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    nodePort = Number(
      await kubectlOk(['-n', web.name, 'get', 'service', 'web-np', '-o', 'jsonpath={.spec.ports[0].nodePort}']),
    );
    const node = JSON.parse(await kubectlOk(['-n', web.name, 'get', 'pod', 'client', '-o', 'json']));
    nodeIp = node.status.hostIP;
  }, 180_000);

  /** The addresses busybox's nslookup answers for NAME (the lines after "Name:"). */
  async function resolve(name: string): Promise<string[]> {
    const r = await exec(['nslookup', name]);
    const answer = r.stdout
      .split(/^Name:/m)
      .slice(1)
      .join('\n');
    return [...answer.matchAll(/Address:\s*([0-9.]+)/g)].map((m) => m[1]);
  }

  /**
   * CoreDNS learns of a new Service through its watch of the API server; right after an API server
   * restart (watch-faults runs one) its reflectors wait out a backoff before they list again, so a
   * Service made meanwhile resolves only once they have caught up. Poll up to a minute for NAME to
   * answer something, then return that answer.
   */
  async function resolveOnceKnown(name: string): Promise<string[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const answer = await resolve(name);
      if (answer.length > 0 || Date.now() > deadline) return answer;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }

  test("a pod resolves a Service's full name and its short name to its ClusterIP", async () => {
    expect(clusterIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(await resolveOnceKnown(`web.${web.name}.svc.cluster.local`)).toEqual([clusterIp]);
    // The short name goes through the search path the kubelet writes into the pod's resolv.conf.
    expect(await resolve('web')).toEqual([clusterIp]);
    expect((await exec(['timeout', '5', 'wget', '-qO-', 'http://web/'])).stdout).toContain(page);
    // A name that does not exist does not resolve.
    expect(await resolve(`no-such-service.${web.name}.svc.cluster.local`)).toEqual([]);
  });

  test("a pod reaches a Service's ClusterIP and its NodePort on the node's address", async () => {
    expect((await exec(['timeout', '5', 'wget', '-qO-', `http://${clusterIp}/`])).stdout).toContain(page);
    expect(nodePort).toBeGreaterThan(0);
    expect((await exec(['timeout', '5', 'wget', '-qO-', `http://${nodeIp}:${nodePort}/`])).stdout).toContain(page);
  });

  test("in-cluster config reaches the API server through the kubernetes Service, as the pod's service account", async () => {
    // kubectl inside the pod, with no kubeconfig: client-go's in-cluster config (the
    // KUBERNETES_SERVICE_HOST the kubelet sets, the service account's token and CA).
    const kubectlPath = realpathSync((await run('sh', ['-c', 'command -v kubectl'])).stdout.trim());
    const copy = await run(
      'sh',
      [
        '-c',
        `kubectl -n ${web.name} exec -i client -- sh -c 'cat > /tmp/kubectl && chmod +x /tmp/kubectl' < "$1"`,
        'sh',
        kubectlPath,
      ],
      { timeoutMs: 120_000 },
    );
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    const host = await exec(['sh', '-c', 'echo $KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT']);
    const kubernetesIp = (
      await kubectlOk(['get', 'service', 'kubernetes', '-n', 'default', '-o', 'jsonpath={.spec.clusterIP}'])
    ).trim();
    expect(host.stdout.trim()).toBe(`${kubernetesIp}:443`);
    const pods = await exec(['/tmp/kubectl', 'get', 'pods', '-o', 'name']);
    expect(pods.stderr).toBe('');
    expect(pods.stdout.split('\n').sort()).toEqual(['', 'pod/client', 'pod/nginx-pod']);
    // The same through the Service's DNS name, with the CA checked against the name.
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    const byName = await exec([
      'sh',
      '-c',
      `/tmp/kubectl --server=https://kubernetes.default.svc --certificate-authority=${sa}/ca.crt --token="$(cat ${sa}/token)" get pods -n ${web.name} -o name`,
    ]);
    // kubectl exec's own client-side websocket notice (not the in-pod kubectl's output) is not a failure.
    expect(
      byName.stderr.replace(
        /^E\d{4} [\d:.]+\s+\d+ websocket\.go:\d+\] Unknown stream id \d+, discarding message\n/gm,
        '',
      ),
    ).toBe('');
    expect(byName.stdout).toContain('pod/client');
    // It is the service account that spoke: it may not list another namespace's pods.
    const denied = await exec(['/tmp/kubectl', 'get', 'pods', '-n', 'kube-system']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain(`system:serviceaccount:${web.name}:reader`);
  }, 180_000);
});
