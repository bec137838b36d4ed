// Stable output shapes (schema v2): the shape follows the query, never the number of matches. One
// pod named gives its report; a selector, deploy/NAME, a whole namespace, -A or several names give the
// list even when one pod matches; --full gives each pod's full report instead.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { apply, is, kubectlOk, pod, podlens, useNamespace, waitForPod } from './support.js';

const ns = useNamespace('habits-flags-shapes');
const schema = JSON.parse(readFileSync(new URL('../../schema/describe.v2.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

const sleeper = (name: string, labels: Record<string, string>) =>
  pod(name, { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] }, { labels });

let solo = ''; // the one pod of deploy/solo

/* eslint-disable @typescript-eslint/no-explicit-any */

beforeAll(async () => {
  await apply(
    [
      sleeper('alpha', { app: 'pair' }),
      sleeper('beta', { app: 'pair' }),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'solo' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'solo' } },
          template: (({ metadata, spec }) => ({ metadata: { labels: metadata.labels }, spec }))(
            sleeper('x', { app: 'solo' }),
          ),
        },
      },
    ],
    ns.name,
  );
  await kubectlOk(['-n', ns.name, 'rollout', 'status', 'deploy/solo', '--timeout=90s']);
  await Promise.all(['alpha', 'beta'].map((n) => waitForPod(ns.name, n, is.running('app'))));
  solo = (
    await kubectlOk(['-n', ns.name, 'get', 'pods', '-l', 'app=solo', '-o', 'jsonpath={.items[0].metadata.name}'])
  ).trim();
}, 120_000);

async function json(args: string[]): Promise<any> {
  const r = await podlens(['describe', '-n', ns.name, ...args, '-o', 'json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const data = JSON.parse(r.stdout);
  expect(validate(data) ? [] : validate.errors).toEqual([]);
  expect(data.apiVersion).toBe('podlens.dev/v2');
  return data;
}

test('one pod named gives its report, in JSON and text, with or without --full', async () => {
  for (const extra of [[], ['--full']]) {
    const j = await json(['alpha', ...extra]);
    expect(j.kind).toBe('PodReport');
    expect(j.pod.name).toBe('alpha');
  }
  const t = await podlens(['describe', '-n', ns.name, 'alpha']);
  expect(t.code).toBe(0);
  expect(t.stdout).toMatch(/^Verdict:\s+OK Running/m);
  expect(t.stdout).not.toMatch(/^NAME\s+READY/m);
});

test.each([
  ['deploy/solo', ['deploy/solo']],
  ['-l app=solo', ['-l', 'app=solo']],
  ['--field-selector metadata.name=SOLO', ['--field-selector', 'metadata.name=SOLO']],
])('%s matches one pod and still gives a list of one', async (_label, args) => {
  const a = args.map((s) => s.replace('SOLO', solo));
  const j = await json(a);
  expect(j.kind).toBe('PodSummaryList');
  expect(j.items.map((i: { name: string }) => i.name)).toEqual([solo]);
  const t = await podlens(['describe', '-n', ns.name, ...a]);
  expect(t.code).toBe(0);
  const lines = t.stdout.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+NODE\s+VERDICT$/);
  expect(lines).toHaveLength(2);
  expect(lines[1].startsWith(`${solo} `)).toBe(true);
  expect(t.stdout).not.toContain('Verdict:');
});

test('several names give the list; a selector matching nothing gives an empty list', async () => {
  const j = await json(['alpha', 'beta']);
  expect(j.kind).toBe('PodSummaryList');
  expect(j.items.map((i: { name: string }) => i.name)).toEqual(['alpha', 'beta']);
  const none = await podlens(['describe', '-n', ns.name, '-l', 'app=none', '-o', 'json']);
  expect(none.code).toBe(0);
  expect(JSON.parse(none.stdout)).toMatchObject({ kind: 'PodSummaryList', items: [] });
  expect(none.stderr).toBe(`No pods found in namespace ${ns.name} matching app=none.\n`);
});

test('-A gives the list', async () => {
  const r = await podlens(['describe', '-A', '-l', 'app=solo', '-o', 'json']);
  expect(r.code).toBe(0);
  const j = JSON.parse(r.stdout);
  expect(j.kind).toBe('PodSummaryList');
  expect(j.items.some((i: { namespace: string }) => i.namespace === ns.name)).toBe(true);
});

test('--full: each pod of a list query gets its full report (JSON: a PodReportList; text: one after another)', async () => {
  const one = await json(['deploy/solo', '--full']);
  expect(one.kind).toBe('PodReportList');
  expect(one.items.map((r: any) => [r.kind, r.pod.name, r.pod.ownerChain.at(-1)])).toEqual([
    ['PodReport', solo, { kind: 'Deployment', name: 'solo' }],
  ]);
  const all = await json(['--full']);
  expect(all.items.map((r: any) => r.pod.name)).toEqual(['alpha', 'beta', solo]);
  const t = await podlens(['describe', '-n', ns.name, '-l', 'app=pair', '--full']);
  expect(t.code).toBe(0);
  expect(t.stdout.match(/^Verdict:/gm)).toHaveLength(2);
  expect(t.stdout.indexOf('alpha')).toBeLessThan(t.stdout.indexOf('beta'));
  expect(t.stdout).not.toMatch(/^NAME\s+READY/m);
});

test('watch -o json: one indented JSON object per transition (as kubectl get -w -o json), the ndjson objects', async () => {
  const args = ['watch', '-n', ns.name, '-l', 'app=pair', '--until', 'running', '--timeout', '60s'];
  const [pretty, nd] = await Promise.all([podlens([...args, '-o', 'json']), podlens([...args, '-o', 'ndjson'])]);
  expect([pretty.code, nd.code, pretty.stderr]).toEqual([0, 0, '']);
  // Objects one after another, each opened by "{" and closed by "}" alone on a line, indented by 4.
  const chunks = pretty.stdout.split(/(?<=^\})\n/m).filter(Boolean);
  expect(chunks.length).toBe(2);
  for (const c of chunks) expect(c).toMatch(/^\{\n {4}"apiVersion": "podlens.dev\/v2",\n[^]*\n\}$/);
  const objects = chunks.map((c) => JSON.parse(c));
  const lines = nd.stdout.trimEnd().split('\n');
  expect(lines.map((l) => JSON.parse(l).pod)).toEqual(objects.map((o) => o.pod));
  // The initial line is stamped when podlens observed the pod: the two runs differ only there.
  const stable = ({ observedAt: _o, time: _t, ...rest }: Record<string, unknown>) => rest;
  expect(objects.map(stable)).toEqual(lines.map((l) => stable(JSON.parse(l))));
  expect(objects.map((o) => [o.kind, o.change, o.pod]).sort()).toEqual([
    ['PodTransition', 'initial', 'alpha'],
    ['PodTransition', 'initial', 'beta'],
  ]);
});
