// Failures before and around the API: kubeconfig problems, unreachable and silent servers.
// These use the real adapter against files and sockets on this machine (no cluster needed).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import type { Io } from '../../src/render/terminal.js';

const dir = mkdtempSync(join(tmpdir(), 'podlens-kc-'));

function kubeconfig(server: string, extra = ''): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: ${server}
    insecure-skip-tls-verify: true
users:
- name: u
  user:
    token: not-a-real-token
contexts:
- name: main
  context: {cluster: c, user: u, namespace: shop}
current-context: main
${extra}`;
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
  };
  const code = await main(['node', 'podlens', ...args], io);
  return { code, stdout, stderr };
}

let silent: Server;
let silentPort = 0;
const sockets: import('node:net').Socket[] = [];
beforeAll(async () => {
  // Accepts connections and never answers: what a hung API server looks like.
  silent = createServer((sock) => sockets.push(sock));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  silentPort = (silent.address() as { port: number }).port;
});
afterAll(() => {
  sockets.forEach((s) => s.destroy());
  return new Promise<void>((r) => silent.close(() => r()));
});

describe('errors before the cluster answers', () => {
  test('a kubeconfig that does not exist', async () => {
    const r = await run(['describe', 'x', '--kubeconfig', join(dir, 'nope')]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: cannot read kubeconfig ${join(dir, 'nope')} (--kubeconfig): file does not exist.\n`,
    });
  });

  test('a malformed kubeconfig', async () => {
    const p = file('bad.yaml', 'clusters: [this is: not: yaml');
    const r = await run(['describe', 'x', '--kubeconfig', p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: kubeconfig ${p} is not valid: .+\\.\\n$`));
  });

  test('an unreadable kubeconfig (a directory)', async () => {
    const r = await run(['describe', 'x'], { KUBECONFIG: dir });
    expect(r.stderr).toBe(`error: cannot read kubeconfig ${dir} ($KUBECONFIG): it is a directory.\n`);
  });

  test('an unknown context lists the known ones', async () => {
    const p = file('ok.yaml', kubeconfig('https://127.0.0.1:1'));
    const r = await run(['describe', 'x', '--kubeconfig', p, '--context', 'prod']);
    expect(r).toMatchObject({
      code: 1,
      stderr: 'error: context "prod" is not in the kubeconfig; known contexts: main.\n',
    });
  });

  test('connection refused', async () => {
    const p = file('refused.yaml', kubeconfig('https://127.0.0.1:1'));
    const r = await run(['describe', 'x', '--kubeconfig', p]);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cannot reach the cluster at https://127.0.0.1:1: connection refused.\n',
    });
  });

  test('a server that never answers times out after --request-timeout', async () => {
    const p = file('silent.yaml', kubeconfig(`https://127.0.0.1:${silentPort}`));
    const t0 = Date.now();
    const r = await run(['describe', 'x', '--kubeconfig', p, '--request-timeout', '700ms']);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: the cluster at https://127.0.0.1:${silentPort} did not answer within 700ms (get pods/x); check that it is running and reachable, or raise --request-timeout.\n`,
    );
  });

  test('bad flag values are usage errors (exit 2)', async () => {
    const p = file('ok2.yaml', kubeconfig('https://127.0.0.1:1'));
    expect((await run(['describe', '-o', 'xml'])).code).toBe(2);
    expect(await run(['describe', 'x', '--kubeconfig', p, '--request-timeout', 'soon'])).toMatchObject({
      code: 2,
      stderr:
        'error: invalid value "soon" for --request-timeout: use a duration such as 10s, 1m or 500ms (0 for none).\n',
    });
    expect((await run(['describe', 'x', '-n', 'Bad_NS', '--kubeconfig', p])).stderr).toBe(
      'error: invalid namespace "Bad_NS": a namespace is lowercase letters, digits and \'-\', at most 63 characters.\n',
    );
    expect((await run(['describe', 'x', '-A'])).code).toBe(2);
    expect((await run(['describe', 'foo/bar'])).stderr).toBe(
      'error: cannot describe "foo/bar": use a pod name, or deploy/NAME, rs/NAME, job/NAME, sts/NAME or ds/NAME.\n',
    );
    expect((await run(['describe', '--bogus'])).code).toBe(2);
  });
});
