// How podlens reaches a node: one interface, one strategy per file (docker.ts, pod.ts, local.ts).
// A strategy runs argument vectors (never shell strings) and records each command as a user would
// type it, for --show-commands. What to run lives in collect.ts, the same for every strategy.
import type { Via } from '../domain/sandbox-model.js';
import { PodlensError, messages } from '../errors.js';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  timedOut?: boolean; // killed after the timeout (local and docker strategies)
}

export interface NodeAccess {
  readonly via: Via;
  /** One line: how the node is reached, e.g. "ctr on this machine". Final after prepare(). */
  how(): string;
  /** Gets ready (e.g. starts the helper pod); throws a PodlensError saying why it cannot. */
  prepare(): Promise<void>;
  /** ctr -n k8s.io ARGS against the node's containerd; throws NodeCommandError on failure. */
  ctr(args: string[]): Promise<string>;
  /** A command in the node's PID namespace view (readlink /proc/PID/..., nsenter -t PID -n ip ...). */
  host(argv: string[]): Promise<string>;
  /** The commands run so far, as typed by hand. */
  commands(): string[];
  /** Removes what prepare() created. Safe to call twice. */
  close(): Promise<void>;
}

/** A node-side command ended badly (non-zero exit, or could not start). */
export class NodeCommandError extends Error {
  constructor(
    readonly command: string, // as displayed
    readonly exitCode: number | null, // null: it did not run
    readonly stderr: string,
    readonly notFound = false, // the program does not exist where it ran
  ) {
    super(`${command}: ${stderr.trim().split('\n').pop() || `exit code ${exitCode}`}`);
    this.name = 'NodeCommandError';
  }
}

/** Programs that are missing say so in a few known ways (busybox sh, nsenter, docker exec, execve). */
export function looksNotFound(r: RunResult): boolean {
  return r.exitCode === 127 || /executable file not found|can't execute|No such file or directory$/m.test(r.stderr);
}

export function ctrArgv(address: string, args: string[]): string[] {
  return ['ctr', '--address', address, '-n', 'k8s.io', ...args];
}

/** The shared part of every strategy: record, run, check the exit code. */
export abstract class BaseAccess implements NodeAccess {
  abstract readonly via: Via;
  protected readonly log: string[] = [];

  constructor(
    protected readonly address: string,
    protected readonly node: string,
    protected readonly timeoutMs: number,
  ) {}

  abstract how(): string;
  async prepare(): Promise<void> {}
  async close(): Promise<void> {}
  commands(): string[] {
    return [...this.log];
  }

  /** Runs argv where the strategy runs things; `shown` is how a user would type it. */
  protected abstract run(argv: string[]): Promise<RunResult>;
  protected abstract shown(argv: string[]): string;
  /** How a ctr argv is wrapped to reach containerd (the pod strategy adds nsenter). */
  protected wrapCtr(argv: string[]): string[] {
    return argv;
  }

  protected async checked(argv: string[]): Promise<string> {
    const shown = this.shown(argv);
    this.log.push(shown);
    const r = await this.run(argv);
    if (r.timedOut) throw new PodlensError('node', messages.nodeCommandTimeout(shown, this.node, this.timeoutMs));
    if (r.exitCode !== 0) throw new NodeCommandError(shown, r.exitCode, r.stderr, looksNotFound(r));
    return r.stdout;
  }

  ctr(args: string[]): Promise<string> {
    return this.checked(this.wrapCtr(ctrArgv(this.address, args)));
  }

  host(argv: string[]): Promise<string> {
    return this.checked(argv);
  }
}
