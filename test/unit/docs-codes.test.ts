// Every finding and verdict code the docs promise (docs/reference.md, "Codes") is yielded by the
// domain for at least one fixture captured from a real cluster (test/fixtures, scripts/capture-*.mjs),
// and the docs name every code the fixtures yield: the list is neither a wish nor out of date.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../docs.js';
import { FIXTURES, SURROUNDINGS, reportOf } from './fixtures.js';

/** The codes in the "Codes" paragraph and its table, up to the exit codes. */
function documentedCodes(): string[] {
  const page = readFileSync(join(ROOT, 'docs', 'reference.md'), 'utf8');
  const start = page.indexOf('**Codes.**');
  const end = page.indexOf('**Exit codes.**', start);
  expect(start).toBeGreaterThan(0);
  return [...new Set([...page.slice(start, end).matchAll(/`([A-Z][A-Za-z]+)`/g)].map((m) => m[1]))];
}

const yielded = new Map<string, string[]>(); // code -> fixtures whose report has it
for (const name of [...FIXTURES, ...SURROUNDINGS]) {
  const r = reportOf(name);
  for (const code of new Set([r.verdict.code, ...r.findings.map((f) => f.code)]))
    yielded.set(code, [...(yielded.get(code) ?? []), name]);
}

/**
 * Documented codes no fixture yields yet, each with what capturing it takes. The list may only
 * shrink: an entry whose code a fixture now yields, or that the docs no longer name, fails.
 */
const NOT_CAPTURED: Record<string, string> = {
  Failed: 'a Failed pod with no more specific finding: every failure captured so far has its own code',
  NodeNotReporting: "phase Unknown needs a node whose kubelet stops reporting; the shared cluster's one node cannot",
  Pulling: 'a pull slow enough to be seen: the local registry answers within milliseconds',
};

test.each(documentedCodes().filter((c) => !NOT_CAPTURED[c]))('%s: a captured fixture yields it', (code) => {
  expect(yielded.get(code) ?? []).not.toEqual([]);
});

test('the codes not captured yet are few, documented, and still not captured', () => {
  expect(Object.keys(NOT_CAPTURED).length).toBeLessThanOrEqual(3);
  for (const code of Object.keys(NOT_CAPTURED)) {
    expect(documentedCodes()).toContain(code);
    expect({ code, fixtures: yielded.get(code) ?? [] }).toEqual({ code, fixtures: [] });
  }
});

test('every code the captured fixtures yield is in the docs', () => {
  const documented = new Set(documentedCodes());
  expect([...yielded.keys()].filter((c) => !documented.has(c)).sort()).toEqual([]);
});
