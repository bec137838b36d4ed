// The text renderer of describe on captured pods: the one-line-per-pod view fits the width, and its
// VERDICT column starts with the cause (what differs between pods), not the STATUS word again.
import { fitCause, renderSummaries } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';
import { FIXTURES, summaryOf } from './fixtures.js';

const plain = painter(false);
const rowOf = (out: string, name: string) => out.split('\n').find((l) => l.startsWith(`${name} `))!;

describe('several pods: one line each, the cause first', () => {
  const items = FIXTURES.map(summaryOf);

  test('at 100 columns (off a terminal) every line fits, unless the severity and a few words do not', () => {
    const out = renderSummaries(items, false, { paint: plain, width: 100 });
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(items.length + 1);
    expect(lines[0]).toBe('NAME                   READY  STATUS                      RESTARTS  AGE  NODE    VERDICT');
    items.forEach((s, i) => expect(lines[i + 1]).toContain(s.verdict.severity.toUpperCase()));
    // Lines that overflow keep the severity and at most 12 characters of the cause.
    const at = lines[0].indexOf('VERDICT');
    for (const l of lines.filter((x) => x.length > 100))
      expect(l.slice(at).replace(/^[A-Z]+ /, '').length).toBeLessThanOrEqual(12);
    // Most fit; PROGRESSING (the longest severity) leaves the cause 9 columns, so those rows often do not.
    const overflowing = lines.filter((l) => l.length > 100);
    expect(overflowing.filter((l) => !l.includes('PROGRESSING')).length).toBeLessThan(items.length / 4);
    expect(overflowing.length).toBeLessThan(items.length / 2);
  });

  // What differs between pods that kubectl shows with the same STATUS (Pending, Init:..., Running).
  test.each([
    ['no-node', 'Pending', 'ERROR nodeSelector disktype=ssd-that-no-node-has matches no node'],
    ['too-big', 'Pending', 'ERROR cpu request 500 is 500 CPUs (500m meant?); memory request 1Ti fits no node'],
    ['cpu-typo', 'Pending', 'ERROR cpu request 640 is 640 CPUs (640m meant?)'],
    ['no-claim', 'Pending', 'ERROR PersistentVolumeClaim data-missing does not exist'],
    ['port-wanted', 'Pending', 'ERROR host port 38080 held by pod port-holder'],
    ['init-fails', 'Init:Error', 'ERROR init wait-db (1/2) exited with code 2'],
    ['init-slow', 'Init:1/2', 'PROGRESSING init wait-for-service (2/2) running for 3s'],
    ['init-forever', 'Init:1/2', 'WARNING init wait-forever has run 76s without exiting'],
    ['stubborn', 'Running', 'ERROR app killed by its failing liveness probe, ignores SIGTERM, 2 restarts'],
    ['two-servers', 'CrashLoopBackOff', 'ERROR web2: port 80 also declared by running sibling web'],
    ['slow-stop', 'Terminating', 'PROGRESSING preStop hook of app holds termination'],
    ['no-config-key', 'CreateContainerConfigError', 'ERROR env DB_URL: no key "db-url" in ConfigMap app-settings'],
    ['no-config-volume', 'ContainerCreating', 'ERROR volume config: configmap "app-config-missing" not found'],
    ['slow-start', 'Running', 'PROGRESSING app: startup probe not passed yet'],
  ])('%s (%s): %s', (name, status, verdict) => {
    const out = renderSummaries(items, false, { paint: plain, width: 200 });
    const row = rowOf(out, name);
    expect(row.split(/\s{2,}/)[2]).toBe(status);
    expect(row.endsWith(`  ${verdict}`)).toBe(true);
  });

  test('the VERDICT column never just repeats the STATUS column', () => {
    const out = renderSummaries(items, false, { paint: plain, width: 200 });
    for (const s of items) expect(rowOf(out, s.name)).not.toMatch(new RegExp(`[A-Z]+ ${s.status}$`));
  });

  test('three pods at 100 columns: the causes are cut at a word with an ellipsis', () => {
    const three = ['crashloop', 'oomkilled', 'standalone'].map(summaryOf);
    expect(renderSummaries(three, false, { paint: plain, width: 100 })).toBe(
      [
        'NAME        READY  STATUS            RESTARTS  AGE  NODE  VERDICT',
        'crasher     0/1    CrashLoopBackOff  1         7s   vm    ERROR app exits with code 3',
        'memory-hog  0/1    CrashLoopBackOff  2         32s  vm    ERROR hog killed for memory over its…',
        'nginx-pod   1/1    Running           0         5s   vm    OK running and ready',
        '',
      ].join('\n'),
    );
  });

  test('colour does not count towards the width', () => {
    const three = ['crashloop', 'oomkilled', 'standalone'].map(summaryOf);
    const coloured = renderSummaries(three, false, { paint: painter(true), width: 70 });
    expect(coloured).toContain('\u001b[31mERROR\u001b[39m app exits…\n');
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(renderSummaries(three, false, { paint: plain, width: 70 }));
  });

  test('fitCause cuts at a word (inside one only when 12 characters do not reach a space), never inside the severity', () => {
    expect(fitCause('ERROR', 'app exits with code 3: "fatal: config file not found"', 30)).toEqual({
      severity: 'ERROR',
      rest: 'app exits with code 3…',
    });
    expect(fitCause('OK', 'completed', 50)).toEqual({ severity: 'OK', rest: 'completed' });
    expect(fitCause('ERROR', 'nodeSelector disktype=ssd matches no node', 10)).toEqual({
      severity: 'ERROR',
      rest: 'nodeSelecto…',
    });
  });
});
