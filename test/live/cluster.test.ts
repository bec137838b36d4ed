// Smoke test of the cluster the live tests run on (normally the project's own, cluster/up.sh):
// the seed's init-container pod becomes Ready and serves the page its init container wrote, the
// node's containerd holds a sandbox (pause) container for it, and a missing image fails to pull.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ROOT, apply, is, kubectlOk, run, useNamespace, waitForPod } from './support.js';

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
