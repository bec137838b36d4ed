// Set-up and the choice of cluster for `npm test` and `npm run demo`. Both create pods (the tests
// privileged ones), so they use a cluster other than the project's own only when the user names
// it: PODLENS_TEST_CONTEXT=<context> (tests) or PODLENS_DEMO_CONTEXT=<context> (demo), a context of
// $KUBECONFIG. Otherwise the project's own local cluster (cluster/up.sh: Linux, root), started
// after the Debian packages it needs are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const localKubeconfig = '/var/lib/podlens-cluster/admin.kubeconfig';
export const localContainerd = '/var/lib/podlens-cluster/containerd/containerd.sock';

export function run(cmd, args, env = process.env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  return result.status ?? 1;
}

/** CI's conventions: unset, empty, 0, false, no and off (any case) are false; anything else is true. */
export function truthy(value) {
  return value !== undefined && !/^(|0|false|no|off)$/i.test(value.trim());
}

export function reachable(kubeconfig) {
  const probe = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '--request-timeout=5s', 'get', '--raw', '/readyz'], {
    encoding: 'utf8',
  });
  return probe.status === 0;
}

function isLocal(kubeconfig) {
  try {
    return realpathSync(kubeconfig) === localKubeconfig;
  } catch {
    return false;
  }
}

/**
 * The kind cluster of `npm run kind:up` (cluster/kind/env.sh names its kubeconfig and private
 * dockerd): whether it answers, and the environment that points kubectl and docker at it.
 */
export function kindCluster() {
  const lines = spawnSync('bash', [path.join(root, 'cluster', 'kind', 'env.sh')], { encoding: 'utf8' }).stdout;
  const env = { ...process.env };
  for (const [, name, value] of lines.matchAll(/^export (\w+)=(.*)$/gm)) env[name] = value;
  const kubeconfig = env.KUBECONFIG;
  return { env, running: Boolean(kubeconfig) && existsSync(kubeconfig) && reachable(kubeconfig) };
}

/** npm's dependencies, when a fresh clone has none (npm ci also builds, through `prepare`). */
export function ensureNodeModules(log) {
  if (existsSync(path.join(root, 'node_modules', '.package-lock.json'))) return true;
  log('installing the npm dependencies (node_modules is absent): npm ci');
  return run('npm', ['ci', '--no-audit', '--no-fund']) === 0;
}

/** The Debian packages of the local cluster: installed when root, otherwise the command that does it. */
function ensureDebianPackages(log) {
  const check = spawnSync('bash', ['cluster/install-deps.sh', '--check'], { cwd: root, encoding: 'utf8' });
  if (check.status === 0) return { ok: true };
  const missing = check.stdout.trim();
  if (process.getuid?.() !== 0) {
    return {
      reason: `the local cluster needs Debian packages that are missing (${missing}): run 'sudo bash cluster/install-deps.sh'`,
    };
  }
  log(`installing the missing Debian packages of the local cluster (${missing})`);
  if (run('bash', ['cluster/install-deps.sh']) !== 0)
    return { reason: 'cluster/install-deps.sh failed (its output is above)' };
  return { ok: true };
}

/** A kubeconfig of one context of the user's (flattened, in a private temporary file). */
function namedContext(context, log) {
  const view = spawnSync('kubectl', ['config', 'view', '--minify', '--flatten', '--raw', '--context', context], {
    encoding: 'utf8',
  });
  if (view.status !== 0 || !view.stdout.trim()) {
    return {
      reason: `context '${context}' is not in your kubeconfig (${view.stderr.trim() || 'kubectl config view failed'})`,
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'podlens-context-'));
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(file, view.stdout, { mode: 0o600 });
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (!reachable(file)) {
    cleanup();
    return { reason: `the cluster of context '${context}' does not answer` };
  }
  log(`using the cluster you named: context ${context}`);
  return { env: { ...process.env, KUBECONFIG: file }, own: false, startedHere: false, cleanup };
}

/**
 * The cluster to run on: { env, own, startedHere, cleanup } or { reason }.
 * optIn: the variable that names a context of the user's. onForeign: 'refuse' (no cluster, with
 * the reason) or 'local' (use the project's own cluster anyway) when $KUBECONFIG points elsewhere.
 */
export function findCluster({ optIn, onForeign = 'refuse', log = (line) => console.log(`[cluster] ${line}`) }) {
  const named = process.env[optIn];
  if (named) return namedContext(named, log);
  const fromEnv = process.env.KUBECONFIG;
  if (fromEnv && !isLocal(fromEnv)) {
    const hint = `KUBECONFIG=${fromEnv} is not the project's own cluster; name one of its contexts to use it: ${optIn}=<context>`;
    if (onForeign === 'refuse') return { reason: hint };
    log(`${hint}. Using the project's own cluster.`);
  }
  const own = (startedHere) => ({
    env: {
      ...process.env,
      KUBECONFIG: localKubeconfig,
      CONTAINERD_ADDRESS: process.env.CONTAINERD_ADDRESS ?? localContainerd,
    },
    own: true,
    startedHere,
    cleanup: () => {},
  });
  if (existsSync(localKubeconfig) && reachable(localKubeconfig)) {
    // Someone's running cluster (cluster:up is idempotent, but it is theirs: leave it as it is).
    log(`using the project's own cluster, already running (${localKubeconfig})`);
    return own(false);
  }
  if (process.platform !== 'linux') return { reason: 'the local cluster runs on Linux only' };
  const packages = ensureDebianPackages(log);
  if (!packages.ok) return packages;
  if (process.getuid?.() !== 0) {
    return {
      reason: `the local cluster needs root (it runs containerd and a kubelet): run this as root, or name a cluster of yours with ${optIn}=<context>`,
    };
  }
  const code = run('bash', ['cluster/up.sh']);
  if (code !== 0) return { reason: `cluster/up.sh failed with exit code ${code} (its output is above)` };
  if (!reachable(localKubeconfig)) return { reason: 'the local cluster started but its API server does not answer' };
  return own(true);
}
