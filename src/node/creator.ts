// Who creates a helper (annotated on it) and whether that process still runs (for `podlens cleanup`).
// A pid alone is not enough: after the creator exits, the kernel may give its pid to another process,
// so on Linux the process's start time (/proc/PID/stat field 22, clock ticks since boot, plus btime
// from /proc/stat; proc(5)) must match the start time the helper carries.
import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Creator } from '../kube/node-api.js';

const CLOCK_TICKS = 100; // USER_HZ: /proc reports in 1/100 s on every Linux architecture
const START_SLACK_MS = 3000; // btime is whole seconds; the ticks and timeOrigin differ slightly

export function thisCreator(): Creator {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry for this uid (a container): the pid and host still identify the run
  }
  return {
    user,
    host: hostname(),
    pid: process.pid,
    processStart: new Date(performance.timeOrigin).toISOString(),
  };
}

/** Start time of a process from /proc, in ms since the epoch; undefined where there is no /proc. */
export function processStartMs(pid: number): number | undefined {
  try {
    const btime = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // field 3 onwards; comm may hold spaces
    const ticks = Number(fields[22 - 3]);
    if (!btime || !Number.isFinite(ticks)) return undefined;
    return btime * 1000 + (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Whether the process that created a helper on this host still runs (and is that same process). */
export function creatorAlive(pid: number, processStart?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    // EPERM: it exists, under another user
  }
  const started = processStartMs(pid);
  const expected = processStart ? Date.parse(processStart) : NaN;
  if (started === undefined || Number.isNaN(expected)) return true;
  return Math.abs(started - expected) <= START_SLACK_MS;
}
