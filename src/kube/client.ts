// Turns the kubeconfig podlens loaded (src/kube/config.ts) into the client's KubeConfig, with the
// credential layer (src/kube/credentials.ts) as its only authenticator and the proxy decided once
// (src/kube/proxy.ts). Requests and watch streams go through src/kube/transport.ts instead; this
// KubeConfig serves what still needs the client: exec websockets (src/kube/exec.ts) and the legacy
// oidc auth-provider. Both end in the authenticator below and in the cluster's proxyUrl.
// client-node 1.4's hooks: KubeConfig.addAuthenticator (used when no built-in provider matches the
// user, which we ensure by never handing it `exec` or `token`) and cluster.proxyUrl in createAgent.
import { KubeConfig } from '@kubernetes/client-node';
import type { LoadedConfig } from './config.js';
import { Credentials, type AuthOptions } from './credentials.js';
import { proxyFor } from './proxy.js';

export interface ClientConfig {
  kc: KubeConfig;
  credentials: Credentials;
  /** The proxy every request goes through, or undefined. */
  proxy?: string;
}

export function clientConfig(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  stdinIsTTY: boolean,
  /** The cluster's credential layer, so that exec websockets share its cached credential. */
  credentials = new Credentials(loaded.user, loaded.cluster, { env, stdinIsTTY }),
): ClientConfig {
  const { cluster, user } = loaded;
  const proxy = proxyFor(cluster.server, cluster.proxyUrl, env);
  const kc = new KubeConfig();
  // An auth-provider (oidc) is the one case the client's own authenticators still handle.
  const ours = credentials.kind !== 'auth-provider';
  kc.addAuthenticator({
    isAuthProvider: () => ours,
    applyAuthentication: async (_user: unknown, opts: AuthOptions) => {
      await credentials.apply(opts);
    },
  });
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.server,
        caFile: cluster.caFile,
        caData: cluster.caData,
        skipTLSVerify: cluster.skipTLSVerify,
        tlsServerName: cluster.tlsServerName,
        proxyUrl: proxy,
      },
    ],
    users: [
      {
        name: user.name,
        certFile: user.certFile,
        certData: user.certData,
        keyFile: user.keyFile,
        keyData: user.keyData,
        username: user.username,
        password: user.password,
        authProvider: ours ? undefined : user.authProvider,
      },
    ],
    contexts: [{ name: loaded.context, cluster: cluster.name, user: user.name, namespace: loaded.namespace }],
    currentContext: loaded.context,
  });
  return { kc, credentials, proxy };
}
