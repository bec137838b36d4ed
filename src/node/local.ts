// --via local: the node is this machine, and ctr here reaches its containerd.
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { delimiter, join } from 'node:path';
import type { NodeInfo } from '../kube/node-api.js';
import { shellCommand } from '../domain/shell.js';
import { BaseAccess, type RunResult } from './access.js';

/** Runs a program without a shell; a missing program is exit 127, like a shell would say. */
export function runFile(argv: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      argv[0],
      argv.slice(1),
      { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: unknown }) | null;
        if (e?.code === 'ENOENT')
          return resolve({ stdout: '', stderr: `${argv[0]}: executable file not found in $PATH`, exitCode: 127 });
        if (e?.killed) return resolve({ stdout, stderr, exitCode: 124, timedOut: true });
        resolve({ stdout, stderr, exitCode: e ? (typeof e.code === 'number' ? e.code : 1) : 0 });
      },
    );
  });
}

export function onPath(program: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, program)));
}

/** Is the node this machine? Its name is our host name, or one of its addresses is ours. */
export function nodeIsThisMachine(node: NodeInfo): boolean {
  if (node.name === hostname() || node.addresses.some((a) => a.type === 'Hostname' && a.address === hostname()))
    return true;
  const mine = new Set(
    Object.values(networkInterfaces()).flatMap((l) => (l ?? []).filter((i) => !i.internal).map((i) => i.address)),
  );
  return node.addresses.some((a) => a.type === 'InternalIP' && mine.has(a.address));
}

/** Why --via local cannot work here, or undefined when it can. */
export function localUnavailable(
  node: NodeInfo,
  address: string,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (!nodeIsThisMachine(node)) return `node ${node.name} is not this machine (${hostname()})`;
  if (!onPath('ctr', env)) return 'ctr is not installed on this machine';
  try {
    if (!statSync(address).isSocket()) return `${address} is not a socket`;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'EACCES' ? `no permission to reach ${address} (run as root)` : `no containerd socket at ${address}`;
  }
  return undefined;
}

export class LocalAccess extends BaseAccess {
  readonly via = 'local' as const;

  how(): string {
    return `ctr on this machine (the node), containerd at ${this.address}`;
  }

  protected shown(argv: string[]): string {
    return shellCommand(argv);
  }

  protected run(argv: string[]): Promise<RunResult> {
    return runFile(argv, this.timeoutMs);
  }
}
