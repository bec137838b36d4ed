// The choice `podlens config` prints: the loader's result, the credential layer's description of
// the credential (its kind and source, never its value) and the proxy decision. Takes what the
// loader takes (the flags are checked and turned into overrides in src/commands/config.ts).
import { loadKubeConfig, type ConfigOptions } from './config.js';
import { Credentials } from './credentials.js';
import { proxyFor } from './proxy.js';

export interface ConfigChoice {
  context: string;
  cluster: string;
  server: string;
  user: string;
  namespace: string;
  credentials: string;
  proxy: string | null;
  kubeconfig: string[];
}

/** The loader's options, and -n (which wins over the context's namespace). */
export type ConfigQuery = ConfigOptions & { namespace?: string; env: NodeJS.ProcessEnv };

export function configChoice(q: ConfigQuery): ConfigChoice {
  const c = loadKubeConfig(q);
  return {
    context: c.context,
    cluster: c.cluster.name,
    server: c.server,
    user: c.user.name,
    namespace: q.namespace ?? c.namespace,
    credentials: new Credentials(c.user, c.cluster, { env: q.env, stdinIsTTY: false }).describe(),
    proxy: proxyFor(c.server, c.cluster.proxyUrl, q.env)?.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:[redacted]@') ?? null,
    kubeconfig: c.files,
  };
}
