// Every report built from a captured pod, a summary list and a list of reports validate against
// schema/describe.v2.json; v2 objects take fields it does not name (additions within v2 break no one).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { summarizePod } from '../../src/domain/describe.js';
import { REPORT_API_VERSION } from '../../src/domain/api-versions.js';
import { normalizeEvent, normalizePod } from '../../src/kube/normalize.js';
import { FIXTURES, SURROUNDINGS, load, reportOf } from './fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/describe.v2.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

describe('schema/describe.v2.json', () => {
  test.each([...FIXTURES, ...SURROUNDINGS])('the %s report is valid (after a JSON round trip)', (name) => {
    const data = JSON.parse(JSON.stringify(reportOf(name)));
    expect(validate(data) ? [] : validate.errors).toEqual([]);
  });

  test('a summary list is valid', () => {
    const items = FIXTURES.map((n) => {
      const fx = load(n);
      return summarizePod(normalizePod(fx.pod), fx.events.map(normalizeEvent), new Date(fx.capturedAt));
    });
    const data = JSON.parse(
      JSON.stringify({
        apiVersion: REPORT_API_VERSION,
        kind: 'PodSummaryList',
        generatedAt: new Date().toISOString(),
        items,
      }),
    );
    expect(validate(data) ? [] : validate.errors).toEqual([]);
  });

  test('a list of full reports (--full) is valid, and so is an empty one', () => {
    const list = (items: unknown[]) => ({
      apiVersion: REPORT_API_VERSION,
      kind: 'PodReportList',
      generatedAt: new Date().toISOString(),
      items,
      notes: [],
    });
    const reports = FIXTURES.map((n) => JSON.parse(JSON.stringify(reportOf(n))));
    for (const data of [list(reports), list([])]) expect(validate(data) ? [] : validate.errors).toEqual([]);
    expect(validate(list([{ ...reports[0], verdict: undefined }]))).toBe(false);
  });

  test('objects allow fields the schema does not name; the apiVersion is v2 only', () => {
    const data = JSON.parse(JSON.stringify(reportOf('crashloop')));
    expect(REPORT_API_VERSION).toBe('podlens.dev/v2');
    data.later = { any: 'thing' };
    data.pod.later = 1;
    data.containers[0].later = [];
    expect(validate(data) ? [] : validate.errors).toEqual([]);
    expect(validate({ ...data, apiVersion: 'podlens.dev/v1' })).toBe(false);
  });

  test('it rejects a report without a verdict', () => {
    const data = JSON.parse(JSON.stringify(reportOf('completed')));
    delete data.verdict;
    expect(validate(data)).toBe(false);
  });
});
