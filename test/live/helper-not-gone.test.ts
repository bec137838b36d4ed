// The helper that outlives podlens' 30 s wait for it, as a user meets it: a finalizer nobody removes
// (here the test's own, put on the helper pod while podlens works) keeps the pod, and so the Job
// deleted in the foreground, after podlens deleted them. podlens says so in one sentence and exits 1;
// once the finalizer goes, Kubernetes finishes the deletion without podlens.
import { helperJob, helpersGone, helpersIn, startSharedNetworkPod } from './shared-network.js';
import { kubectl, kubectlOk, podlens, useNamespace, waitFor } from './support.js';

const ns = useNamespace('helper-not-gone');
const HOLD = 'podlens.dev/test-hold';

beforeAll(async () => {
  await startSharedNetworkPod(ns.name);
}, 120_000);

/** The helper pods of the namespace, as pod/NAME. */
const helperPods = async () => (await helpersIn(ns.name)).filter((h) => h.startsWith('pod/'));

async function release(): Promise<void> {
  for (const p of await helperPods())
    await kubectl([
      '-n',
      ns.name,
      'patch',
      p,
      '--type',
      'json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers"}]',
    ]);
}

afterAll(release, 60_000);

test('the helper still there when the wait runs out: one sentence naming it and what to do, exit 1', async () => {
  const run = podlens(['pause', 'shared-network-pod', '-n', ns.name, '--via', 'pod', '--yes', '--timeout', '60s']);
  // The helper's pod, held by a finalizer as soon as the Job controller has created it (podlens
  // waits for it to run and then runs ctr through it, which takes seconds more).
  const held = await waitFor(
    'the helper pod to appear',
    async () => {
      const [p] = await helperPods();
      if (!p) return undefined;
      await kubectlOk([
        '-n',
        ns.name,
        'patch',
        p,
        '--type',
        'merge',
        '-p',
        JSON.stringify({ metadata: { finalizers: [HOLD] } }),
      ]);
      return p;
    },
    30_000,
    100,
  );
  const r = await run;
  const job = await helperJob(ns.name);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toBe(
    `error: the helper Job ${ns.name}/${job} and its pod were still there 30s after podlens deleted them: ` +
      'they are still being deleted (in the foreground, so no new pod starts), and Kubernetes finishes that without podlens; ' +
      `\`kubectl get job ${job} -n ${ns.name}\` shows the Job until its pod is gone, and ` +
      `\`podlens cleanup -n ${ns.name}\` deletes it again if it stays.\n`,
  );
  expect(r.stderr).not.toMatch(/\n\s+at |could not be removed/);
  // what the sentence says is so: both are being deleted, and the Job started no new pod
  const stamp = (what: string) =>
    kubectlOk(['-n', ns.name, 'get', what, '-o', 'jsonpath={.metadata.deletionTimestamp}']);
  expect(await stamp(`job/${job}`)).not.toBe('');
  expect(await stamp(held)).not.toBe('');
  expect(await helperPods()).toEqual([held]);
  await release();
  await helpersGone(ns.name, 'Kubernetes to finish the deletion');
}, 120_000);
