// podlens watch against the live cluster: exact transition sequences, --until, --timeout, exit
// codes, ndjson against its schema, text off a terminal, Ctrl-C.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apply, is, kubeconfig, kubectlOk, pod, podlens, run, useNamespace, waitForPod } from './support.js';
import { duplicates, podSequence, startWatch, validateLine } from './watch-support.js';
import { initToReadyAndDelete } from '../fixtures/watch/sequences.js';

const ns = useNamespace('watch');

const busy = (name: string, command: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'busybox',
  command: ['sh', '-c', command],
  ...extra,
});

function manifestFile(name: string, objects: Record<string, unknown>[]): string {
  const file = join(tmpdir(), `podlens-watch-${process.pid}-${name}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  return file;
}

describe('podlens watch (live)', () => {
  test('two init containers and a main container: from creation to Ready, then deletion, each step once and in order', async () => {
    const file = manifestFile('two-inits', [
      pod('two-inits', {
        initContainers: [busy('fetch', 'sleep 2'), busy('migrate', 'sleep 2')],
        containers: [{ name: 'web', image: 'nginx' }],
      }),
    ]);
    const w = startWatch(['-n', ns.name, '-f', file, '-o', 'ndjson', '--until', 'deleted', '--timeout', '180s']);
    await w.until('Ready=True', (l) => l.change === 'condition' && l.condition === 'Ready' && l.to === 'True');
    await kubectlOk(['-n', ns.name, 'delete', 'pod', 'two-inits', '--wait=false']);
    expect(await w.exit).toBe(0);
    expect(podSequence(w.lines, 'two-inits')).toEqual(initToReadyAndDelete(/^ip=\d+\.\d+\.\d+\.\d+$/));
    // Events, woven in: the scheduler's and the kubelet's, for each container, in their own order.
    const events = w.lines
      .filter((l) => l.change === 'event')
      .map((l) => `${l.reason}${l.container ? `:${l.container}` : ''}`);
    for (const e of ['Scheduled', 'Started:fetch', 'Started:migrate', 'Started:web', 'Killing:web'])
      expect(events).toContain(e);
    expect(events.indexOf('Started:fetch')).toBeLessThan(events.indexOf('Started:migrate'));
    expect(w.lines.find((l) => l.change === 'created').explanation).toMatch(
      /created, which only means the API server stored it/,
    );
    expect(w.lines.find((l) => l.container === 'fetch' && l.to === 'terminated')).toMatchObject({
      exitCode: 0,
      containerKind: 'init',
    });
    for (const l of w.lines) expect(validateLine(l) ? [] : [l, validateLine.errors]).toEqual([]);
    expect(duplicates(w.lines)).toEqual([]);
    expect(w.stderr()).toBe('');
  });

  test('text off a terminal: one plain line per pod now; --until ready exits 0 at once for a ready pod', async () => {
    await apply(pod('steady', { containers: [busy('app', 'sleep 3600')] }), ns.name);
    await waitForPod(ns.name, 'steady', is.condition('Ready'));
    const r = await podlens(['watch', 'steady', '-n', ns.name, '--until', 'ready', '--timeout', '30s']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^\d\d:\d\d:\d\d {2}steady {2}now Running {2}- Running, 1\/1 ready, 0 restarts: Every container is running and ready/,
    );
    expect(r.stdout).not.toMatch(/\u001b\[/); // no colour, no cursor movement
  });

  test('--until succeeded on a pod that fails instead: exit 3, saying so', async () => {
    const file = manifestFile('fails', [
      pod('fails', { restartPolicy: 'Never', containers: [busy('task', 'sleep 1; echo broken >&2; exit 2')] }),
    ]);
    const r = await podlens(['watch', '-n', ns.name, '-f', file, '--until', 'succeeded', '--timeout', '90s'], {
      timeoutMs: 100_000,
    });
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      /fails {2}container task: terminated \(exit code 2, Error\) {2}- container "task" exited with exit code 2/,
    );
    expect(r.stdout).toMatch(/phase Running -> Failed|phase Pending -> Failed/);
    expect(r.stderr).toMatch(/podlens: pod fails will not be succeeded: fails is Error \(0\/1 ready\), phase Failed\./);
  });

  test('--timeout bounds the wait: exit 4 and where each pod stands', async () => {
    await apply(pod('sleepy', { restartPolicy: 'Never', containers: [busy('task', 'sleep 3600')] }), ns.name);
    const r = await podlens(['watch', 'sleepy', '-n', ns.name, '--until', 'succeeded', '--timeout', '3s']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /^error: timed out after 3s waiting for every pod to be succeeded: sleepy is (ContainerCreating|Running|Pending) /,
    );
  });

  test('a selector across namespaces with -A: --until ready waits for every matching pod', async () => {
    const label = `podlens-watch-${ns.name}`;
    await apply(
      [
        pod('sel-a', { containers: [busy('app', 'sleep 3600')] }, { labels: { t: label } }),
        pod('sel-b', { containers: [busy('app', 'sleep 2; sleep 3600')] }, { labels: { t: label } }),
      ],
      ns.name,
    );
    const w = startWatch(['-A', '-l', `t=${label}`, '-o', 'ndjson', '--until', 'ready', '--timeout', '90s']);
    expect(await w.exit).toBe(0);
    const ready = w.lines.filter(
      (l) =>
        (l.change === 'condition' && l.condition === 'Ready' && l.to === 'True') ||
        (l.change === 'initial' && l.to === 'Running'),
    );
    expect(new Set(ready.map((l) => l.pod))).toEqual(new Set(['sel-a', 'sel-b']));
    expect(w.lines.every((l) => l.namespace === ns.name)).toBe(true);
  });

  test('on a terminal: a live area with a spinner line per pod and init progress, then the log', async () => {
    const file = manifestFile('tty', [
      pod('tty-init', { initContainers: [busy('wait-a', 'sleep 3')], containers: [busy('app', 'sleep 3600')] }),
    ]);
    const cmd = `stty cols 150; ${process.execPath} bin/podlens watch -n ${ns.name} -f ${file} --until ready --timeout 90s`;
    // A user's terminal: no CI variable (ora, like most CLIs, draws no spinners when CI is set).
    const r = await run('script', ['-qfec', cmd, '/dev/null'], {
      env: { KUBECONFIG: kubeconfig(), TERM: 'xterm', NO_COLOR: '', CI: undefined },
      timeoutMs: 100_000,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tty-init {2}Init:0\/1 {2}ready 0\/1 {2}restarts 0 {2}init 1\/1: wait-a running \d+s/);
    expect(r.stdout).toMatch(/\u001b\[\d+A\r\u001b\[0J/); // the area is redrawn in place
    expect(r.stdout).toMatch(/tty-init {2}.*Ready False -> True/);
  });

  test('Ctrl-C exits 0', async () => {
    const w = startWatch(['-n', ns.name, '-o', 'ndjson']);
    await w.until('an initial line', (l) => l.change === 'initial');
    w.kill('SIGINT');
    expect(await w.exit).toBe(0);
  });

  test('a named pod that does not exist: exit 1 with a suggestion; bad flags: exit 2', async () => {
    await apply(pod('steady', { containers: [busy('app', 'sleep 3600')] }), ns.name);
    const r = await podlens(['watch', 'stedy', '-n', ns.name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: pod "stedy" not found in namespace "${ns.name}"; did you mean "steady"?\n`);
    const u = await podlens(['watch', '--until', 'forever', '-n', ns.name]);
    expect(u.code).toBe(2);
    const f = await podlens(['watch', 'steady', '-f', 'x.yaml']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/pass either pod names or -f FILE, not both/);
    const gone = await podlens(['watch', 'never-was', '-n', ns.name, '--until', 'deleted']);
    expect(gone.code).toBe(0);
  });
});
