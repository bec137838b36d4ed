// The text renderer of describe on captured pods: the one-line-per-pod view fits the width.
import { fitVerdict, renderSummaries } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';
import { FIXTURES, summaryOf } from './fixtures.js';

const plain = painter(false);

describe('several pods: one line each, verdicts shortened to the width', () => {
  const items = FIXTURES.map(summaryOf);

  test('at 100 columns (off a terminal) every line fits, unless severity and code alone do not', () => {
    const out = renderSummaries(items, false, { paint: plain, width: 100 });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(items.length + 1);
    items.forEach((s, i) => {
      const whole = `${s.verdict.severity.toUpperCase()} ${s.verdict.code}`;
      expect(lines[i + 1]).toContain(whole);
      if (lines[i + 1].length > 100) expect(lines[i + 1].endsWith(`  ${whole}`)).toBe(true);
    });
    expect(lines[0]).toBe('NAME                   READY  STATUS            RESTARTS  AGE  NODE    VERDICT');
    expect(lines.filter((l) => l.length > 100)).toEqual([
      'held                   0/1    Completed         0         9s   vm      WARNING DeletionHeldByFinalizers',
      'init-slow              0/1    Init:1/2          0         7s   vm      PROGRESSING ContainersNotInitialized',
    ]);
    expect(lines.filter((l) => /^(crasher|one-shot|init-fails|too-big) /.test(l))).toEqual([
      'one-shot               0/1    Completed         0         8s   vm      OK Completed: all containers…',
      'crasher                0/1    CrashLoopBackOff  1         7s   vm      ERROR CrashLoopBackOff',
      'init-fails             0/1    Init:Error        0         7s   vm      ERROR Error: init container…',
      'too-big                0/1    Pending           0         0s   <none>  ERROR Unschedulable: the sch…',
    ]);
  });

  test('three pods at 100 columns: the summaries are cut at a word with an ellipsis', () => {
    const three = ['crashloop', 'oomkilled', 'standalone'].map(summaryOf);
    expect(renderSummaries(three, false, { paint: plain, width: 100 })).toBe(
      [
        'NAME        READY  STATUS            RESTARTS  AGE  NODE  VERDICT',
        'crasher     0/1    CrashLoopBackOff  1         7s   vm    ERROR CrashLoopBackOff: container "app"…',
        'memory-hog  0/1    CrashLoopBackOff  2         32s  vm    ERROR OOMKilled: container "hog" keeps…',
        'nginx-pod   1/1    Running           0         5s   vm    OK Running: running and ready: 1/1…',
        '',
      ].join('\n'),
    );
  });

  test('a wide terminal shows more of the summary; the full text stays in the data', () => {
    const out = renderSummaries(items, false, { paint: plain, width: 400 });
    const crash = summaryOf('crashloop');
    expect(out).toContain(`ERROR CrashLoopBackOff: ${crash.verdict.summary}\n`);
  });

  test('colour does not count towards the width', () => {
    const three = ['crashloop', 'oomkilled', 'standalone'].map(summaryOf);
    const coloured = renderSummaries(three, false, { paint: painter(true), width: 100 });
    expect(coloured).toContain('\u001b[31mERROR\u001b[39m CrashLoopBackOff: container "app"…\n');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(renderSummaries(three, false, { paint: plain, width: 100 }));
  });

  test('fitVerdict cuts at a word, never inside severity or code', () => {
    expect(fitVerdict('ERROR', 'CrashLoopBackOff', 'container "app" keeps stopping: its last run exited', 50)).toEqual({
      severity: 'ERROR',
      rest: 'CrashLoopBackOff: container "app" keeps…',
    });
    expect(fitVerdict('OK', 'Running', 'short', 50)).toEqual({ severity: 'OK', rest: 'Running: short' });
    expect(fitVerdict('ERROR', 'CrashLoopBackOff', 'container "app" keeps stopping', 10)).toEqual({
      severity: 'ERROR',
      rest: 'CrashLoopBackOff',
    });
  });
});
