// Issue 13's time part on pods captured from the live cluster (scripts/time-scenarios.mjs and the
// earlier captures): what holds a pod up, where its start-up time went, the pods that fail for the
// same cause, and the last words of a container that fails while watch looks.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { summarizePod } from '../../src/domain/describe.js';
import { logsWanted } from '../../src/domain/containers.js';
import { groupByCause } from '../../src/domain/grouping.js';
import { lastWordsTransition, terminations } from '../../src/domain/last-words.js';
import { goDurationMs } from '../../src/domain/startup.js';
import { KubeApiError } from '../../src/errors.js';
import { normalizeEvent, normalizePod } from '../../src/kube/normalize.js';
import { renderReport } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';
import { renderGroups } from '../../src/render/time-text.js';
import { LastWords } from '../../src/watch/last-words.js';
import type { Transition } from '../../src/domain/transitions.js';
import { load, reportOf } from './fixtures.js';
import { loadWatch, podSnapshots } from './watch-fixtures.js';

const plain = { paint: painter(false), width: 200 };
const text = (name: string) => renderReport(reportOf(name), plain);
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
const schema = (f: string) =>
  ajv.compile(JSON.parse(readFileSync(new URL(`../../schema/${f}`, import.meta.url), 'utf8')));
const validReport = schema('describe.v2.json');
const validLine = schema('watch-event.v2.json');
const valid = (v: typeof validReport, data: unknown) => (v(JSON.parse(JSON.stringify(data))) ? [] : v.errors);

describe('an init container that waits', () => {
  test('describe says what it is saying now and for how long, in text and JSON', () => {
    const r = reportOf('init-talking');
    expect(r.holds?.init).toMatchObject({
      container: 'wait-db',
      runningSeconds: 6,
      log: { lines: expect.arrayContaining(['waiting for db:5432 (attempt 6)']), error: null },
    });
    expect(r.holds?.init?.summary).toBe(
      'the pod waits on init container "wait-db" (1 of 1), running for 6s; its latest log lines: "waiting for db:5432 (attempt 4)", "waiting for db:5432 (attempt 5)", "waiting for db:5432 (attempt 6)"',
    );
    expect(r.verdict.summary).toMatch(/its latest log line is "waiting for db:5432 \(attempt 6\)"$/);
    expect(text('init-talking')).toContain('Waiting on\n  the pod waits on init container "wait-db"');
    expect(text('init-talking')).toContain('last 6 log lines of the running container');
    expect(valid(validReport, r)).toEqual([]);
  });

  test('its log is read while it runs; a never-started init container has no log to read', () => {
    expect(logsWanted(normalizePod(load('init-talking').pod))).toEqual([
      { container: 'wait-db', previous: false, running: true },
    ]);
    // init-failed-never: wait-db failed, migrate never started
    const never = logsWanted(normalizePod(load('init-failed-never').pod)).map((w) => w.container);
    expect(never).toEqual(['wait-db']);
    const r = reportOf('init-failed-never');
    expect(r.containers.find((c) => c.name === 'migrate')?.log).toBeNull();
    expect(r.holds).toBeUndefined();
    expect(text('init-failed-never')).not.toMatch(/migrate[^\n]*log line/);
  });
});

describe('a preStop hook that holds termination', () => {
  test('its command, since when, SIGTERM and SIGKILL, and that an exec hook writes no container log', () => {
    const r = reportOf('prestop-holding');
    expect(r.holds?.preStop).toEqual([
      expect.objectContaining({
        container: 'app',
        hook: 'exec sleep 3600',
        since: '2026-11-30T17:11:35.000Z',
        sigtermBy: '2026-11-30T17:21:35.000Z',
        sigkillAt: '2026-11-30T17:21:35.000Z',
        sigkillLateSeconds: 2,
        gracePeriodSeconds: 600,
        outputInLog: false,
      }),
    ]);
    const t = text('prestop-holding');
    expect(t).toContain('container "app" runs its preStop hook (exec sleep 3600) since deletion was requested 4s ago');
    expect(t).toContain("an exec hook's output is not in the container's log");
    expect(r.verdict.summary).toContain("an exec hook's output is not in the container's log");
    expect(valid(validReport, r)).toEqual([]);
  });

  test('a pod without a preStop hook says nothing about hooks', () => {
    for (const name of ['deletion-held', 'standalone', 'failed-terminating']) {
      expect(reportOf(name).holds?.preStop).toBeUndefined();
      expect(text(name)).not.toMatch(/preStop|hook/i);
    }
  });
});

describe('start-up: where the time went, against the SLO', () => {
  test('a Ready pod with an init container and a real image pull', () => {
    const r = reportOf('startup-timeline');
    const s = r.startup!;
    expect(s.steps.map((x) => [x.step, x.seconds])).toEqual([
      ['scheduling', 0],
      ['sandbox', 0],
      ['init containers', 3],
      ['start', 1],
      ['readiness', 2],
    ]);
    expect(s.steps.reduce((n, x) => n + x.seconds, 0)).toBe(s.totalSeconds);
    expect(s).toMatchObject({ totalSeconds: 6, imagePullSeconds: 1, initContainerSeconds: 2, sloNote: null });
    // created 19:44:16, web started 19:44:20: 4s, less 1.041s of pull and 2s of init
    expect(s.slo).toMatchObject({ objectiveSeconds: 5, percentile: 99, measuredSeconds: 1, within: true });
    expect(s.slo?.doc).toBe(
      'https://github.com/kubernetes/community/blob/master/sig-scalability/slos/pod_startup_latency.md',
    );
    const t = text('startup-timeline');
    expect(t).toContain('Start-up (Ready 6s after creation)');
    expect(t).toContain(
      "1s from creation to all containers started, not counting image pulls (1s) and init containers (2s): within the 5s of Kubernetes' pod start-up SLO",
    );
    expect(valid(validReport, r)).toEqual([]);
  });

  test('no start-up section and no SLO words for a pod that never became Ready, or restarted', () => {
    for (const name of ['init-talking', 'image-missing', 'crashloop', 'readiness-failing', 'unschedulable-selector']) {
      expect(reportOf(name).startup).toBeUndefined();
      expect(text(name)).not.toMatch(/SLO|Start-up/);
    }
  });

  test("the kubelet's pull durations", () => {
    expect(goDurationMs('1.041s')).toBe(1041);
    expect(goDurationMs('523ms')).toBe(523);
    expect(goDurationMs('1m2.5s')).toBe(62_500);
    expect(goDurationMs('12')).toBeUndefined();
  });
});

describe('many pods: grouped by cause', () => {
  const fx = load('image-missing-many');
  const now = new Date(fx.capturedAt);
  const summaries = [fx, ...fx.neighbours!, load('crashloop'), load('standalone'), load('deployment')].map((f) =>
    summarizePod(normalizePod(f.pod), f.events.map(normalizeEvent), now),
  );

  test('three pods with the same missing image are one group; one-off failures and healthy pods are not grouped', () => {
    const groups = groupByCause(summaries);
    expect(groups).toEqual([
      {
        count: 3,
        severity: 'error',
        // the kubelet alternates the two codes for one missing image (b and c were between retries)
        code: 'ImagePullBackOff/ErrImagePull',
        cause: 'app: image registry.invalid/podlens/shared-missing:2.0 cannot be pulled',
        pods: ['shared-missing-a', 'shared-missing-b', 'shared-missing-c'].map((name) => ({
          namespace: 'nbr-time-fixtures',
          name,
        })),
        summary:
          '3 pods: ImagePullBackOff/ErrImagePull, app: image registry.invalid/podlens/shared-missing:2.0 cannot be pulled (nbr-time-fixtures/shared-missing-a, nbr-time-fixtures/shared-missing-b, nbr-time-fixtures/shared-missing-c)',
      },
    ]);
    expect(renderGroups(groups, { ...plain, width: 400 })).toBe(`${groups[0].summary}\n\n`);
    expect(renderGroups([], plain)).toBe('');
    // one namespace: names alone
    const [g] = groupByCause(summaries.slice(0, 3));
    expect(g.summary).toMatch(/\(shared-missing-a, shared-missing-b, shared-missing-c\)$/);
  });

  test('pods of several namespaces are named with their namespace; past three they are counted', () => {
    const many = [...summaries, ...summaries.slice(0, 3).map((s) => ({ ...s, namespace: 'other' }))];
    const [g] = groupByCause(many);
    expect(g.count).toBe(6);
    expect(g.summary).toMatch(
      /\(nbr-time-fixtures\/shared-missing-a, nbr-time-fixtures\/shared-missing-b, nbr-time-fixtures\/shared-missing-c and 3 more\)$/,
    );
  });
});

describe('watch: the last words of a container that fails', () => {
  test('the crash-loop stream gives one read per termination, however many updates show it', async () => {
    const snaps = podSnapshots(loadWatch('crashloop'));
    const reads: string[] = [];
    const out: Transition[] = [];
    const lw = new LastWords(
      async (pod, t) => {
        reads.push(`${t.container}:${t.previous}:${t.exitCode}`);
        return 'starting\nfatal: gave up\n';
      },
      () => new Date('2026-11-30T20:00:00Z'),
      { transitions: (ts) => out.push(...ts), note: () => {} },
    );
    for (const s of snaps) lw.seen(s.pod);
    await new Promise((r) => setTimeout(r, 10));
    const distinct = new Set(snaps.flatMap((s) => terminations(s.pod).map((t) => t.key)));
    expect(distinct.size).toBeGreaterThan(0);
    expect(reads).toHaveLength(distinct.size);
    expect(snaps.length).toBeGreaterThan(distinct.size); // more updates than terminations
    expect(out[0]).toMatchObject({
      change: 'last-words',
      lines: ['starting', 'fatal: gave up'],
      message: 'fatal: gave up',
    });
    for (const t of out) expect(valid(validLine, t)).toEqual([]);
  });

  test('failures present when the watch starts are history: not read', async () => {
    let reads = 0;
    const lw = new LastWords(
      async () => (reads++, ''),
      () => new Date(),
      { transitions: () => {}, note: () => {} },
    );
    const pod = normalizePod(load('crashloop').pod);
    lw.history(pod);
    lw.seen(pod);
    await new Promise((r) => setTimeout(r, 10));
    expect(reads).toBe(0);
  });

  test('without the right to read pods/log: one note, then no more reads', async () => {
    let reads = 0;
    const notes: string[] = [];
    const lw = new LastWords(
      async () => {
        reads++;
        throw new KubeApiError(403, { verb: 'get', resource: 'pods/log', namespace: 'ns', name: 'p' }, 'forbidden');
      },
      () => new Date(),
      { transitions: () => {}, note: (n) => notes.push(n) },
    );
    const snaps = podSnapshots(loadWatch('crashloop'));
    for (const s of snaps) lw.seen(s.pod);
    await new Promise((r) => setTimeout(r, 10));
    const before = reads; // the reads already in flight when the first 403 came back (at most 4)
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThanOrEqual(4);
    const later = normalizePod(load('crashloop').pod);
    lw.seen({ ...later, uid: 'another-pod' });
    await new Promise((r) => setTimeout(r, 10));
    expect(reads).toBe(before);
    expect(notes).toEqual([
      "podlens: no right to get pods/log in ns: failed containers' last log lines are not shown; `get pods/log` adds it",
    ]);
  });

  test('from the captured crash: the last line, and nothing invented when the log is empty or unreadable', () => {
    const fx = load('crashloop');
    const pod = normalizePod(fx.pod);
    const [t] = terminations(pod);
    expect(t).toMatchObject({ container: 'app', previous: true, exitCode: 3 });
    const lines = fx.logs[0].text.replace(/\n$/, '').split('\n');
    const said = lastWordsTransition(pod, t, { lines }, new Date(fx.capturedAt));
    expect(said.explanation).toBe(
      'container "app" (exit code 3, Error) last wrote: "starting app" / "fatal: config file /etc/app.conf not found"',
    );
    expect(lastWordsTransition(pod, t, { lines: [''] }, new Date()).explanation).toBe(
      'container "app" (exit code 3, Error) wrote nothing to its log',
    );
    const err = lastWordsTransition(
      pod,
      t,
      { lines: ['unable to retrieve container logs for containerd://abc'] },
      new Date(),
    );
    expect(err.lines).toEqual([]);
    expect(err.explanation).toMatch(/could not be read: unable to retrieve container logs/);
    // a pod whose containers all exited 0 has no last words
    expect(terminations(normalizePod(load('completed').pod))).toEqual([]);
  });

  test('a pod being deleted has no last words: its containers stop because they were told to', () => {
    const pod = normalizePod(load('failed-terminating').pod);
    expect(pod.deletionTimestamp).toBeDefined();
    expect(terminations(pod)).toEqual([]);
    // the same statuses without the deletion are a failed termination
    expect(terminations({ ...pod, deletionTimestamp: undefined })).not.toEqual([]);
  });
});
