// The truth test, live (issue 10): each situation of scripts/truth-scenarios.mjs is created for real
// in one namespace, then `podlens describe` runs as a subprocess, as a user runs it. Its report must
// say what test/fixtures/truth.ts lists for the situation, and no sentence that the pod's status
// (read just before and just after) contradicts, nor one of the situation's must-not sentences.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TRUTH_SCENARIOS } from '../../scripts/truth-scenarios.mjs';
import {
  SITUATIONS,
  UNIVERSAL,
  missing,
  statusRules,
  timelineOrderError,
  violations,
  type Rule,
} from '../fixtures/truth.js';
import { apply, getPod, kubectlOk, podlens, sleep, useNamespace, waitFor, type RawPod } from './support.js';

const ns = useNamespace('truth');
const NAMES = Object.keys(TRUTH_SCENARIOS);
const k = (args: string[], input?: string) => kubectlOk(args, { input });
const nameOf = (id: string): string => TRUTH_SCENARIOS[id].objects[0].metadata.name;

async function eventsOf(pod: RawPod): Promise<RawPod[]> {
  const sel = `involvedObject.name=${pod.metadata.name},involvedObject.uid=${pod.metadata.uid}`;
  return JSON.parse(await k(['-n', ns.name, 'get', 'events', '--field-selector', sel, '-o', 'json'])).items;
}

async function until(id: string, name: string, check: (p: RawPod, events: RawPod[]) => boolean, ms = 150_000) {
  return waitFor(
    `${id}: ${name}`,
    async () => {
      const p = await getPod(ns.name, name);
      return p && check(p, await eventsOf(p)) ? p : undefined;
    },
    ms,
    2000,
  );
}

async function create(id: string): Promise<void> {
  const s = TRUTH_SCENARIOS[id];
  if (s.prelude) {
    await apply(s.prelude, ns.name);
    for (const p of s.prelude) await until(id, p.metadata.name, (x) => s.preludeReady!(x));
  }
  await apply(s.objects, ns.name);
  await until(id, nameOf(id), s.ready);
  if (s.before) {
    await s.before(k, ns.name, nameOf(id));
    await until(id, nameOf(id), (p) => s.readyAfter!(p));
  }
}

beforeAll(async () => {
  await Promise.all(NAMES.map(create));
}, 240_000);

afterAll(async () => {
  for (const id of NAMES) await TRUTH_SCENARIOS[id].after?.(k, ns.name, nameOf(id)).catch(() => undefined);
}, 60_000);

/** The rules the pod's status makes true both before and after the report was made. */
async function snapshot(name: string) {
  const pod = await getPod(ns.name, name);
  const services = JSON.parse(await k(['-n', ns.name, 'get', 'services', '-o', 'json'])).items;
  return statusRules(pod, await eventsOf(pod), services);
}
const both = (a: Rule[], b: Rule[]) => a.filter((r) => b.some((x) => String(x.re) === String(r.re)));

/** The Timeline section's WHAT column, in order. */
function timelineEvents(text: string): string[] {
  const lines = text.split('\n');
  const head = lines.findIndex((l) => /^\s+AT\s+TIME\s+WHAT\s+DETAIL/.test(l));
  if (head < 0) return [];
  const from = lines[head].indexOf('WHAT');
  const to = lines[head].indexOf('DETAIL');
  const out: string[] = [];
  for (const l of lines.slice(head + 1)) {
    if (!/^\s+[+-]\d/.test(l)) break;
    out.push(l.slice(from, to).trim());
  }
  return out;
}

test.each(NAMES)('%s: podlens describe says what is true and nothing its status contradicts', async (id) => {
  const name = nameOf(id);
  const s = SITUATIONS[id];
  // A crash-looping container moves between waiting, running and terminated: ask again (at most 8
  // times) until the report shows the situation's state, checking every report for false sentences.
  let lacking: string[] = [];
  for (let i = 0; i < 8; i++) {
    const before = await snapshot(name);
    const r = await podlens(['describe', name, '-n', ns.name]);
    const after = await snapshot(name);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rules = [...UNIVERSAL, ...both(before, after), ...s.mustNot.map((re) => ({ why: 'listed', re }))];
    expect(violations(r.stdout, rules)).toEqual([]);
    expect(timelineOrderError(timelineEvents(r.stdout))).toBeUndefined();
    lacking = missing(r.stdout, s.must);
    if (!lacking.length) break;
    lacking.push(`in: ${r.stdout.split('\n').slice(0, 14).join('\n')}`);
    await sleep(3000);
  }
  expect(lacking).toEqual([]);
});

test('the many-pods view: the VERDICT column starts with the cause of each pod', async () => {
  const wanted = NAMES.filter((id) => SITUATIONS[id].line);
  let wrong: string[] = [];
  for (let i = 0; i < 8; i++) {
    const [t, j] = await Promise.all([
      podlens(['describe', '-n', ns.name]),
      podlens(['describe', '-n', ns.name, '-o', 'json']),
    ]);
    expect(t.code).toBe(0);
    const items = JSON.parse(j.stdout).items as { name: string; verdict: { severity: string; cause: string } }[];
    wrong = [];
    for (const id of wanted) {
      const it = items.find((x) => x.name === nameOf(id))!;
      const cell = `${it.verdict.severity.toUpperCase()} ${it.verdict.cause}`;
      if (!SITUATIONS[id].line!.test(cell)) wrong.push(`${id}: ${cell}`);
      const row = t.stdout.split('\n').find((l) => l.startsWith(`${it.name} `)) ?? '';
      const shown = row.slice(row.lastIndexOf(`  ${it.verdict.severity.toUpperCase()} `)).trim();
      // the text row shows the same cause, or its start when cut to the width
      if (!cell.startsWith(shown.replace(/…$/, ''))) wrong.push(`${id}: row "${shown}"`);
    }
    if (!wrong.length) break;
    await sleep(3000);
  }
  expect(wrong).toEqual([]);
});

test('without the right to list Services, describe says nothing about Services', async () => {
  // A service account that may read pods, events and logs, but not Services.
  const sa = 'truth-no-services';
  await apply(
    [
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: sa },
        rules: [{ apiGroups: [''], resources: ['pods', 'pods/log', 'events'], verbs: ['get', 'list', 'watch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: sa },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: sa },
        subjects: [{ kind: 'ServiceAccount', name: sa, namespace: ns.name }],
      },
    ],
    ns.name,
  );
  const token = (await k(['-n', ns.name, 'create', 'token', sa, '--duration=10m'])).trim();
  const dir = mkdtempSync(join(tmpdir(), 'podlens-truth-'));
  try {
    // The admin kubeconfig's cluster (server and CA), with the service account's token as the user.
    const cfg = JSON.parse(await k(['config', 'view', '--minify', '--flatten', '-o', 'json']));
    cfg.users = [{ name: sa, user: { token } }];
    cfg.contexts = [{ name: sa, context: { cluster: cfg.clusters[0].name, user: sa, namespace: ns.name } }];
    cfg['current-context'] = sa;
    const file = join(dir, 'kubeconfig');
    writeFileSync(file, JSON.stringify(cfg), { mode: 0o600 });
    const r = await podlens(['describe', 'served', '-n', ns.name], { env: { KUBECONFIG: file } });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Phase:\s+Running \(Ready\): Every container is running and ready\./);
    // Nothing about Services outside the "Not shown" notes, which name the kinds it may not list
    // (one of them is EndpointSlices).
    const said = r.stdout
      .split(/\n\s*\n/)
      .filter((section) => !section.startsWith('Not shown'))
      .join(' ');
    expect(r.stdout).toMatch(/^\s*! no right to list services in /m);
    expect(said.replace(/\s+/g, ' ')).not.toMatch(/Service "served"|no Service in|endpoints/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every situation has its expectations', () => {
  expect(NAMES.filter((id) => !SITUATIONS[id])).toEqual([]);
});
