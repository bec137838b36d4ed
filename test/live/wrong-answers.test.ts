// The smaller wrong answers of issue 9, each as a user meets it: the CLI as a subprocess (through a
// pipe, or on a pseudo-terminal where a terminal is the point), on the live cluster.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apply, is, kubectl, pod, podlens, useNamespace, waitFor, waitForPod } from './support.js';
import { onTerminal } from './pty.js';
import { startWatch } from './watch-support.js';

const ns = useNamespace('wrong');
const STACK = /\n\s+at |TypeError|ReferenceError|Cannot read propert|internal error/;

const oneShot = (name: string, code: number) =>
  pod(name, {
    restartPolicy: 'Never',
    containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', `exit ${code}`] }],
  });

describe('--until done is reached by Succeeded or Failed', () => {
  test('a pod that fails is done: exit 0, and the line says it Failed', async () => {
    await apply([oneShot('fails', 1), oneShot('succeeds', 0)], ns.name);
    const failed = await podlens(['watch', 'fails', '-n', ns.name, '--until', 'done', '--timeout', '90s']);
    expect(failed.stderr).toContain('podlens: pod fails is done: it Failed.\n');
    expect(failed.code).toBe(0);
    const ok = await podlens(['watch', 'succeeds', '-n', ns.name, '--until', 'done', '--timeout', '90s']);
    expect(ok.stderr).toContain('podlens: pod succeeds is done: it Succeeded.\n');
    expect(ok.code).toBe(0);
    const both = await podlens(['watch', 'fails', 'succeeds', '-n', ns.name, '--until', 'done', '--timeout', '90s']);
    expect(both.stderr).toContain('podlens: every pod is done: 1 Succeeded (succeeds), 1 Failed (fails).\n');
    expect(both.code).toBe(0);
    // --until succeeded still treats Failed as a failure (exit 3).
    const strict = await podlens(['watch', 'fails', '-n', ns.name, '--until', 'succeeded', '--timeout', '90s']);
    expect(strict.code).toBe(3);
  });
});

describe('durations a timer cannot hold are refused', () => {
  test.each([
    [['watch', '--timeout', '600h'], '--timeout'],
    [['describe', '-A', '--request-timeout', '2147484s'], '--request-timeout'],
    [['pause', 'x', '--timeout', '1000h'], '--timeout'],
  ])('podlens %j: exit 2 naming the maximum', async (args, flag) => {
    const r = await podlens(args);
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: invalid value "\\d+[hs]" for ${flag}: podlens can wait at most 596h31m23s \\(about 24\\.8 days\\)\\.\\n`,
      ),
    );
    expect(r.code).toBe(2);
  });
});

describe('Ctrl-C at the consent prompt', () => {
  test('ends quietly with exit 130 and creates nothing', async () => {
    await apply(
      pod('target', { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }] }),
      ns.name,
    );
    await waitForPod(ns.name, 'target', is.phase('Running'));
    const r = await onTerminal(['pause', 'target', '-n', ns.name, '--via', 'pod'], {
      when: { text: 'Continue? [y/N]', type: '\\x03' },
    });
    expect(r.output).toContain('Continue? [y/N]');
    expect(r.output).not.toMatch(/error|Aborted/);
    expect(r.code).toBe(130);
    const helpers = await kubectl([
      '-n',
      ns.name,
      'get',
      'pods,jobs',
      '-l',
      'app.kubernetes.io/managed-by=podlens',
      '-o',
      'name',
    ]);
    expect(helpers.stdout).toBe('');
  });
});

describe('a bad label selector', () => {
  test('is the same one sentence and exit 2 in watch as in describe', async () => {
    const d = await podlens(['describe', '-n', ns.name, '-l', 'a b']);
    const w = await podlens(['watch', '-n', ns.name, '-l', 'a b', '--timeout', '20s']);
    expect(d.code).toBe(2);
    expect(w.code).toBe(2);
    expect(d.stderr).toMatch(/^error: invalid label selector "a b": .+\.\n$/);
    expect(w.stderr).toBe(d.stderr);
  });
});

describe('an empty pod name', () => {
  test.each([['describe'], ['watch']])('%s "" is a usage error', async (cmd) => {
    const r = await podlens([cmd, '', '-n', ns.name]);
    expect(r.stderr).toBe(
      'error: a pod name cannot be empty (an unset variable in quotes?); pass a name, -l SELECTOR or -A.\n',
    );
    expect(r.stdout).toBe('');
    expect(r.code).toBe(2);
  });
});

describe('an empty kubeconfig file', () => {
  test('gives one sentence naming the file, exit 1', async () => {
    const file = join(tmpdir(), `podlens-empty-${process.pid}.kubeconfig`);
    writeFileSync(file, '');
    const r = await podlens(['describe', 'x', '--kubeconfig', file]);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(new RegExp(`^error: [^\\n]*${file.replace(/[.]/g, '\\.')}[^\\n]*\\n$`));
    expect(r.code).toBe(1);
  });
});

describe('a terminal that reports 0 columns', () => {
  test('describe finishes (no spinner loop) and prints the report', async () => {
    const r = await onTerminal(['describe', 'target', '-n', ns.name], { cols: 0, rows: 0, timeoutSeconds: 30 });
    expect(r.code).toBe(0); // 124 would mean it was still running after 30s
    expect(r.output).toContain(`Pod:        ${ns.name}/target`);
  });

  test('watch on it prints plain lines (no live area) and stops on Ctrl-C', async () => {
    const r = await onTerminal(['watch', 'target', '-n', ns.name], {
      cols: 0,
      rows: 0,
      when: { text: 'now Running', type: '\\x03' },
      timeoutSeconds: 30,
    });
    expect(r.output).toContain('target  now Running');
    expect(r.code).toBe(0);
  });
});

describe('a malformed watch line', () => {
  // No real API server sends these; a proxy or a broken server can. A small HTTP server stands in.
  let server: Server;
  let kubeconfigFile = '';
  let watches = 0;
  const podJson = (rv: string) => ({
    metadata: { name: 'p', namespace: 'x', uid: 'u-1', resourceVersion: rv, creationTimestamp: '2026-11-30T10:00:00Z' },
    spec: { containers: [{ name: 'app', image: 'busybox' }] },
    status: { phase: 'Pending' },
  });
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url!, 'http://x');
      res.setHeader('content-type', 'application/json');
      // events and EndpointSlices: empty lists and idle watches; the pods' watch is the one under test
      const other = ['/events', '/endpointslices'].find((end) => url.pathname.endsWith(end));
      if (url.searchParams.get('watch') !== 'true') {
        const kind = other === '/events' ? 'EventList' : other ? 'EndpointSliceList' : 'PodList';
        const items = other ? [] : [podJson('10')];
        return res.end(JSON.stringify({ kind, apiVersion: 'v1', metadata: { resourceVersion: '10' }, items }));
      }
      if (other) return;
      watches++;
      if (watches === 1) {
        // Garbage of several kinds; the first ends the stream.
        res.write('null\n');
        res.write('{"type":"ADDED","object":null}\n');
        return res.end();
      }
      if (watches === 2) {
        res.write('{"type":"MODIFIED","object":{"metadata":{"resourceVersion":"11"},"spec":{"containers":7}}}\n');
        return res.end();
      }
      res.write(
        JSON.stringify({ type: 'MODIFIED', object: { ...podJson('12'), status: { phase: 'Running' } } }) + '\n',
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    kubeconfigFile = join(tmpdir(), `podlens-malformed-${process.pid}.kubeconfig`);
    writeFileSync(
      kubeconfigFile,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'fake', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
        users: [{ name: 'u', user: { token: 'x' } }],
        contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'u', namespace: 'x' } }],
        'current-context': 'fake',
      }),
    );
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('is a handled reconnect with one sentence, never a stack trace; the watch goes on', async () => {
    const w = startWatch(['--kubeconfig', kubeconfigFile, '-n', 'x'], { PODLENS_WATCH_INACTIVITY_MS: '60000' });
    try {
      await w.untilStderr(/watching pods in namespace x again/, 60_000);
      await waitFor(
        'the later change',
        async () => (w.stdout().includes('phase Pending -> Running') ? true : undefined),
        30_000,
        200,
      );
      expect(w.stderr()).toContain(
        'podlens: lost the watch of pods in namespace x (the API server sent a watch line that is not a watch event); reconnecting',
      );
      // The second stream's unreadable object was dropped with its stream: nothing of it was shown.
      expect(w.stdout()).not.toMatch(/undefined|NaN/);
      expect(watches).toBeGreaterThanOrEqual(3);
      expect(w.stderr()).not.toMatch(STACK);
    } finally {
      w.kill('SIGKILL');
    }
  });
});
