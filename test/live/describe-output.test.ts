// describe's outputs as kubectl users type them, run as a subprocess through a pipe (and on a
// pseudo-terminal for colour): -o wide|name|jsonpath=, --no-headers, --no-trunc, compared with what
// kubectl itself says about the same pods; and colour: --color, NO_COLOR, FORCE_COLOR, what must not
// appear (no escape byte through a pipe, no colour code on a terminal) as well as what must.
import { onTerminal } from './pty.js';
import { apply, is, kubectl, kubectlOk, pod, podlens, useNamespace, waitForPod, type RunResult } from './support.js';

const ns = useNamespace('out15-describe-output');
const sleeper = (name: string, labels: Record<string, string>, spec: Record<string, unknown> = {}) =>
  pod(name, { containers: [{ name: 'app', image: 'busybox', command: ['sleep', '3600'] }], ...spec }, { labels });
// A pod no node can take, whose cause names its long nodeSelector: longer than 100 columns' VERDICT.
const LONG = 'podlens.out15.example/a-label-key-long-enough-to-overflow';

beforeAll(async () => {
  await apply(
    [
      sleeper('alpha', { app: 'pair' }),
      sleeper('beta', { app: 'pair' }),
      sleeper('picky', { app: 'picky' }, { nodeSelector: { [LONG]: 'a-value-no-node-has-anywhere-at-all' } }),
    ],
    ns.name,
  );
  await Promise.all(['alpha', 'beta'].map((n) => waitForPod(ns.name, n, is.running('app'))));
}, 120_000);

const ESC = '\u001b';
const SGR = /\u001b\[[0-9;]*m/; // a colour (or bold) code

async function describe(args: string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  const r = await podlens(['describe', '-n', ns.name, ...args], { env });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r;
}

test('-o name: pod/NAME per pod, exactly as kubectl get -o name; one pod named gives its one line', async () => {
  const kubectl = await kubectlOk(['-n', ns.name, 'get', 'pods', '-l', 'app=pair', '-o', 'name']);
  expect((await describe(['-l', 'app=pair', '-o', 'name'])).stdout).toBe(kubectl);
  expect(kubectl).toBe('pod/alpha\npod/beta\n');
  expect((await describe(['alpha', '-o', 'name'])).stdout).toBe('pod/alpha\n');
  expect((await describe(['-l', 'app=pair', '--full', '-o', 'name'])).stdout).toBe(kubectl);
});

test('-o jsonpath=: kubectl templates over the document -o json prints', async () => {
  const names = await kubectlOk([
    '-n',
    ns.name,
    'get',
    'pods',
    '-l',
    'app=pair',
    '-o',
    'jsonpath={.items[*].metadata.name}',
  ]);
  expect((await describe(['-l', 'app=pair', '-o', 'jsonpath={.items[*].name}'])).stdout).toBe(names);
  const json = JSON.parse((await describe(['-l', 'app=pair', '-o', 'json'])).stdout) as {
    items: { name: string; podIP: string; verdict: { code: string } }[];
  };
  const range = await describe([
    '-l',
    'app=pair',
    '-o',
    'jsonpath={range .items[*]}{.name}{"\\t"}{.verdict.code}{"\\n"}{end}',
  ]);
  expect(range.stdout).toBe(json.items.map((i) => `${i.name}\t${i.verdict.code}\n`).join(''));
  // one pod named: its report, so the paths start at the report
  const ip = await kubectlOk(['-n', ns.name, 'get', 'pod', 'alpha', '-o', 'jsonpath={.status.podIP}']);
  expect((await describe(['alpha', '-o=jsonpath={.pod.podIP}'])).stdout).toBe(ip);
  expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
});

test('a malformed template is a usage error: one sentence, exit 2, nothing on stdout', async () => {
  for (const [template, says] of [
    ['jsonpath={.items[', 'invalid -o jsonpath template: the { at 1 is not closed.'],
    ['jsonpath={range .items[*]}{.name}', 'invalid -o jsonpath template: a {range ...} has no {end}.'],
  ]) {
    const r = await podlens(['describe', '-n', ns.name, '-l', 'app=pair', '-o', template]);
    expect(r).toEqual({ code: 2, stdout: '', stderr: `error: ${says}\n` });
  }
  const bare = await podlens(['describe', '-n', ns.name, '-o', 'jsonpath']);
  expect(bare.code).toBe(2);
  expect(bare.stderr).toMatch(/^error: .*jsonpath needs a template/);
  expect(bare.stderr).not.toMatch(/\n\s+at /); // no stack trace
});

test('an index past the end of a list: kubectl errors, and so does podlens, in one sentence and exit 2', async () => {
  const template = 'jsonpath={.items[5].metadata.name}';
  const k = await kubectl(['-n', ns.name, 'get', 'pods', '-l', 'app=pair', '-o', template]);
  expect(k.code).not.toBe(0);
  expect(k.stderr).toContain('array index out of bounds: index 5, length 2');
  const r = await podlens(['describe', '-n', ns.name, '-l', 'app=pair', '-o', 'jsonpath={.items[5].name}']);
  expect(r).toEqual({
    code: 2,
    stdout: '',
    stderr: 'error: error executing jsonpath "{.items[5].name}": array index out of bounds: index 5, length 2.\n',
  });
  // what is in range still prints; an empty range is nothing, as in kubectl
  expect((await describe(['-l', 'app=pair', '-o', 'jsonpath={.items[1].name}'])).stdout).toBe('beta');
  expect((await describe(['-l', 'app=pair', '-o', 'jsonpath={.items[2:].name}'])).stdout).toBe('');
});

test('-o wide: IP, OWNER and CODE beside the usual columns, the IP as kubectl reports it', async () => {
  const out = (await describe(['-l', 'app=pair', '-o', 'wide'])).stdout;
  const [head, ...rows] = out.trimEnd().split('\n');
  expect(head.split(/\s{2,}/)).toEqual([
    'NAME',
    'READY',
    'STATUS',
    'RESTARTS',
    'AGE',
    'IP',
    'NODE',
    'OWNER',
    'CODE',
    'VERDICT',
  ]);
  const ips = (
    await kubectlOk(['-n', ns.name, 'get', 'pods', '-l', 'app=pair', '-o', 'jsonpath={.items[*].status.podIP}'])
  ).split(' ');
  expect(rows.map((r) => r.split(/\s{2,}/)[5])).toEqual(ips);
  expect(rows.map((r) => r.split(/\s{2,}/)[7])).toEqual(['<none>', '<none>']); // no controller owns them
  const plain = (await describe(['-l', 'app=pair'])).stdout;
  expect(plain.split('\n')[0]).not.toMatch(/\bIP\b|OWNER|CODE/);
  // one pod named: its full report, -o wide or not
  const report = await describe(['alpha', '-o', 'wide']);
  expect(report.stdout).not.toMatch(/^NAME\s+READY/m);
  expect(report.stdout).toMatch(/^Verdict:/m);
});

test('--no-headers: the rows only; --no-trunc: the whole cause where the table would cut it', async () => {
  const rows = (await describe(['-l', 'app=pair', '--no-headers'])).stdout;
  expect(rows).not.toMatch(/NAME|READY|VERDICT/);
  expect(
    rows
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]),
  ).toEqual(['alpha', 'beta']);
  const cause = (
    JSON.parse((await describe(['-l', 'app=picky', '-o', 'json'])).stdout) as {
      items: { verdict: { cause: string } }[];
    }
  ).items[0].verdict.cause;
  const cut = (await describe(['-l', 'app=picky'])).stdout; // 100 columns off a terminal
  expect(cause).toContain(LONG); // the cause is longer than the room the table leaves it ...
  expect(cut).toContain('…'); // ... so the table cuts it
  expect(cut).not.toContain(cause);
  const whole = (await describe(['-l', 'app=picky', '--no-trunc', '--no-headers'])).stdout;
  expect(whole.trimEnd().endsWith(`ERROR ${cause}`)).toBe(true); // the cause as -o json has it, to its end
});

test('colour through a pipe: none by default or with NO_COLOR; --color always and FORCE_COLOR add it; the flag wins', async () => {
  const unset = { NO_COLOR: undefined, FORCE_COLOR: undefined };
  const args = ['-l', 'app=pair'];
  expect((await describe(args, unset)).stdout).not.toContain(ESC);
  expect((await describe(args, { ...unset, NO_COLOR: '1' })).stdout).not.toContain(ESC);
  expect((await describe([...args, '--color', 'always'], { ...unset, NO_COLOR: '1' })).stdout).toMatch(SGR);
  expect((await describe(args, { ...unset, FORCE_COLOR: '1' })).stdout).toMatch(SGR);
  expect((await describe(args, { ...unset, FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toContain(ESC);
  expect((await describe([...args, '--color=never'], { ...unset, FORCE_COLOR: '1' })).stdout).not.toContain(ESC);
  // before the command, like kubectl's global flags
  const before = await podlens(['--color=always', 'describe', '-n', ns.name, ...args], { env: unset });
  expect(before).toMatchObject({ code: 0, stderr: '' });
  expect(before.stdout).toMatch(SGR);
  // machine output is never coloured, even when asked
  expect((await describe([...args, '-o', 'json', '--color', 'always'], unset)).stdout).not.toContain(ESC);
  const bad = await podlens(['describe', '--color', 'sometimes'], { env: unset });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("argument 'sometimes' is invalid. Allowed choices are auto, always, never.");
});

test('colour on a terminal: on by default, and no colour code at all with --color=never or NO_COLOR (spinner and live area included)', async () => {
  const unset = { NO_COLOR: undefined, FORCE_COLOR: undefined };
  const args = ['describe', '-n', ns.name, '-l', 'app=pair'];
  expect((await onTerminal(args, { env: unset })).output).toMatch(SGR); // the test can see colour
  for (const [extra, env] of [
    [['--color=never'], unset],
    [[], { ...unset, NO_COLOR: '1' }],
    [['--color', 'never'], { ...unset, FORCE_COLOR: '3' }],
  ] as const) {
    const r = await onTerminal([...args, ...extra], { env });
    expect(r.code).toBe(0);
    expect(r.output).toContain('alpha');
    expect(r.output).not.toMatch(SGR);
  }
  // watch's live area (a mark for a ready pod, spinner frames for others) and its lines
  const watch = ['watch', '-n', ns.name, 'alpha', '--until', 'ready'];
  expect((await onTerminal(watch, { env: unset })).output).toMatch(SGR);
  const never = await onTerminal([...watch, '--color=never'], { env: unset });
  expect(never.code).toBe(0);
  expect(never.output).toContain('alpha');
  expect(never.output).not.toMatch(SGR);
}, 90_000);
