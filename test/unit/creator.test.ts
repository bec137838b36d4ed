// Whether a helper's creator still runs: this process does; a pid with another start time (a reused
// pid) and a pid that does not exist do not.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { creatorAlive, processStartMs, thisCreator } from '../../src/node/creator.js';

describe('creator', () => {
  test('this process is alive, with the start time it annotates', () => {
    const me = thisCreator();
    expect(me.pid).toBe(process.pid);
    expect(Math.abs(processStartMs(process.pid)! - performance.timeOrigin)).toBeLessThan(3000);
    expect(creatorAlive(me.pid, me.processStart)).toBe(true);
  });

  test('the same pid with another start time is a reused pid: not the creator', () => {
    expect(creatorAlive(process.pid, '2001-01-01T00:00:00.000Z')).toBe(false);
  });

  test('a process that exited is gone', () => {
    const r = spawnSync(process.execPath, ['-e', '0']);
    expect(r.pid).toBeGreaterThan(0);
    expect(creatorAlive(r.pid, new Date().toISOString())).toBe(false);
  });
});
