// kubectl-style flags shared by every command (describe, watch, pause ...), and their validation.
// Light on purpose: importing this must not load the Kubernetes client (startup time).
import { Option, type Command } from 'commander';
import { usage } from '../errors.js';
import type { Cluster } from '../kube/types.js';
import type { DataFormat } from '../render/data.js';

export type OutputFormat = 'text' | DataFormat;

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeout: string;
}

export interface SelectionFlags {
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
}

export interface OutputFlags {
  output: OutputFormat;
}

export const DEFAULT_REQUEST_TIMEOUT = '10s';

/** --kubeconfig, --context, -n/--namespace, --request-timeout */
export function addClusterFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-n, --namespace <namespace>', "namespace (default: the context's namespace)")
    .option(
      '--request-timeout <duration>',
      'give up on a request after this long, e.g. 5s, 1m, 500ms; 0 waits forever',
      DEFAULT_REQUEST_TIMEOUT,
    );
}

/** -A/--all-namespaces, -l/--selector, --field-selector */
export function addSelectionFlags(cmd: Command): Command {
  return cmd
    .option('-A, --all-namespaces', 'look in every namespace')
    .option('-l, --selector <selector>', 'label selector, e.g. app=web,tier!=db')
    .option('--field-selector <selector>', 'field selector, as kubectl get pods takes it, e.g. status.phase=Running');
}

/** -o/--output text|json|yaml */
export function addOutputFlag(cmd: Command): Command {
  return cmd.addOption(
    new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml']).default('text'),
  );
}

/**
 * The longest wait a timer can hold: Node's setTimeout takes a 32-bit signed count of milliseconds
 * and turns anything larger into 1 ms (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args).
 */
export const MAX_DURATION_MS = 2 ** 31 - 1;
export const MAX_DURATION_TEXT = '596h31m23s'; // 2,147,483 s: about 24.8 days

/** kubectl's duration syntax: a number with s, m, h or ms units; a bare number means seconds. */
export function parseDuration(value: string, flag = '--request-timeout'): number {
  const v = value.trim();
  const parts = /^\d+$/.test(v) ? [[v, v, 's']] : [...v.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== v) {
    throw usage(`invalid value "${value}" for ${flag}: use a duration such as 10s, 1m or 500ms (0 for none).`);
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;
  const ms = Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2] as keyof typeof unit], 0));
  if (ms > MAX_DURATION_MS)
    throw usage(
      `invalid value "${value}" for ${flag}: podlens can wait at most ${MAX_DURATION_TEXT} (about 24.8 days).`,
    );
  return ms;
}

// RFC 1123 label, as namespaces must be:
// https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateNamespace(ns: string | undefined): void {
  if (ns !== undefined && (ns.length > 63 || !DNS_LABEL.test(ns))) {
    throw usage(`invalid namespace "${ns}": a namespace is lowercase letters, digits and '-', at most 63 characters.`);
  }
}

export function validateSelection(names: string[], flags: SelectionFlags & ClusterFlags): void {
  // An empty argument (`describe ''`, an unset shell variable in quotes) names nothing: say so.
  if (names.some((n) => !n.trim()))
    throw usage('a pod name cannot be empty (an unset variable in quotes?); pass a name, -l SELECTOR or -A.');
  if (flags.allNamespaces && flags.namespace) {
    throw usage('use either -n/--namespace or -A/--all-namespaces, not both.');
  }
  if (flags.allNamespaces && names.length) {
    throw usage('a pod cannot be named across all namespaces: drop -A or pass -n NAMESPACE.');
  }
  if (flags.selector !== undefined && names.length) {
    throw usage('pass either pod names or -l/--selector, not both.');
  }
  if (flags.fieldSelector !== undefined && names.length)
    throw usage('pass either pod names or --field-selector, not both.');
  if (flags.selector !== undefined && !flags.selector.trim())
    throw usage('-l/--selector needs a selector, e.g. app=web.');
  if (flags.fieldSelector !== undefined && !flags.fieldSelector.trim())
    throw usage('--field-selector needs a selector, e.g. status.phase=Running.');
}

export interface Connected {
  cluster: Cluster;
  namespace: string; // -n, else the context's namespace
}

/** Loads the kubeconfig and the client (lazily: only commands that reach the cluster pay for it). */
export async function openCluster(flags: ClusterFlags, env: NodeJS.ProcessEnv = process.env): Promise<Connected> {
  validateNamespace(flags.namespace);
  const requestTimeoutMs = parseDuration(flags.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT);
  const { connect } = await import('../kube/adapter.js');
  const cluster = await connect({ kubeconfig: flags.kubeconfig, context: flags.context, requestTimeoutMs, env });
  return { cluster, namespace: flags.namespace ?? cluster.namespace };
}

/** The flags a follow-up kubectl command needs to reach the same cluster (as arguments, quoted when shown). */
export function kubectlArgs(flags: ClusterFlags): string[] {
  const out: string[] = [];
  if (flags.kubeconfig) out.push('--kubeconfig', flags.kubeconfig);
  if (flags.context) out.push('--context', flags.context);
  return out;
}
