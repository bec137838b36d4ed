// A minimal Kubernetes API client for the benchmark harness itself (creating pods at a fixed rate,
// its own reference watch) and a counting proxy. Plain node:https with the kubeconfig's
// certificates or token: the harness must not share podlens' client, nor pay kubectl's start-up for
// each of thousands of requests.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { dirname, resolve } from 'node:path';
import yaml from 'js-yaml';

function fileOrData(base, entry, key) {
  if (entry[`${key}-data`]) return Buffer.from(entry[`${key}-data`], 'base64');
  if (entry[key]) return readFileSync(resolve(base, entry[key]));
  return undefined;
}

/** The current context of a kubeconfig file: server URL and TLS/auth options for node:https. */
export function loadKubeconfig(path) {
  const kc = /** @type {any} */ (yaml.load(readFileSync(path, 'utf8')));
  const base = dirname(path);
  const ctx = kc.contexts.find((c) => c.name === kc['current-context']).context;
  const cluster = kc.clusters.find((c) => c.name === ctx.cluster).cluster;
  const user = kc.users.find((u) => u.name === ctx.user)?.user ?? {};
  return {
    server: cluster.server.replace(/\/$/, ''),
    ca: fileOrData(base, cluster, 'certificate-authority'),
    cert: fileOrData(base, user, 'client-certificate'),
    key: fileOrData(base, user, 'client-key'),
    token: user.token,
    insecure: Boolean(cluster['insecure-skip-tls-verify']),
  };
}

/** Errors of a connection dropped or refused before an answer: worth another try. */
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'socket hang up']);

export class Kube {
  constructor(kubeconfigPath) {
    /** @type {{ method: string, path: string, error: string, at: string }[]} */
    this.retries = [];
    this.cfg = loadKubeconfig(kubeconfigPath);
    const u = new URL(this.cfg.server);
    this.url = u;
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 32,
      ca: this.cfg.ca,
      cert: this.cfg.cert,
      key: this.cfg.key,
      rejectUnauthorized: !this.cfg.insecure,
    });
  }

  options(method, path, extra = {}) {
    return {
      method,
      host: this.url.hostname,
      port: this.url.port || 443,
      path,
      agent: this.agent,
      headers: {
        accept: 'application/json',
        ...(this.cfg.token ? { authorization: `Bearer ${this.cfg.token}` } : {}),
        ...extra,
      },
    };
  }

  /**
   * One request; resolves with the parsed body; rejects on a status >= 300 (with .status). A
   * connection dropped before the answer ("socket hang up", ECONNRESET: seen right after KWOK's
   * nodes came up on a fresh machine) is retried up to 5 times, each retry recorded in
   * this.retries (the results say so); a retried POST answered 409 AlreadyExists had gone through.
   */
  async request(method, path, body) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.requestOnce(method, path, body);
      } catch (e) {
        const err = /** @type {Error & { status?: number, code?: string }} */ (e);
        if (attempt > 0 && method === 'POST' && err.status === 409) return undefined;
        if (err.status !== undefined || attempt >= 5 || !DROPPED.has(err.code ?? err.message)) throw e;
        this.retries.push({
          method,
          path: path.split('?')[0],
          error: err.code ?? err.message,
          at: new Date().toISOString(),
        });
        await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      }
    }
  }

  requestOnce(method, path, body) {
    return new Promise((resolvePromise, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        this.options(method, path, data ? { 'content-type': 'application/json' } : {}),
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode >= 300) {
              const err = /** @type {Error & { status?: number }} */ (
                new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`)
              );
              err.status = res.statusCode;
              reject(err);
            } else if (!/json/.test(res.headers['content-type'] ?? '')) resolvePromise(text);
            else resolvePromise(text ? JSON.parse(text) : undefined);
          });
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  }

  /**
   * A watch: calls onEvent({ type, object, at }) for each event, `at` being the time the harness
   * read it (performance.timeOrigin-based ms). Returns { stop(), done } where done resolves when the
   * server closes the stream.
   */
  watch(path, onEvent) {
    let req;
    const done = new Promise((resolvePromise, reject) => {
      req = https.request(this.options('GET', path), (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          const at = nowMs();
          buf += chunk;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, i);
            buf = buf.slice(i + 1);
            if (line.trim()) onEvent({ ...JSON.parse(line), at });
          }
        });
        res.on('end', () => resolvePromise());
        res.on('error', reject);
      });
      req.on('error', (/** @type {NodeJS.ErrnoException} */ e) =>
        e.code === 'ECONNRESET' ? resolvePromise() : reject(e),
      );
      req.end();
    });
    return { stop: () => req.destroy(), done };
  }

  close() {
    this.agent.destroy();
  }
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across the harness. */
export function nowMs() {
  return performance.timeOrigin + performance.now();
}

/**
 * A counting reverse proxy: plain HTTP on 127.0.0.1 in front of the API server, authenticating
 * upstream with the kubeconfig's credentials. Every request is recorded as "VERB path" (query
 * dropped), so a command pointed at it through writeKubeconfig() shows how many calls it makes.
 */
export async function startCountingProxy(kube) {
  const log = [];
  const server = http.createServer((req, res) => {
    log.push({ method: req.method, path: req.url.split('?')[0], query: req.url.split('?')[1] ?? '' });
    const up = https.request({ ...kube.options(req.method, req.url, { ...req.headers, host: kube.url.host }) }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on('error', (e) => {
      res.writeHead(502);
      res.end(String(e));
    });
    req.pipe(up);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    reset: () => (log.length = 0),
    close: () => new Promise((r) => server.close(r)),
  };
}

/** A kubeconfig that points at the counting proxy (no credentials: the proxy adds them). */
export function proxyKubeconfig(proxyUrl) {
  return yaml.dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'bench-proxy', cluster: { server: proxyUrl, 'insecure-skip-tls-verify': true } }], // client-node refuses http:// otherwise
    users: [{ name: 'bench', user: {} }],
    contexts: [{ name: 'bench', context: { cluster: 'bench-proxy', user: 'bench', namespace: 'default' } }],
    'current-context': 'bench',
  });
}
