// Helpers for the watch live tests: podlens watch as a long-running child whose ndjson lines are
// collected as they come, and a TCP proxy between podlens and the API server that can pass,
// black-hole (stop forwarding without closing: a half-open connection) and reset connections.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { BIN, kubeconfig, sleep, waitFor } from './support.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Line = any;

const schema = JSON.parse(readFileSync(new URL('../../schema/watch-event.v2.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
export const validateLine = ajv.compile(schema);

export interface Watcher {
  child: ChildProcess;
  lines: Line[];
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number>;
  /** Waits until a line matches. */
  until(what: string, pred: (l: Line) => boolean, timeoutMs?: number): Promise<Line>;
  untilStderr(re: RegExp, timeoutMs?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts `podlens watch ARGS`; with -o ndjson every stdout line is parsed as it arrives. */
export function startWatch(args: string[], env: NodeJS.ProcessEnv = {}): Watcher {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], {
    env: { ...process.env, KUBECONFIG: kubeconfig(), NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let buf = '';
  const lines: Line[] = [];
  const ndjson = args.includes('ndjson');
  child.stdout.on('data', (d) => {
    out += d;
    if (!ndjson) return;
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(JSON.parse(buf.slice(0, i)));
      buf = buf.slice(i + 1);
    }
  });
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  const guard = setTimeout(() => child.kill('SIGKILL'), 230_000);
  void exit.then(() => clearTimeout(guard));
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    exit,
    until: (what, pred, timeoutMs = 90_000) =>
      waitFor(`${what} (stderr so far: ${err.slice(-400)})`, async () => lines.find(pred), timeoutMs, 200),
    untilStderr: (re, timeoutMs = 90_000) =>
      waitFor(
        `stderr ${re} (so far: ${err.slice(-400)})`,
        async () => (re.test(err) ? true : undefined),
        timeoutMs,
        200,
      ).then(() => {}),
    kill: (signal = 'SIGINT') => child.kill(signal),
  };
}

/** "change[:condition|container]=to", the compact form the sequence assertions use. */
export function short(t: Line): string {
  const what = t.condition ?? t.container;
  return `${t.change}${what ? `:${what}` : ''}${t.to !== null ? `=${t.to}` : ''}`;
}

/** The pod's own transitions (events left out: their stream is not ordered with the pod's). */
export function podSequence(lines: Line[], pod: string): string[] {
  return lines.filter((l) => l.pod === pod && l.change !== 'event').map(short);
}

/** A transition reported twice would have the same identity twice. */
export function duplicates(lines: Line[]): string[] {
  const seen = new Map<string, number>();
  for (const l of lines) {
    const key = [
      l.uid,
      l.change,
      l.condition,
      l.container,
      l.from,
      l.to,
      l.reason,
      l.count,
      l.change === 'event' ? l.message : '',
      l.change === 'container' || l.change === 'event' ? l.time : '',
    ].join('|');
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([k]) => k);
}

// ---- a TCP proxy that can misbehave ------------------------------------------------------------

interface Pair {
  client: Socket;
  upstream?: Socket;
  dead: boolean; // black-holed: nothing is forwarded any more, nothing is closed
}

export class FaultProxy {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  private holing = false;
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as { port: number }).port;
  }

  private accept(client: Socket): void {
    const pair: Pair = { client, dead: this.holing };
    this.pairs.add(pair);
    client.on('error', () => {});
    client.on('close', () => {
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    });
    if (pair.dead) return; // accepted, then silence: the TLS handshake never completes
    const up = createConnection(this.targetPort, this.host);
    pair.upstream = up;
    up.on('error', () => client.destroy());
    up.on('close', () => !pair.dead && client.destroy());
    up.on('data', (d) => !pair.dead && client.write(d));
    client.on('data', (d) => !pair.dead && up.write(d));
  }

  /** Every connection, open and new, goes silent without being closed. */
  blackhole(): void {
    this.holing = true;
    for (const p of this.pairs) p.dead = true;
  }

  /** New connections pass again; the black-holed ones stay half-open, as on a real network. */
  pass(): void {
    this.holing = false;
  }

  /** TCP reset of every connection. */
  reset(): void {
    for (const p of this.pairs) {
      p.client.resetAndDestroy();
      p.upstream?.resetAndDestroy();
    }
  }

  get connections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream?.destroy();
    }
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** The kubeconfig of $KUBECONFIG with its server pointed at the proxy (127.0.0.1 is in the cert). */
export async function proxiedKubeconfig(port: number): Promise<{ file: string; host: string; port: number }> {
  const { load, dump } = await import('js-yaml');
  const kc = load(readFileSync(kubeconfig(), 'utf8')) as any;
  const server = new URL(kc.clusters[0].cluster.server);
  for (const c of kc.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
  const file = join(tmpdir(), `podlens-watch-proxy-${process.pid}-${port}.kubeconfig`);
  writeFileSync(file, dump(kc));
  return { file, host: server.hostname, port: Number(server.port || 443) };
}

/** A small admin client (client certificate from the kubeconfig) for fast bulk writes. */
export async function adminRequest(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/merge-patch+json',
): Promise<{ status: number; body: any; text: string }> {
  const { load } = await import('js-yaml');
  const kc = load(readFileSync(kubeconfig(), 'utf8')) as any;
  const cluster = kc.clusters[0].cluster;
  const user = kc.users[0].user;
  const b64 = (s: string) => Buffer.from(s, 'base64');
  const url = new URL(cluster.server + path);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: b64(cluster['certificate-authority-data']),
        cert: b64(user['client-certificate-data']),
        key: b64(user['client-key-data']),
        headers: { 'content-type': contentType, accept: 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined; // a watch stream: several lines
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Does a watch from this resourceVersion get 410 now? (what podlens will meet when it reconnects) */
export async function isExpired(namespace: string, rv: string): Promise<boolean> {
  const r = await adminRequest(
    'GET',
    `/api/v1/namespaces/${namespace}/pods?watch=1&resourceVersion=${rv}&timeoutSeconds=1`,
  );
  return r.text.includes('"code":410') || r.status === 410;
}

export { sleep };
