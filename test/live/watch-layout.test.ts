// `podlens watch` as people read it: on a terminal (a pseudo-terminal 72 columns wide) each fact on
// its line with the explanation indented and wrapped under it, in time order, Normal events folded;
// through a pipe the plain one-line form, and the filters --events, -c and --since.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTerminal } from './pty.js';
import { apply, podlens, useNamespace, waitFor, kubectlOk } from './support.js';

const ns = useNamespace('habits-pack-watch');
const tmp = mkdtempSync(join(tmpdir(), 'podlens-watch-layout-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A container that says something, exits 3 after a second, and is restarted by the kubelet.
const crasher = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: {
    terminationGracePeriodSeconds: 0,
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'sleep 1; exit 3'] }],
  },
});

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const SPINNER = /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✖●✔⚠]|^ {2}\(no pods yet\)|^ {2}\.\.\. and/;

test('on a terminal: the fact on its line, the explanation wrapped under it, time order, Normal events folded', async () => {
  const file = join(tmp, 'pod.yaml');
  writeFileSync(file, JSON.stringify(crasher('tty-crash')));
  const r = await onTerminal(['watch', '-n', ns.name, '-f', file, '--timeout', '14s'], {
    cols: 72,
    timeoutSeconds: 40,
  });
  expect(r.code).toBe(4); // --timeout: the pod never gets ready
  const lines = r.output
    .replace(ANSI, '')
    .split(/\r?\n|\r/)
    .filter((l) => l.trim() && !SPINNER.test(l) && !l.startsWith('error: '));
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(72);
  const facts = lines.filter((l) => /^\d\d:\d\d:\d\d {2}tty-crash {2}/.test(l));
  expect(facts.length).toBeGreaterThan(4);
  // every fact is followed by its indented explanation (folded events stand alone)
  const terminated = lines.findIndex((l) => /tty-crash {2}container app: terminated \(exit code 3, Error\)$/.test(l));
  expect(terminated).toBeGreaterThan(-1);
  expect(lines[terminated + 1]).toMatch(/^ {10}container "app" exited with exit code 3 after running/);
  expect(lines.some((l) => / - /.test(l) && /^\d\d:/.test(l))).toBe(false); // not the one-line form
  // in time order
  const times = facts.map((l) => l.slice(0, 8));
  expect({ times, lines }).toEqual({ times: [...times].sort(), lines });
  // Normal events: folded, never one line each
  expect(lines.some((l) => /event (Pulled|Created|Started|Scheduled)\b/.test(l))).toBe(false);
  expect(lines.some((l) => /tty-crash {2}events .*Started/.test(l))).toBe(true);
}, 60_000);

test('through a pipe: one line per transition; --events, -c and --since choose what is shown', async () => {
  await apply(crasher('pipe-crash'), ns.name);
  await waitFor('a restart of pipe-crash', async () => {
    const n = await kubectlOk([
      'get',
      'pod',
      'pipe-crash',
      '-n',
      ns.name,
      '-o',
      'jsonpath={.status.containerStatuses[0].restartCount}',
    ]);
    return Number(n) >= 1 ? true : undefined;
  });
  // --since: the events from before the watch started, one line each, with the plain separator
  const all = await podlens([
    'watch',
    'pipe-crash',
    '-n',
    ns.name,
    '--since',
    '10m',
    '--timeout',
    '3s',
    '--events',
    'all',
  ]);
  expect(all.code).toBe(4);
  const lines = all.stdout.trim().split('\n');
  expect(lines.every((l) => /^\d\d:\d\d:\d\d {2}pipe-crash {2}.* - /.test(l))).toBe(true);
  expect(lines.some((l) => /event Started( x\d+)? \(app\)/.test(l))).toBe(true); // Normal, on its own line off a terminal
  expect(lines.some((l) => /event BackOff/.test(l) || /event Pulled/.test(l))).toBe(true);
  // without --since: the events of before are history, not shown
  const now = await podlens(['watch', 'pipe-crash', '-n', ns.name, '--timeout', '2s', '--events', 'all']);
  expect(now.stdout.split('\n')[0]).toMatch(/pipe-crash {2}now /);
  expect(lines[0]).not.toMatch(/pipe-crash {2}now /); // with --since, the older events come first
  // --events warnings: no Normal event; none: no event at all
  const warnings = await podlens([
    'watch',
    'pipe-crash',
    '-n',
    ns.name,
    '--since',
    '10m',
    '--timeout',
    '2s',
    '--events',
    'warnings',
  ]);
  expect(warnings.stdout).not.toMatch(/event (Started|Pulled|Created|Scheduled)/);
  const none = await podlens([
    'watch',
    'pipe-crash',
    '-n',
    ns.name,
    '--since',
    '10m',
    '--timeout',
    '2s',
    '--events',
    'none',
  ]);
  expect(none.stdout).not.toMatch(/ event /);
  expect(none.stdout).toMatch(/pipe-crash {2}now /);
  // -c: another container's lines go; the pod's own stay
  const other = await podlens([
    'watch',
    'pipe-crash',
    '-n',
    ns.name,
    '--since',
    '10m',
    '--timeout',
    '2s',
    '-c',
    'sidecar',
  ]);
  expect(other.stdout).not.toMatch(/\(app\)|container app/);
  expect(other.stdout).toMatch(/pipe-crash {2}now /);
  const bad = await podlens(['watch', '-n', ns.name, '--events', 'some']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--events/);
  const badSince = await podlens(['watch', '-n', ns.name, '--since', 'yesterday']);
  expect(badSince.code).toBe(2);
  expect(badSince.stderr).toMatch(/invalid value "yesterday" for --since/);
}, 90_000);
