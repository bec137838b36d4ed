// The truth test (issue 10): every captured report, describe text and watch lines alike, is read
// against the pod's own status. A sentence the status contradicts fails the test, whichever fixture
// it appears in; each situation also lists what MUST be said, so dropping sentences cannot pass.
import { summarizePod } from '../../src/domain/describe.js';
import { diffPod, initialDraft } from '../../src/domain/transitions.js';
import { normalizeEvent, normalizePod } from '../../src/kube/normalize.js';
import { fitCause, renderReport, renderSummaries } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';
import { SITUATIONS, UNIVERSAL, missing, statusRules, timelineOrderError, violations } from '../fixtures/truth.js';
import { FIXTURES, load, reportOf, summaryOf } from './fixtures.js';
import { loadWatch, podSnapshots } from './watch-fixtures.js';

const plain = painter(false);

/** Everything a user reads about the fixture's pod: the report text and the watch lines. */
function texts(name: string): { report: string; watch: string } {
  const fx = load(name);
  const pod = normalizePod(fx.pod);
  const now = new Date(fx.capturedAt);
  const report = renderReport(reportOf(name), { paint: plain, width: 100_000 });
  const watch = [
    initialDraft(pod, now).explanation,
    ...diffPod(undefined, pod, { now, source: 'watch' }).map((t) => t.explanation),
  ].join('\n');
  return { report, watch };
}

describe.each(FIXTURES)('%s', (name) => {
  const fx = load(name);
  const rules = [...UNIVERSAL, ...statusRules(fx.pod, fx.events, fx.services)];

  test('no sentence of the report or the watch lines is contradicted by the pod status', () => {
    const { report, watch } = texts(name);
    expect(violations(report, rules)).toEqual([]);
    expect(violations(watch, rules)).toEqual([]);
  });

  test('the timeline puts the sandbox before the containers', () => {
    expect(timelineOrderError(reportOf(name).timeline.map((t) => t.event))).toBeUndefined();
  });

  const s = SITUATIONS[name];
  if (s) {
    test('what must be said is said, and what must not is not', () => {
      const { report } = texts(name);
      expect(missing(report, s.must)).toEqual([]);
      expect(
        violations(
          report,
          s.mustNot.map((re) => ({ why: 'listed', re })),
        ),
      ).toEqual([]);
    });
  }
  if (s?.line) {
    test('the many-pods VERDICT cell names the cause', () => {
      const v = summaryOf(name).verdict;
      const cell = `${v.severity.toUpperCase()} ${fitCause('', v.cause, 1000).rest}`;
      expect(cell).toMatch(s.line!);
    });
  }
});

test('every truth situation has a fixture', () => {
  expect(Object.keys(SITUATIONS).filter((k) => !FIXTURES.includes(k))).toEqual([]);
});

test('the host port holder is named in the many-pods view only when it is among the pods', () => {
  const fx = load('hostport-held');
  const pod = normalizePod(fx.pod);
  const events = fx.events.map(normalizeEvent);
  const now = new Date(fx.capturedAt);
  const holder = normalizePod(fx.neighbours![0].pod);
  expect(summarizePod(pod, events, now, [pod, holder]).verdict.cause).toBe('host port 38080 held by pod port-holder');
  expect(summarizePod(pod, events, now, [pod]).verdict.cause).toBe('host port 38080 free on no node');
  const out = renderSummaries([summarizePod(pod, events, now, [pod, holder])], false, { paint: plain, width: 200 });
  expect(out).toContain('ERROR host port 38080 held by pod port-holder');
});

// The captured watch streams: every line of every snapshot, against that snapshot's status.
describe.each(['completes', 'crashloop', 'init-to-ready-and-delete'])('watch stream %s', (name) => {
  test('no transition is contradicted by the status it comes from', () => {
    const fx = loadWatch(name);
    const now = new Date(fx.capturedAt);
    const raws = fx.podWatch.filter((l) => l.type !== 'BOOKMARK').map((l) => l.object);
    let held: ReturnType<typeof normalizePod> | undefined;
    const bad: string[] = [];
    podSnapshots(fx).forEach(({ pod }, i) => {
      const lines = diffPod(held, pod, { now, source: 'watch' }).map((t) => t.explanation);
      bad.push(...violations(lines.join('\n'), [...UNIVERSAL, ...statusRules(raws[i])]));
      held = pod;
    });
    expect(bad).toEqual([]);
  });
});
