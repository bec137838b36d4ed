// Loads the kubeconfig the way kubectl does: --kubeconfig, else $KUBECONFIG (a path list, merged,
// first file wins, missing files skipped), else ~/.kube/config, else in-cluster service account.
// https://github.com/kubernetes/client-go/blob/master/tools/clientcmd/loader.go (ClientConfigLoadingRules)
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { PodlensError, messages } from '../errors.js';

export interface ConfigOptions {
  kubeconfig?: string;
  context?: string;
  env?: NodeJS.ProcessEnv;
}

export interface LoadedConfig {
  kc: KubeConfig;
  context: string;
  namespace: string; // the context's namespace, else "default"
  server: string;
}

interface Source {
  file: string;
  from: string;
}

function sources(opts: ConfigOptions): Source[] {
  const env = opts.env ?? process.env;
  if (opts.kubeconfig) return [{ file: resolve(opts.kubeconfig), from: '--kubeconfig' }];
  if (env.KUBECONFIG) {
    return env.KUBECONFIG.split(delimiter)
      .filter(Boolean)
      .map((f) => ({ file: resolve(f), from: '$KUBECONFIG' }));
  }
  return [{ file: join(env.HOME || homedir(), '.kube', 'config'), from: 'default location' }];
}

function readOne(src: Source): KubeConfig {
  let text: string;
  try {
    if (statSync(src.file).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    text = readFileSync(src.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (e as Error).message;
    throw new PodlensError('kubeconfig', messages.kubeconfigUnreadable(src.file, src.from, why));
  }
  const kc = new KubeConfig();
  try {
    kc.loadFromString(text);
  } catch (e) {
    const why = ((e as Error).message || String(e)).split('\n')[0];
    throw new PodlensError('kubeconfig', messages.kubeconfigMalformed(src.file, why));
  }
  // Relative certificate and key paths are relative to the kubeconfig file, as in kubectl.
  kc.makePathsAbsolute(dirname(src.file));
  return kc;
}

export function loadKubeConfig(opts: ConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const all = sources(opts);
  const present = all.filter((s) => existsSync(s.file));
  let kc: KubeConfig;
  if (present.length === 0) {
    if (!opts.kubeconfig && !env.KUBECONFIG && env.KUBERNETES_SERVICE_HOST) {
      kc = new KubeConfig();
      kc.loadFromCluster();
    } else if (opts.kubeconfig || env.KUBECONFIG) {
      throw new PodlensError('kubeconfig', messages.kubeconfigMissing(all[0].file, all[0].from));
    } else {
      throw new PodlensError('kubeconfig', messages.noKubeconfig());
    }
  } else {
    kc = readOne(present[0]);
    for (const src of present.slice(1)) kc.mergeConfig(readOne(src), true);
  }
  const file = present[0]?.file ?? 'in-cluster';

  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      throw new PodlensError(
        'context',
        messages.unknownContext(
          opts.context,
          kc.getContexts().map((c) => c.name),
        ),
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const context = kc.getCurrentContext();
  const ctx = context ? kc.getContextObject(context) : null;
  if (!ctx) throw new PodlensError('context', messages.noCurrentContext(file));
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new PodlensError(
      'kubeconfig',
      messages.kubeconfigMalformed(file, `context "${context}" names cluster "${ctx.cluster}", which has no server`),
    );
  }
  return { kc, context, namespace: ctx.namespace || 'default', server: cluster.server };
}
