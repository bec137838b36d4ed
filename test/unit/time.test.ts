// Ages as kubectl prints them (apimachinery's HumanDuration), and the timeline's short durations.
import { age, humanDuration, seconds, shortDuration } from '../../src/domain/time.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test.each([
  [-5 * S, '<invalid>'],
  [-500, '0s'],
  [0, '0s'],
  [119 * S, '119s'],
  [2 * M, '2m'],
  [2 * M + 5 * S, '2m5s'],
  [10 * M + 5 * S, '10m'],
  [3 * H, '3h'],
  [3 * H + 20 * M, '3h20m'],
  [8 * H, '8h'],
  [47 * H, '47h'],
  [2 * D, '2d'],
  [2 * D + 3 * H, '2d3h'],
  [8 * D, '8d'],
  [729 * D, '729d'],
  [2 * 365 * D, '2y'],
  [3 * 365 * D + 4 * D, '3y4d'],
  [9 * 365 * D, '9y'],
])('humanDuration(%d) is %s', (ms, words) => {
  expect(humanDuration(ms)).toBe(words);
});

test.each([
  [-1, 'under 1s'],
  [0, 'under 1s'],
  [850, '850ms'],
  [4 * S, '4s'],
  [65 * S, '1m5s'],
  [2 * M, '2m'],
  [2 * H, '120m'], // kubectl's way from 3m to 3h
  [4 * H, '4h'],
])('shortDuration(%d) is %s', (ms, words) => {
  expect(shortDuration(ms)).toBe(words);
});

test('age of nothing is unknown; seconds between two dates, or nothing', () => {
  const now = new Date('2030-01-01T00:01:00Z');
  expect(age(undefined, now)).toBe('<unknown>');
  expect(age(new Date('2030-01-01T00:00:00Z'), now)).toBe('60s');
  expect(seconds(new Date('2030-01-01T00:00:00Z'), now)).toBe(60);
  expect(seconds(undefined, now)).toBeUndefined();
});
