// What the fixture-capturing scripts (capture-fixtures.mjs, capture-watch-fixtures.mjs) share:
// kubectl as a child process, a scratch namespace made afresh, and the pods they create.
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
