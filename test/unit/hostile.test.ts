// Hostile cluster data on captured pods: escape sequences, bidi overrides and shell syntax injected
// into the captured JSON (termination message, log, event message, image, owner, node), then
// rendered as describe and watch render them. Text shows them as visible escapes; data keeps them exact.
import { execFileSync } from 'node:child_process';
import { load as loadYaml } from 'js-yaml';
import { describePod, summarizePod } from '../../src/domain/describe.js';
import type { ContainerLog } from '../../src/domain/model.js';
import { shellCommand, shellQuote } from '../../src/domain/shell.js';
import { normalizeEvent, normalizePod } from '../../src/kube/normalize.js';
import { renderData } from '../../src/render/data.js';
import { renderReport, renderSummaries } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';
import { visible } from '../../src/render/visible.js';
import { transitionLine } from '../../src/render/watch-text.js';
import { load } from './fixtures.js';
import { loadWatch, replay, replayEvents } from './watch-fixtures.js';

const TITLE = '\u001b]0;pwned\u0007'; // OSC: retitles the terminal
const CLEAR = '\u001b[2J'; // CSI: clears the screen
const RLO = '\u202e'; // right-to-left override
const ISOLATE = '\u2066'; // left-to-right isolate
const ZWSP = '\u200b';
const C1_CSI = '\u009b'; // the 8-bit CSI some terminals obey
const SHELL = '$(touch /tmp/x)';
const EVIL = `${TITLE}${CLEAR}${RLO}gnp.exe${ISOLATE}${ZWSP}${C1_CSI}31m ${SHELL}\u007f`;

// Every raw character that must not reach a terminal from the cluster (our own colours are off here).
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/* eslint-disable @typescript-eslint/no-explicit-any */
function poisoned(name: string): { pod: any; events: any[]; logs: ContainerLog[]; now: Date } {
  const fx = load(name);
  const pod = structuredClone(fx.pod);
  pod.spec.nodeName = `vm${RLO}`;
  pod.metadata.ownerReferences = [
    { kind: 'ReplicaSet', name: `web${TITLE}`, uid: 'u-1', controller: true, apiVersion: 'apps/v1' },
  ];
  for (const s of pod.status.containerStatuses) {
    s.image = `busybox${CLEAR}`;
    s.lastState = {
      terminated: { exitCode: 3, reason: 'Error', message: `multi\nline\t${EVIL}`, finishedAt: '2026-11-25T20:45:15Z' },
    };
    if (s.state.waiting) s.state.waiting.message = `back-off ${EVIL}`;
  }
  pod.spec.containers[0].image = `busybox${CLEAR}`;
  pod.spec.containers[0].command = ['sh', '-c', `echo ${EVIL}`];
  const events = fx.events.map((e: any) => ({ ...e, message: `${e.message} ${EVIL}` }));
  const logs = fx.logs.map((l) => ({
    container: l.container,
    previous: l.previous,
    lines: `${l.text}${EVIL}\n`.replace(/\n$/, '').split('\n'),
  }));
  return { pod, events, logs, now: new Date(fx.capturedAt) };
}

function reportOfPoisoned(name: string, kubectlArgs: string[] = []) {
  const p = poisoned(name);
  return describePod({
    pod: normalizePod(p.pod),
    events: p.events.map(normalizeEvent),
    logs: p.logs,
    now: p.now,
    commands: { kubectlArgs },
  });
}

describe('visible(): what a terminal would act on or hide becomes an escape', () => {
  test('control characters, DEL, C1, bidi and zero-width characters', () => {
    expect(visible(EVIL)).toBe('\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.exe\\u2066\\u200b\\x9b31m $(touch /tmp/x)\\x7f');
    expect(visible('a\u2028b\ufeffc\u{e0041}')).toBe('a\\u2028b\\ufeffc\\u{e0041}');
  });

  test('newlines and tabs stay in multi-line text; one-line output escapes them too', () => {
    expect(visible('one\n\ttwo\r')).toBe('one\n\ttwo\\x0d');
    expect(visible('one\n\ttwo', { oneLine: true })).toBe('one\\x0a\\x09two');
  });

  test('ordinary text, accents and emoji are left alone', () => {
    const s = 'Back-off pulling image "café/app:1.0" ✔ 日本語 🙂';
    expect(visible(s)).toBe(s);
  });
});

describe('describe on a captured pod with hostile data', () => {
  const report = reportOfPoisoned('crashloop');

  test('the text report carries no raw control or bidi character, and shows each one escaped', () => {
    const text = renderReport(report, { paint: painter(false), width: 120 });
    expect(text).not.toMatch(RAW);
    expect(text).toContain('\\x1b]0;pwned\\x07'); // the termination message / log line, visible
    expect(text).toContain('busybox\\x1b[2J'); // the image
    expect(text).toContain('vm\\u202e'); // the node
    expect(text).toContain('ReplicaSet/web\\x1b]0;pwned\\x07'); // the owner
    expect(text).toMatch(/\| .*\\u202egnp\.exe\\u2066\\u200b\\x9b31m \$\(touch \/tmp\/x\)\\x7f/); // the log line
  });

  test('with colour on, the only escape sequences are podlens’ own SGR colours', () => {
    const text = renderReport(report, { paint: painter(true), width: 120 });
    const ours = text.replace(/\u001b\[\d+m/g, '');
    expect(ours).not.toMatch(RAW);
  });

  test('the one-line-per-pod view too', () => {
    const p = poisoned('crashloop');
    const s = summarizePod(normalizePod(p.pod), p.events.map(normalizeEvent), p.now);
    const text = renderSummaries([s, { ...s, name: `b${TITLE}` }], true, { paint: painter(false), width: 200 });
    expect(text).not.toMatch(RAW);
    expect(text).toContain('b\\x1b]0;pwned\\x07');
  });

  test('-o json and -o yaml keep the data exact, with the characters written as escapes', async () => {
    const json = await renderData(report, 'json');
    expect(json).not.toMatch(RAW);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(json).toContain('\\u001b]0;pwned\\u0007');
    expect(json).toContain('\\u202egnp.exe');
    const yaml = await renderData(report, 'yaml');
    expect(yaml).not.toMatch(RAW);
    expect(loadYaml(yaml)).toEqual(JSON.parse(JSON.stringify(report)));
  });

  test('yaml of data without such characters is unchanged (not every string quoted)', async () => {
    const yaml = await renderData({ a: 'plain', b: 'x\u001by' }, 'yaml');
    expect(yaml).toBe('a: plain\nb: "x\\ey"\n');
  });
});

describe('watch lines on a captured stream with hostile data', () => {
  test('each transition is one line, with no raw control or bidi character', () => {
    const fx = structuredClone(loadWatch('crashloop'));
    for (const l of fx.podWatch)
      for (const s of l.object?.status?.containerStatuses ?? [])
        if (s.state?.terminated) s.state.terminated.message = `bye\n${EVIL}`;
    for (const l of fx.eventWatch) if (l.object?.message) l.object.message = `${l.object.message}\n${EVIL}`;
    const ts = [...replay(fx), ...replayEvents(fx)];
    const lines = ts.map((t) => transitionLine(t, { paint: painter(false), showNamespace: true, clock: () => 'T' }));
    const events = lines.filter((l) => l.includes(' event '));
    expect(events.length).toBeGreaterThan(0);
    for (const l of lines) {
      expect(l).not.toMatch(RAW);
      expect(l).not.toContain('\n'); // a message cannot start a line that looks like a transition
    }
    expect(events[0]).toContain('\\x0a\\x1b]0;pwned\\x07\\x1b[2J\\u202egnp.exe');
  });
});

describe('Next steps: every argument shell-quoted by the one helper', () => {
  // A shell reads the command back: the arguments must be exactly those podlens meant.
  const argvOf = (cmd: string): string[] =>
    execFileSync('sh', ['-c', 'eval "set -- $1"; printf "%s\\0" "$@"', 'sh', cmd.replace(/^kubectl /, '')], {
      encoding: 'utf8',
    })
      .split('\0')
      .slice(0, -1);

  test('a kubeconfig path with a space and a context name with shell syntax stay one argument each', () => {
    const kubeconfig = "/tmp/my configs/kube 'prod' config";
    const context = `ctx ${SHELL}; rm -rf ~`;
    const r = reportOfPoisoned('crashloop', ['--kubeconfig', kubeconfig, '--context', context]);
    const logs = r.nextSteps[0].command;
    expect(logs).toBe(
      `kubectl --kubeconfig '/tmp/my configs/kube '\\''prod'\\'' config' --context 'ctx $(touch /tmp/x); rm -rf ~' -n podlens-fixtures logs crasher -c app --previous`,
    );
    for (const step of r.nextSteps) {
      const argv = argvOf(step.command);
      expect(argv.slice(0, 4)).toEqual(['--kubeconfig', kubeconfig, '--context', context]);
    }
    const jsonpath = reportOfPoisoned('image-missing').nextSteps.find((s) => s.command.includes('jsonpath'))!;
    expect(argvOf(jsonpath.command)).toContain(
      'jsonpath={range .spec.containers[*]}{.name}{"\\t"}{.image}{"\\n"}{end}',
    );
  });

  test('shellQuote leaves safe words bare and quotes the rest', () => {
    expect(shellQuote('involvedObject.name=web-1')).toBe('involvedObject.name=web-1');
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellCommand(['echo', '', 'a b'])).toBe(`echo '' 'a b'`);
  });
});
