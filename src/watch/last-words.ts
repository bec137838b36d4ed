// The last log lines of containers that fail while `podlens watch` looks: one log read per
// termination (src/domain/last-words.ts says which), at most READS_AT_ONCE at a time and QUEUE_MAX
// waiting, never one per event. Without the right to read pods/log: one note, and no more reads.
import { RightsNotes } from '../describe/rights.js';
import { LAST_WORDS_LINES, lastWordsTransition, terminations, type Termination } from '../domain/last-words.js';
import type { Pod } from '../domain/model.js';
import type { Transition } from '../domain/transitions.js';

export type ReadLastWords = (pod: Pod, t: Termination, tailLines: number) => Promise<string>;

const READS_AT_ONCE = 4;
const QUEUE_MAX = 64;
const KEYS_MAX = 4096; // terminations already handled, oldest forgotten first

interface Out {
  transitions(ts: Transition[]): void;
  note(text: string): void;
}

export class LastWords {
  private readonly handled = new Set<string>();
  private readonly queue: { pod: Pod; t: Termination }[] = [];
  private running = 0;
  private forbidden = false;
  private readonly notes = new RightsNotes();

  constructor(
    private readonly read: ReadLastWords,
    private readonly now: () => Date,
    private readonly out: Out,
  ) {}

  /** The pod as the watch found it: its failures are history, not read. */
  history(pod: Pod): void {
    for (const t of terminations(pod)) this.remember(t.key);
  }

  /** The pod after a change: each failure not handled yet gets its one read. */
  seen(pod: Pod): void {
    for (const t of terminations(pod)) {
      if (this.handled.has(t.key)) continue;
      this.remember(t.key);
      if (this.forbidden || this.queue.length >= QUEUE_MAX) continue;
      this.queue.push({ pod, t });
    }
    this.pump();
  }

  private remember(key: string): void {
    this.handled.add(key);
    if (this.handled.size > KEYS_MAX) this.handled.delete(this.handled.values().next().value!);
  }

  private pump(): void {
    while (this.running < READS_AT_ONCE && this.queue.length && !this.forbidden) {
      const { pod, t } = this.queue.shift()!;
      this.running++;
      void this.one(pod, t).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async one(pod: Pod, t: Termination): Promise<void> {
    let log: { lines: string[]; error?: string };
    try {
      const text = await this.read(pod, t, LAST_WORDS_LINES);
      log = { lines: text.replace(/\n$/, '').split('\n') };
    } catch (e) {
      if (this.notes.forbidden(e, "failed containers' last log lines are not shown", 'get')) {
        if (!this.forbidden) this.out.note(`podlens: ${this.notes.list[0]}`);
        this.forbidden = true;
        this.queue.length = 0;
        return;
      }
      log = { lines: [], error: (e as Error).message };
    }
    this.out.transitions([lastWordsTransition(pod, t, log, this.now())]);
  }
}
