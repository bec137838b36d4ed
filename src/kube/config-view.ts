// The choice `podlens config` prints: the loader's result, the credential layer's description of
// the credential (its kind and source, never its value) and the proxy decision.
import { ExitCode } from '../errors.js';
import { renderData } from '../render/data.js';
import type { Io } from '../render/terminal.js';
import type { ConfigFlags } from '../commands/config.js';
import { clusterOverrides, validateNamespace } from '../options/flags.js';
import { loadKubeConfig } from './config.js';
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

export function configChoice(flags: ConfigFlags, env: NodeJS.ProcessEnv): ConfigChoice {
  validateNamespace(flags.namespace);
  const c = loadKubeConfig({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    env,
    overrides: clusterOverrides(flags),
  });
  return {
    context: c.context,
    cluster: c.cluster.name,
    server: c.server,
    user: c.user.name,
    namespace: flags.namespace ?? c.namespace,
    credentials: new Credentials(c.user, c.cluster, { env, stdinIsTTY: false }).describe(),
    proxy: proxyFor(c.server, c.cluster.proxyUrl, env)?.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:[redacted]@') ?? null,
    kubeconfig: c.files,
  };
}

export async function runConfig(flags: ConfigFlags, io: Io): Promise<number> {
  const choice = configChoice(flags, io.env);
  if (flags.output !== 'text') {
    io.stdout.write(await renderData(choice, flags.output));
    return ExitCode.OK;
  }
  const rows: [string, string][] = [
    ['context', choice.context],
    ['cluster', choice.cluster],
    ['server', choice.server],
    ['user', choice.user],
    ['namespace', choice.namespace],
    ['credentials', choice.credentials],
    ['proxy', choice.proxy ?? 'none'],
    ['kubeconfig', choice.kubeconfig.join(', ')],
  ];
  io.stdout.write(rows.map(([k, v]) => `${`${k}:`.padEnd(13)}${v}\n`).join(''));
  return ExitCode.OK;
}
