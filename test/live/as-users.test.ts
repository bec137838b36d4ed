// podlens as users run it (issue 9's user tier): every command a subprocess whose stdout is a real
// pipe read by a consumer (jq, a slow reader, `head -1` that closes early), as a ServiceAccount
// whose Role grants get/list/watch on pods and pods/log and nothing else, on PODLENS_SCALE_PODS
// pods (default 1,000, the CI variant; the run is 5,000) on KWOK fake nodes, one of them
// carrying control characters in its command, env and annotations. Merged and exec-plugin
// kubeconfigs are in kubeconfig.test.ts, hostile logs, termination and event messages in
// hostile.test.ts, pods-only notes of each view in least-privilege.test.ts.
// On the project's own cluster it starts two fake nodes when there are fewer (cluster/kwok.sh up 2,
// which never removes nodes then); on another cluster it fails, saying how to start them.
import { join } from 'node:path';
import { createPodsWith, fakePod } from '../../bench/fake-pods.mjs';
import { BIN, ROOT, kubeconfig, kubectl, kubectlOk, podsOnlyUser, run, useNamespace, waitFor } from './support.js';
import { validateLine } from './watch-support.js';

const ns = useNamespace('users');
const N = Number(process.env.PODLENS_SCALE_PODS) || 1000;
const LOCAL_KUBECONFIG = '/var/lib/podlens-cluster/admin.kubeconfig';
let asUser = '';
let names: string[] = [];

// C0 and C1 control characters other than newline and tab: none may reach a terminal raw.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;
const EVIL = '\u001b]0;pwned\u0007\u001b[2J\r\u0008\u007f\u0085\u009b31m $(id)';
const HOSTILE = 'hostile';

async function fakeNodes(): Promise<number> {
  const nodes = await kubectl(['get', 'nodes', '-l', 'type=kwok', '-o', 'name']);
  return nodes.stdout.trim() ? nodes.stdout.trim().split('\n').length : 0;
}

beforeAll(async () => {
  if ((await fakeNodes()) < 2 && kubeconfig() === LOCAL_KUBECONFIG) {
    const up = await run('bash', [join(ROOT, 'cluster', 'kwok.sh'), 'up', '2'], { timeoutMs: 600_000 });
    if (up.code !== 0) throw new Error(`cluster/kwok.sh up 2 failed: ${up.stderr}`);
  }
  if (!(await fakeNodes())) throw new Error('no KWOK fake nodes: start them with bash cluster/kwok.sh up 2');
  asUser = (await podsOnlyUser(ns.name, { name: 'pods-reader', resources: ['pods', 'pods/log'] })).kubeconfig;
  // cluster/kwok.sh's own nodes (other tests make fake nodes of their own, and remove them)
  const nodes = (await kubectlOk(['get', 'nodes', '-l', 'type=kwok', '-o', 'name']))
    .split('\n')
    .map((n) => n.replace('node/', ''))
    .filter((n) => /^kwok-node-\d+$/.test(n));
  const node = (i: number) => nodes[i % nodes.length];
  const hostile = fakePod(HOSTILE, node(0), { app: 'podlens-users' });
  hostile.metadata.annotations = { note: EVIL };
  hostile.spec.containers[0].command = ['sh', '-c', `echo ${EVIL}`];
  hostile.spec.containers[0].env = [{ name: 'GREETING', value: EVIL }];
  // The hostile pod first, running before the others are created (kwok takes pods in turn).
  await createPodsWith(kubeconfig(), ns.name, [hostile]);
  await waitFor(
    `pod ${HOSTILE} running on a fake node`,
    async () => {
      const phase = await kubectl(['-n', ns.name, 'get', 'pod', HOSTILE, '-o', 'jsonpath={.status.phase}']);
      return phase.stdout === 'Running' ? true : undefined;
    },
    60_000,
  );
  // A condition's message is free text the report shows (a readiness gate's controller writes it).
  const condition = { type: 'example.com/Hostile', status: 'False', reason: 'Hostile', message: EVIL };
  await kubectlOk([
    ...['-n', ns.name, 'patch', 'pod', HOSTILE, '--subresource=status', '--type=json'],
    // kubectl reads -p as YAML, which takes DEL and C1 only as \u escapes
    ...[
      '-p',
      JSON.stringify([{ op: 'add', path: '/status/conditions/-', value: condition }]).replace(
        /[\u007f-\u009f]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      ),
    ],
  ]);
  const pods = Array.from({ length: N - 1 }, (_, i) =>
    fakePod(`p-${String(i).padStart(5, '0')}`, node(i), { app: 'podlens-users' }),
  );
  const rate = await createPodsWith(kubeconfig(), ns.name, pods);
  // A measurement, reported, never asserted (docs/benchmarks.md has the bench's).
  process.stderr.write(`as-users: created ${pods.length} pods at ${rate.toFixed(0)} pods/s\n`);
  pods.push(hostile);
  names = pods.map((p) => p.metadata.name as string).sort();
}, 300_000);

afterAll(async () => {
  await kubectl(['-n', ns.name, 'delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=false']);
}, 120_000);

/** A bash pipeline (pipefail) with $PODLENS and $NS; as the pods-only user unless `admin`. */
const sh = (script: string, admin = false) =>
  run('bash', ['-o', 'pipefail', '-c', script], {
    env: {
      PODLENS: `${process.execPath} ${BIN}`,
      NS: ns.name,
      KUBECONFIG: admin ? kubeconfig() : asUser,
      NO_COLOR: '1',
    },
    timeoutMs: 120_000,
  });

/** What a pods-only user is told is missing: one line each, never a stack trace nor a raw control byte. */
function expectNotesOnly(stderr: string): void {
  expect(stderr).not.toMatch(CONTROL);
  for (const line of stderr.trimEnd().split('\n').filter(Boolean))
    expect(line).toMatch(/^podlens: no right to .*; `[^`]+` adds it$/);
}

test('describe -n NS -o json | jq: every pod the API lists, as the pods-only user', async () => {
  const api = (await kubectlOk(['-n', ns.name, 'get', 'pods', '-o', 'name'])).trim().split('\n');
  expect(api).toHaveLength(N);
  const r = await sh(`$PODLENS describe -n "$NS" -o json | jq -r '.items[].name'`);
  expect(r.code).toBe(0);
  expect(r.stdout.trim().split('\n').sort()).toEqual(names);
  expect(r.stderr).toContain(`podlens: no right to list events in ${ns.name}`);
  expectNotesOnly(r.stderr);
});

test('describe -A -o json through a slow reader is complete (cluster-wide, as an admin)', async () => {
  // The reader starts 3 s late and then reads a few KB at a time, so podlens finishes writing long
  // before the pipe has taken its output.
  const r = await sh(
    `$PODLENS describe -A -o json | (sleep 3; perl -e 'while (read(STDIN, $b, 8192)) { select(undef, undef, undef, 0.002); print $b }') ` +
      `| jq --arg ns "$NS" '[.items[] | select(.namespace == $ns)] | length'`,
    true,
  );
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(Number(r.stdout.trim())).toBe(N);
});

test('describe -A as the pods-only user: one sentence naming the scope, exit 1', async () => {
  const r = await sh(`$PODLENS describe -A -o json | cat`);
  expect(r).toEqual({
    code: 1,
    stdout: '',
    stderr: `error: not allowed to list pods in all namespaces as system:serviceaccount:${ns.name}:pods-reader (RBAC forbidden); ask for a ClusterRole granting "list" on "pods".\n`,
  });
});

test('| head -1 closes early: describe, watch and completion end quietly with exit 0 (pipefail)', async () => {
  expect(await sh(`$PODLENS describe -A -o json | head -1`, true)).toEqual({ code: 0, stdout: '{\n', stderr: '' });
  const text = await sh(`$PODLENS describe -n "$NS" | head -1`);
  expect(text.code).toBe(0);
  expect(text.stdout.split('\n')).toHaveLength(2);
  expectNotesOnly(text.stderr);
  // watch writes one line per pod at the start: the pipe closes under it.
  for (const o of ['ndjson', 'text']) {
    const w = await sh(`$PODLENS watch -n "$NS" -o ${o} | head -1`);
    expect(w.code).toBe(0);
    expect(w.stdout.split('\n')).toHaveLength(2);
    expectNotesOnly(w.stderr);
  }
  const c = await sh(`$PODLENS __complete describe -n "$NS" p-0099 | head -20`);
  expect(c).toMatchObject({ code: 0, stderr: '' });
  expect(c.stdout.split('\n').filter((l) => l.startsWith('p-'))).toEqual(names.filter((n) => n.startsWith('p-0099')));
});

test('> /dev/full is one sentence and exit 1 (after the rights notes)', async () => {
  const r = await sh(`$PODLENS describe -n "$NS" -o json > /dev/full`);
  expect([r.code, r.stdout]).toEqual([1, '']);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines.pop()).toBe('error: cannot write to standard output: no space left on the device (ENOSPC).');
  expectNotesOnly(lines.join('\n'));
});

test('hostile pod data: no control byte reaches stdout or stderr in text; -o json keeps the data', async () => {
  for (const script of [
    `$PODLENS describe ${HOSTILE} | cat`,
    `$PODLENS describe -n "$NS" -l app=podlens-users | cat`,
  ]) {
    const r = await sh(script);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(HOSTILE);
    expect(r.stdout).not.toMatch(CONTROL);
    if (!script.includes('-l'))
      expect(r.stdout).toContain('\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x08\\x7f\\x85\\x9b31m $(id)');
    expectNotesOnly(r.stderr);
  }
  const j = await sh(`$PODLENS describe ${HOSTILE} -o json | cat`);
  expect(j.code).toBe(0);
  expect(j.stdout).not.toMatch(CONTROL); // JSON escapes them ...
  const report = JSON.parse(j.stdout);
  expect(report.conditions.map((c: { message: string | null }) => c.message)).toContain(EVIL); // ... and keeps them
});

test('watch --until ready, as the pods-only user: ndjson lines valid against the schema, the note on stderr once', async () => {
  const r = await sh(`$PODLENS watch ${HOSTILE} --until ready -o ndjson | cat`);
  expect(r.code).toBe(0);
  const lines = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines) expect(validateLine(l) ? [] : [l, validateLine.errors]).toEqual([]);
  expect(r.stderr).toBe(
    `podlens: no right to list endpointslices.discovery.k8s.io in ${ns.name}: endpoint lines (joined, left, terminating in the endpoints of a Service) are not shown; \`list,watch endpointslices.discovery.k8s.io\` adds it\n` +
      `podlens: no right to list events in ${ns.name}: event lines (pulls, probe failures, back-offs) are not shown; \`list,watch events\` adds it\n`,
  );
  const t = await sh(`$PODLENS watch ${HOSTILE} --until ready | cat`);
  expect(t.code).toBe(0);
  expect(t.stdout).toContain(HOSTILE);
  expect(t.stdout + t.stderr).not.toMatch(CONTROL);
});

test('pause, node and cleanup as the pods-only user: one sentence each, never a stack trace', async () => {
  const node = (await kubectlOk(['-n', ns.name, 'get', 'pod', HOSTILE, '-o', 'jsonpath={.spec.nodeName}'])).trim();
  for (const script of [
    `$PODLENS pause ${HOSTILE} --via pod --yes | cat`,
    `$PODLENS node ${node} --via pod --yes | cat`,
    `$PODLENS cleanup | cat`,
  ]) {
    const r = await sh(script);
    expect([script, r.stdout + r.stderr]).not.toEqual([script, expect.stringMatching(/^\s+at /m)]);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
    if (r.code !== 0) {
      expect([script, r.code]).toEqual([script, expect.any(Number)]);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
  }
});
