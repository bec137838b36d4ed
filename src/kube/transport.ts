// podlens' own HTTP transport to the API server (node:http/node:https), used by every request and
// watch stream, so that a describe does not load @kubernetes/client-node at all (loading and
// compiling the client was most of describe's time: docs/benchmarks.md). It does what the client's
// KubeConfig.applyToHTTPSOptions + createAgent did for podlens, from the same loaded kubeconfig:
// - TLS: the cluster's CA (file or data), insecure-skip-tls-verify, tls-server-name; the user's
//   client certificate (file or data) or the one an exec plugin returned;
// - credentials: only through the one credential layer (Credentials.apply, src/kube/credentials.ts),
//   plus basic auth and Impersonate-User from the user entry;
// - the proxy decided once by src/kube/proxy.ts: http(s) proxies by CONNECT (hpagent, the agent the
//   client used), socks through socks-proxy-agent (loaded only then).
// The legacy auth-provider (oidc) is the one credential this layer does not implement: for it, the
// request options come from the client's KubeConfig (src/kube/client.ts), loaded only then.
// https://github.com/kubernetes/client-go/blob/master/rest/transport.go (TLS and auth from a rest.Config)
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ClientRequest } from 'node:http';
import { HttpProxyAgent, HttpsProxyAgent } from 'hpagent';
import { PodlensError, messages } from '../errors.js';
import type { LoadedConfig } from './config.js';
import { Credentials, type AuthOptions } from './credentials.js';
import { proxyFor } from './proxy.js';

/** A file's bytes or base64 data, as kubeconfig fields come (a file wins, as in client-go). */
function fileOrData(file: string | undefined, data: string | undefined, what: string): Buffer | undefined {
  if (file) {
    try {
      return readFileSync(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file does not exist' : code === 'EACCES' ? 'permission denied' : String(code);
      throw new PodlensError('kubeconfig', messages.kubeconfigFileUnreadable(file, what, why));
    }
  }
  return data ? Buffer.from(data, 'base64') : undefined;
}

type Agent = HttpAgent;

/** Options for one request: the agent (TLS, proxy), headers (credential) and basic auth. */
export interface Prepared {
  agent: Agent;
  /** A list is sent as one header line per value (Impersonate-Group, as client-go sends it). */
  headers: Record<string, string | string[]>;
  auth?: string;
  servername?: string;
}

export class Transport {
  readonly credentials: Credentials;
  readonly proxy?: string;
  private readonly https: boolean;
  private readonly agents = new Map<string, Promise<Agent>>();
  private readonly ca?: Buffer;
  private readonly cert?: Buffer;
  private readonly key?: Buffer;

  constructor(
    private readonly loaded: LoadedConfig,
    private readonly env: NodeJS.ProcessEnv,
    private readonly stdinIsTTY: boolean,
  ) {
    const { cluster, user } = loaded;
    this.credentials = new Credentials(user, cluster, { env, stdinIsTTY });
    this.proxy = proxyFor(cluster.server, cluster.proxyUrl, env);
    this.https = !cluster.server.startsWith('http:');
    this.ca = fileOrData(cluster.caFile, cluster.caData, 'certificate-authority');
    this.cert = fileOrData(user.certFile, user.certData, 'client-certificate');
    this.key = fileOrData(user.keyFile, user.keyData, 'client-key');
  }

  /** One agent per client certificate (an exec plugin's certificate can change), kept alive. */
  private agent(cert?: string | Buffer, key?: string | Buffer): Promise<Agent> {
    const id = cert ? String(cert) : '';
    let a = this.agents.get(id);
    if (!a) {
      a = this.makeAgent(cert, key);
      this.agents.set(id, a);
    }
    return a;
  }

  private async makeAgent(cert?: string | Buffer, key?: string | Buffer): Promise<Agent> {
    const { cluster } = this.loaded;
    const tls: Record<string, unknown> = { keepAlive: true };
    if (this.ca) tls.ca = this.ca;
    if (cert && key) Object.assign(tls, { cert, key });
    else if (this.cert && this.key) Object.assign(tls, { cert: this.cert, key: this.key });
    if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
    if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
    const proxy = this.proxy;
    if (proxy?.startsWith('socks')) {
      const { SocksProxyAgent } = await import('socks-proxy-agent');
      return new SocksProxyAgent(proxy, tls);
    }
    if (proxy) return this.https ? new HttpsProxyAgent({ ...tls, proxy }) : new HttpProxyAgent({ ...tls, proxy });
    return this.https ? new HttpsAgent(tls) : new HttpAgent(tls);
  }

  /** The options of one request, its credential applied. */
  async prepare(): Promise<Prepared> {
    const { cluster, user } = this.loaded;
    if (this.credentials.kind === 'auth-provider') return this.viaClient();
    const opts: AuthOptions = { headers: {} };
    await this.credentials.apply(opts);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {}))
      if (v !== undefined) headers[k] = Array.isArray(v) ? v.map(String) : String(v);
    const prepared: Prepared = { agent: await this.agent(opts.cert, opts.key), headers };
    if (user.username) prepared.auth = `${user.username}:${user.password ?? ''}`;
    if (cluster.tlsServerName) prepared.servername = cluster.tlsServerName;
    return prepared;
  }

  /** oidc auth-provider only: the client's KubeConfig builds the options (its own authenticator). */
  private async viaClient(): Promise<Prepared> {
    const { clientConfig } = await import('./client.js');
    const { kc } = clientConfig(this.loaded, this.env, this.stdinIsTTY, this.credentials);
    const opts: { agent?: Agent; headers?: Record<string, string> } = {};
    await kc.applyToHTTPSOptions(opts);
    return { agent: opts.agent!, headers: { ...opts.headers }, servername: this.loaded.cluster.tlsServerName };
  }

  /** Starts a request to `url` (an absolute URL on the API server). */
  open(url: URL, method: string, p: Prepared, headers: Record<string, string>, signal?: AbortSignal): ClientRequest {
    const options: RequestOptions & { servername?: string } = {
      method,
      agent: p.agent,
      headers: { ...p.headers, ...headers },
      signal,
    };
    if (p.auth) options.auth = p.auth;
    if (p.servername) options.servername = p.servername;
    return (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options);
  }
}

/** The whole body of a response, as text. */
export function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('aborted', () => reject(new Error('socket hang up')));
  });
}
