// The exec credential plugin of a kubeconfig user, as src/kube/config.ts reads it, for the credential
// tests (kubeconfig.test.ts: once per lifetime; exec-refresh.test.ts: after a 401 on the websocket).
import type { ExecConfig } from '../../src/kube/config.js';

/** A plugin named `plugin`, no arguments or environment, the v1beta1 ExecCredential. */
export const PLUGIN_EXEC: ExecConfig = {
  command: 'plugin',
  args: [],
  env: [],
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  provideClusterInfo: false,
};
