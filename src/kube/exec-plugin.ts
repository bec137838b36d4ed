// Runs an exec credential plugin (aws eks get-token, gke-gcloud-auth-plugin, kubelogin ...) the way
// client-go does: KUBERNETES_EXEC_INFO in its environment, its stdout read as an ExecCredential, its
// stderr passed straight through (device-code prompts must reach the user), and stdin passed only
// when interactiveMode and a terminal allow it.
// https://github.com/kubernetes/client-go/blob/master/plugin/pkg/client/auth/exec/exec.go
// (isInteractive, refreshCredsLocked, wrapCmdRunErrorLocked)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CredentialError } from '../errors.js';
import type { ClusterEntry, ExecConfig } from './config.js';

const API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

/** What the plugin gave: a token and/or a client certificate, valid until `expiry` (undefined: no expiry). */
export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expiry?: number; // epoch ms
}

export interface PluginIo {
  env: NodeJS.ProcessEnv;
  /** Whether podlens' stdin is a terminal (client-go: term.IsTerminal(os.Stdin)). */
  stdinIsTTY: boolean;
}

/** client-go's isInteractive: unset means IfAvailable for v1beta1; v1 requires the field. */
function interactive(cfg: ExecConfig, stdinIsTTY: boolean): boolean {
  const mode = cfg.interactiveMode ?? (cfg.apiVersion.endsWith('/v1beta1') ? 'IfAvailable' : undefined);
  switch (mode) {
    case 'Never':
      return false;
    case 'IfAvailable':
      return stdinIsTTY;
    case 'Always':
      if (!stdinIsTTY)
        throw new CredentialError(
          cfg.command,
          'its interactiveMode is Always and standard input is not a terminal (run podlens from a terminal to log in)',
        );
      return true;
    case undefined:
      throw new CredentialError(cfg.command, `interactiveMode must be set for apiVersion ${cfg.apiVersion}`);
    default:
      throw new CredentialError(cfg.command, `unknown interactiveMode "${mode}" in the kubeconfig`);
  }
}

/** spec.cluster of KUBERNETES_EXEC_INFO, when provideClusterInfo is true. */
function clusterInfo(c: ClusterEntry): Record<string, unknown> {
  let ca = c.caData;
  if (!ca && c.caFile) {
    try {
      ca = readFileSync(c.caFile).toString('base64');
    } catch {
      ca = undefined; // the TLS setup reports an unreadable CA file
    }
  }
  return {
    server: c.server,
    ...(c.tlsServerName ? { 'tls-server-name': c.tlsServerName } : {}),
    ...(c.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(ca ? { 'certificate-authority-data': ca } : {}),
    ...(c.proxyUrl ? { 'proxy-url': c.proxyUrl } : {}),
    ...(c.disableCompression ? { 'disable-compression': true } : {}),
    ...(c.execExtension !== undefined ? { config: c.execExtension } : {}),
  };
}

function parseOutput(cfg: ExecConfig, stdout: string): ExecCredential {
  let out: {
    apiVersion?: string;
    kind?: string;
    status?: {
      token?: string;
      clientCertificateData?: string;
      clientKeyData?: string;
      expirationTimestamp?: string;
    };
  };
  try {
    out = JSON.parse(stdout) as typeof out;
  } catch {
    throw new CredentialError(cfg.command, 'its output is not an ExecCredential (not JSON)');
  }
  if (out?.apiVersion !== cfg.apiVersion)
    throw new CredentialError(
      cfg.command,
      `it returned apiVersion ${String(out?.apiVersion)}, the kubeconfig asks for ${cfg.apiVersion}`,
    );
  const s = out.status;
  if (!s) throw new CredentialError(cfg.command, 'its ExecCredential has no status');
  if (!s.token && !s.clientCertificateData && !s.clientKeyData)
    throw new CredentialError(cfg.command, 'its ExecCredential has neither a token nor a client certificate');
  if (!s.clientCertificateData !== !s.clientKeyData)
    throw new CredentialError(cfg.command, 'its ExecCredential has a client certificate or key, not both');
  let expiry: number | undefined;
  if (s.expirationTimestamp) {
    expiry = Date.parse(s.expirationTimestamp);
    if (Number.isNaN(expiry)) throw new CredentialError(cfg.command, 'its expirationTimestamp is not an RFC 3339 time');
  }
  return {
    token: s.token || undefined,
    clientCertificateData: s.clientCertificateData || undefined,
    clientKeyData: s.clientKeyData || undefined,
    expiry,
  };
}

/** Runs the plugin once and returns its credential, or throws CredentialError. */
export async function runExecPlugin(cfg: ExecConfig, cluster: ClusterEntry, io: PluginIo): Promise<ExecCredential> {
  if (!cfg.command) throw new CredentialError('(none)', 'the kubeconfig gives no command');
  if (!API_VERSIONS.includes(cfg.apiVersion))
    throw new CredentialError(cfg.command, `apiVersion "${cfg.apiVersion}" is not one of ${API_VERSIONS.join(', ')}`);
  const stdin = interactive(cfg, io.stdinIsTTY);
  const info = {
    apiVersion: cfg.apiVersion,
    kind: 'ExecCredential',
    spec: { interactive: stdin, ...(cfg.provideClusterInfo ? { cluster: clusterInfo(cluster) } : {}) },
  };
  const env: NodeJS.ProcessEnv = { ...io.env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const e of cfg.env) env[e.name] = e.value;

  return new Promise<ExecCredential>((resolve, reject) => {
    const child = spawn(cfg.command, cfg.args, { env, stdio: [stdin ? 'inherit' : 'ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    let failed = false;
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      failed = true;
      const why =
        e.code === 'ENOENT'
          ? `it is not installed (${cfg.command} not found${cfg.command.includes('/') ? '' : ' on PATH'})`
          : e.code === 'EACCES'
            ? `it is not executable (${cfg.command}: permission denied)`
            : (e.message ?? String(e));
      reject(new CredentialError(cfg.command, why, cfg.installHint));
    });
    child.on('close', (code, signal) => {
      if (failed) return;
      if (code !== 0) {
        const how = signal ? `it was killed by ${signal}` : `it exited with code ${code}`;
        return reject(new CredentialError(cfg.command, how));
      }
      try {
        resolve(parseOutput(cfg, Buffer.concat(chunks).toString('utf8')));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}
