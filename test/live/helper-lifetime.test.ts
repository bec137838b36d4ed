// The helper's lifetime as users meet it: podlens killed with -9 while its helper Job exists, and
// Kubernetes itself stops the Job at --helper-deadline and deletes it and its pod
// ttlSecondsAfterFinished (30s) later; `podlens cleanup` keeps a helper another live podlens process
// on this host is using, deletes it once that process is gone or its deadline passed, and --all
// deletes it regardless. The cluster's controller-manager runs every controller (--controllers=*),
// the Job and TTL-after-finished controllers among them.
import { spawn, type ChildProcess } from 'node:child_process';
import { helperJob, helpersGone, helpersIn, startSharedNetworkPod } from './shared-network.js';
import { BIN, kubeconfig, kubectlOk, podlens, useNamespace, waitFor } from './support.js';

const ns = useNamespace('reality-helper');

beforeAll(async () => {
  await startSharedNetworkPod(ns.name);
}, 120_000);

/** `podlens pause --via pod` in the background, returned once its helper Job exists. */
async function pauseRunning(deadline: string): Promise<{ child: ChildProcess; job: string }> {
  const child = spawn(
    process.execPath,
    [BIN, 'pause', 'shared-network-pod', '-n', ns.name, '--via', 'pod', '--yes', '--timeout', '120s'].concat(
      '--helper-deadline',
      deadline,
    ),
    { env: { ...process.env, KUBECONFIG: kubeconfig(), NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'ignore'] },
  );
  return { child, job: await helperJob(ns.name) };
}

const exited = (c: ChildProcess) =>
  new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode ? resolve() : c.on('exit', () => resolve())));

test('podlens killed with -9: Kubernetes stops the helper at its deadline and deletes the Job and its pod', async () => {
  const { child, job } = await pauseRunning('5s');
  child.kill('SIGKILL');
  await exited(child);
  expect(await helpersIn(ns.name)).toContain(`job.batch/${job}`); // podlens could not remove it
  const annotations = JSON.parse(
    await kubectlOk(['-n', ns.name, 'get', 'job', job, '-o', 'jsonpath={.metadata.annotations}']),
  );
  expect(annotations).toMatchObject({
    'podlens.dev/created-by-pid': String(child.pid),
    'podlens.dev/created-on-host': expect.any(String),
    'podlens.dev/created-by-user': expect.any(String),
    'podlens.dev/creator-started-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });
  await waitFor(
    'the Job to fail at its deadline',
    async () =>
      (await kubectlOk([
        '-n',
        ns.name,
        'get',
        'job',
        job,
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Failed")].reason}',
      ])) === 'DeadlineExceeded' || undefined,
    30_000,
    500,
  );
  await helpersGone(ns.name, 'Kubernetes to delete the helper');
}, 120_000);

test('cleanup keeps a helper a live podlens uses, deletes it once that process is gone; --all would delete it', async () => {
  const { child, job } = await pauseRunning('5m');
  child.kill('SIGSTOP'); // alive, holding its helper
  try {
    const kept = await podlens(['cleanup', '-n', ns.name]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toMatch(new RegExp(`job/${job} .* kept +in use by pid ${child.pid} on this host\\n`));
    expect(await helpersIn(ns.name)).toContain(`job.batch/${job}`);

    const all = await podlens(['cleanup', '-n', ns.name, '--all', '--dry-run']);
    expect(all.stdout).toMatch(new RegExp(`job/${job} .* would delete +--all\\n`));
    expect(await helpersIn(ns.name)).toContain(`job.batch/${job}`);
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
  const gone = await podlens(['cleanup', '-n', ns.name]);
  expect(gone.code).toBe(0);
  expect(gone.stdout).toMatch(
    new RegExp(`job/${job} .* deleted +its creator \\(pid ${child.pid} on this host\\) is gone\\n`),
  );
  expect(await helpersIn(ns.name)).toEqual([]);
}, 90_000);

test('cleanup deletes a helper whose deadline passed even while its creator runs', async () => {
  const { child, job } = await pauseRunning('3s');
  child.kill('SIGSTOP');
  try {
    await waitFor(
      'the deadline to pass',
      async () =>
        (await kubectlOk(['-n', ns.name, 'get', 'job', job, '-o', 'jsonpath={.status.startTime}'])) || undefined,
      10_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 3500));
    const r = await podlens(['cleanup', '-n', ns.name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`job/${job} .* deleted +its deadline passed\\n`));
    expect(await helpersIn(ns.name)).toEqual([]);
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
}, 60_000);

test('cleanup with nothing to do: one line on stderr, exit 0', async () => {
  const r = await podlens(['cleanup', '-n', ns.name]);
  expect(r).toMatchObject({ code: 0, stdout: '' });
  expect(r.stderr).toBe(
    `No podlens helpers found in namespace ${ns.name} (app.kubernetes.io/managed-by=podlens,app.kubernetes.io/name=podlens-node-helper).\n`,
  );
});
