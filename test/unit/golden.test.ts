// Golden text: what the describe, watch, pause and node renderers print for the captured fixtures,
// compared byte for byte with test/golden/. Time is fixed (each capture's own moment), so the files
// change only when the words or the layout do. After an intended change, regenerate and review the
// diff by eye:  UPDATE_GOLDEN=1 npm run test:unit -- test/unit/golden.test.ts && git diff test/golden
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPauseReport } from '../../src/domain/sandbox.js';
import { buildNodeReport } from '../../src/domain/sandbox-node.js';
import { renderReport, renderSummaries } from '../../src/render/describe-text.js';
import { renderNode, renderPause, type TextOptions } from '../../src/render/pause-text.js';
import { painter } from '../../src/render/terminal.js';
import { entryLines, transitionLine } from '../../src/render/watch-text.js';
import { arrange } from '../../src/watch/layout.js';
import { FIXTURES, SURROUNDINGS, reportOf, summaryOf } from './fixtures.js';
import { apiPod, nodePods, nodeSnapshot, podSnapshot } from './node-fixtures.js';
import { loadWatch, replay, replayEvents } from './watch-fixtures.js';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function expectGolden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 and review it by eye.`);
  const expected = readFileSync(path, 'utf8');
  // toBe shows the difference line by line; the byte comparison is the verdict.
  expect(actual).toBe(expected);
  expect(Buffer.compare(Buffer.from(actual), Buffer.from(expected))).toBe(0);
}

const plain = painter(false);
const colour = painter(true);

describe('describe', () => {
  test.each([...FIXTURES, ...SURROUNDINGS])('%s: the full report at 120 columns', (name) => {
    expectGolden(`describe/${name}.txt`, renderReport(reportOf(name), { paint: plain, width: 120 }));
  });

  test('a report in colour, at 80 columns (the terminal)', () => {
    expectGolden('describe/crashloop.colour-80.txt', renderReport(reportOf('crashloop'), { paint: colour, width: 80 }));
  });

  test('several pods, one line each, at 100 columns; with namespaces (-A)', () => {
    const items = FIXTURES.map(summaryOf);
    expectGolden('describe/summaries.txt', renderSummaries(items, false, { paint: plain, width: 100 }));
    expectGolden('describe/summaries-all-namespaces.txt', renderSummaries(items, true, { paint: colour, width: 140 }));
  });
});

describe('watch', () => {
  // The clock of the lines is UTC time of day, so the files do not depend on the machine's zone.
  const clock = (iso: string) => iso.slice(11, 19);
  test.each(['completes', 'crashloop', 'init-to-ready-and-delete'])('%s: the transitions of the capture', (name) => {
    const fx = loadWatch(name);
    const lines = [...replay(fx), ...replayEvents(fx)].map((t) =>
      transitionLine(t, { paint: plain, showNamespace: false, clock }),
    );
    expectGolden(`watch/${name}.txt`, lines.join('\n') + '\n');
  });

  test('with namespaces (-A), in colour', () => {
    const fx = loadWatch('crashloop');
    const lines = [...replay(fx), ...replayEvents(fx)].map((t) =>
      transitionLine(t, { paint: colour, showNamespace: true, clock }),
    );
    expectGolden('watch/crashloop.colour-all-namespaces.txt', lines.join('\n') + '\n');
  });

  test.each(['crashloop', 'init-to-ready-and-delete'])(
    '%s on an 80-column terminal: facts, then wrapped explanations',
    (name) => {
      const fx = loadWatch(name);
      const entries = arrange([...replay(fx), ...replayEvents(fx)], true);
      const lines = entries.flatMap((e) => entryLines(e, { paint: plain, showNamespace: false, clock }, 79));
      expectGolden(`watch/${name}.terminal-80.txt`, lines.join('\n') + '\n');
    },
  );
});

describe('pause and node', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const text = (o: Partial<TextOptions> = {}): TextOptions => ({
    paint: plain,
    width: 120,
    showCommands: false,
    wideIds: false,
    ...o,
  });

  test.each(['shared-network-pod', 'nginx-pod'])('pause %s', (name) => {
    const r = buildPauseReport(apiPod(name), podSnapshot(name), now);
    expectGolden(`pause/${name}.txt`, renderPause(r, text()));
  });

  test('pause with --show-commands --no-trunc, in colour', () => {
    const r = buildPauseReport(apiPod('shared-network-pod'), podSnapshot('shared-network-pod'), now);
    expectGolden(
      'pause/shared-network-pod.commands-wide-colour.txt',
      renderPause(r, text({ paint: colour, showCommands: true, wideIds: true })),
    );
  });

  test('node', () => {
    const r = buildNodeReport('vm', 'containerd://1.6.20', nodePods(), nodeSnapshot(), now);
    expectGolden('node/vm.txt', renderNode(r, text()));
    expectGolden('node/vm.commands-colour.txt', renderNode(r, text({ paint: colour, showCommands: true })));
  });
});
