// The docs follow the convention test/live/docs.test.ts relies on (see test/docs.ts): every shown
// command is in a console block, the skip list is short, justified and current, and the shape
// comparison lets through what varies between runs but not a changed word.
import {
  allDocCommands,
  docPages,
  fencedBlocks,
  matchesLines,
  matchesShape,
  MAX_EXTRA_LINES,
  MAX_SKIPPED,
  shape,
  SKIPPED,
} from '../docs.js';

test('every shown command (a `$ ` line) is in a ```console block, so the live tier runs it', () => {
  const outside = docPages()
    .filter((p) => p !== 'CONTRIBUTING.md')
    .flatMap((p) => fencedBlocks(p).filter((b) => b.lang !== 'console' && b.lines.some((l) => l.startsWith('$ '))))
    .map((b) => `${b.page}:${b.line}`);
  expect(outside).toEqual([]);
});

test('a command that prints an error is followed by `$ echo $?`, so its exit code is shown and checked', () => {
  const cmds = allDocCommands();
  const unshown = cmds
    .filter((c, i) => c.output.some((l) => l.startsWith('error:')) && cmds[i + 1]?.command !== 'echo $?')
    .map((c) => `${c.page}:${c.line}`);
  expect(unshown).toEqual([]);
});

test('the skip list is short, every entry says why, and every entry is still shown in the docs', () => {
  const entries = Object.entries(SKIPPED);
  expect(entries.length).toBeLessThanOrEqual(MAX_SKIPPED);
  const shown = new Set(allDocCommands().map((c) => c.command));
  for (const [command, why] of entries) {
    expect(why).toMatch(/^kind: .{20,}/); // only the kind cluster's commands may be skipped
    expect(shown.has(command)).toBe(true);
  }
});

test('shape: times, ages, counts, ids, IPs, generated names, spacing and wrapping may differ', () => {
  const a = `Pod:   readme-demo/crasher
Age:   31s (created 2026-11-30T19:21:46.000Z)
  kube-api-access-jtzrt  projected
  f6be46e047aa  4208  RUNNING  net:[4026533166]  10.244.1.11
  Warning  BackOff    2s   x3     in pod crasher_readme-demo(d1d24b99-6612-4d94-bfa4-81d796f73591)`;
  const b = `Pod: readme-demo/crasher
Age: 1m2s (created 2026-12-01T01:02:03.000Z)
  kube-api-access-qjj4p    projected
  0b4e2c9a11d3  17  RUNNING
    net:[4026530001]  10.244.0.5
  Warning  BackOff  12m  x11  in pod crasher_readme-demo(74418268-1a89-4cdb-9045-d95facba1ee2)`;
  expect(shape(a)).toEqual(shape(b));
  expect(matchesShape(a.split('\n'), b)).toBe(true);
});

test('shape: a changed word, a missing or extra line, or another order is drift', () => {
  const shown = ['Verdict:    ERROR CrashLoopBackOff: container "crasher" keeps stopping', 'Phase:      Running'];
  expect(matchesShape(shown, shown.join('\n'))).toBe(true);
  expect(matchesShape(shown, 'Verdict:    ERROR Error: container "crasher" keeps stopping\nPhase: Running')).toBe(
    false,
  );
  expect(matchesShape(shown, shown[0])).toBe(false);
  expect(matchesShape(shown, `${shown.join('\n')}\nStatus: Error`)).toBe(false);
  expect(matchesShape(shown, `${shown[1]}\n${shown[0]}`)).toBe(false);
});

test('shape: a `...` line stands for lines left out, the shown parts still in order at start and end', () => {
  const shown = ['F1130 first line', '...', 'error: last line'];
  expect(matchesShape(shown, 'F1201 first line\nmore\nand more\nerror: last line')).toBe(true);
  expect(matchesShape(shown, 'F1201 first line\nerror: last line\ntrailing')).toBe(false);
  expect(matchesShape(shown, 'other first line\nerror: last line')).toBe(false);
});

test('lines in any order (watch): every shown line printed, at most MAX_EXTRA_LINES more', () => {
  const shown = ['10:00:01  web  created  - stored', '10:00:02  web  IP 10.0.0.1  - got an IP'];
  expect(matchesLines(shown, '10:05:02  web  IP 10.0.0.9  - got an IP\n10:05:01  web  created  - stored')).toBe(true);
  expect(matchesLines(shown, `${shown.join('\n')}\n10:00:03  web  init container a: running`)).toBe(true);
  expect(matchesLines(shown, '10:00:01  web  created  - stored')).toBe(false);
  expect(matchesLines(shown, '10:00:01  web  created  - kept\n10:00:02  web  IP 10.0.0.1  - got an IP')).toBe(false);
  const extra = Array.from({ length: MAX_EXTRA_LINES + 1 }, (_, i) => `10:00:0${i}  web  event X`);
  expect(matchesLines(shown, [...shown, ...extra].join('\n'))).toBe(false);
});

test('shape: generated hex suffixes match whether or not they happen to be all digits', () => {
  expect(shape('pod readme-demo/podlens-helper-vm-251157 and coredns-6677889911-x2b4c')).toEqual(
    shape('pod readme-demo/podlens-helper-vm-7415c4 and coredns-66bc5c9577-cxwl8'),
  );
});

test('shape: only the named timing clauses may be there or not', () => {
  const row = '+1s   20:05:37  sandbox and network ready      pause container holds IP 10.244.0.149';
  const late = `${row}; at the latest here, when the kubelet began with the containers; the condition was recorded 1s later`;
  expect(shape(late)).toEqual(shape(row));
  expect(shape(`${row}; the node was busy`)).not.toEqual(shape(row));
});
