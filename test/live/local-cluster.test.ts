// The project's own cluster (cluster/up.sh) is locked down to kubeadm's level, and the README says
// exactly who can reach it: every listening socket of the processes the cluster scripts started
// (their pid files) is in the README's table and every row of it is listening; an anonymous
// request for pods is refused while health and version stay open (kubeadm's
// system:public-info-viewer); etcd refuses a client without a certificate of its CA; the kubelet
// refuses anonymous requests. Only meaningful on this machine's local cluster: npm test leaves this
// file out when the live tests run on a cluster the user named (PODLENS_TEST_CONTEXT).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, kubeconfig, kubectlOk, run } from './support.js';

const STATE = '/var/lib/podlens-cluster';
const PKI = join(STATE, 'pki');

beforeAll(() => {
  if (kubeconfig() !== join(STATE, 'admin.kubeconfig')) {
    throw new Error(`these tests examine the project's own cluster (KUBECONFIG=${STATE}/admin.kubeconfig)`);
  }
});

async function nodeIp(): Promise<string> {
  return (
    await kubectlOk([
      'get',
      'nodes',
      '-l',
      '!type',
      '-o',
      'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}',
    ])
  ).trim();
}

/** curl's HTTP status (or 000) and exit code for a request. */
async function curl(url: string, extra: string[] = []): Promise<{ status: string; code: number }> {
  const r = await run('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', ...extra, url]);
  return { status: r.stdout, code: r.code };
}

interface Row {
  process: string;
  socket: string;
}

/** The rows of the socket table in the README (or a page under docs/): process, then `proto address`. */
function documentedSockets(): Row[] {
  const pages = [join(ROOT, 'README.md')];
  const docs = join(ROOT, 'docs');
  if (existsSync(docs))
    pages.push(
      ...readdirSync(docs, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.md'))
        .map((f) => join(docs, f)),
    );
  const rows: Row[] = [];
  for (const page of pages) {
    let inTable = false;
    for (const line of readFileSync(page, 'utf8').split('\n')) {
      if (/^\| process \| socket \| who can reach it \|/.test(line)) inTable = true;
      else if (!line.startsWith('|')) inTable = false;
      const m = inTable ? /^\| (\S+) \| `((?:tcp|udp|unix) [^`]+)` \|/.exec(line) : null;
      if (m) rows.push({ process: m[1], socket: m[2] });
    }
  }
  return rows;
}

/** The listening sockets of the processes whose pid files the cluster scripts wrote. */
async function listeningSockets(ip: string, gateway: string | undefined): Promise<Row[]> {
  const run_ = join(STATE, 'run');
  const byPid = new Map<string, string>();
  for (const f of readdirSync(run_).filter((f) => f.endsWith('.pid'))) {
    const pid = readFileSync(join(run_, f), 'utf8').trim();
    if (existsSync(`/proc/${pid}`)) byPid.set(pid, f.replace(/\.pid$/, ''));
  }
  const ss = await run('ss', ['-H', '-l', '-n', '-p', '-t', '-u', '-x']);
  expect(ss.code).toBe(0);
  const rows: Row[] = [];
  for (const line of ss.stdout.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 6) continue;
    const proto = fields[0].startsWith('u_') ? 'unix' : fields[0];
    let local = fields[4];
    if (proto !== 'unix') {
      const port = local.slice(local.lastIndexOf(':') + 1);
      let addr = local.slice(0, local.lastIndexOf(':'));
      if (['0.0.0.0', '*', '[::]'].includes(addr)) addr = '*';
      else if (addr === ip) addr = 'NODE_IP';
      else if (addr === gateway) addr = 'KIND_GATEWAY';
      local = `${addr}:${port}`;
    }
    for (const [, pid] of line.matchAll(/pid=(\d+),/g)) {
      const process = byPid.get(pid);
      if (process) rows.push({ process, socket: `${proto} ${local}` });
    }
  }
  return [...new Map(rows.map((r) => [`${r.process} ${r.socket}`, r])).values()];
}

/** A documented socket matches an observed one; `*` in the documented port or path stands for any. */
function matches(doc: Row, seen: Row): boolean {
  if (doc.process !== seen.process) return false;
  const pattern = doc.socket
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/:\\\*$/, ':\\d+')
    .replace(/\/\\\*$/, '/[^/]+');
  return doc.socket === seen.socket || new RegExp(`^${pattern}$`).test(seen.socket);
}

test('every listening socket of the cluster processes is in the README table, and every row listens', async () => {
  const ip = await nodeIp();
  const gatewayFile = join(STATE, 'registry', 'gateway.yml');
  const gateway = existsSync(gatewayFile) ? /addr: ([0-9.]+):/.exec(readFileSync(gatewayFile, 'utf8'))?.[1] : undefined;
  const documented = documentedSockets();
  expect(documented.length).toBeGreaterThan(10);
  const seen = await listeningSockets(ip, gateway);
  expect(seen.length).toBeGreaterThan(10);
  const undocumented = seen.filter((s) => !documented.some((d) => matches(d, s)));
  expect(undocumented).toEqual([]);
  const running = new Set(seen.map((s) => s.process));
  const notListening = documented.filter((d) => running.has(d.process) && !seen.some((s) => matches(d, s)));
  expect(notListening).toEqual([]);
  // The processes of the table that must always run do (the registry's gateway listener and kwok
  // run only where a kind network or fake nodes are).
  for (const process of ['registry', 'etcd', 'kube-apiserver', 'containerd', 'kubelet', 'kube-proxy']) {
    expect(running).toContain(process);
  }
});

test('anonymous requests to the API server get 401/403, except health and version (as kubeadm)', async () => {
  const ip = await nodeIp();
  for (const path of ['/api/v1/pods', '/api/v1/namespaces/kube-system/secrets', '/apis', '/metrics']) {
    const r = await curl(`https://${ip}:6443${path}`, ['-k']);
    expect({ path, status: ['401', '403'].includes(r.status) }).toEqual({ path, status: true });
  }
  for (const path of ['/healthz', '/livez', '/readyz', '/version']) {
    expect({ path, ...(await curl(`https://${ip}:6443${path}`, ['-k'])) }).toEqual({ path, status: '200', code: 0 });
  }
});

test('etcd refuses a client without a certificate of its CA, and answers one with it', async () => {
  // curl exits 35 or 56 when the server ends the handshake for want of a client certificate.
  const none = await curl('https://127.0.0.1:2379/version', ['-k']);
  expect(none.status).toBe('000');
  expect(none.code).not.toBe(0);
  expect((await curl('http://127.0.0.1:2379/version')).status).toBe('000');
  // A certificate of the cluster's CA (the admin's, system:masters) is not one of etcd's CA.
  const wrongCa = await curl('https://127.0.0.1:2379/version', [
    '-k',
    '--cert',
    join(PKI, 'admin.crt'),
    '--key',
    join(PKI, 'admin.key'),
  ]);
  expect(wrongCa.status).toBe('000');
  const client = await curl('https://127.0.0.1:2379/version', [
    '--cacert',
    join(PKI, 'etcd-ca.crt'),
    '--cert',
    join(PKI, 'apiserver-etcd-client.crt'),
    '--key',
    join(PKI, 'apiserver-etcd-client.key'),
  ]);
  expect(client).toEqual({ status: '200', code: 0 });
});

test('the kubelet refuses anonymous requests', async () => {
  const ip = await nodeIp();
  expect((await curl(`https://${ip}:10250/pods`, ['-k'])).status).toBe('401');
});
