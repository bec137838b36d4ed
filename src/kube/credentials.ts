// The one credential layer. Every request podlens makes (typed calls, watch streams, exec websockets,
// logs) gets its Authorization header or client certificate from Credentials.apply(), through the
// KubeConfig of src/kube/client.ts. What it does, as client-go does:
// - a static token: as is;
// - tokenFile: read, whitespace trimmed, re-read at most once a minute (client-go's cached file token
//   source), and again after a 401;
// - an exec plugin: run ONCE per credential lifetime: again only when its expirationTimestamp has
//   passed or a request got 401, and never twice at once (one promise in flight).
// Every secret it handles is registered with src/redact.ts so no message can print it.
// https://github.com/kubernetes/client-go/blob/master/transport/token_source.go (NewCachedFileTokenSource)
// https://github.com/kubernetes/client-go/blob/master/plugin/pkg/client/auth/exec/exec.go (getCreds, maybeRefreshCreds)
import { readFileSync } from 'node:fs';
import { PodlensError, messages } from '../errors.js';
import { registerSecret } from '../redact.js';
import type { ClusterEntry, UserEntry } from './config.js';
import { runExecPlugin, type ExecCredential, type PluginIo } from './exec-plugin.js';

/** What a request needs: headers, and a client certificate when the plugin gives one. */
export interface AuthOptions {
  headers?: Record<string, string | string[] | number | undefined>;
  cert?: string | Buffer;
  key?: string | Buffer;
}

interface Current {
  token?: string;
  cert?: string;
  key?: string;
  expiry?: number; // epoch ms; undefined: until a 401
  readAt: number;
}

const TOKEN_FILE_PERIOD_MS = 60_000; // client-go re-reads a token file after a minute

export interface CredentialsOptions extends PluginIo {
  now?: () => number;
  /** Runs the exec plugin (tests count runs through a script; the default spawns it). */
  runPlugin?: typeof runExecPlugin;
}

export class Credentials {
  private current?: Current;
  private inFlight?: Promise<Current>;
  /** How many times the exec plugin ran (for `podlens config` and tests). */
  pluginRuns = 0;
  private readonly now: () => number;
  private readonly run: typeof runExecPlugin;

  constructor(
    readonly user: UserEntry,
    readonly cluster: ClusterEntry,
    private readonly opts: CredentialsOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.run = opts.runPlugin ?? runExecPlugin;
    registerSecret(user.token);
    registerSecret(user.password);
    registerSecret(user.keyData);
  }

  /**
   * Which credential the user's entry gives, in client-go's precedence: a token file (re-read) over
   * a token; an exec plugin only when no token, client certificate or password is set
   * (exec.go UpdateTransportConfig).
   */
  get kind(): 'tokenFile' | 'token' | 'exec' | 'certificate' | 'basic' | 'auth-provider' | 'none' {
    const u = this.user;
    if (u.tokenFile) return 'tokenFile';
    if (u.token) return 'token';
    if (u.certFile || u.certData) return 'certificate';
    if (u.username || u.password) return 'basic';
    if (u.exec) return 'exec';
    if (u.authProvider) return 'auth-provider';
    return 'none';
  }

  /** A phrase for `podlens config`: which kind of credential, never its value. */
  describe(): string {
    const u = this.user;
    switch (this.kind) {
      case 'exec':
        return `exec plugin ${u.exec!.command} (${u.exec!.apiVersion})`;
      case 'tokenFile':
        return `token file ${u.tokenFile}`;
      case 'token':
        return 'token';
      case 'certificate':
        return 'client certificate';
      case 'basic':
        return 'username and password';
      case 'auth-provider':
        return `auth-provider ${String(u.authProvider?.name)}`;
      default:
        return 'none';
    }
  }

  /** Whether this credential can change (so a 401 is worth one more try). */
  get refreshable(): boolean {
    return this.kind === 'exec' || this.kind === 'tokenFile';
  }

  private valid(c: Current | undefined): c is Current {
    if (!c) return false;
    if (this.kind === 'exec') return c.expiry === undefined || this.now() < c.expiry;
    return this.now() - c.readAt < TOKEN_FILE_PERIOD_MS;
  }

  /** The credential to use now: cached while valid, otherwise fetched once for every waiting caller. */
  async get(): Promise<Current | undefined> {
    if (!this.refreshable) return undefined;
    if (this.valid(this.current)) return this.current;
    if (!this.inFlight) {
      this.inFlight = this.fetch().then(
        (c) => ((this.current = c), (this.inFlight = undefined), c),
        (e: unknown) => {
          this.inFlight = undefined;
          throw e;
        },
      );
    }
    return this.inFlight;
  }

  private async fetch(): Promise<Current> {
    const u = this.user;
    if (this.kind === 'exec' && u.exec) {
      this.pluginRuns++;
      const c: ExecCredential = await this.run(u.exec, this.cluster, this.opts);
      registerSecret(c.token);
      registerSecret(c.clientKeyData);
      return {
        token: c.token,
        cert: c.clientCertificateData,
        key: c.clientKeyData,
        expiry: c.expiry,
        readAt: this.now(),
      };
    }
    const file = u.tokenFile!;
    let token: string;
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'file does not exist' : code === 'EACCES' ? 'permission denied' : String(code);
      throw new PodlensError('kubeconfig', messages.tokenFileUnreadable(file, u.name, why));
    }
    registerSecret(token);
    return { token, readAt: this.now() };
  }

  /**
   * A request made with `used` got 401. Forgets that credential unless it was already replaced, so
   * the next get() fetches a new one; returns whether a retry can use a different credential.
   */
  unauthorized(used: Current | undefined): boolean {
    if (!this.refreshable) return false;
    if (this.current === used) this.current = undefined;
    return true;
  }

  /** Sets the request's Authorization header (or client certificate); returns what it used. */
  async apply(opts: AuthOptions): Promise<Current | undefined> {
    const u = this.user;
    const c = await this.get();
    opts.headers ??= {};
    if (c?.token) opts.headers.Authorization = `Bearer ${c.token}`;
    else if (this.kind === 'token') opts.headers.Authorization = `Bearer ${u.token}`;
    if (c?.cert && c.key) {
      opts.cert = c.cert;
      opts.key = c.key;
    }
    // kubectl --as/--as-group/--as-uid (or the kubeconfig's as, as-groups, as-uid): the API server
    // checks that the credential above may impersonate, then authorizes as the one impersonated.
    // https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation
    const as = u.impersonate;
    if (as) {
      opts.headers['Impersonate-User'] = as.user;
      if (as.groups.length) opts.headers['Impersonate-Group'] = as.groups;
      if (as.uid) opts.headers['Impersonate-Uid'] = as.uid;
    }
    return c;
  }
}
