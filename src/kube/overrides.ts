// kubectl's global flags that override the kubeconfig, with client-go's meaning
// (https://github.com/kubernetes/client-go/blob/master/tools/clientcmd/client_config.go, getContext,
// getAuthInfo, getCluster; flag names in overrides.go):
// - --server replaces the cluster's address; --certificate-authority its CA (the inline data is dropped);
//   --insecure-skip-tls-verify turns the check off and drops the CA, as client-go does;
// - --token replaces every other way the user authenticates (token file, exec plugin, basic auth,
//   auth-provider); a client certificate stays, as in client-go;
// - --as, --as-group, --as-uid replace the kubeconfig user's as, as-groups, as-uid.
// --cluster and --user pick entries by name (src/kube/config.ts, where the names are known).
import type { LoadedConfig } from './config.js';
import type { Overrides } from './types.js';

export function applyOverrides(loaded: LoadedConfig, o: Overrides): LoadedConfig {
  const cluster = { ...loaded.cluster };
  if (o.server) cluster.server = o.server.replace(/\/$/, '');
  if (o.certificateAuthority) Object.assign(cluster, { caFile: o.certificateAuthority, caData: undefined });
  if (o.insecureSkipTlsVerify) Object.assign(cluster, { skipTLSVerify: true, caFile: undefined, caData: undefined });
  let user = { ...loaded.user };
  if (o.token !== undefined) {
    const { name, certFile, certData, keyFile, keyData, impersonate } = user;
    user = { name, certFile, certData, keyFile, keyData, impersonate, token: o.token };
  }
  if (o.impersonate) user.impersonate = o.impersonate;
  return { ...loaded, cluster, user, server: cluster.server };
}

/** `--server URL` with no kubeconfig file at all: that server, the default namespace, the flags' user. */
export function withoutKubeconfig(o: Overrides): LoadedConfig {
  const empty: LoadedConfig = {
    context: '',
    cluster: { name: '', server: '', skipTLSVerify: false, disableCompression: false },
    user: { name: '' },
    namespace: 'default',
    server: '',
    files: [],
  };
  return applyOverrides(empty, o);
}
