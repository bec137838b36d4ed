// kubectl's global flags, before or after the subcommand, with kubectl's meaning: impersonation
// (--as, --as-group), --server/--token/--certificate-authority without a kubeconfig, --cluster/--user,
// -v 6; and podlens with no arguments, `podlens version`.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { apply, is, kubeconfig, pod, podlens, podsOnlyUser, useNamespace, waitForPod } from './support.js';

const ns = useNamespace('habits-flags-global');
const SA = () => `system:serviceaccount:${ns.name}:pods-only`;
const EVENTS = () =>
  `podlens: no right to list events in ${ns.name}: the events section is empty and verdicts are judged without events; \`get,list events\` adds it`;
let token = '';
const caFile = join(tmpdir(), `podlens-global-flags-ca-${process.pid}.crt`);
let server = '';

/* eslint-disable @typescript-eslint/no-explicit-any */
beforeAll(async () => {
  token = (await podsOnlyUser(ns.name)).token;
  await apply(pod('web', { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] }), ns.name);
  const admin = load(readFileSync(kubeconfig(), 'utf8')) as any;
  const c = admin.clusters[0].cluster;
  server = c.server;
  writeFileSync(
    caFile,
    c['certificate-authority-data']
      ? Buffer.from(c['certificate-authority-data'], 'base64')
      : readFileSync(c['certificate-authority']),
  );
  await waitForPod(ns.name, 'web', is.running('app'));
}, 120_000);

afterAll(() => rmSync(caFile, { force: true }));

test('no arguments: the usage on stdout, exit 0; version and --version', async () => {
  const r = await podlens([]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toMatch(/^Usage: podlens \[options\] \[command\]/);
  expect(r.stdout).toContain('--as <user>');
  const v = await podlens(['version']);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  expect(v.stdout).toBe(`podlens version ${pkg.version} (Node.js ${process.version})\n`);
  const j = await podlens(['version', '--client', '-o', 'json']);
  expect(JSON.parse(j.stdout)).toEqual({ podlensVersion: pkg.version, nodeVersion: process.version });
  expect((await podlens(['--version'])).stdout).toBe(`${pkg.version}\n`);
});

test.each([
  ['before', (as: string[]) => [...as, '-n', 'NS', 'describe', 'web']],
  ['after', (as: string[]) => ['describe', 'web', '-n', 'NS', ...as]],
])(
  '--as a pods-only ServiceAccount (flags %s the subcommand): its rights, one note per missing kind',
  async (_where, args) => {
    const r = await podlens(args(['--as', SA()]).map((a) => (a === 'NS' ? ns.name : a)));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Verdict:\s+OK Running/m);
    expect(r.stdout).toContain('Not shown');
    expect(r.stderr.split('\n')).toContain(EVENTS());
    // The same notes as the ServiceAccount's own token gives.
    const own = await podlens(
      ['--server', server, '--token', token, '--certificate-authority', caFile, '-n', ns.name, 'describe', 'web'],
      {
        env: { KUBECONFIG: '/nonexistent/podlens-no-kubeconfig' },
      },
    );
    expect(own.code).toBe(0);
    // The same notes in the same order (src/describe/rights.ts: fixed, whatever order the reads answer in).
    expect(own.stderr).toEqual(r.stderr);
    expect(own.stdout + own.stderr).not.toContain(token);
  },
);

test('--as-group is repeatable: every group reaches the API server', async () => {
  const denied = await podlens(['describe', '-n', ns.name, '--as', 'podlens-nobody', '--as-group', 'podlens-x']);
  expect(denied.code).toBe(1);
  expect(denied.stderr).toBe(
    `error: not allowed to list pods in namespace "${ns.name}" as podlens-nobody (RBAC forbidden); ask for a Role granting "list" on "pods".\n`,
  );
  const r = await podlens([
    'describe',
    '-n',
    ns.name,
    '--as',
    'podlens-nobody',
    '--as-group',
    'podlens-x',
    '--as-group',
    'system:masters',
    '--as-group',
    'podlens-y',
  ]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toMatch(/^web\s+1\/1\s+Running/m);
});

test('a user without the right to impersonate: one sentence, exit 1, no token', async () => {
  const r = await podlens(
    [
      '--server',
      server,
      '--token',
      token,
      '--certificate-authority',
      caFile,
      '--as',
      'admin',
      'describe',
      'web',
      '-n',
      ns.name,
    ],
    {
      env: { KUBECONFIG: '/nonexistent/podlens-no-kubeconfig' },
    },
  );
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toBe(
    `error: ${SA()} is not allowed to impersonate users "admin" (--as, --as-group, --as-uid); ask for a ClusterRole granting "impersonate" on "users", or drop --as.\n`,
  );
  expect(r.stderr).not.toContain(token);
});

test('--insecure-skip-tls-verify, a wrong token (401 without printing it), unknown --cluster/--user', async () => {
  const env = { KUBECONFIG: '/nonexistent/podlens-no-kubeconfig' };
  const ok = await podlens(
    ['-s', server, '--token', token, '--insecure-skip-tls-verify', '-n', ns.name, 'describe', 'web', '-o', 'json'],
    { env },
  );
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.stdout).pod.name).toBe('web');
  const bad = await podlens(
    ['-s', server, '--token', 'podlens-not-a-token-4711', '--certificate-authority', caFile, 'describe', 'web'],
    { env },
  );
  expect(bad.code).toBe(1);
  expect(bad.stderr).not.toContain('podlens-not-a-token-4711');
  expect(bad.stderr.trimEnd().split('\n')).toHaveLength(1);
  for (const flag of ['--cluster', '--user']) {
    const u = await podlens([flag, 'podlens-no-such', 'describe', 'web']);
    expect(u.code).not.toBe(0);
    expect(u.stderr).toMatch(new RegExp(`^error: ${flag} "podlens-no-such": no kubeconfig file defines it`));
  }
  const usage = await podlens(['describe', 'web', '--as-group', 'g']);
  expect([usage.code, usage.stderr.split('\n')[0]]).toEqual([
    2,
    'error: --as-group and --as-uid need --as USER (the user to act as).',
  ]);
});

test('-v 6 logs each API request on stderr (method, URL, status), never a credential', async () => {
  const r = await podlens(['-v', '6', '-n', ns.name, 'describe', 'web', '--token', 'podlens-secret-4711']);
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(
    new RegExp(`^podlens: GET https://\\S+/api/v1/namespaces/${ns.name}/pods/web 200 in \\d+ ms$`, 'm'),
  );
  expect(r.stderr).not.toContain('podlens-secret-4711');
  expect((await podlens(['-n', ns.name, 'describe', 'web'])).stderr).toBe('');
});
