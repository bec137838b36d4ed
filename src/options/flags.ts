// kubectl-style flags shared by every command (describe, watch, pause ...), and their validation.
// Light on purpose: importing this must not load the Kubernetes client (startup time).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { usage } from '../errors.js';
import { registerSecret } from '../redact.js';
import type { Cluster, Overrides } from '../kube/types.js';
import type { DataFormat } from '../render/data.js';
import { COLOR_MODES, type ColorMode } from '../render/terminal.js';

export type OutputFormat = 'text' | DataFormat;

/** kubectl's global flags (kubectl options), as commander names them. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeout?: string;
  cluster?: string;
  user?: string;
  as?: string;
  asGroup?: string[];
  asUid?: string;
  token?: string;
  server?: string;
  certificateAuthority?: string;
  insecureSkipTlsVerify?: boolean;
  v?: string;
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

const collect = (v: string, all: string[] = []) => [...all, v];

/**
 * kubectl's global flags, with kubectl's meaning (`kubectl options`). Defined on the program (before
 * the subcommand) and on each command that reaches the cluster (after it): addGlobalFlags merges them.
 */
export function addClusterFlags(cmd: Command): Command {
  return cmd
    .option('--kubeconfig <file>', 'path to the kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-n, --namespace <namespace>', "namespace (default: the context's namespace)")
    .option('--cluster <name>', "the kubeconfig cluster to use (instead of the context's)")
    .option('--user <name>', "the kubeconfig user to use (instead of the context's)")
    .option('-s, --server <url>', "the API server's address (instead of the cluster's)")
    .option('--certificate-authority <file>', "a CA certificate file to check the server's certificate with")
    .option('--insecure-skip-tls-verify', "do not check the server's certificate (insecure)")
    .option('--token <token>', 'a bearer token for the API server (never printed)')
    .option('--as <user>', 'act as this user or service account (system:serviceaccount:NS:NAME)')
    .option('--as-group <group>', 'act as a member of this group (repeatable; needs --as)', collect)
    .option('--as-uid <uid>', 'act with this UID (needs --as)')
    .option(
      '--request-timeout <duration>',
      `give up on a request after this long, e.g. 5s, 1m, 500ms; 0 waits forever (default: ${DEFAULT_REQUEST_TIMEOUT})`,
    )
    .option('-v, --v <level>', 'log verbosity: 6 or more logs each API request (method, URL, status) on stderr');
}

const GLOBAL_KEYS = [
  'kubeconfig',
  'context',
  'namespace',
  'cluster',
  'user',
  'server',
  'certificateAuthority',
  'insecureSkipTlsVerify',
  'token',
  'as',
  'asGroup',
  'asUid',
  'requestTimeout',
  'v',
  'color',
] as const;

/**
 * kubectl's global flags before the subcommand (`podlens -n web describe api`) as well as after it.
 * The program parses those before the subcommand (positional options); before each action they are
 * copied into the command's own flags unless given there too (--as-group: both lists).
 */
export function addGlobalFlags(program: Command): Command {
  addColorFlag(addClusterFlags(program)).enablePositionalOptions();
  return program.hook('preAction', (root, action) => {
    if (action === root) return;
    const before = root.opts<Record<string, unknown>>();
    for (const key of GLOBAL_KEYS) {
      const mine = action.getOptionValue(key) as unknown;
      if (before[key] === undefined || !action.options.some((o) => o.attributeName() === key)) continue;
      if (key === 'asGroup') action.setOptionValue(key, [...(before[key] as string[]), ...((mine as string[]) ?? [])]);
      else if (mine === undefined) action.setOptionValue(key, before[key]);
    }
  });
}

/**
 * --color auto|always|never, on the program and on every command (call once they are all registered),
 * so that it is accepted before or after the command. src/render/terminal.ts colourEnabled decides.
 */
export function addColorFlag(cmd: Command): Command {
  for (const c of [cmd, ...cmd.commands])
    if (!c.options.some((o) => o.long === '--color'))
      c.addOption(
        new Option('--color <when>', 'colour the output: auto (a terminal, unless NO_COLOR), always, never').choices(
          COLOR_MODES,
        ),
      );
  return cmd;
}

/** The colour mode the flags give (undefined: auto). */
export const colorMode = (flags: { color?: string }): ColorMode | undefined => flags.color as ColorMode | undefined;

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

/** describe's -o: text|json|yaml, and kubectl get's wide, name and jsonpath=TEMPLATE. */
export type DescribeOutput = OutputFormat | 'wide' | 'name' | `jsonpath=${string}`;

const DESCRIBE_OUTPUTS = ['text', 'json', 'yaml', 'wide', 'name'];

/** describe's -o, --no-headers and --no-trunc, as kubectl get takes them. */
export function addDescribeOutputFlags(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('-o, --output <format>', 'output format: text, json, yaml, wide, name or jsonpath=TEMPLATE')
        .choices([...DESCRIBE_OUTPUTS, 'jsonpath='])
        .argParser((given: string): DescribeOutput => {
          const v = given.startsWith('=') ? given.slice(1) : given; // -o=json, as kubectl (pflag) takes it
          if (DESCRIBE_OUTPUTS.includes(v) || (v.startsWith('jsonpath=') && v.length > 9)) return v as DescribeOutput;
          throw new InvalidArgumentError(
            v === 'jsonpath' || v === 'jsonpath='
              ? "jsonpath needs a template, e.g. -o jsonpath='{.items[*].name}'."
              : 'Allowed formats are text, json, yaml, wide, name and jsonpath=TEMPLATE.',
          );
        })
        .default('text'),
    )
    .option('--no-headers', 'tables without their header line (and without the group lines above them)')
    .option('--no-trunc', "tables' cells in full, not cut to the terminal's width");
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
  const overrides = clusterOverrides(flags);
  const { connect } = await import('../kube/adapter.js');
  const cluster = await connect({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    requestTimeoutMs,
    env,
    overrides,
  });
  return { cluster, namespace: flags.namespace ?? cluster.namespace };
}

/** The overrides of the kubeconfig the flags ask for (client-go's ConfigOverrides), checked. */
export function clusterOverrides(flags: ClusterFlags): Overrides {
  registerSecret(flags.token); // from here on no message can print it
  if ((flags.asGroup?.length || flags.asUid !== undefined) && flags.as === undefined)
    throw usage('--as-group and --as-uid need --as USER (the user to act as).');
  for (const [flag, v] of [
    ['--as', flags.as],
    ['--token', flags.token],
    ['--server', flags.server],
    ['--cluster', flags.cluster],
    ['--user', flags.user],
    ['--certificate-authority', flags.certificateAuthority],
  ] as const)
    if (v !== undefined && !v.trim()) throw usage(`${flag} needs a value (an unset variable in quotes?).`);
  if (
    flags.server !== undefined &&
    !/^https?:\/\/[^/]/.test(flags.server.trim()) &&
    !/^[^/:]+(:\d+)?$/.test(flags.server)
  )
    throw usage(`invalid value "${flags.server}" for --server: use a URL such as https://10.0.0.1:6443.`);
  if (flags.v !== undefined && !/^\d+$/.test(flags.v))
    throw usage(`invalid value "${flags.v}" for -v: use a number from 0 to 10.`);
  return {
    cluster: flags.cluster,
    user: flags.user,
    server: flags.server && (/^https?:/.test(flags.server) ? flags.server : `https://${flags.server}`),
    certificateAuthority: flags.certificateAuthority,
    insecureSkipTlsVerify: flags.insecureSkipTlsVerify,
    token: flags.token,
    impersonate: flags.as !== undefined ? { user: flags.as, groups: flags.asGroup ?? [], uid: flags.asUid } : undefined,
    verbosity: flags.v === undefined ? 0 : Number(flags.v),
  };
}

/** The flags a follow-up kubectl command needs to reach the same cluster as the same user (never a token). */
export function kubectlArgs(flags: ClusterFlags): string[] {
  const out: string[] = [];
  for (const [flag, v] of [
    ['--kubeconfig', flags.kubeconfig],
    ['--context', flags.context],
    ['--cluster', flags.cluster],
    ['--user', flags.user],
    ['--server', flags.server],
    ['--certificate-authority', flags.certificateAuthority],
    ['--as', flags.as],
    ['--as-uid', flags.asUid],
  ] as const)
    if (v) out.push(flag, v);
  for (const g of flags.asGroup ?? []) out.push('--as-group', g);
  if (flags.insecureSkipTlsVerify) out.push('--insecure-skip-tls-verify');
  return out;
}
