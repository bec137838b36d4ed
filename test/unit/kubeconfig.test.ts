// The kubeconfig loader, the proxy decision, the credential layer's once-per-lifetime rule and the
// redaction helper, on files written here (no cluster needed). The live counterparts (real plugins,
// real proxies, the live API server) are in test/live/kubeconfig.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { clientConfig } from '../../src/kube/client.js';
import { Transport } from '../../src/kube/transport.js';
import { Credentials } from '../../src/kube/credentials.js';
import { noProxyMatches, proxyFor } from '../../src/kube/proxy.js';
import { redact, registerSecret } from '../../src/redact.js';
import type { Io } from '../../src/render/terminal.js';
import { PLUGIN_EXEC } from './exec-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'podlens-kcu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const first = file(
  'first',
  `apiVersion: v1
clusters:
- name: shared
  cluster: {server: 'https://first.example:6443', certificate-authority: pki/ca.crt}
users:
- name: me
  user: {tokenFile: tokens/me, client-certificate: /abs/cert.pem}
contexts:
- name: work
  context: {cluster: shared, user: me, namespace: shop}
`,
);
const second = file(
  'sub-second',
  `apiVersion: v1
current-context: work
clusters:
- name: shared
  cluster: {server: 'https://second.example:6443'}
- name: only-second
  cluster: {server: 'https://only.example'}
users:
- name: me
  user: {token: second-token-should-lose}
contexts:
- name: work
  context: {cluster: only-second, user: me}
- name: play
  context: {cluster: only-second, user: nobody}
`,
);

describe('several files in $KUBECONFIG, merged as kubectl merges them', () => {
  test('the first file that defines a name wins; current-context from the first that sets it', () => {
    const c = loadKubeConfig({ env: { KUBECONFIG: `${first}:${second}` } });
    expect(c.context).toBe('work');
    expect(c.cluster.server).toBe('https://first.example:6443');
    expect(c.namespace).toBe('shop');
    expect(c.user.token).toBeUndefined();
    expect(c.files).toEqual([first, second]);
  });

  test('relative paths resolve against the file that holds them', () => {
    const c = loadKubeConfig({ env: { KUBECONFIG: `${first}:${second}` } });
    expect(c.cluster.caFile).toBe(join(dir, 'pki/ca.crt'));
    expect(c.user.tokenFile).toBe(join(dir, 'tokens/me'));
    expect(c.user.certFile).toBe('/abs/cert.pem');
  });

  test('a context only the later file defines is used from it; missing files are skipped', () => {
    const c = loadKubeConfig({ context: 'play', env: { KUBECONFIG: `${join(dir, 'nope')}:${second}:${first}` } });
    expect(c.cluster.server).toBe('https://only.example');
    expect(c.namespace).toBe('default');
  });

  test('--kubeconfig reads that one file', () => {
    expect(() => loadKubeConfig({ kubeconfig: first, env: { KUBECONFIG: second } })).toThrow(
      `the kubeconfig ${first} has no current context; pass --context NAME.`,
    );
  });

  test('an empty file is an empty config, not a TypeError', async () => {
    const empty = file('empty', '');
    let stderr = '';
    const io: Io = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, env: {} };
    const code = await main(['node', 'podlens', 'describe', 'x', '--kubeconfig', empty], io);
    expect({ code, stderr }).toEqual({
      code: 1,
      stderr: `error: the kubeconfig ${empty} has no current context; pass --context NAME.\n`,
    });
  });
});

describe('proxy decision (Go http.ProxyFromEnvironment, client-go proxy-url)', () => {
  const env = { HTTPS_PROXY: 'proxy.corp:3128', HTTP_PROXY: 'http://plain:80' };
  test.each([
    ['https://api.example:6443', undefined, env, 'http://proxy.corp:3128'],
    ['http://api.example:8080', undefined, env, 'http://plain:80'],
    ['https://127.0.0.1:6443', undefined, env, undefined],
    ['https://localhost:6443', undefined, env, undefined],
    ['https://api.example:6443', undefined, { https_proxy: 'http://lower:1' }, 'http://lower:1'],
    ['https://api.example:6443', undefined, { ...env, NO_PROXY: '.example' }, undefined],
    ['https://example:6443', undefined, { ...env, NO_PROXY: '.example' }, 'http://proxy.corp:3128'],
    ['https://a.b.example:6443', undefined, { ...env, NO_PROXY: 'b.example' }, undefined],
    ['https://10.1.2.3:6443', undefined, { ...env, no_proxy: '10.0.0.0/8' }, undefined],
    ['https://api.example:6443', undefined, { ...env, NO_PROXY: 'api.example:443' }, 'http://proxy.corp:3128'],
    ['https://api.example:6443', 'socks5://s:1080', { NO_PROXY: '*' }, 'socks5://s:1080'],
  ])('%s with proxy-url %s', (server, proxyUrl, e, want) => {
    expect(proxyFor(server, proxyUrl, e)).toBe(want);
  });

  test('NO_PROXY entries', () => {
    expect(noProxyMatches('*', 'x', '1')).toBe(true);
    expect(noProxyMatches('192.0.2.2', '192.0.2.2', '6443')).toBe(true);
    expect(noProxyMatches('*.corp', 'corp', '443')).toBe(false);
  });

  test('the client built from the kubeconfig uses the proxy agent (as the exec websockets do)', async () => {
    const kc = file(
      'remote',
      `apiVersion: v1
clusters: [{name: c, cluster: {server: 'https://api.example:6443'}}]
users: [{name: u, user: {token: abcdefgh12345}}]
contexts: [{name: t, context: {cluster: c, user: u}}]
current-context: t
`,
    );
    const { kc: client, proxy } = clientConfig(
      loadKubeConfig({ kubeconfig: kc }),
      { HTTPS_PROXY: 'http://127.0.0.1:3128' },
      false,
    );
    expect(proxy).toBe('http://127.0.0.1:3128');
    const opts: { agent?: unknown; headers?: Record<string, string> } = {};
    await client.applyToHTTPSOptions(opts);
    expect((opts.agent as object).constructor.name).toBe('HttpsProxyAgent');
    expect(opts.headers?.Authorization).toBe('Bearer abcdefgh12345');
  });

  test("podlens' own transport (every request and watch) takes the same proxy, credential and user entry", async () => {
    const kc = file(
      'transport',
      `apiVersion: v1
clusters: [{name: c, cluster: {server: 'https://api.example:6443', tls-server-name: api.internal}}]
users: [{name: u, user: {token: abcdefgh12345, as: alice}}]
contexts: [{name: t, context: {cluster: c, user: u}}]
current-context: t
`,
    );
    const loaded = loadKubeConfig({ kubeconfig: kc });
    const viaProxy = await new Transport(loaded, { HTTPS_PROXY: 'http://127.0.0.1:3128' }, false).prepare();
    expect(viaProxy.agent.constructor.name).toBe('HttpsProxyAgent');
    expect(viaProxy.headers).toEqual({ Authorization: 'Bearer abcdefgh12345', 'Impersonate-User': 'alice' });
    expect(viaProxy.servername).toBe('api.internal');
    const direct = await new Transport(
      loaded,
      { HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: 'api.example' },
      false,
    ).prepare();
    expect(direct.agent.constructor.name).toBe('Agent');
    const socks = await new Transport(loaded, { HTTPS_PROXY: 'socks5://127.0.0.1:1080' }, false).prepare();
    expect(socks.agent.constructor.name).toBe('SocksProxyAgent');
  });

  test('a certificate file the kubeconfig names but that is missing is one sentence naming it', () => {
    const kc = file(
      'missing-ca',
      `apiVersion: v1
clusters: [{name: c, cluster: {server: 'https://api.example:6443', certificate-authority: no-such-ca.crt}}]
users: [{name: u, user: {token: abcdefgh12345}}]
contexts: [{name: t, context: {cluster: c, user: u}}]
current-context: t
`,
    );
    expect(() => new Transport(loadKubeConfig({ kubeconfig: kc }), {}, false)).toThrow(
      /^cannot read \/.*no-such-ca\.crt, the certificate-authority the kubeconfig names: file does not exist\.$/,
    );
  });
});

describe('exec credentials: once per lifetime, never twice at once', () => {
  const exec = PLUGIN_EXEC;
  const cluster = { name: 'c', server: 'https://x', skipTLSVerify: false, disableCompression: false };

  function setup(expiryInMs?: number) {
    let now = 1_000_000;
    let runs = 0;
    let release: () => void = () => {};
    const creds = new Credentials({ name: 'u', exec }, cluster, {
      env: {},
      stdinIsTTY: false,
      now: () => now,
      runPlugin: () => {
        runs++;
        const n = runs;
        return new Promise((resolve) => {
          release = () =>
            resolve({ token: `token-number-${n}`, expiry: expiryInMs === undefined ? undefined : now + expiryInMs });
        });
      },
    });
    return {
      creds,
      runs: () => runs,
      release: () => release(),
      advance: (ms: number) => (now += ms),
    };
  }

  test('concurrent requests share one run; the credential is reused until it expires', async () => {
    const s = setup(60_000);
    const a = s.creds.get();
    const b = s.creds.get();
    s.release();
    expect((await a)?.token).toBe('token-number-1');
    expect(await b).toBe(await a);
    expect(s.runs()).toBe(1);
    s.advance(59_000);
    await s.creds.get();
    expect(s.runs()).toBe(1);
    s.advance(2_000);
    const c = s.creds.get();
    const d = s.creds.get();
    s.release();
    expect((await c)?.token).toBe('token-number-2');
    expect(await d).toBe(await c);
    expect(s.runs()).toBe(2);
  });

  test('a 401 makes the next request run the plugin again, once even for many 401s', async () => {
    const s = setup(undefined);
    const p = s.creds.get();
    s.release();
    const used = await p;
    expect(s.creds.unauthorized(used)).toBe(true);
    expect(s.creds.unauthorized(used)).toBe(true);
    const q = s.creds.get();
    const r = s.creds.get();
    s.release();
    expect((await q)?.token).toBe('token-number-2');
    expect(await r).toBe(await q);
    expect(s.runs()).toBe(2);
    // the first credential's 401 arriving late does not discard the second
    s.creds.unauthorized(used);
    await s.creds.get();
    expect(s.runs()).toBe(2);
  });

  test('a static token is not refreshable: a 401 is final', () => {
    const creds = new Credentials({ name: 'u', token: 'static-token-value' }, cluster, { env: {}, stdinIsTTY: false });
    expect(creds.unauthorized(undefined)).toBe(false);
    expect(creds.describe()).toBe('token');
  });

  test('a token in the kubeconfig wins over an exec plugin (client-go precedence)', () => {
    const creds = new Credentials({ name: 'u', token: 'x', exec }, cluster, { env: {}, stdinIsTTY: false });
    expect(creds.kind).toBe('token');
  });
});

describe('redaction', () => {
  test('registered secrets and token-shaped text never survive', () => {
    registerSecret('s3cr3t-token-value');
    expect(redact('got s3cr3t-token-value back')).toBe('got [redacted] back');
    expect(redact('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
    expect(redact('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln')).toBe('token [redacted]');
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe('[redacted]');
    expect(redact('pod "web" not found')).toBe('pod "web" not found');
  });
});

test('podlens config prints the choice as text, the credential by kind only', async () => {
  const kc = file(
    'text',
    `apiVersion: v1
clusters: [{name: c, cluster: {server: 'https://api.example:6443', proxy-url: 'http://user:pa55word@proxy:3128'}}]
users: [{name: u, user: {token: very-secret-token-123}}]
contexts: [{name: t, context: {cluster: c, user: u, namespace: shop}}]
current-context: t
`,
  );
  let stdout = '';
  const io: Io = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: () => true }, env: {} };
  expect(await main(['node', 'podlens', 'config', '--kubeconfig', kc], io)).toBe(0);
  expect(stdout).toBe(
    [
      'context:     t',
      'cluster:     c',
      'server:      https://api.example:6443',
      'user:        u',
      'namespace:   shop',
      'credentials: token',
      'proxy:       http://user:[redacted]@proxy:3128',
      `kubeconfig:  ${kc}`,
      '',
    ].join('\n'),
  );
});
