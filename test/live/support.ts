// Shared helpers for live tests (describe, watch, pause ...). They run against the cluster named by
// $KUBECONFIG (scripts/test.mjs sets it), through kubectl and the built CLI as child processes.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'podlens');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

export function kubeconfig(): string {
  const k = process.env.KUBECONFIG;
  if (!k) throw new Error('live tests need $KUBECONFIG (npm test sets it; or export it yourself)');
  return k;
}

/** Runs a program, collecting its output; never rejects on a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    // A program that exits without reading its stdin closes the pipe first (EPIPE): its exit code
    // and output are the result, not the write.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? undefined : reject(e)));
    child.stdin.end(opts.input ?? '');
  });
}

/** The built CLI, as a user runs it: `node bin/podlens ARGS` with $KUBECONFIG set. */
export function podlens(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [BIN, ...args], {
    ...opts,
    env: { KUBECONFIG: kubeconfig(), NO_COLOR: '1', ...opts.env },
  });
}

/** kubectl against the same cluster. */
export function kubectl(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return run('kubectl', args, { ...opts, env: { KUBECONFIG: kubeconfig(), ...opts.env } });
}

/** kubectl that must succeed; returns stdout. */
export async function kubectlOk(args: string[], opts: RunOptions = {}): Promise<string> {
  const r = await kubectl(args, opts);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`.toLowerCase().slice(0, 63);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls until check() returns a value (not undefined) or the time is up. Failing with the last
 * observation makes a timed-out live test say what it saw.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  everyMs = 1000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs}ms waiting for ${what}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`,
      );
    await sleep(everyMs);
  }
}

/** Creates a namespace and waits for its default ServiceAccount (pods cannot be created before it). */
export async function createNamespace(prefix = 'podlens-test'): Promise<string> {
  const ns = uniqueName(prefix);
  await kubectlOk(['create', 'namespace', ns]);
  await waitFor(`serviceaccount default in ${ns}`, async () => {
    const r = await kubectl(['-n', ns, 'get', 'serviceaccount', 'default', '-o', 'name']);
    return r.code === 0 ? true : undefined;
  });
  return ns;
}

/** Deletes a namespace without waiting for its pods to go (keeps test runs short). */
export async function deleteNamespace(ns: string): Promise<void> {
  await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
}

/**
 * An API server that takes connections and never answers (a cluster that hangs), with a kubeconfig
 * for it written into `dir`: registers beforeAll/afterAll. Use: `const silent = useSilentServer(dir)`,
 * then `silent.kubeconfig` in the tests.
 */
export function useSilentServer(dir: string): { kubeconfig: string } {
  const holder = { kubeconfig: join(dir, 'silent.kubeconfig') };
  let server: Server | undefined;
  beforeAll(async () => {
    const s = createServer(() => {});
    server = s;
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as AddressInfo).port;
    writeFileSync(
      holder.kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: not-a-secret}}]
contexts: [{name: s, context: {cluster: s, user: u}}]
current-context: s
`,
    );
  });
  afterAll(() => server?.close());
  return holder;
}

/**
 * Registers beforeAll/afterAll that create a unique namespace for the test file and delete it.
 * Use: `const ns = useNamespace('describe'); ... ns.name`.
 */
export function useNamespace(prefix: string): { name: string } {
  const holder = { name: '' };
  beforeAll(async () => {
    holder.name = await createNamespace(`podlens-${prefix}`);
  }, 60_000);
  afterAll(async () => {
    if (holder.name) await deleteNamespace(holder.name);
  }, 60_000);
  return holder;
}

export type Manifest = string | Record<string, unknown> | Record<string, unknown>[];

function toYamlOrJson(m: Manifest): string {
  if (typeof m === 'string') return m;
  const items = Array.isArray(m) ? m : [m];
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
}

/** kubectl apply -f - in the namespace. */
export async function apply(manifest: Manifest, namespace?: string): Promise<void> {
  const args = ['apply', '-f', '-'];
  if (namespace) args.unshift('-n', namespace);
  await kubectlOk(args, { input: toYamlOrJson(manifest) });
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export type RawPod = any;

export async function getPod(namespace: string, name: string): Promise<RawPod> {
  const r = await kubectl(['-n', namespace, 'get', 'pod', name, '-o', 'json']);
  return r.code === 0 ? JSON.parse(r.stdout) : undefined;
}

/** Waits until the pod exists and the predicate holds; returns the pod as the API returned it. */
export async function waitForPod(
  namespace: string,
  name: string,
  predicate: (pod: RawPod) => boolean,
  what = 'condition',
  timeoutMs = 90_000,
): Promise<RawPod> {
  return waitFor(
    `pod ${namespace}/${name}: ${what}`,
    async () => {
      const pod = await getPod(namespace, name);
      return pod && predicate(pod) ? pod : undefined;
    },
    timeoutMs,
  );
}

// Predicates for waitForPod.
const allStatuses = (p: RawPod): any[] => [
  ...(p.status?.initContainerStatuses ?? []),
  ...(p.status?.containerStatuses ?? []),
];
export const is = {
  phase: (phase: string) => (p: RawPod) => p.status?.phase === phase,
  condition:
    (type: string, status = 'True', reason?: string) =>
    (p: RawPod) =>
      (p.status?.conditions ?? []).some(
        (c: any) => c.type === type && c.status === status && (!reason || c.reason === reason),
      ),
  waiting: (container: string, reason: string) => (p: RawPod) =>
    allStatuses(p).some((s) => s.name === container && s.state?.waiting?.reason === reason),
  terminated: (container: string, reason?: string) => (p: RawPod) =>
    allStatuses(p).some(
      (s) => s.name === container && s.state?.terminated && (!reason || s.state.terminated.reason === reason),
    ),
  lastTerminated: (container: string, reason?: string) => (p: RawPod) =>
    allStatuses(p).some(
      (s) => s.name === container && s.lastState?.terminated && (!reason || s.lastState.terminated.reason === reason),
    ),
  restartedAtLeast: (container: string, n: number) => (p: RawPod) =>
    allStatuses(p).some((s) => s.name === container && (s.restartCount ?? 0) >= n),
  running: (container: string) => (p: RawPod) => allStatuses(p).some((s) => s.name === container && s.state?.running),
  all:
    (...ps: ((p: RawPod) => boolean)[]) =>
    (p: RawPod) =>
      ps.every((f) => f(p)),
};

/** A pod manifest with the usual test defaults (fast pulls, short grace). */
export function pod(name: string, spec: Record<string, any>, metadata: Record<string, any> = {}): Record<string, any> {
  const withPolicy = (cs?: any[]) => cs?.map((c) => ({ imagePullPolicy: 'IfNotPresent', ...c }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...metadata },
    spec: {
      terminationGracePeriodSeconds: 1,
      ...spec,
      containers: withPolicy(spec.containers),
      ...(spec.initContainers ? { initContainers: withPolicy(spec.initContainers) } : {}),
    },
  };
}

const tokenKubeconfigs: string[] = [];
afterAll(() => {
  for (const f of tokenKubeconfigs.splice(0)) rmSync(f, { force: true });
});

/**
 * A kubeconfig for the live cluster (the server and CA of $KUBECONFIG's current context) that
 * authenticates with `token` and defaults to `namespace`: how a user given a ServiceAccount token
 * (`kubectl create token`) connects. Removed after the test file.
 */
export async function tokenKubeconfig(token: string, namespace: string, name: string): Promise<string> {
  const field = async (path: string) =>
    (await kubectlOk(['config', 'view', '--minify', '--raw', '-o', `jsonpath={.clusters[0].cluster.${path}}`])).trim();
  const server = await field('server');
  const ca = await field('certificate-authority-data');
  const file = join(tmpdir(), `podlens-${name}-${process.pid}.kubeconfig`);
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'c',
        cluster: ca ? { server, 'certificate-authority-data': ca } : { server, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 't', context: { cluster: 'c', user: 'u', namespace } }],
    'current-context': 't',
  };
  writeFileSync(file, JSON.stringify(config));
  tokenKubeconfigs.push(file);
  return file;
}

/**
 * `podlens describe NAME -n NS` as text and as -o json, both expected to succeed quietly. The text
 * comes off a pipe (120 columns) with its wrapped lines joined, so that a sentence can be matched whole.
 */
export async function describeBoth(namespace: string, name: string): Promise<{ text: string; json: any }> {
  const [t, j] = await Promise.all([
    podlens(['describe', name, '-n', namespace]),
    podlens(['describe', name, '-n', namespace, '-o', 'json']),
  ]);
  expect([t.code, t.stderr, j.code, j.stderr]).toEqual([0, '', 0, '']);
  return { text: t.stdout.replace(/\n {4,}/g, ' '), json: JSON.parse(j.stdout) };
}

/**
 * A ServiceAccount `name` in `namespace` whose Role grants get, list and watch on `resources` and
 * nothing else (the pods-only user of ../shared/notes/cross-cutting.md: resources ['pods']), a
 * one-hour token for it, and a kubeconfig that uses the token (tokenKubeconfig). With
 * `clusterRole` (say 'view' or 'edit', a developer's usual rights), a RoleBinding in the namespace
 * to that ClusterRole instead of the Role.
 */
export async function podsOnlyUser(
  namespace: string,
  {
    name = 'pods-only',
    resources = ['pods'],
    clusterRole,
  }: { name?: string; resources?: string[]; clusterRole?: string } = {},
): Promise<{ token: string; kubeconfig: string; user: string }> {
  const role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name },
    rules: [{ apiGroups: [''], resources, verbs: ['get', 'list', 'watch'] }],
  };
  await apply(
    [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
      ...(clusterRole ? [] : [role]),
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: clusterRole ? 'ClusterRole' : 'Role',
          name: clusterRole ?? name,
        },
        subjects: [{ kind: 'ServiceAccount', name, namespace }],
      },
    ],
    namespace,
  );
  const token = (await kubectlOk(['-n', namespace, 'create', 'token', name, '--duration', '1h'])).trim();
  return {
    token,
    kubeconfig: await tokenKubeconfig(token, namespace, `${namespace}-${name}`),
    user: `system:serviceaccount:${namespace}:${name}`,
  };
}
