// What the fixture-capturing scripts (capture-fixtures.mjs, capture-watch-fixtures.mjs, the scenario
// files) share: kubectl as a child process, a scratch namespace made afresh, the pods they create and
// the looks into a pod's status that say when a state is reached.
import { spawn } from 'node:child_process';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** kubectl ARGS with INPUT on stdin; resolves with its exit code and output, never rejects. */
export function kubectl(args, input) {
  return new Promise((resolve) => {
    const p = spawn('kubectl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
    p.stdin.end(input ?? '');
  });
}

/** kubectl that must succeed; returns stdout. */
export async function ok(args, input) {
  const r = await kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.err.trim()}`);
  return r.out;
}

/** Deletes the namespace (waiting for it to go), creates it again, and waits for its default ServiceAccount. */
export async function recreateNamespace(ns) {
  await ok(['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await ok(['create', 'namespace', ns]);
  for (let i = 0; i < 30 && (await kubectl(['-n', ns, 'get', 'sa', 'default'])).code !== 0; i++) await sleep(1000);
}

export const busy = (name, command, extra = {}) => ({
  name,
  image: 'busybox',
  imagePullPolicy: 'IfNotPresent',
  command: ['sh', '-c', command],
  ...extra,
});
export const pod = (name, spec, metadata = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, ...metadata },
  spec: { terminationGracePeriodSeconds: 1, ...spec },
});
export const nginx = (extra = {}) => ({
  name: 'web',
  image: 'nginx',
  imagePullPolicy: 'IfNotPresent',
  ports: [{ containerPort: 80, name: 'http' }],
  ...extra,
});

/** The statuses of a pod's init and app containers; one by name; a condition by type. */
export const statuses = (p) => [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
export const st = (p, c) => statuses(p).find((s) => s.name === c);
export const cond = (p, type) => (p.status?.conditions ?? []).find((c) => c.type === type);
