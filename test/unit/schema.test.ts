// Every report built from a captured pod, and a summary list, validates against schema/describe.v1.json.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { summarizePod } from '../../src/domain/describe.js';
import { REPORT_API_VERSION } from '../../src/domain/api-versions.js';
import { normalizeEvent, normalizePod } from '../../src/kube/normalize.js';
import { FIXTURES, load, reportOf } from './fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/describe.v1.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const validate = ajv.compile(schema);

describe('schema/describe.v1.json', () => {
  test.each(FIXTURES)('the %s report is valid (after a JSON round trip)', (name) => {
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

  test('it rejects a report without a verdict', () => {
    const data = JSON.parse(JSON.stringify(reportOf('completed')));
    delete data.verdict;
    expect(validate(data)).toBe(false);
  });
});
