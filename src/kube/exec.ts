// Exec into a pod through @kubernetes/client-node, as an argument vector (never a shell string).
// Exec.exec() resolves when the websocket OPENS; the command's end is the V1Status on the status
// channel ("Success", or NonZeroExitCode with the code in details.causes[reason=ExitCode]). A socket
// that drops gives no status at all, so `close` and a timer end the wait too.
import { Writable } from 'node:stream';
import { Exec, type KubeConfig } from '@kubernetes/client-node';
import { PodlensError } from '../errors.js';
import type { Credentials } from './credentials.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The command did not finish in time, or the connection ended without an exit status. */
export class ExecError extends Error {
  constructor(
    readonly kind: 'timeout' | 'closed' | 'connect',
    message: string,
    readonly timeoutMs?: number,
    /** The HTTP status the API server refused the websocket upgrade with (kind 'connect'). */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

/**
 * The HTTP status of a refused websocket upgrade: the ws library rejects with "Unexpected server
 * response: 401" (its only report of the status), which client-node passes on as is.
 */
export function upgradeStatus(message: string): number | undefined {
  const m = /^Unexpected server response: (\d{3})\b/.exec(message);
  return m ? Number(m[1]) : undefined;
}

function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
function exitCodeOf(status: any): number {
  if (status?.status === 'Success') return 0;
  const cause = (status?.details?.causes ?? []).find((c: any) => c.reason === 'ExitCode');
  const n = Number(cause?.message);
  return Number.isInteger(n) ? n : 1;
}

export async function execInPod(
  kc: KubeConfig,
  target: { namespace: string; pod: string; container: string },
  argv: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const out = collector();
  const err = collector();
  return new Promise<ExecResult>((resolve, reject) => {
    let done = false;
    let socket: { close(): void } | undefined;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      f();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new ExecError('timeout', `no answer within ${timeoutMs}ms`, timeoutMs)));
      socket?.close();
    }, timeoutMs);
    new Exec(kc)
      .exec(target.namespace, target.pod, target.container, argv, out.stream, err.stream, null, false, (status) =>
        finish(() => resolve({ stdout: out.text(), stderr: err.text(), exitCode: exitCodeOf(status) })),
      )
      .then((ws) => {
        socket = ws;
        if (done) ws.close();
        ws.on('close', () =>
          finish(() =>
            reject(
              new ExecError(
                'closed',
                `the exec connection closed without an exit status${err.text() ? `: ${err.text().trim()}` : ''}`,
              ),
            ),
          ),
        );
      })
      .catch((e: any) => {
        // The credential layer's own failure (exec plugin, token file) is reported as itself.
        const message = String(e?.message ?? e).split('\n')[0];
        finish(() =>
          reject(e instanceof PodlensError ? e : new ExecError('connect', message, undefined, upgradeStatus(message))),
        );
      });
  });
}

/**
 * execInPod, with the credential refresh requests and watches have (src/kube/adapter.ts, watch.ts):
 * a 401 on the websocket upgrade with a credential that can change (an exec plugin's token that
 * expired early, a rotated token file) fetches a new one, once, through the credential layer
 * (never two plugin runs at once), and connects again. `kc` authenticates through `credentials`
 * (src/kube/client.ts).
 */
export async function execRefreshing(
  kc: KubeConfig,
  credentials: Credentials,
  target: { namespace: string; pod: string; container: string },
  argv: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const used = await credentials.get();
  try {
    return await execInPod(kc, target, argv, timeoutMs);
  } catch (e) {
    if (!(e instanceof ExecError && e.status === 401 && credentials.unauthorized(used))) throw e;
    return execInPod(kc, target, argv, timeoutMs);
  }
}
