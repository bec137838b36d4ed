// Output as users pipe it, over many pods on KWOK fake nodes (npm run cluster:fake-nodes): complete
// JSON through a slow reader, `| head -1` quiet with exit 0, `> /dev/full` one sentence with exit 1.
// The pods are LISTed in pages of 500 on the way. PODLENS_SCALE_PODS sets how many (default 1,000,
// the CI variant; the run is 5,000). On the project's own cluster it starts fake nodes when
// there are none (and removes them after); on another cluster it fails, saying how to start them.
import { join } from 'node:path';
import { BIN, ROOT, kubeconfig, kubectl, kubectlOk, run, useNamespace, waitFor } from './support.js';

const ns = useNamespace('creds-out');
const N = Number(process.env.PODLENS_SCALE_PODS) || 1000;
let fakeNodes = 0;
let startedFakeNodes = false;
const LOCAL_KUBECONFIG = '/var/lib/podlens-cluster/admin.kubeconfig';
const kwokScript = (...args: string[]) =>
  run('bash', [join(ROOT, 'cluster', 'kwok.sh'), ...args], { timeoutMs: 900_000 });

async function countFakeNodes(): Promise<number> {
  const nodes = await kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'name']);
  return nodes.stdout.trim() ? nodes.stdout.trim().split('\n').length : 0;
}

function fakePod(name: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'podlens-creds-output' } },
    spec: {
      nodeSelector: { type: 'kwok' },
      tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
      terminationGracePeriodSeconds: 0,
      containers: [{ name: 'app', image: 'nginx' }],
    },
  };
}

beforeAll(async () => {
  fakeNodes = await countFakeNodes();
  if (!fakeNodes && kubeconfig() === LOCAL_KUBECONFIG) {
    const up = await kwokScript('up', '4');
    if (up.code !== 0) throw new Error(`cluster/kwok.sh up 4 failed: ${up.stderr}`);
    startedFakeNodes = true;
    fakeNodes = await countFakeNodes();
  }
  if (!fakeNodes) throw new Error('no KWOK fake nodes: start them with bash cluster/kwok.sh up 10');
  for (let start = 0; start < N; start += 500) {
    const items = Array.from({ length: Math.min(500, N - start) }, (_, i) => fakePod(`p-${start + i}`));
    await kubectlOk(['-n', ns.name, 'create', '-f', '-'], {
      input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
      timeoutMs: 300_000,
    });
  }
  await waitFor(
    `${N} pods in ${ns.name}`,
    async () => {
      const r = await kubectl(['-n', ns.name, 'get', 'pods', '-o', 'name']);
      return r.stdout.trim().split('\n').length === N ? true : undefined;
    },
    300_000,
    2000,
  );
}, 900_000);

afterAll(async () => {
  if (fakeNodes)
    await kubectl(['-n', ns.name, 'delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=false']);
  if (startedFakeNodes) await kwokScript('down');
}, 300_000);

const sh = (script: string) =>
  run('bash', ['-o', 'pipefail', '-c', script], {
    env: { PODLENS: `${process.execPath} ${BIN}`, NS: ns.name },
    timeoutMs: 600_000,
  });

test('describe -A -o json through a slow reader is complete', async () => {
  // The reader starts 3 s late and then reads a few KB at a time, so podlens finishes writing long
  // before the pipe has taken its output.
  const r = await sh(
    `$PODLENS describe -A -o json | (sleep 3; perl -e 'while (read(STDIN, $b, 8192)) { select(undef, undef, undef, 0.002); print $b }') ` +
      `| jq --arg ns "$NS" '[.items[] | select(.namespace == $ns)] | length'`,
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(Number(r.stdout.trim())).toBe(N);
}, 600_000);

test('| head -1 ends quietly with exit 0 (pipefail)', async () => {
  const r = await sh(`$PODLENS describe -A -o json | head -1`);
  expect(r).toEqual({ code: 0, stdout: '{\n', stderr: '' });
}, 600_000);

test('> /dev/full is one sentence and exit 1', async () => {
  const r = await sh(`$PODLENS describe -n "$NS" -o json > /dev/full`);
  expect(r).toEqual({
    code: 1,
    stdout: '',
    stderr: 'error: cannot write to standard output: no space left on the device (ENOSPC).\n',
  });
}, 600_000);
