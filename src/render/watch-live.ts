// The TTY view of `podlens watch`: a live area at the bottom (one ora spinner line per pod with its
// status and init progress, and the connection state) under the scrolling log of transitions.
// Only used when stdout is a terminal; off a terminal, watch prints plain lines and nothing else.
import type { Ora } from 'ora';
import type { LiveRow, Settled } from '../domain/live.js';
import { humanDuration } from '../domain/time.js';
import type { LinkStatus } from '../kube/reflector.js';
import { spinnerFrames, type Paint, type Style } from './terminal.js';
import { visible } from './visible.js';

type OraFactory = (o: {
  text: string;
  stream: NodeJS.WriteStream;
  isEnabled: boolean;
  color: false;
  spinner: { interval: number; frames: string[] };
}) => Ora;

const MARK: Record<Settled, [Style, string]> = {
  succeeded: ['green', '✔'],
  failed: ['red', '✖'],
  ready: ['green', '●'],
};

export class LiveArea {
  private drawn = 0;
  private timer?: NodeJS.Timeout;
  private readonly spinners = new Map<string, Ora>();
  private readonly links = new Map<string, LinkStatus>(); // pods and events: either may be down
  private readonly frames: { interval: number; frames: string[] };

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly makeOra: OraFactory,
    private readonly paint: Paint,
    /** The rows at a moment: decided by src/domain/live.ts from the session's pods. */
    private readonly podRows: (now: Date) => LiveRow[],
    /** The clock, injected: the area redraws ages and "last event ... ago" as time passes. */
    private readonly now: () => Date,
    spinners: Parameters<typeof spinnerFrames>[0],
  ) {
    this.frames = spinnerFrames(spinners, paint); // painted by the one colour decision, not by ora's chalk
  }

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
    const now = this.now();
    const pods = this.podRows(now);
    const max = Math.max(3, (this.out.rows ?? 24) - 6);
    const width = (this.out.columns ?? 100) - 1;
    const out: string[] = [];
    const keep = new Set<string>();
    for (const pod of pods.slice(0, max)) {
      keep.add(pod.uid);
      const full = visible(
        `${pod.name}  ${pod.status}  ready ${pod.ready}  restarts ${pod.restarts}${pod.init ? `  ${pod.init}` : ''}  age ${pod.age}`,
        { oneLine: true },
      );
      const text = full.length > width - 3 ? `${full.slice(0, width - 4)}…` : full; // one row each, or the redraw drifts
      let line: string;
      if (pod.settled) line = `${this.paint(...MARK[pod.settled])} ${text}`;
      else {
        let s = this.spinners.get(pod.uid);
        if (!s)
          this.spinners.set(
            pod.uid,
            (s = this.makeOra({ text, stream: this.out, isEnabled: true, color: false, spinner: this.frames })),
          );
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
      const ago = l.lastEventAt ? `, last event ${humanDuration(now.getTime() - l.lastEventAt)} ago` : '';
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
