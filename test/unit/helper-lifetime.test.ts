// Which helpers `podlens cleanup` removes: deadline passed, or creator on this host gone; --all removes
// every one; a helper another live run uses, or one from another host before its deadline, is kept.
import { cleanupVerdict } from '../../src/domain/helper-lifetime.js';

const now = new Date('2026-11-30T20:00:00Z');
const here = { host: 'laptop', now, all: false };
const mine = { deadline: '2026-11-30T20:05:00Z', creator: { host: 'laptop', pid: 4242 } };

describe('cleanup verdict', () => {
  test('a helper whose creator on this host still runs is kept, and says who uses it', () => {
    expect(cleanupVerdict(mine, { ...here, creatorAlive: true })).toEqual({
      remove: false,
      why: 'in use by pid 4242 on this host',
    });
  });

  test('a helper whose creator on this host is gone is removed', () => {
    expect(cleanupVerdict(mine, { ...here, creatorAlive: false })).toEqual({
      remove: true,
      why: 'its creator (pid 4242 on this host) is gone',
    });
  });

  test('a helper past its deadline is removed even when its creator runs', () => {
    const late = { ...mine, deadline: '2026-11-30T19:59:59Z' };
    expect(cleanupVerdict(late, { ...here, creatorAlive: true })).toEqual({ remove: true, why: 'its deadline passed' });
  });

  test('a helper from another host is kept until its deadline, and says when that is', () => {
    const other = { ...mine, creator: { host: 'ci-runner', pid: 7 } };
    expect(cleanupVerdict(other, here)).toEqual({
      remove: false,
      why: 'created by pid 7 on host ci-runner; its deadline is in 5m',
    });
  });

  test('an unannotated helper (an older podlens) is kept until its deadline', () => {
    expect(cleanupVerdict({ deadline: mine.deadline }, here)).toEqual({
      remove: false,
      why: 'creator unknown; its deadline is in 5m',
    });
    expect(cleanupVerdict({}, here).why).toBe('creator unknown; it has no deadline');
  });

  test('--all removes every helper, a live one too', () => {
    expect(cleanupVerdict(mine, { ...here, all: true, creatorAlive: true })).toEqual({ remove: true, why: '--all' });
  });
});
