// The spinner on a terminal, coloured only when the one colour decision says so: an API server that
// takes the connection and never answers keeps podlens waiting (and its spinner turning) until
// --request-timeout. Needs no cluster; runs on a pseudo-terminal (test/live/pty.py).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTerminal } from './pty.js';
import { useSilentServer } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'podlens-colour-'));
const silent = useSilentServer(dir);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const SGR = /\u001b\[[0-9;]*m/;
const FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/; // ora's dots

async function spinner(extra: string[], env: NodeJS.ProcessEnv) {
  const r = await onTerminal(['describe', 'x', '--request-timeout', '2s', ...extra], {
    env: { KUBECONFIG: silent.kubeconfig, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
    timeoutSeconds: 30,
  });
  expect(r.code).toBe(1); // the request times out: one sentence, exit 1
  expect(r.output).toMatch(FRAME); // the spinner turned
  return r.output;
}

test('the spinner is coloured on a terminal by default, and not at all with NO_COLOR, FORCE_COLOR=0 or --color never', async () => {
  expect(await spinner([], {})).toMatch(SGR); // the test can see colour
  expect(await spinner([], { NO_COLOR: '1' })).not.toMatch(SGR);
  expect(await spinner([], { FORCE_COLOR: '0' })).not.toMatch(SGR);
  expect(await spinner(['--color=never'], {})).not.toMatch(SGR);
  expect(await spinner(['--color', 'never'], { FORCE_COLOR: '1' })).not.toMatch(SGR);
  // the flag before the command too
  const r = await onTerminal(['--color=never', 'describe', 'x', '--request-timeout', '2s'], {
    env: { KUBECONFIG: silent.kubeconfig, NO_COLOR: undefined },
    timeoutSeconds: 30,
  });
  expect(r.output).toMatch(FRAME);
  expect(r.output).not.toMatch(SGR);
}, 90_000);
