// Hostile data from a real pod: its log, termination message, an Event about it, an env value and
// annotations carry a terminal-retitling OSC, a screen clear, carriage return, backspace, DEL, C1
// NEL and CSI, bidi overrides, zero-width characters and shell syntax. describe and watch in
// text mode must let no control byte (C0 but newline and tab, DEL, C1) and no raw bidi character through
// to stdout or stderr; -o json must keep the exact bytes.
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { apply, is, kubectlOk, pod, podlens, useNamespace, waitFor, waitForPod } from './support.js';
import { startWatch } from './watch-support.js';

const ns = useNamespace('hostile');
const MARK = `/tmp/podlens-hostile-${randomBytes(4).toString('hex')}`;
// What the container prints (busybox printf octal escapes: ESC, BEL, CR, BS, DEL, SOH, U+0085 and
// U+009B, U+202E and U+200B as UTF-8).
const PRINTF = `\\033]0;pwned\\007\\033[2J\\015\\010\\177\\001\\302\\205\\302\\233\\342\\200\\256evil\\342\\200\\213 $(touch ${MARK})`;
const EVIL = `\u001b]0;pwned\u0007\u001b[2J\r\b\u007f\u0001\u0085\u009b\u202eevil\u200b $(touch ${MARK})`;
const SHOWN = `\\x1b]0;pwned\\x07\\x1b[2J\\x0d\\x08\\x7f\\x01\\x85\\x9b\\u202eevil\\u200b $(touch ${MARK})`;
// Every C0 and C1 control character but newline and tab, bidi overrides and isolates, zero-width ones.

const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200f]/u;

const NAME = 'hostile';

beforeAll(async () => {
  await apply(
    pod(
      NAME,
      {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'app',
            image: 'busybox',
            env: [{ name: 'GREETING', value: EVIL }],
            command: ['sh', '-c', `printf '${PRINTF}\\n'; printf '${PRINTF}' > /dev/termination-log; exit 1`],
          },
        ],
      },
      { annotations: { note: EVIL } },
    ),
    ns.name,
  );
  await waitForPod(ns.name, NAME, is.terminated('app'), 'terminated');
}, 120_000);

async function createEvent(message: string): Promise<void> {
  const uid = (await kubectlOk(['-n', ns.name, 'get', 'pod', NAME, '-o', 'jsonpath={.metadata.uid}'])).trim();
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const event = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${NAME}.${randomBytes(4).toString('hex')}`, namespace: ns.name },
    involvedObject: { kind: 'Pod', name: NAME, namespace: ns.name, uid, apiVersion: 'v1' },
    reason: 'Hostile',
    message,
    type: 'Warning',
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: 'podlens-test' },
  };
  await kubectlOk(['create', '-f', '-'], { input: JSON.stringify(event) });
}

describe('hostile pod data (live)', () => {
  test('describe in text mode shows every escape visibly; nothing raw reaches stdout or stderr', async () => {
    await createEvent(`first ${EVIL}`);
    const r = await podlens(['describe', NAME, '-n', ns.name]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain(`| ${SHOWN}`); // the log line of the failed run
    expect(r.stdout).toContain(`first ${SHOWN}`); // the event message
    expect(r.stdout).toContain(SHOWN.slice(0, 20)); // the termination message, in the verdict
    expect(existsSync(MARK)).toBe(false);
  });

  test('describe -o json keeps the exact bytes of the termination message, log and event', async () => {
    const r = await podlens(['describe', NAME, '-n', ns.name, '-o', 'json']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW); // written as \u escapes ...
    const report = JSON.parse(r.stdout);
    const app = report.containers.find((c: { name: string }) => c.name === 'app');
    expect(app.log.lines).toContain(EVIL); // ... which parse back to the same bytes
    expect(report.events.map((e: { message: string }) => e.message)).toContain(`first ${EVIL}`);
    expect(JSON.stringify(report)).toContain(JSON.stringify(EVIL).slice(1, -1));
  });

  test('describe of several pods (the one-line view) shows no raw character', async () => {
    const r = await podlens(['describe', '-n', ns.name, '-l', 'app!=none']);
    expect(r.code).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(RAW);
  });

  test('watch in text mode: an event message arriving live is one visible line', async () => {
    const w = startWatch([NAME, '-n', ns.name]);
    try {
      await waitFor('the initial line', async () => (w.stdout().includes(NAME) ? true : undefined), 60_000, 200);
      await createEvent(`second\n12:00:00  ${NAME}  Ready -> True ${EVIL}`);
      await waitFor('the event line', async () => (w.stdout().includes('second') ? true : undefined), 60_000, 200);
      w.kill('SIGINT');
      expect(await w.exit).toBe(0);
    } finally {
      w.kill('SIGKILL');
    }
    const out = w.stdout() + w.stderr();
    expect(out).not.toMatch(RAW);
    const line = w
      .stdout()
      .split('\n')
      .find((l) => l.includes('second'))!;
    expect(line).toContain(`second\\x0a12:00:00  ${NAME}  Ready -> True ${SHOWN}`); // one line, not two
    expect(
      w
        .stdout()
        .split('\n')
        .filter((l) => l.startsWith('12:00:00')),
    ).toEqual([]);
  });

  test('watch -o ndjson keeps the exact bytes', async () => {
    const w = startWatch([NAME, '-n', ns.name, '-o', 'ndjson']);
    try {
      await w.until('initial', (l) => l.change === 'initial');
      await createEvent(`third ${EVIL}`);
      const line = await w.until('the event', (l) => l.change === 'event' && l.message?.startsWith('third'));
      expect(line.message).toBe(`third ${EVIL}`);
      expect(w.stdout()).not.toMatch(RAW);
    } finally {
      w.kill('SIGKILL');
    }
  });
});
