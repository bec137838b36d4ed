// Issue 13, created for real: many pods failing for the same cause are one group line before the
// per-pod lines of `podlens describe -n NS` (and `groups` in -o json); a container that crashes while
// `podlens watch` looks gets a last-words line with its last log lines, once per termination, in text
// and ndjson; a pod deleted while watched gets none.
import { apply, is, kubectl, kubectlOk, pod, podlens, sleep, useNamespace, waitForPod } from './support.js';
import { startWatch, validateLine, type Line, type Watcher } from './watch-support.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const groupNs = useNamespace('nbrlive-groups');
const watchNs = useNamespace('nbrlive-lastwords');
const MISSING = 'podlens/nbrlive-missing:0.1'; // docker.io/podlens/... comes from the local registry, which lacks it
const busy = (command: string) => ({ name: 'app', image: 'busybox', command: ['sh', '-c', command] });

describe('many pods failing for one cause (live)', () => {
  beforeAll(async () => {
    await apply(
      [
        ...['a', 'b', 'c'].map((x) => pod(`pull-${x}`, { containers: [{ name: 'app', image: MISSING }] })),
        pod('fine', { containers: [busy('sleep 3600')] }),
        pod('crasher', { containers: [busy('echo "fatal: no config"; exit 3')] }),
      ],
      groupNs.name,
    );
    const pulling = (p: any) => is.waiting('app', 'ImagePullBackOff')(p) || is.waiting('app', 'ErrImagePull')(p);
    await Promise.all([
      ...['a', 'b', 'c'].map((x) => waitForPod(groupNs.name, `pull-${x}`, pulling, 'image pull failing')),
      waitForPod(groupNs.name, 'fine', is.condition('Ready')),
      waitForPod(groupNs.name, 'crasher', is.lastTerminated('app')),
    ]);
  }, 120_000);

  test('one group line before the per-pod lines, and `groups` in -o json; a one-off failure is not grouped', async () => {
    const [t, j] = await Promise.all([
      podlens(['describe', '-n', groupNs.name], { env: { COLUMNS: '2000' } }),
      podlens(['describe', '-n', groupNs.name, '-o', 'json']),
    ]);
    expect([t.code, t.stderr, j.code, j.stderr]).toEqual([0, '', 0, '']);
    const json = JSON.parse(j.stdout);
    expect(json.groups).toEqual([
      expect.objectContaining({
        count: 3,
        severity: 'error',
        code: expect.stringMatching(/^(ImagePullBackOff|ErrImagePull)(\/(ImagePullBackOff|ErrImagePull))?$/),
        pods: ['a', 'b', 'c'].map((x) => ({ namespace: groupNs.name, name: `pull-${x}` })),
      }),
    ]);
    const [g] = json.groups;
    expect(g.cause).toContain(`image ${MISSING}`);
    expect(g.summary).toMatch(/^3 pods: \S+, app: image .* \(pull-a, pull-b, pull-c\)$/);
    // off a terminal the line is wrapped at 100 columns, continued with an indent
    const [head, rest] = t.stdout.split('\n\n');
    expect(head.replace(/\n {2}/g, ' ')).toBe(g.summary);
    const table = rest.split('\n').filter(Boolean);
    expect(
      table
        .map((l) => l.split(/\s+/)[0])
        .slice(1)
        .sort(),
    ).toEqual(['crasher', 'fine', 'pull-a', 'pull-b', 'pull-c']);
    expect(t.stdout).not.toMatch(/^\d+ pods: .*crasher/m);
  });

  test('fewer than two pods with one cause: no group line', async () => {
    const r = await podlens(['describe', 'pull-a', 'crasher', '-n', groupNs.name, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).groups ?? []).toEqual([]);
  });
});

describe('last words in watch (live)', () => {
  let nd: Watcher;
  let text: Watcher;
  const mine = (pod: string) => (l: Line) => l.pod === pod && l.change === 'last-words';

  beforeAll(async () => {
    await apply(pod('doomed', { containers: [busy('echo "still here"; sleep 3600')] }), watchNs.name);
    await waitForPod(watchNs.name, 'doomed', is.condition('Ready'));
    nd = startWatch(['-n', watchNs.name, '-o', 'ndjson']);
    text = startWatch(['-n', watchNs.name], { COLUMNS: '2000' });
    await nd.until('the first line for doomed', (l) => l.pod === 'doomed');
    await waitForStdout(text, /doomed/);
    await apply(
      [
        pod('once', { restartPolicy: 'Never', containers: [busy('echo starting; echo "fatal: gave up"; exit 3')] }),
        pod('looping', { containers: [busy('echo "loop start"; echo "fatal: again"; exit 4')] }),
      ],
      watchNs.name,
    );
    await kubectlOk(['-n', watchNs.name, 'delete', 'pod', 'doomed', '--wait=false']);
  }, 120_000);

  afterAll(() => {
    nd?.kill('SIGKILL');
    text?.kill('SIGKILL');
  });

  async function waitForStdout(w: Watcher, re: RegExp): Promise<void> {
    for (let i = 0; i < 600 && !re.test(w.stdout()); i++) await sleep(100);
    expect(w.stdout()).toMatch(re);
  }

  test('a crash seen live: one last-words line with its last log lines, in ndjson and text', async () => {
    const l = await nd.until('last words of once', mine('once'));
    expect(l).toMatchObject({
      container: 'app',
      exitCode: 3,
      reason: 'Error',
      lines: ['starting', 'fatal: gave up'],
      message: 'fatal: gave up',
      explanation: 'container "app" (exit code 3, Error) last wrote: "starting" / "fatal: gave up"',
    });
    expect(validateLine(l)).toBe(true);
    await waitForStdout(text, /once.*last words/);
    expect(text.stdout()).toContain('container "app" (exit code 3, Error) last wrote: "starting" / "fatal: gave up"');
    // more updates of the pod come after it (phase, conditions): still one line per termination
    await waitForPod(watchNs.name, 'once', is.phase('Failed'));
    await sleep(2000);
    expect(nd.lines.filter(mine('once'))).toHaveLength(1);
    expect(text.stdout().match(/once.*last words/g)).toHaveLength(1);
  });

  test('a container crashing again: one line per termination, never one per update', async () => {
    await waitForPod(watchNs.name, 'looping', is.restartedAtLeast('app', 2), 'two restarts', 60_000);
    await nd.until(
      'two last words of looping',
      (l) => nd.lines.filter(mine('looping')).length >= 2 && mine('looping')(l),
    );
    const said = nd.lines.filter(mine('looping'));
    expect(new Set(said.map((l: Line) => l.time)).size).toBe(said.length);
    for (const l of said) expect(l.lines).toEqual(['loop start', 'fatal: again']);
    const updates = nd.lines.filter((l) => l.pod === 'looping' && l.change !== 'last-words' && l.change !== 'event');
    expect(updates.length).toBeGreaterThan(said.length);
    const p = await waitForPod(watchNs.name, 'looping', () => true);
    const st = p.status.containerStatuses[0];
    expect(said.length).toBeLessThanOrEqual(st.restartCount + (st.state.terminated ? 1 : 0));
  });

  test('a pod deleted while watched gets no last words', async () => {
    await nd.until('doomed deleted', (l) => l.pod === 'doomed' && l.change === 'deleted', 60_000);
    expect(nd.lines.filter(mine('doomed'))).toEqual([]);
    expect(text.stdout()).not.toMatch(/doomed.*last words/);
    const r = await kubectl(['-n', watchNs.name, 'get', 'pod', 'doomed']);
    expect(r.code).not.toBe(0);
  });
});
