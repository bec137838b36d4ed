// `podlens node` and `podlens cleanup` on the live cluster. The sandboxes podlens lists are checked
// against `ctr containers ls` run directly on this host (the node); a pod deleted by force leaves a
// sandbox the API no longer knows, which must be flagged; a helper left by a killed run (SIGKILL:
// no chance to clean up) is removed by `podlens cleanup`.
import { spawn } from 'node:child_process';
import {
  expectNodeListsSandboxes,
  helperJob,
  helpersIn,
  sandboxesDirect,
  startSharedNetworkPod,
  stillThere,
} from './shared-network.js';
import { BIN, apply, is, kubeconfig, kubectlOk, pod, podlens, useNamespace, waitForPod } from './support.js';

const ns = useNamespace('node');
let node = '';
let uid = '';

beforeAll(async () => {
  const p = await startSharedNetworkPod(ns.name);
  node = p.spec.nodeName;
  uid = p.metadata.uid;
}, 120_000);

/* eslint-disable @typescript-eslint/no-explicit-any */
function checkReport(report: any, direct: string[]): void {
  expectNodeListsSandboxes(report, direct, ns.name, uid);
  expect(report.podsWithoutSandbox.filter((p: any) => p.namespace === ns.name)).toEqual([]);
}

test('--via local: every sandbox ctr lists, mapped to its pod with its containers', async () => {
  const before = await sandboxesDirect();
  const r = await podlens(['node', node, '--via', 'local', '-o', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  checkReport(JSON.parse(r.stdout), await stillThere(before));
});

test('--via pod: the same, its own helper marked as such, and no helper remains', async () => {
  const before = await sandboxesDirect();
  const r = await podlens(['node', node, '--via', 'pod', '--yes', '--helper-namespace', ns.name, '-o', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout);
  checkReport(report, await stillThere(before));
  const self = report.sandboxes.filter((s: any) => s.podlensHelper && s.pod.namespace === ns.name && s.apiKnowsPod);
  expect(self).toHaveLength(1);
  expect(self[0].flag).toBe("podlens' helper pod (deleted when its run ends)");
  expect(await helpersIn(ns.name)).toEqual([]);
});

test('a pod deleted by force: its sandbox is flagged as one the API no longer knows', async () => {
  await apply(pod('doomed', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }), ns.name);
  const p = await waitForPod(ns.name, 'doomed', is.running('c'), 'running');
  await kubectlOk(['-n', ns.name, 'delete', 'pod', 'doomed', '--grace-period=0', '--force']);
  const r = await podlens(['node', node, '--via', 'local', '-o', 'json']);
  expect(r.code).toBe(0);
  const entry = JSON.parse(r.stdout).sandboxes.find((s: any) => s.pod.uid === p.metadata.uid);
  // The kubelet removes the sandbox eventually; right after the delete it is still on the node.
  expect(entry).toBeDefined();
  expect(entry.apiKnowsPod).toBe(false);
  expect(entry.flag).toBe(
    `orphan: the API has no pod with uid ${p.metadata.uid}; the kubelet removes its sandbox when it garbage-collects`,
  );
});

test('text output', async () => {
  const r = await podlens(['node', node, '--via', 'local'], { env: { COLUMNS: '250' } });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`^Node:     ${node}  \\(containerd://`));
  expect(r.stdout).toMatch(
    new RegExp(
      `\\n${ns.name} +shared-network-pod +[0-9a-f]{12} +\\d+ +RUNNING +(nginx, alpine|alpine, nginx) +Running`,
    ),
  );
  expect(r.stdout).toMatch(/sandboxes \(pause containers\) on \S+, \d+ running; the API places \d+ pods on this node/);
});

test('unknown node: one sentence, exit 1', async () => {
  const r = await podlens(['node', 'no-such-node', '--via', 'local']);
  expect(r).toEqual({
    code: 1,
    stdout: '',
    stderr: 'error: node "no-such-node" not found (kubectl get nodes lists them).\n',
  });
});

test('cleanup removes the helper a killed run (SIGKILL) left behind', async () => {
  const child = spawn(process.execPath, [BIN, 'node', node, '--via', 'pod', '--yes', '--helper-namespace', ns.name], {
    env: { ...process.env, KUBECONFIG: kubeconfig(), NO_COLOR: '1' },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  const job = await helperJob(ns.name);
  child.kill('SIGKILL');
  await exited;
  const gone = `its creator \\(pid ${child.pid} on this host\\) is gone`;

  const dry = await podlens(['cleanup', '-n', ns.name, '--dry-run']);
  expect(dry.code).toBe(0);
  expect(dry.stdout).toMatch(
    new RegExp(
      `^NAMESPACE +NAME +NODE +PHASE +AGE +RESULT +WHY\\n${ns.name} +job/${job} +${node} +\\w+ +\\S+ +would delete +${gone}\\n$`,
    ),
  );
  expect(await helpersIn(ns.name)).toContain(`job.batch/${job}`);

  const r = await podlens(['cleanup', '-n', ns.name]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(new RegExp(`\\n${ns.name} +job/${job} +${node} +\\w+ +\\S+ +deleted +${gone}\\n$`));
  expect(await helpersIn(ns.name)).toEqual([]);

  const again = await podlens(['cleanup', '-n', ns.name]);
  expect(again).toEqual({
    code: 0,
    stdout: '',
    stderr: `No podlens helpers found in namespace ${ns.name} (app.kubernetes.io/managed-by=podlens,app.kubernetes.io/name=podlens-node-helper).\n`,
  });
});
