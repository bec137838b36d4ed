// The one place that turns every failure into one sentence and an exit code.
// Commands and the kube adapter throw PodlensError (or let a KubeApiError / network error through);
// cli.ts calls toUserError() once, prints the message, and exits with its code. No stack traces.

export const ExitCode = {
  OK: 0,
  RUNTIME: 1, // the cluster answered with an error, or could not be reached
  USAGE: 2, // bad flags or arguments
  VERDICT: 3, // describe --exit-code: a verdict is "error"
  POD_FAILED: 3, // watch --until: a pod failed or was deleted instead
  TIMEOUT: 4, // watch --timeout expired
  INTERRUPTED: 130, // Ctrl-C where podlens was asking (128 + SIGINT, as shells report it)
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What went wrong, which decides the exit code (network and API errors have classes of their own). */
export type ErrorKind =
  | 'usage'
  | 'kubeconfig'
  | 'context'
  | 'credentials' // the kubeconfig's credential could not be obtained (exec plugin, token file)
  | 'timeout' // watch --timeout expired
  | 'not-found'
  | 'namespace-not-found'
  | 'api'
  | 'node' // reaching a node for pause/node: helper pod, ctr, containerd
  | 'interrupted'; // the user pressed Ctrl-C at a question: nothing more to say

const EXIT_CODE_OF: Record<ErrorKind, ExitCodeValue> = {
  usage: ExitCode.USAGE,
  kubeconfig: ExitCode.RUNTIME,
  context: ExitCode.RUNTIME,
  credentials: ExitCode.RUNTIME,
  timeout: ExitCode.TIMEOUT,
  'not-found': ExitCode.RUNTIME,
  'namespace-not-found': ExitCode.RUNTIME,
  api: ExitCode.RUNTIME,
  node: ExitCode.RUNTIME,
  interrupted: ExitCode.INTERRUPTED,
};

export class PodlensError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'PodlensError';
    this.exitCode = EXIT_CODE_OF[kind];
  }
}

/**
 * The exec credential plugin could not give a credential (missing, failed, bad output). Never a
 * network error: the cluster was not asked. The message holds no plugin output.
 */
export class CredentialError extends PodlensError {
  constructor(
    readonly command: string,
    readonly why: string,
    readonly installHint?: string,
  ) {
    super('credentials', messages.execPluginFailed(command, why, installHint));
    this.name = 'CredentialError';
  }
}

/** What the adapter knows about a failed API call, without any client types. */
export interface ApiCall {
  verb: string; // get, list, watch, create, delete, patch
  resource: string; // pods, events, namespaces, deployments.apps ...
  namespace?: string;
  name?: string;
  server?: string;
  timeoutMs?: number;
}

/** An HTTP error answer from the API server, normalised by src/kube. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    readonly call: ApiCall,
    readonly reason?: string, // metav1.Status reason: NotFound, Forbidden, Unauthorized ...
    readonly serverMessage?: string,
  ) {
    super(serverMessage ?? `HTTP ${status}`);
    this.name = 'KubeApiError';
  }
}

/** The request never got an HTTP answer (DNS, refused, TLS, timeout). */
export class KubeNetworkError extends Error {
  constructor(
    readonly call: ApiCall,
    override readonly cause: unknown,
    readonly timedOut: boolean,
  ) {
    super(timedOut ? 'timeout' : String((cause as Error)?.message ?? cause));
    this.name = 'KubeNetworkError';
  }
}

// Resources without a namespace that podlens reads; any other call without one spans every namespace.
const CLUSTER_SCOPED = new Set([
  'nodes',
  'nodes/proxy',
  'namespaces',
  'persistentvolumes',
  'storageclasses.storage.k8s.io',
]);

function where(call: ApiCall): string {
  if (call.namespace) return ` in namespace "${call.namespace}"`;
  return CLUSTER_SCOPED.has(call.resource) ? '' : ' in all namespaces';
}

function what(call: ApiCall): string {
  return call.name ? `${call.resource}/${call.name}` : call.resource;
}

// ---- user-facing messages, all together ----------------------------------------------------------

export const messages = {
  usage: (m: string) => m,
  podNotFound: (name: string, namespace: string, suggestions: string[]) =>
    `pod "${name}" not found in namespace "${namespace}"` +
    (suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '.'),
  podsNotFound: (names: string[], namespace: string) =>
    `pods ${names.map((n) => `"${n}"`).join(', ')} not found in namespace "${namespace}".`,
  objectNotFound: (kind: string, name: string, namespace: string) =>
    `${kind} "${name}" not found in namespace "${namespace}".`,
  namespaceNotFound: (namespace: string) =>
    `namespace "${namespace}" does not exist (kubectl get namespaces lists them).`,
  unknownContext: (context: string, known: string[]) =>
    `context "${context}" is not in the kubeconfig` +
    (known.length ? `; known contexts: ${known.join(', ')}.` : '; it has no contexts.'),
  noCurrentContext: (file: string) => `the kubeconfig ${file} has no current context; pass --context NAME.`,
  kubeconfigMissing: (file: string, from: string) => `cannot read kubeconfig ${file} (${from}): file does not exist.`,
  kubeconfigUnreadable: (file: string, from: string, why: string) =>
    `cannot read kubeconfig ${file} (${from}): ${why}.`,
  kubeconfigFileUnreadable: (file: string, field: string, why: string) =>
    `cannot read ${file}, the ${field} the kubeconfig names: ${why}.`,
  unknownEntry: (flag: string, name: string, known: string[]) =>
    `${flag} "${name}": no kubeconfig file defines it${known.length ? ` (defined: ${known.slice(0, 8).join(', ')})` : ''}.`,
  kubeconfigMalformed: (file: string, why: string) => `kubeconfig ${file} is not valid: ${why}.`,
  execPluginFailed: (command: string, why: string, installHint?: string) =>
    `the exec credential plugin ${command} failed: ${why}.` + (installHint ? `\n${installHint.trim()}` : ''),
  tokenFileUnreadable: (file: string, user: string, why: string) =>
    `cannot read the token file ${file} of user "${user}" in the kubeconfig: ${why}.`,
  noKubeconfig: () => 'no kubeconfig found: pass --kubeconfig FILE, set $KUBECONFIG, or create ~/.kube/config.',
  timeout: (call: ApiCall) =>
    `the cluster at ${call.server ?? 'the configured server'} did not answer within ${fmtMs(call.timeoutMs)} ` +
    `(${call.verb} ${what(call)}); check that it is running and reachable, or raise --request-timeout.`,
  unreachable: (call: ApiCall, why: string) =>
    `cannot reach the cluster at ${call.server ?? 'the configured server'}: ${why}.`,
  unauthorized: (call: ApiCall) =>
    `the cluster at ${call.server ?? 'the configured server'} rejected the credentials (401 Unauthorized): ` +
    'the token or certificate in the kubeconfig is expired, revoked or wrong.',
  cannotImpersonate: (user: string | undefined, resource: string, name: string) =>
    `${user ? `${user} is` : 'you are'} not allowed to impersonate ${resource} "${name}" (--as, --as-group, --as-uid); ask for a ClusterRole granting "impersonate" on "${resource}", or drop --as.`,
  forbidden: (call: ApiCall, user?: string) =>
    `not allowed to ${call.verb} ${call.resource}${where(call)}` +
    (user ? ` as ${user}` : '') +
    // A Role grants within its namespace only: a cluster-wide read needs a ClusterRole (binding).
    ` (RBAC forbidden); ask for a ${call.namespace ? 'Role' : 'ClusterRole'} granting "${call.verb}" on "${call.resource}".`,
  apiError: (call: ApiCall, status: number, msg?: string) =>
    `the API server refused to ${call.verb} ${what(call)}${where(call)} (HTTP ${status})` + (msg ? `: ${msg}` : '.'),
  // pause / node / cleanup: reaching the node
  nodeNotFound: (node: string) => `node "${node}" not found (kubectl get nodes lists them).`,
  podNotScheduled: (name: string, namespace: string) =>
    `pod "${name}" in namespace "${namespace}" has no node yet, so it has no pause container anywhere; podlens describe ${name} -n ${namespace} says why.`,
  runtimeNotSupported: (node: string, runtime: string) =>
    `node "${node}" runs ${runtime || 'an unknown container runtime'}: podlens pause/node support containerd only (ctr reads its containers).`,
  viaUnavailable: (via: string, node: string, why: string) => `--via ${via} cannot reach node "${node}": ${why}.`,
  consentRequired: (what: string) =>
    `podlens would create ${what}; stdin is not a terminal, so it cannot ask: pass --yes to allow it, or --via local/docker where they work.`,
  consentDeclined: () => 'not confirmed: nothing was created.',
  helperPsa: (namespace: string, server: string) =>
    `Pod Security Admission in namespace "${namespace}" rejected the privileged helper pod (${psaWhy(server)}); ` +
    'pass --helper-namespace with a namespace whose pod-security.kubernetes.io/enforce level is privileged, or use --via local or docker.',
  helperImage: (h: { image: string; node: string }, reason: string, msg?: string) =>
    `the helper image "${h.image}" cannot be pulled on node "${h.node}" (${reason}${msg ? `: ${firstLine(msg)}` : ''}); pass --image with an image the node can pull that has nsenter (busybox has).`,
  helperFailed: (h: { namespace: string; name: string }, reason?: string, msg?: string) =>
    `the helper pod ${h.namespace}/${h.name} stopped before podlens could use it${reason ? ` (${reason}${msg ? `: ${firstLine(msg)}` : ''})` : ''}.`,
  helperNotStarted: (h: { namespace: string; name: string; node: string }, ms: number, reason?: string) =>
    `the helper pod ${h.namespace}/${h.name} did not start on node "${h.node}" within ${fmtMs(ms)}${reason ? ` (${reason})` : ''}; raise --timeout or check the node.`,
  helperNotGone: (h: { namespace: string; name: string }, ms: number) =>
    `the helper Job ${h.namespace}/${h.name} and its pod were still there ${fmtMs(ms)} after podlens deleted them: they are still being deleted (in the foreground, so no new pod starts), and Kubernetes finishes that without podlens; \`kubectl get job ${h.name} -n ${h.namespace}\` shows the Job until its pod is gone, and \`podlens cleanup -n ${h.namespace}\` deletes it again if it stays.`,
  execFailed: (namespace: string, name: string, why: string) =>
    `cannot exec into the helper pod ${namespace}/${name}: ${why}.`,
  nodeCommandTimeout: (cmd: string, node: string, ms: number) =>
    `the node-side command \`${cmd}\` on node "${node}" did not answer within ${fmtMs(ms)}; raise --timeout or check the node.`,
  noCtr: (node: string, cmd: string) =>
    `ctr is not available on node "${node}" (\`${cmd}\` found no ctr): podlens reads containerd with ctr, which containerd nodes normally ship.`,
  containerdUnreachable: (node: string, address: string, why: string) =>
    `ctr cannot reach containerd at ${address} on node "${node}" (${why}); pass --containerd-address with the node's containerd socket.`,
  noContainerdProcess: (node: string, refused: string, address: string) =>
    `cannot enter the node's namespaces on "${node}": PID 1 refused (${refused}) and no containerd process there has the socket ${address}.`,
  nodeCommandFailed: (cmd: string, why: string) => `the node-side command \`${cmd}\` failed: ${why}.`,
  internal: (m: string) => `internal error: ${m} (please report this).`,
};

function firstLine(s: string): string {
  return s.trim().split('\n')[0].replace(/\.$/, '');
}

/** `pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (...), host namespaces (...)` */
function psaWhy(server: string): string {
  const m = server.match(/violates PodSecurity "([^"]+)": (.*)$/s);
  return m ? `enforce level ${m[1]}: ${firstLine(m[2])}` : firstLine(server);
}

function fmtMs(ms?: number): string {
  if (ms === undefined) return 'the request timeout';
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed and not trusted by the kubeconfig",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate is not trusted by the kubeconfig",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate does not match its address",
};

/** A socket or TLS error code in the words the user reads (the one wording for every network path). */
export function networkWords(code: string | undefined): string | undefined {
  return code && Object.hasOwn(NETWORK_CODES, code) ? NETWORK_CODES[code] : undefined;
}

function networkWhy(cause: unknown): string {
  const c = cause as { code?: string; errno?: string; message?: string; cause?: unknown } | undefined;
  const words = networkWords(c?.code ?? c?.errno);
  if (words) return words;
  if (c?.cause) return networkWhy(c.cause);
  return (c?.message ?? String(cause)).split('\n')[0];
}

/** Forbidden messages name the user: `User "system:serviceaccount:ns:sa" cannot list ...`. */
function forbiddenUser(msg?: string): string | undefined {
  const m = msg?.match(/User "([^"]+)"/);
  return m?.[1];
}

export interface UserError {
  message: string;
  exitCode: ExitCodeValue;
}

/** The single mapping from any thrown value to what the user sees. */
export function toUserError(err: unknown): UserError {
  if (err instanceof PodlensError) return { message: err.message, exitCode: err.exitCode };
  if (err instanceof KubeNetworkError) {
    const message = err.timedOut ? messages.timeout(err.call) : messages.unreachable(err.call, networkWhy(err.cause));
    return { message, exitCode: ExitCode.RUNTIME };
  }
  if (err instanceof KubeApiError) return { message: apiMessage(err), exitCode: ExitCode.RUNTIME };
  const e = err as { code?: string; message?: string } | undefined;
  // commander reports its own usage errors with codes like commander.unknownOption.
  if (typeof e?.code === 'string' && e.code.startsWith('commander.')) {
    return { message: (e.message ?? '').replace(/^error: /, ''), exitCode: ExitCode.USAGE };
  }
  return { message: messages.internal(e?.message ?? String(err)), exitCode: ExitCode.RUNTIME };
}

function apiMessage(err: KubeApiError): string {
  const { call } = err;
  switch (err.status) {
    case 401:
      return messages.unauthorized(call);
    case 403: {
      // --as without the right to impersonate: the API server refuses before it looks at the request.
      const imp = err.serverMessage?.match(/^(\S+) "([^"]*)" is forbidden: .* cannot impersonate resource "([^"]+)"/);
      if (imp) return messages.cannotImpersonate(forbiddenUser(err.serverMessage), imp[3], imp[2]);
      return messages.forbidden(call, forbiddenUser(err.serverMessage));
    }
    case 404:
      if (call.resource === 'namespaces' && call.name) return messages.namespaceNotFound(call.name);
      if (call.name) return messages.objectNotFound(call.resource, call.name, call.namespace ?? '');
      return messages.apiError(call, err.status, err.serverMessage);
    default:
      return messages.apiError(call, err.status, err.serverMessage);
  }
}

/** A list the API server refused with 400 because of -l: the same usage error in every command. */
/** A 400 answer to a list with -l or --field-selector: the selector the server refused, as a usage error. */
export function selectorError(e: unknown, selector?: string, fieldSelector?: string): unknown {
  if (!(e instanceof KubeApiError) || e.status !== 400) return e;
  const why = e.serverMessage ?? 'rejected by the API server';
  if (fieldSelector !== undefined && (selector === undefined || /field/i.test(why)))
    return usage(`invalid field selector "${fieldSelector}": ${why}.`);
  if (selector !== undefined) return usage(`invalid label selector "${selector}": ${why}.`);
  return e;
}

export function usage(message: string): PodlensError {
  return new PodlensError('usage', message);
}
