// Loads the kubeconfig the way kubectl does (client-go's ClientConfigLoadingRules):
// - --kubeconfig: that one file, which must exist;
// - else $KUBECONFIG: a path list, missing files skipped, the rest MERGED: for clusters, users and
//   contexts the first file that defines a name wins (the whole entry), and current-context comes
//   from the first file that sets it;
// - else ~/.kube/config; else the in-cluster service account.
// Relative paths (certificate-authority, client-certificate, client-key, tokenFile, and an exec
// command that contains a slash) are resolved against the file that holds them.
// https://github.com/kubernetes/client-go/blob/master/tools/clientcmd/loader.go (Load, ResolveLocalPaths)
// The result is plain data: src/kube/client.ts turns it into the client's KubeConfig and
// src/kube/credentials.ts into credentials.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { PodlensError, messages } from '../errors.js';
import { applyOverrides, withoutKubeconfig } from './overrides.js';
import type { Impersonation, Overrides } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

export interface ConfigOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** --cluster, --user, --server, --token, --as ... (applied in src/kube/overrides.ts). */
  overrides?: Overrides;
}

/** An exec credential plugin as the kubeconfig describes it (client.authentication.k8s.io). */
export interface ExecConfig {
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint?: string;
  provideClusterInfo: boolean;
  interactiveMode?: string; // Never, IfAvailable, Always
}

export interface ClusterEntry {
  name: string;
  server: string;
  caFile?: string;
  caData?: string;
  skipTLSVerify: boolean;
  tlsServerName?: string;
  proxyUrl?: string;
  disableCompression: boolean;
  execExtension?: unknown; // extensions[name=client.authentication.k8s.io/exec], for provideClusterInfo
}

export interface UserEntry {
  name: string;
  certFile?: string;
  certData?: string;
  keyFile?: string;
  keyData?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  password?: string;
  /** as, as-groups, as-uid of the kubeconfig user, or --as, --as-group, --as-uid. */
  impersonate?: Impersonation;
  exec?: ExecConfig;
  authProvider?: Raw; // legacy auth-provider (oidc): handed to the client as is
}

export interface LoadedConfig {
  context: string;
  cluster: ClusterEntry;
  user: UserEntry;
  namespace: string; // the context's namespace, else "default"
  server: string;
  /** The files read, in precedence order ("in-cluster" for the service account). */
  files: string[];
}

interface Source {
  file: string;
  from: string;
}

interface FileConfig {
  clusters: Map<string, ClusterEntry>;
  users: Map<string, UserEntry>;
  contexts: Map<string, { cluster: string; user: string; namespace?: string }>;
  currentContext?: string;
}

function sources(opts: ConfigOptions): Source[] {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) return [{ file: resolve(opts.kubeconfig), from: '--kubeconfig' }];
  if (env.KUBECONFIG) {
    const seen = new Set<string>();
    return env.KUBECONFIG.split(delimiter)
      .filter(Boolean)
      .map((f) => resolve(f))
      .filter((f) => !seen.has(f) && seen.add(f)) // kubectl deduplicates the list
      .map((file) => ({ file, from: '$KUBECONFIG' }));
  }
  return [{ file: join(env.HOME || homedir(), '.kube', 'config'), from: 'default location' }];
}

function readText(src: Source): string {
  try {
    if (statSync(src.file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return readFileSync(src.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new PodlensError('kubeconfig', messages.kubeconfigUnreadable(src.file, src.from, why));
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** A path from the file at `base`, made absolute as kubectl does; empty stays empty. */
function pathFrom(base: string, p: unknown): string | undefined {
  const s = str(p);
  return s === undefined ? undefined : isAbsolute(s) ? s : join(base, s);
}

function list(doc: Raw, key: string, file: string): Raw[] {
  const v = doc?.[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v))
    throw new PodlensError('kubeconfig', messages.kubeconfigMalformed(file, `${key} is not a list`));
  return v;
}

function named(entry: Raw, key: string, i: number, file: string): string {
  const name = entry?.name;
  if (typeof name !== 'string' || !name)
    throw new PodlensError('kubeconfig', messages.kubeconfigMalformed(file, `${key}[${i}] has no name`));
  return name;
}

function execConfig(e: Raw, base: string): ExecConfig | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const command = str(e.command) ?? '';
  return {
    // A command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
    command: command.includes('/') ? (pathFrom(base, command) ?? command) : command,
    args: Array.isArray(e.args) ? e.args.map(String) : [],
    env: Array.isArray(e.env) ? e.env.map((x: Raw) => ({ name: String(x?.name), value: String(x?.value ?? '') })) : [],
    apiVersion: str(e.apiVersion) ?? '',
    installHint: str(e.installHint),
    provideClusterInfo: e.provideClusterInfo === true,
    interactiveMode: str(e.interactiveMode),
  };
}

/** Parses one file into maps; within a file, the first entry of a name is kept. */
function parseFile(src: Source): FileConfig {
  const text = readText(src);
  let doc: Raw;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const why = ((e as Error).message || String(e)).split('\n')[0];
    throw new PodlensError('kubeconfig', messages.kubeconfigMalformed(src.file, why));
  }
  // An empty file is an empty config, as in kubectl.
  if (doc !== undefined && doc !== null && (typeof doc !== 'object' || Array.isArray(doc)))
    throw new PodlensError('kubeconfig', messages.kubeconfigMalformed(src.file, 'it is not a kubeconfig mapping'));
  const base = dirname(src.file);
  const out: FileConfig = {
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    currentContext: str(doc?.['current-context']),
  };
  list(doc, 'clusters', src.file).forEach((c, i) => {
    const name = named(c, 'clusters', i, src.file);
    const x = c.cluster ?? {};
    const ext = (Array.isArray(x.extensions) ? x.extensions : []).find(
      (e: Raw) => e?.name === 'client.authentication.k8s.io/exec',
    );
    if (!out.clusters.has(name))
      out.clusters.set(name, {
        name,
        server: String(x.server ?? '').replace(/\/$/, ''),
        caFile: pathFrom(base, x['certificate-authority']),
        caData: str(x['certificate-authority-data']),
        skipTLSVerify: x['insecure-skip-tls-verify'] === true,
        tlsServerName: str(x['tls-server-name']),
        proxyUrl: str(x['proxy-url']),
        disableCompression: x['disable-compression'] === true,
        execExtension: ext?.extension,
      });
  });
  list(doc, 'users', src.file).forEach((u, i) => {
    const name = named(u, 'users', i, src.file);
    const x = u.user ?? {};
    if (!out.users.has(name))
      out.users.set(name, {
        name,
        certFile: pathFrom(base, x['client-certificate']),
        certData: str(x['client-certificate-data']),
        keyFile: pathFrom(base, x['client-key']),
        keyData: str(x['client-key-data']),
        token: str(x.token),
        // kubectl's field is tokenFile; client-node once read token-file: accept both.
        tokenFile: pathFrom(base, x.tokenFile ?? x['token-file']),
        username: str(x.username),
        password: str(x.password),
        impersonate: x.as
          ? { user: String(x.as), groups: (x['as-groups'] ?? []).map(String), uid: str(x['as-uid']) }
          : undefined,
        exec: execConfig(x.exec, base),
        authProvider: x['auth-provider'] ?? undefined,
      });
  });
  list(doc, 'contexts', src.file).forEach((c, i) => {
    const name = named(c, 'contexts', i, src.file);
    const x = c.context ?? {};
    if (!out.contexts.has(name))
      out.contexts.set(name, {
        cluster: String(x.cluster ?? ''),
        user: String(x.user ?? ''),
        namespace: str(x.namespace),
      });
  });
  return out;
}

/** kubectl's merge: the first file that defines a name wins; current-context from the first that sets it. */
export function mergeConfigs(files: FileConfig[]): FileConfig {
  const merged: FileConfig = { clusters: new Map(), users: new Map(), contexts: new Map() };
  for (const f of files) {
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      const into = merged[key] as Map<string, unknown>;
      for (const [name, v] of f[key]) if (!into.has(name)) into.set(name, v);
    }
    merged.currentContext ??= f.currentContext;
  }
  return merged;
}

const SA = '/var/run/secrets/kubernetes.io/serviceaccount';

/** In a pod: the service account's token file (re-read, as client-go's rest.InClusterConfig does). */
function inCluster(env: NodeJS.ProcessEnv): LoadedConfig {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
  let namespace = 'default';
  try {
    namespace = readFileSync(`${SA}/namespace`, 'utf8').trim() || 'default';
  } catch {
    // no namespace file: "default", as kubectl
  }
  return {
    context: 'in-cluster',
    cluster: { name: 'in-cluster', server, caFile: `${SA}/ca.crt`, skipTLSVerify: false, disableCompression: false },
    user: { name: 'in-cluster', tokenFile: `${SA}/token` },
    namespace,
    server,
    files: ['in-cluster'],
  };
}

/** Every context, cluster and user name the kubeconfig files define (merged as kubectl merges them). */
export function kubeconfigNames(opts: ConfigOptions = {}): { contexts: string[]; clusters: string[]; users: string[] } {
  const present = sources(opts).filter((s) => existsSync(s.file));
  const kc = mergeConfigs(present.map(parseFile));
  return { contexts: [...kc.contexts.keys()], clusters: [...kc.clusters.keys()], users: [...kc.users.keys()] };
}

export function loadKubeConfig(opts: ConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const all = sources(opts);
  const present = all.filter((s) => existsSync(s.file));
  if (present.length === 0) {
    // kubectl --server URL --token T works without any kubeconfig file.
    if (opts.overrides?.server && !opts.kubeconfig) return withoutKubeconfig(opts.overrides);
    if (!opts.kubeconfig && !env.KUBECONFIG && env.KUBERNETES_SERVICE_HOST) return inCluster(env);
    if (opts.kubeconfig || env.KUBECONFIG)
      throw new PodlensError('kubeconfig', messages.kubeconfigMissing(all[0].file, all[0].from));
    throw new PodlensError('kubeconfig', messages.noKubeconfig());
  }
  const kc = mergeConfigs(present.map(parseFile));
  const file = present.map((s) => s.file).join(delimiter);

  let context = kc.currentContext;
  if (opts.context) {
    if (!kc.contexts.has(opts.context))
      throw new PodlensError('context', messages.unknownContext(opts.context, [...kc.contexts.keys()]));
    context = opts.context;
  }
  const ctx = context ? kc.contexts.get(context) : undefined;
  if (!context || !ctx) throw new PodlensError('context', messages.noCurrentContext(file));
  const o = opts.overrides ?? {};
  for (const [flag, name, known] of [
    ['--cluster', o.cluster, kc.clusters],
    ['--user', o.user, kc.users],
  ] as const)
    if (name !== undefined && !known.has(name))
      throw new PodlensError('context', messages.unknownEntry(flag, name, [...known.keys()]));
  const clusterName = o.cluster ?? ctx.cluster;
  const cluster = kc.clusters.get(clusterName);
  if (!cluster?.server && !o.server) {
    const why = cluster
      ? `context "${context}" names cluster "${clusterName}", which has no server`
      : `context "${context}" names cluster "${clusterName}", which no file defines`;
    throw new PodlensError('kubeconfig', messages.kubeconfigMalformed(file, why));
  }
  // A context without a user (or naming a user no file defines) connects without credentials, as kubectl.
  const userName = o.user ?? ctx.user;
  const user = kc.users.get(userName) ?? { name: userName };
  return applyOverrides(
    {
      context,
      cluster: cluster ?? { name: clusterName, server: '', skipTLSVerify: false, disableCompression: false },
      user,
      namespace: ctx.namespace || 'default',
      server: cluster?.server ?? '',
      files: present.map((s) => s.file),
    },
    o,
  );
}
