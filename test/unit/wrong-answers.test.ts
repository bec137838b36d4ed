// The pure parts of issue 9's smaller wrong answers (the CLI cases are in test/live/wrong-answers.test.ts).
import { MAX_DURATION_MS, parseDuration } from '../../src/options/flags.js';
import { doneWords, outcome } from '../../src/domain/until.js';
import { normalizePod } from '../../src/kube/normalize.js';
import { load } from './fixtures.js';

describe('--until done', () => {
  const failed = normalizePod(load('init-failed-never').pod); // phase Failed, captured
  const succeeded = normalizePod(load('completed').pod); // phase Succeeded, captured

  test('is reached by Failed as by Succeeded; --until succeeded is not', () => {
    expect(failed.phase).toBe('Failed');
    expect(succeeded.phase).toBe('Succeeded');
    expect(outcome(failed, 'done')).toBe('reached');
    expect(outcome(succeeded, 'done')).toBe('reached');
    expect(outcome(failed, 'succeeded')).toBe('failed');
  });

  test('the line says which', () => {
    expect(doneWords([failed])).toBe(`pod ${failed.name} is done: it Failed.`);
    expect(doneWords([failed, succeeded])).toBe(
      `every pod is done: 1 Succeeded (${succeeded.name}), 1 Failed (${failed.name}).`,
    );
  });
});

describe('durations', () => {
  test('the longest a timer holds is accepted; one millisecond more is a usage error naming the maximum', () => {
    expect(parseDuration(`${MAX_DURATION_MS}ms`)).toBe(2147483647);
    expect(parseDuration('596h31m23s')).toBeLessThanOrEqual(MAX_DURATION_MS);
    expect(() => parseDuration(`${MAX_DURATION_MS + 1}ms`, '--timeout')).toThrow(
      'invalid value "2147483648ms" for --timeout: podlens can wait at most 596h31m23s (about 24.8 days).',
    );
    expect(() => parseDuration('25d')).toThrow(/use a duration such as 10s/);
  });
});
