// --via docker: kind nodes are Docker containers named after the node; `docker exec NODE ctr ...`.
import { shellCommand } from '../domain/shell.js';
import { BaseAccess, type RunResult } from './access.js';
import { onPath, runFile } from './local.js';

/** The docker argv for a node-side argv: pure, so its construction is unit-tested. */
export function dockerExecArgv(node: string, argv: string[]): string[] {
  return ['docker', 'exec', node, ...argv];
}

/**
 * `docker exec` reports a program it could not start (exit 126, or 127) on stdout, not stderr:
 * "OCI runtime exec failed: exec failed: unable to start container process: exec: "ctr":
 * executable file not found in $PATH: unknown". Moved to stderr, where the checks look.
 */
export function dockerExecResult(r: RunResult): RunResult {
  if ((r.exitCode === 126 || r.exitCode === 127) && !r.stderr.trim() && /^OCI runtime exec failed/m.test(r.stdout)) {
    return { ...r, stdout: '', stderr: r.stdout };
  }
  return r;
}

/** Why --via docker cannot work, or undefined when a running container is named after the node. */
export async function dockerUnavailable(node: string, timeoutMs: number): Promise<string | undefined> {
  if (!onPath('docker')) return 'docker is not installed on this machine';
  const r = await runFile(
    ['docker', 'inspect', '--type', 'container', '--format', '{{.State.Running}}', node],
    Math.min(timeoutMs, 10_000),
  );
  if (r.exitCode !== 0) {
    const why = r.stderr.trim().split('\n').pop() ?? '';
    return /Cannot connect to the Docker daemon|permission denied/i.test(why)
      ? `docker cannot reach its daemon (${why.replace(/\.$/, '')})`
      : `no Docker container is named ${node}`;
  }
  return r.stdout.trim() === 'true' ? undefined : `the Docker container ${node} is not running`;
}

export class DockerAccess extends BaseAccess {
  readonly via = 'docker' as const;

  how(): string {
    return `docker exec into the node's container ${this.node}, containerd at ${this.address}`;
  }

  protected shown(argv: string[]): string {
    return shellCommand(dockerExecArgv(this.node, argv));
  }

  protected async run(argv: string[]): Promise<RunResult> {
    return dockerExecResult(await runFile(dockerExecArgv(this.node, argv), this.timeoutMs));
  }
}
