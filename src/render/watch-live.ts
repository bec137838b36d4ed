// The TTY view of `podlens watch`: a live area at the bottom (one ora spinner line per pod with its
// status and init progress, and the connection state) under the scrolling log of transitions.
// Only used when stdout is a terminal; off a terminal, watch prints plain lines and nothing else.
import type { Ora } from 'ora';
import { currentInit } from '../domain/containers.js';
import type { Pod } from '../domain/model.js';
import { kubectlStatus } from '../domain/status.js';
import { humanDuration } from '../domain/time.js';
import type { LinkStatus } from '../kube/reflector.js';
import type { Paint } from './terminal.js';
import { visible } from './visible.js';

type OraFactory = (o: { text: string; stream: NodeJS.WriteStream; isEnabled: boolean; color: 'cyan' }) => Ora;

/** "init 2/3: wait-for-db running 41s", while init containers run. */
export function initProgressWords(pod: Pod, now: Date): string | undefined {
  const v = currentInit(pod);
  if (!v) return undefined;
  const st = v.status?.state;
  const what =
    st?.kind === 'running'
      ? `running ${st.startedAt ? humanDuration(now.getTime() - st.startedAt.getTime()) : ''}`.trim()
      : st?.kind === 'terminated'
        ? `failed (exit code ${st.exitCode})`
        : st?.kind === 'waiting' && st.reason
          ? st.reason
          : 'not started';
  return `init ${v.initIndex}/${pod.initContainers.length}: ${v.spec.name} ${what}`;
}

function settledMark(pod: Pod, paint: Paint): string | undefined {
  if (pod.phase === 'Succeeded') return paint('green', '✔');
  if (pod.phase === 'Failed') return paint('red', '✖');
  if (!pod.deletionTimestamp && pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True'))
    return paint('green', '●');
  return undefined;
}

export class LiveArea {
  private drawn = 0;
  private timer?: NodeJS.Timeout;
  private readonly spinners = new Map<string, Ora>();
  private readonly links = new Map<string, LinkStatus>(); // pods and events: either may be down

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly makeOra: OraFactory,
    private readonly paint: Paint,
    private readonly pods: () => Pod[],
    private readonly showNamespace: boolean,
  ) {}

  start(): void {
    this.out.write('\u001b[?25l'); // hide the cursor while the area redraws
    this.timer = setInterval(() => this.redraw(), 120);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.redraw();
    this.out.write('\u001b[?25h');
  }

  setLink(s: LinkStatus): void {
    this.links.set(s.what, s);
    this.redraw();
  }

  /** Prints log lines above the area. */
  log(lines: string[]): void {
    this.clear();
    this.out.write(lines.map((l) => l + '\n').join(''));
    this.draw();
  }

  private clear(): void {
    if (this.drawn) this.out.write(`\u001b[${this.drawn}A\r\u001b[0J`);
    this.drawn = 0;
  }

  private redraw(): void {
    this.clear();
    this.draw();
  }

  private rows(): string[] {
    const now = new Date();
    const pods = this.pods().sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    const max = Math.max(3, (this.out.rows ?? 24) - 6);
    const width = (this.out.columns ?? 100) - 1;
    const out: string[] = [];
    const keep = new Set<string>();
    for (const pod of pods.slice(0, max)) {
      keep.add(pod.uid);
      const ks = kubectlStatus(pod);
      const name = this.showNamespace ? `${pod.namespace}/${pod.name}` : pod.name;
      const init = initProgressWords(pod, now);
      const full = visible(
        `${name}  ${ks.status}  ready ${ks.ready}  restarts ${ks.restarts}${init ? `  ${init}` : ''}  age ${humanDuration(now.getTime() - pod.creationTimestamp.getTime())}`,
        { oneLine: true },
      );
      const text = full.length > width - 3 ? `${full.slice(0, width - 4)}…` : full; // one row each, or the redraw drifts
      const mark = settledMark(pod, this.paint);
      let line: string;
      if (mark) line = `${mark} ${text}`;
      else {
        let s = this.spinners.get(pod.uid);
        if (!s)
          this.spinners.set(pod.uid, (s = this.makeOra({ text, stream: this.out, isEnabled: true, color: 'cyan' })));
        s.text = text;
        line = s.frame();
      }
      out.push(line);
    }
    for (const uid of this.spinners.keys()) if (!keep.has(uid)) this.spinners.delete(uid);
    if (pods.length > max) out.push(this.paint('dim', `  ... and ${pods.length - max} more pods`));
    if (!pods.length) out.push(this.paint('dim', '  (no pods yet)'));
    const l = [...this.links.values()].find((x) => x.state === 'reconnecting' || x.state === 'relisting');
    if (l) {
      const ago = l.lastEventAt ? `, last event ${humanDuration(Date.now() - l.lastEventAt)} ago` : '';
      const what = l.state === 'relisting' ? 'catching up (listing again)' : 'reconnecting';
      out.push(this.paint('yellow', visible(`⚠ ${what}${ago}${l.error ? `: ${l.error}` : ''}`, { oneLine: true })));
    }
    return out;
  }

  private draw(): void {
    const rows = this.rows();
    this.out.write(rows.map((r) => `\u001b[2K${r}\n`).join(''));
    this.drawn = rows.length;
  }
}
