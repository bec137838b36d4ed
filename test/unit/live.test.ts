// The live area of watch on a terminal: the rows the domain decides (src/domain/live.ts) and how
// src/render/watch-live.ts lays them out, with a fake stream, a fake ora and a fixed clock.
import type { Ora } from 'ora';
import { liveRows, settled } from '../../src/domain/live.js';
import type { Pod } from '../../src/domain/model.js';
import type { LinkStatus } from '../../src/kube/reflector.js';
import { painter } from '../../src/render/terminal.js';
import { LiveArea } from '../../src/render/watch-live.js';
import { loadWatch, podSnapshots } from './watch-fixtures.js';

const seq = (name: string): Pod[] => podSnapshots(loadWatch(name)).map((s) => s.pod);
const pods = seq('init-to-ready-and-delete');
const created = pods[0].creationTimestamp.getTime();
const at = (s: number) => new Date(created + s * 1000);
const running = pods.find((p) => p.initContainerStatuses.some((c) => c.state.kind === 'running'))!;
const ready = pods.find((p) => settled(p) === 'ready')!;

describe('rows (domain)', () => {
  test('an init container running: its place, name and how long; no settled mark', () => {
    const [row] = liveRows([running], at(100), false);
    expect(row.init).toMatch(/^init [12]\/2: (fetch|migrate) running \d+s$/);
    expect(row.settled).toBeUndefined();
    expect(row.age).toBe('100s');
    expect(row.status).toMatch(/^Init:[01]\/2$/);
  });
  test('ready, succeeded and failed pods are settled; a pending one is not', () => {
    expect(settled(ready)).toBe('ready');
    expect(settled(seq('completes').at(-1)!)).toBe('succeeded');
    expect(settled(seq('crashloop').at(-1)!)).toBe('failed');
    expect(settled(pods[0])).toBeUndefined();
  });
  test('with -A the row names the namespace; rows come sorted by namespace and name', () => {
    const other = { ...ready, name: 'a-first', uid: 'x' };
    const rows = liveRows([ready, other], at(5), true);
    expect(rows.map((r) => r.name)).toEqual([`${ready.namespace}/a-first`, `${ready.namespace}/${ready.name}`]);
    expect(rows[0].init).toBeUndefined();
  });
});

describe('LiveArea (render)', () => {
  function area(rows: Pod[], opts: { columns?: number; rows?: number } = {}) {
    let written = '';
    const out = {
      write: (s: string) => ((written += s), true),
      columns: opts.columns ?? 100,
      rows: opts.rows ?? 24,
    } as unknown as NodeJS.WriteStream;
    const fakeOra = (o: { text: string }) => {
      const s = { text: o.text, frame: () => `~ ${s.text}` };
      return s as unknown as Ora;
    };
    const now = at(100);
    const a = new LiveArea(
      out,
      fakeOra,
      painter(false),
      (t) => liveRows(rows, t, false),
      () => now,
      { dots: { interval: 80, frames: ['-'] } },
    );
    return { a, text: () => written.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '') };
  }

  test('a spinner row for a pod in progress, a mark for a settled one; the log above', () => {
    const { a, text } = area([running, { ...ready, name: 'web', uid: 'r' }]);
    a.log(['10:00:00  web  Ready False -> True']);
    const out = text();
    expect(out).toContain('10:00:00  web  Ready False -> True\n');
    expect(out).toMatch(
      /~ two-inits {2}Init:[01]\/2 {2}ready 0\/1 {2}restarts 0 {2}init [12]\/2: \w+ running \d+s {2}age 100s/,
    );
    expect(out).toMatch(/● web {2}Running {2}ready 1\/1/);
    a.stop();
  });

  test('a row longer than the terminal is cut with an ellipsis; beyond the rows, a count', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({ ...running, name: `pod-${i}`, uid: `u${i}` }));
    const { a, text } = area(many, { columns: 40, rows: 9 });
    a.log([]);
    const rows = text().split('\n').filter(Boolean);
    expect(rows.filter((r) => r.startsWith('~ pod-'))).toHaveLength(3);
    for (const r of rows) expect(r.length).toBeLessThanOrEqual(40);
    expect(rows.some((r) => r.endsWith('…'))).toBe(true);
    expect(rows).toContain('  ... and 7 more pods');
  });

  test('no pods: says so; a lost connection: reconnecting, since when, and why', () => {
    const { a, text } = area([]);
    const down: LinkStatus = {
      what: 'pods',
      state: 'reconnecting',
      since: at(96).getTime(),
      attempt: 1,
      error: 'connection refused',
      lastEventAt: at(95).getTime(),
    };
    a.setLink(down);
    expect(text()).toContain('  (no pods yet)');
    expect(text()).toContain('⚠ reconnecting, last event 5s ago: connection refused');
    a.setLink({ what: 'pods', state: 'watching', since: at(99).getTime(), attempt: 0 });
    const after = text().split('(no pods yet)').at(-1)!;
    expect(after).not.toContain('reconnecting');
  });
});
