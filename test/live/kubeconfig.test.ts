// Kubeconfigs as clouds write them, against the live cluster, with podlens run as a subprocess
// through pipes. The exec plugins are small shell scripts standing in for `aws eks get-token`,
// gke-gcloud-auth-plugin and kubelogin: they mint the live cluster's real credentials (a
// ServiceAccount token from `kubectl create token`, or the admin client certificate) and log each
// run (start and end) to a file, which proves one run per credential lifetime and never two at once.
// Each case compares podlens' choice of context, cluster, user and namespace (`podlens config -o
// json`) with `kubectl config view --minify`.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, apply, kubectl, kubectlOk, pod, podlens, run, sleep, useNamespace, waitFor } from './support.js';

const ns = useNamespace('creds');
const V1BETA1 = 'client.authentication.k8s.io/v1beta1';
let dir = '';
let server = '';
let caData = '';
let token = '';
const binding = `podlens-creds-${process.pid}`;
const PKI = '/var/lib/podlens-cluster/pki';

interface PluginOptions {
  /** token: the ServiceAccount token; cert: the admin client certificate and key. */
  mint?: 'token' | 'cert';
  ttlSeconds?: number;
  /** The first run returns a token the API server rejects (401). */
  badFirst?: boolean;
  /** A line for stderr, as a device-code login prints it. */
  prompt?: string;
  /** Read a line from stdin when it is a terminal, and fail unless it is this. */
  expectInput?: string;
  fail?: string;
}

/** Writes an exec plugin script named `name` into dir/bin; its runs are logged to dir/NAME.log. */
function plugin(name: string, o: PluginOptions = {}): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const log = join(dir, `${name}.log`);
  rmSync(log, { force: true });
  const status =
    o.mint === 'cert'
      ? `jq -cn --rawfile c ${PKI}/admin.crt --rawfile k ${PKI}/admin.key --arg e "$exp" '{apiVersion:"${V1BETA1}",kind:"ExecCredential",status:{clientCertificateData:$c,clientKeyData:$k,expirationTimestamp:$e}}'`
      : `jq -cn --arg t "$tok" --arg e "$exp" '{apiVersion:"${V1BETA1}",kind:"ExecCredential",status:{token:$t,expirationTimestamp:$e}}'`;
  const script = `#!/bin/sh
echo "start $$" >> ${log}
n=$(grep -c start ${log})
printf '%s\\n' "$KUBERNETES_EXEC_INFO" > ${log}.info
printf '%s\\n' "$*" > ${log}.args
printf '%s\\n' "\${AWS_PROFILE:-}" > ${log}.env
${o.prompt ? `echo '${o.prompt}' >&2` : ''}
${o.expectInput ? `if [ -t 0 ]; then read code; else code=none; fi; [ "$code" = '${o.expectInput}' ] || { echo "wrong code: $code" >&2; exit 7; }` : ''}
${o.fail ? `echo '${o.fail}' >&2; echo "end $$" >> ${log}; exit 1` : ''}
sleep 0.3
tok=$(cat ${dir}/sa.token)
${o.badFirst ? `[ "$n" = 1 ] && tok=not-a-valid-token-podlens-test` : ''}
exp=$(date -u -d "+${o.ttlSeconds ?? 3600} seconds" +%Y-%m-%dT%H:%M:%SZ)
${status}
echo "end $$" >> ${log}
`;
  const file = join(bin, name);
  writeFileSync(file, script);
  chmodSync(file, 0o755);
  return log;
}

/** The plugin's runs: how many, and whether any two overlapped. */
function runs(log: string): { count: number; overlapped: boolean } {
  const lines = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : [];
  let open = 0;
  let overlapped = false;
  for (const l of lines) {
    open += l.startsWith('start') ? 1 : -1;
    if (open > 1) overlapped = true;
  }
  return { count: lines.filter((l) => l.startsWith('start')).length, overlapped };
}

const withPath = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
  ...extra,
});

function writeFile(name: string, text: string): string {
  const f = join(dir, name);
  mkdirSync(join(f, '..'), { recursive: true });
  writeFileSync(f, text);
  return f;
}

/** podlens' choice and kubectl's, as {context, cluster, user, namespace}. */
async function choices(env: NodeJS.ProcessEnv, args: string[] = []) {
  const p = await podlens(['config', '-o', 'json', ...args], { env });
  expect(p.stderr).toBe('');
  const mine = JSON.parse(p.stdout);
  const k = JSON.parse(
    await kubectlOk(['config', 'view', '--minify', '-o', 'json', ...args], {
      env: { ...env, KUBECONFIG: env.KUBECONFIG },
    }),
  );
  return {
    podlens: { context: mine.context, cluster: mine.cluster, user: mine.user, namespace: mine.namespace },
    kubectl: {
      context: k['current-context'],
      cluster: k.clusters[0].name,
      user: k.users[0].name,
      namespace: k.contexts[0].context.namespace ?? 'default',
    },
    credentials: mine.credentials as string,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'podlens-creds-'));
  const raw = JSON.parse(await kubectlOk(['config', 'view', '--minify', '--raw', '-o', 'json']));
  server = raw.clusters[0].cluster.server;
  caData = raw.clusters[0].cluster['certificate-authority-data'];
  await kubectlOk(['-n', ns.name, 'create', 'serviceaccount', 'creds']);
  await kubectlOk([
    'create',
    'clusterrolebinding',
    binding,
    '--clusterrole=cluster-admin',
    `--serviceaccount=${ns.name}:creds`,
  ]);
  token = (await kubectlOk(['-n', ns.name, 'create', 'token', 'creds', '--duration=1h'])).trim();
  writeFileSync(join(dir, 'sa.token'), token + '\n');
  await apply(pod('web', { containers: [{ name: 'web', image: 'busybox', command: ['sleep', '3600'] }] }), ns.name);
}, 90_000);

afterAll(async () => {
  await kubectl(['delete', 'clusterrolebinding', binding, '--ignore-not-found']);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function eksConfig(name: string, extra = ''): string {
  return writeFile(
    `${name}.yaml`,
    `apiVersion: v1
kind: Config
clusters:
- name: arn:aws:eks:us-west-2:123456789012:cluster/podlens
  cluster:
    server: ${server}
    certificate-authority-data: ${caData}
contexts:
- name: arn:aws:eks:us-west-2:123456789012:cluster/podlens
  context:
    cluster: arn:aws:eks:us-west-2:123456789012:cluster/podlens
    user: arn:aws:eks:us-west-2:123456789012:cluster/podlens
    namespace: ${ns.name}
current-context: arn:aws:eks:us-west-2:123456789012:cluster/podlens
users:
- name: arn:aws:eks:us-west-2:123456789012:cluster/podlens
  user:
    exec:
      apiVersion: ${V1BETA1}
      command: ${name}
      args: [--region, us-west-2, eks, get-token, --cluster-name, podlens, --output, json]
      env:
      - name: AWS_PROFILE
        value: podlens-test
${extra}`,
  );
}

describe('EKS-shaped kubeconfig (aws eks get-token)', () => {
  test('the plugin runs once for a describe that makes several requests; podlens chooses what kubectl chooses', async () => {
    const log = plugin('aws');
    const env = withPath({ KUBECONFIG: eksConfig('aws') });
    const r = await podlens(['describe', 'web'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Pod: +${ns.name}/web`));
    expect(runs(log)).toEqual({ count: 1, overlapped: false });
    expect(readFileSync(`${log}.args`, 'utf8').trim()).toBe(
      '--region us-west-2 eks get-token --cluster-name podlens --output json',
    );
    expect(readFileSync(`${log}.env`, 'utf8').trim()).toBe('podlens-test');
    // stdin is a pipe: not interactive; no cluster info unless provideClusterInfo.
    expect(JSON.parse(readFileSync(`${log}.info`, 'utf8'))).toEqual({
      apiVersion: V1BETA1,
      kind: 'ExecCredential',
      spec: { interactive: false },
    });
    const c = await choices(env);
    expect(c.podlens).toEqual(c.kubectl);
    expect(c.credentials).toBe(`exec plugin aws (${V1BETA1})`);
  });

  test('a 401 runs the plugin again, once, and the command succeeds', async () => {
    const log = plugin('aws-401', { badFirst: true });
    const r = await podlens(['describe', 'web'], { env: withPath({ KUBECONFIG: eksConfig('aws-401') }) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(runs(log)).toEqual({ count: 2, overlapped: false });
  });

  test('watch keeps working across the credential expiring (re-run on expiry, not before)', async () => {
    const log = plugin('aws-short', { ttlSeconds: 3 });
    const child = spawn(process.execPath, [BIN, 'watch', '-o', 'ndjson'], {
      // A short inactivity timer makes the watch reconnect often, so requests happen after expiry.
      env: { ...process.env, ...withPath({ KUBECONFIG: eksConfig('aws-short') }), PODLENS_WATCH_INACTIVITY_MS: '1500' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    try {
      await waitFor('the first line of watch', async () => (out.includes('"web"') ? true : undefined), 20_000, 200);
      await sleep(6000); // past two lifetimes of the credential
      await apply(pod('late', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }), ns.name);
      await waitFor(
        'watch to report the pod created after expiry',
        async () => (out.includes('"late"') ? true : undefined),
        30_000,
        200,
      );
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('close', r));
    }
    const { count, overlapped } = runs(log);
    expect(overlapped).toBe(false);
    expect(count).toBeGreaterThanOrEqual(2);
    expect(err).not.toMatch(/cannot reach|401|Unauthorized|failed/);
  }, 90_000);
});

function gkeConfig(name: string, command: string): string {
  return writeFile(
    `${name}.yaml`,
    `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${caData}
    server: ${server}
  name: gke_podlens-project_us-central1-a_podlens
contexts:
- context:
    cluster: gke_podlens-project_us-central1-a_podlens
    user: gke_podlens-project_us-central1-a_podlens
  name: gke_podlens-project_us-central1-a_podlens
current-context: gke_podlens-project_us-central1-a_podlens
preferences: {}
users:
- name: gke_podlens-project_us-central1-a_podlens
  user:
    exec:
      apiVersion: ${V1BETA1}
      command: ${command}
      installHint: Install gke-gcloud-auth-plugin for use with kubectl by following
        https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
      provideClusterInfo: true
`,
  );
}

describe('GKE-shaped kubeconfig (gke-gcloud-auth-plugin)', () => {
  test('a client certificate from the plugin works; the plugin gets the cluster info; choice as kubectl', async () => {
    const log = plugin('gke-gcloud-auth-plugin', { mint: 'cert' });
    const env = withPath({ KUBECONFIG: gkeConfig('gke', 'gke-gcloud-auth-plugin') });
    const r = await podlens(['describe', 'web', '-n', ns.name], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(runs(log)).toEqual({ count: 1, overlapped: false });
    const info = JSON.parse(readFileSync(`${log}.info`, 'utf8'));
    expect(info.spec.cluster).toEqual({ server, 'certificate-authority-data': caData });
    const c = await choices(env);
    expect(c.podlens).toEqual(c.kubectl);
    expect(c.podlens.namespace).toBe('default');
  });

  test('a missing plugin is a credential failure with its installHint, not ENOENT, not "cannot reach"', async () => {
    const r = await podlens(['describe', 'web', '-n', ns.name], {
      env: withPath({ KUBECONFIG: gkeConfig('gke-missing', 'gke-gcloud-auth-plugin-not-installed') }),
    });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: the exec credential plugin gke-gcloud-auth-plugin-not-installed failed: it is not installed ' +
        '(gke-gcloud-auth-plugin-not-installed not found on PATH).\n' +
        'Install gke-gcloud-auth-plugin for use with kubectl by following ' +
        'https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin\n',
    });
  });

  test('a failing plugin: its own stderr reaches the user, and podlens says the plugin failed', async () => {
    plugin('gke-broken', { fail: 'ERROR: gcloud: Reauthentication required.' });
    const r = await podlens(['describe', 'web', '-n', ns.name], {
      env: withPath({ KUBECONFIG: gkeConfig('gke-broken', 'gke-broken') }),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'ERROR: gcloud: Reauthentication required.\n' +
        // kubectl, too, prints the installHint only when the plugin is missing
        'error: the exec credential plugin gke-broken failed: it exited with code 1.\n',
    );
  });
});

/** AKS as `az aks get-credentials` + `kubelogin convert-kubeconfig` leave it, split over two files. */
function aksConfigs(name: string, interactiveMode?: string): string {
  writeFile(`${name}/ca.crt`, Buffer.from(caData, 'base64').toString());
  const a = writeFile(
    `${name}/config`,
    `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: ca.crt
    server: ${server}
  name: podlens-aks
contexts:
- context:
    cluster: podlens-aks
    namespace: ${ns.name}
    user: clusterUser_podlens-rg_podlens-aks
  name: podlens-aks
users:
- name: clusterUser_podlens-rg_podlens-aks
  user:
    exec:
      apiVersion: ${V1BETA1}
      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --client-id, 80faf920-1908-4b52-b5ef-a8e7bedfc67a, --tenant-id, 72f988bf-86f1-41af-91ab-2d7cd011db47, --environment, AzurePublicCloud]
      command: ${name}-kubelogin
      env: null
${interactiveMode ? `      interactiveMode: ${interactiveMode}\n` : ''}      provideClusterInfo: false
`,
  );
  // The second file sets current-context and repeats names with other values: the first file's win.
  const b = writeFile(
    `${name}/other`,
    `apiVersion: v1
kind: Config
current-context: podlens-aks
clusters:
- cluster:
    server: https://podlens-aks-dns-00000000.hcp.westeurope.azmk8s.io:443
  name: podlens-aks
users:
- name: clusterUser_podlens-rg_podlens-aks
  user:
    token: not-the-right-user-token
contexts:
- context:
    cluster: podlens-aks
    user: clusterUser_podlens-rg_podlens-aks
  name: other
`,
  );
  return `${a}:${b}`;
}

describe('AKS-shaped kubeconfig (kubelogin, two files in $KUBECONFIG)', () => {
  test('merged as kubectl merges; the device-code prompt reaches the user; one run', async () => {
    const prompt =
      'To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code PODLENS42 to authenticate.';
    const log = plugin('aks-kubelogin', { prompt });
    const env = withPath({ KUBECONFIG: aksConfigs('aks') });
    const r = await podlens(['describe', 'web'], { env });
    expect(r.stderr).toBe(prompt + '\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Pod: +${ns.name}/web`));
    expect(runs(log)).toEqual({ count: 1, overlapped: false });
    const c = await choices(env);
    expect(c.podlens).toEqual(c.kubectl);
    expect(c.podlens).toEqual({
      context: 'podlens-aks',
      cluster: 'podlens-aks',
      user: 'clusterUser_podlens-rg_podlens-aks',
      namespace: ns.name,
    });
    const other = await choices(env, ['--context', 'other']);
    expect(other.podlens).toEqual(other.kubectl);
  });

  test("on a terminal, the plugin reads the user's answer from stdin (interactiveMode IfAvailable)", async () => {
    const log = plugin('aksi-kubelogin', { prompt: 'enter the code:', expectInput: 'PODLENS42' });
    const env = withPath({ KUBECONFIG: aksConfigs('aksi', 'IfAvailable') });
    // script(1) gives podlens a terminal for stdin; what we type is the plugin's input.
    const cmd = `${process.execPath} ${BIN} describe web`;
    const r = await run('script', ['-qfec', cmd, '/dev/null'], {
      env: { ...env, NO_COLOR: '1', CI: '1' }, // CI: no spinner on the pseudo-terminal, only the plugin's prompt
      input: 'PODLENS42\n',
    });
    expect(r.stdout).toContain('enter the code:');
    expect(r.stdout).toMatch(new RegExp(`^Pod: +${ns.name}/web`, 'm'));
    expect(r.code).toBe(0);
    expect(runs(log).count).toBe(1);
    expect(JSON.parse(readFileSync(`${log}.info`, 'utf8')).spec.interactive).toBe(true);
  });

  test('interactiveMode Always without a terminal is a credential failure, said before anything runs', async () => {
    const log = plugin('aksa-kubelogin');
    const r = await podlens(['describe', 'web'], {
      env: withPath({ KUBECONFIG: aksConfigs('aksa', 'Always') }),
    });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: the exec credential plugin aksa-kubelogin failed: its interactiveMode is Always and standard input ' +
        'is not a terminal (run podlens from a terminal to log in).\n',
    });
    expect(runs(log).count).toBe(0);
  });
});

describe('tokenFile', () => {
  function tokenFileConfig(name: string, field: string, file: string): string {
    return writeFile(
      `${name}.yaml`,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: '${server}', certificate-authority-data: '${caData}'}}]
users: [{name: u, user: {${field}: ${file}}}]
contexts: [{name: t, context: {cluster: c, user: u, namespace: ${ns.name}}}]
current-context: t
`,
    );
  }

  test('is read (relative to the kubeconfig, trailing newline trimmed)', async () => {
    const r = await podlens(['describe', 'web', '--kubeconfig', tokenFileConfig('tf', 'tokenFile', 'sa.token')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Pod: +${ns.name}/web`));
  });

  test('a rejected token from a file (with its newline) is never printed', async () => {
    const secret = 'revoked-token-0123456789abcdef';
    writeFile('revoked.token', secret + '\n');
    for (const field of ['tokenFile', 'token-file']) {
      const r = await podlens([
        'describe',
        'web',
        '--kubeconfig',
        tokenFileConfig(`rv-${field}`, field, 'revoked.token'),
      ]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: the cluster at \S+ rejected the credentials \(401 Unauthorized\)/);
      expect(r.stderr + r.stdout).not.toContain(secret);
    }
  });
});

describe('proxies', () => {
  let proxy: Server;
  let port = 0;
  const connects: string[] = [];
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // A CONNECT proxy that counts tunnels, as corporate proxies see kubectl's traffic.
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client: Socket, head: Buffer) => {
      connects.push(req.url ?? '');
      const [host, p] = (req.url ?? '').split(':');
      const upstream = netConnect(Number(p), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      sockets.push(client, upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    port = (proxy.address() as { port: number }).port;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  });

  // The API server's certificate names the machine's address too; loopback is never proxied (Go's rule).
  function remoteConfig(name: string, proxyUrl?: string, loopback = false): string {
    const eth = loopback ? server : server.replace('127.0.0.1', '192.0.2.2');
    return writeFile(
      `${name}.yaml`,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: '${eth}', certificate-authority-data: '${caData}'${proxyUrl ? `, proxy-url: '${proxyUrl}'` : ''}}}]
users: [{name: u, user: {tokenFile: sa.token}}]
contexts: [{name: t, context: {cluster: c, user: u, namespace: ${ns.name}}}]
current-context: t
`,
    );
  }

  test('HTTPS_PROXY carries describe and the watch streams; NO_PROXY and loopback go direct', async () => {
    const kc = remoteConfig('proxied');
    connects.length = 0;
    const viaEnv = await podlens(['describe', 'web', '--kubeconfig', kc], {
      env: { HTTPS_PROXY: `http://127.0.0.1:${port}` },
    });
    expect(viaEnv.stderr).toBe('');
    expect(viaEnv.code).toBe(0);
    expect(connects.length).toBeGreaterThan(0);
    expect(new Set(connects)).toEqual(new Set(['192.0.2.2:6443']));

    connects.length = 0;
    const w = await podlens(['watch', 'web', '--kubeconfig', kc, '--until', 'running', '--timeout', '60s'], {
      env: { https_proxy: `127.0.0.1:${port}` }, // lower case and no scheme, as Go accepts it
    });
    expect(w.code).toBe(0);
    expect(connects.length).toBeGreaterThanOrEqual(2); // the LISTs and the WATCH streams
    expect(w.stderr).not.toContain('error');

    connects.length = 0;
    const direct = await podlens(['describe', 'web', '--kubeconfig', kc], {
      env: { HTTPS_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: 'example.com,192.0.2.0/24' },
    });
    expect(direct.code).toBe(0);
    expect(connects).toEqual([]);

    const loop = await podlens(['describe', 'web', '--kubeconfig', remoteConfig('loop', undefined, true)], {
      env: { HTTPS_PROXY: `http://127.0.0.1:${port}` },
    });
    expect(loop.code).toBe(0);
    expect(connects).toEqual([]);
  });

  test("the kubeconfig's proxy-url wins over the environment", async () => {
    connects.length = 0;
    const kc = remoteConfig('proxy-url', `http://127.0.0.1:${port}`);
    const r = await podlens(['describe', 'web', '--kubeconfig', kc], { env: { NO_PROXY: '*' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(connects.length).toBeGreaterThan(0);
    const c = await podlens(['config', '--kubeconfig', kc, '-o', 'json']);
    expect(JSON.parse(c.stdout).proxy).toBe(`http://127.0.0.1:${port}`);
  });
});
