// The spinner on a terminal, coloured only when the one colour decision says so: an API server that
// takes the connection and never answers keeps podlens waiting (and its spinner turning) until
// --request-timeout. Needs no cluster; runs on a pseudo-terminal (test/live/pty.py).
import { createServer, type Server } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTerminal } from './pty.js';

const dir = mkdtempSync(join(tmpdir(), 'podlens-colour-'));
const file = join(dir, 'silent.kubeconfig');
let silent: Server;

beforeAll(async () => {
  silent = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as { port: number }).port;
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters: [{name: s, cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: not-a-secret}}]
contexts: [{name: s, context: {cluster: s, user: u}}]
current-context: s
`,
  );
});

afterAll(() => {
  silent?.close();
  rmSync(dir, { recursive: true, force: true });
});

const SGR = /\u001b\[[0-9;]*m/;
const FRAME = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/; // ora's dots

async function spinner(extra: string[], env: NodeJS.ProcessEnv) {
  const r = await onTerminal(['describe', 'x', '--request-timeout', '2s', ...extra], {
    env: { KUBECONFIG: file, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
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
    env: { KUBECONFIG: file, NO_COLOR: undefined },
    timeoutSeconds: 30,
  });
  expect(r.output).toMatch(FRAME);
  expect(r.output).not.toMatch(SGR);
}, 90_000);
