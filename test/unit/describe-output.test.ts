// describe's many-pods table as kubectl get's habits shape it (-o wide, --no-headers, --no-trunc) and
// -o name, over summaries of captured pods.
import { renderDescribeData } from '../../src/render/data.js';
import { renderSummaries } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';
import type { PodReportList } from '../../src/domain/report.js';
import { reportOf, summaryOf } from './fixtures.js';

const plain = painter(false);
const pods = ['deployment', 'unschedulable-selector', 'crashloop'].map(summaryOf);
const longest = pods.reduce((a, b) => (b.verdict.cause.length > a.verdict.cause.length ? b : a));

test('the default table: a header line, and causes cut to the width', () => {
  const out = renderSummaries(pods, false, { paint: plain, width: 60 });
  const lines = out.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+NODE\s+VERDICT$/);
  expect(lines).toHaveLength(pods.length + 1);
  expect(out).toContain('…');
  expect(out).not.toContain(longest.verdict.cause);
});

test('-o wide adds IP, OWNER and the verdict CODE, each from the summary', () => {
  const out = renderSummaries(pods, false, { paint: plain, width: 400, wide: true });
  const [head, ...rows] = out.trimEnd().split('\n');
  const cols = head.split(/\s{2,}/);
  expect(cols).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'OWNER', 'CODE', 'VERDICT']);
  pods.forEach((p, i) => {
    const cells = rows[i].split(/\s{2,}/);
    expect(cells[0]).toBe(p.name);
    expect(cells[5]).toBe(p.podIP ?? '<none>');
    expect(cells[7]).toBe(p.owner ? `${p.owner.kind}/${p.owner.name}` : '<none>');
    expect(cells[8]).toBe(p.verdict.code);
  });
  // the narrow table has none of them
  expect(renderSummaries(pods, false, { paint: plain, width: 400 })).not.toMatch(/\bOWNER\b|\bCODE\b|\bIP\b/);
});

test('--no-headers: the rows only, and the header does not widen the columns', () => {
  const out = renderSummaries(pods, false, { paint: plain, width: 400, headers: false });
  const lines = out.trimEnd().split('\n');
  expect(lines).toHaveLength(pods.length);
  expect(out).not.toMatch(/NAME|READY|VERDICT/);
  expect(lines[0].startsWith(pods[0].name)).toBe(true);
  // RESTARTS holds one digit here: without its header the column is as wide as its cells
  expect(lines[0]).toMatch(new RegExp(`  ${pods[0].restarts}  \\S`));
});

test('--no-trunc: every cause whole, however narrow the width', () => {
  const out = renderSummaries(pods, false, { paint: plain, width: 40, trunc: false });
  for (const p of pods) expect(out).toContain(p.verdict.cause);
  expect(out).not.toContain('…');
});

test('-o name: pod/NAME per pod, as kubectl prints it; one report gives its line; cluster text made visible', async () => {
  const list = { apiVersion: 'podlens.dev/v2', kind: 'PodSummaryList', generatedAt: '', items: pods } as const;
  expect(await renderDescribeData(list, 'name')).toBe(pods.map((p) => `pod/${p.name}\n`).join(''));
  const report = reportOf('crashloop');
  expect(await renderDescribeData(report, 'name')).toBe(`pod/${report.pod.name}\n`);
  const reports = {
    apiVersion: 'podlens.dev/v2',
    kind: 'PodReportList',
    generatedAt: '',
    items: [report],
  } satisfies PodReportList;
  expect(await renderDescribeData(reports, 'name')).toBe(`pod/${report.pod.name}\n`);
  const evil = { ...list, items: [{ ...pods[0], name: 'a\u001b[31mb' }] };
  expect(await renderDescribeData(evil, 'name')).toBe('pod/a\\x1b[31mb\n');
  expect(await renderDescribeData({ ...list, items: [] }, 'name')).toBe('');
});

test('-o jsonpath runs over the document -o json prints', async () => {
  const list = { apiVersion: 'podlens.dev/v2', kind: 'PodSummaryList', generatedAt: '', items: pods } as const;
  const { compileTemplate } = await import('../../src/render/jsonpath.js');
  const t = compileTemplate('{range .items[*]}{.name} {.verdict.severity}{"\\n"}{end}');
  expect(await renderDescribeData(list, 'json', t)).toBe(pods.map((p) => `${p.name} ${p.verdict.severity}\n`).join(''));
  // keys that are absent from the JSON (undefined in the object) are absent for the template too
  expect(await renderDescribeData(list, 'json', compileTemplate('{.groups}'))).toBe('');
});
