// Every transition built from the captured watch streams validates against schema/watch-event.v2.json.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { finish, initialDraft } from '../../src/domain/transitions.js';
import { loadWatch, podSnapshots, replay, replayEvents } from './watch-fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schema/watch-event.v2.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
export const validateTransition = ajv.compile(schema);

describe('schema/watch-event.v2.json', () => {
  test.each(['init-to-ready-and-delete', 'completes', 'crashloop'])(
    'every transition and event line of %s is valid',
    (name) => {
      const fx = loadWatch(name);
      const all = [...replay(fx), ...replayEvents(fx)].map((t) => JSON.parse(JSON.stringify(t)));
      const kinds = new Set(all.map((t) => t.change));
      expect(kinds.size).toBeGreaterThan(5);
      for (const t of all) expect(validateTransition(t) ? [] : validateTransition.errors).toEqual([]);
    },
  );

  test('an initial line is valid', () => {
    const pod = podSnapshots(loadWatch('crashloop')).at(-2)!.pod;
    const now = new Date();
    const t = finish([initialDraft(pod, now)], pod, { now, source: 'list' })[0];
    expect(validateTransition(JSON.parse(JSON.stringify(t)))).toBe(true);
  });

  test('it rejects a transition without an explanation, or with an unknown change', () => {
    const t = JSON.parse(JSON.stringify(replay(loadWatch('completes'))[0]));
    expect(validateTransition({ ...t, explanation: '' })).toBe(false);
    expect(validateTransition({ ...t, change: 'moved' })).toBe(false);
    expect(validateTransition({ ...t, apiVersion: 'podlens.dev/v1' })).toBe(false);
  });

  test('a transition with a field the schema does not name is valid (v2 allows additions)', () => {
    const t = JSON.parse(JSON.stringify(replay(loadWatch('completes'))[0]));
    expect(t.apiVersion).toBe('podlens.dev/v2');
    expect(validateTransition({ ...t, later: { any: 'thing' } })).toBe(true);
  });
});
