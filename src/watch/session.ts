// One `podlens watch`: two reflectors per scope (pods, and events about pods), never one per pod.
// Pod changes become transitions through the pure diff; events are matched to their pod by uid
// and woven in; --until is judged after every change. Output goes to a Sink (text, TTY or ndjson).
import type { KubeEvent, Pod } from '../domain/model.js';
import { deletedTransition, diffPod, finish, initialDraft, type Transition } from '../domain/transitions.js';
import { doneWords, outcome, untilWords, whereItIs, type Until } from '../domain/until.js';
import { eventTransition } from '../domain/watch-events.js';
import { Reflector, type Change, type LinkStatus } from '../kube/reflector.js';
import type { ListWatchSource } from '../kube/listwatch.js';
import { WatchRefusedError } from '../kube/listwatch.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { VersionedEvent } from '../kube/watch.js';
import { RightsNotes } from '../describe/rights.js';
import { LastWords, type ReadLastWords } from './last-words.js';

export interface Sink {
  transitions(ts: Transition[]): void;
  link(status: LinkStatus): void;
  /** A sentence for the user (stderr in every mode). */
  note(text: string): void;
}

export interface SessionOptions {
  pods: ListWatchSource<Pod>;
  events: ListWatchSource<VersionedEvent>;
  sink: Sink;
  until?: Until;
  /** Named pods (or the pods of -f): --until waits for each of them by name. */
  names?: string[];
  /** -f: named pods that do not exist yet are about to be created, not missing. */
  expectCreation?: boolean;
  inactivityMs?: number;
  /** --since: events seen in this stretch before the watch started are reported, after the pods. */
  sinceMs?: number;
  now?: () => Date;
  /** Reads a failed container's last log lines (one read per termination); absent: not shown. */
  readLastWords?: ReadLastWords;
}

export interface Finished {
  code: ExitCodeValue;
  message?: string;
}

const PENDING_MAX = 500; // events whose pod is not known yet (the two streams are not ordered)
const PENDING_MS = 30_000;
const GONE_MAX = 256; // recently deleted pods, for their late events (Killing ...)

// What the event store keeps of each event: its version (for the reflector) and count (the diff
// below reads nothing else of `before`). Events live an hour on the API server, so under churn
// the store holds every event of every pod seen in the last hour, deleted pods' included: whole,
// about 1.2 KB each (2 or more per pod: 25 MB at 10,000 pods); cut down, about a tenth of that.
const NO_OBJECT: KubeEvent['involvedObject'] = Object.freeze({ kind: '', name: '' });
const EPOCH = new Date(0);
const slimEvent = (e: VersionedEvent): VersionedEvent => ({
  uid: e.uid,
  resourceVersion: e.resourceVersion,
  count: e.count,
  type: '',
  reason: '',
  message: '',
  source: '',
  firstSeen: EPOCH,
  lastSeen: EPOCH,
  involvedObject: NO_OBJECT,
});

export class WatchSession {
  readonly podReflector: Reflector<Pod>;
  readonly eventReflector: Reflector<VersionedEvent>;
  private readonly pending = new Map<string, { e: KubeEvent; seen: number; at: number }[]>();
  private pendingCount = 0;
  private readonly gone = new Map<string, Pod>();
  private readonly everSeen = new Set<string>();
  private resolve!: (f: Finished) => void;
  private reject!: (e: unknown) => void;
  readonly done: Promise<Finished>;
  private ended = false;
  private history: KubeEvent[] = [];
  private readonly now: () => Date;
  private readonly lastWords?: LastWords;

  constructor(private readonly o: SessionOptions) {
    this.now = o.now ?? (() => new Date());
    if (o.readLastWords)
      this.lastWords = new LastWords(o.readLastWords, this.now, {
        transitions: (ts) => !this.ended && o.sink.transitions(ts),
        note: (text) => !this.ended && o.sink.note(text),
      });
    this.done = new Promise((res, rej) => ((this.resolve = res), (this.reject = rej)));
    const common = {
      onStatus: (s: LinkStatus) => this.o.sink.link(s),
      onFatal: (e: unknown) => this.fail(e),
      inactivityMs: o.inactivityMs,
    };
    this.podReflector = new Reflector<Pod>({
      ...common,
      source: o.pods,
      keyOf: (p) => p.uid,
      versionOf: (p) => p.resourceVersion,
      onInitial: (pods) => this.initial(pods),
      onChange: (c) => this.podChanged(c),
    });
    this.eventReflector = new Reflector<VersionedEvent>({
      ...common,
      source: o.events,
      keyOf: (e) => e.uid,
      versionOf: (e) => e.resourceVersion,
      retain: slimEvent,
      // events from before the watch are history, not transitions, unless --since asks for them
      onInitial: (events) => {
        if (o.sinceMs === undefined) return;
        const from = this.now().getTime() - o.sinceMs;
        this.history = events.filter((e) => e.involvedObject.kind === 'Pod' && e.lastSeen.getTime() >= from);
      },
      onChange: (c) => this.eventChanged(c),
    });
  }

  /** Lists pods and events (together), then watches both. Rejects if a first list fails. */
  async start(): Promise<void> {
    try {
      // Events are optional (pods-only rights): without them, pod transitions still come, and a note says so.
      const notes = new RightsNotes();
      const events = this.eventReflector.start().catch((e: unknown) => {
        if (!notes.forbidden(e, 'event lines (pulls, probe failures, back-offs) are not shown', 'list,watch')) throw e;
        this.eventReflector.stop();
      });
      await Promise.all([this.podReflector.start(), events]);
      for (const n of notes.list) this.o.sink.note(`podlens: ${n}`);
      this.reportHistory();
    } catch (e) {
      this.stop();
      throw e;
    }
    this.checkUntil();
  }

  /** --since: the listed events of the pods in scope, oldest first, once both lists are in. */
  private reportHistory(): void {
    const ctx = { now: this.now(), source: 'list' as const };
    const old = this.history.sort((a, b) => a.lastSeen.getTime() - b.lastSeen.getTime());
    this.history = [];
    const ts = old.flatMap((e) => {
      const pod = this.podOf(e);
      return pod ? [eventTransition(e, pod, 0, ctx)] : [];
    });
    if (ts.length) this.o.sink.transitions(ts);
  }

  stop(): void {
    this.podReflector.stop();
    this.eventReflector.stop();
  }

  end(f: Finished): void {
    if (this.ended) return;
    this.ended = true;
    this.stop();
    this.resolve(f);
  }

  private fail(e: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.stop();
    this.reject(e instanceof WatchRefusedError && e.apiError ? e.apiError : e);
  }

  pods(): Pod[] {
    return [...this.podReflector.items()];
  }

  private initial(pods: Pod[]): void {
    const now = this.now();
    const sorted = [...pods].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
    for (const p of sorted) this.sawName(p.name);
    for (const p of sorted) this.lastWords?.history(p);
    this.o.sink.transitions(sorted.flatMap((p) => finish([initialDraft(p, now)], p, { now, source: 'list' })));
  }

  private podChanged(c: Change<Pod>): void {
    const ctx = { now: this.now(), source: c.source === 'list' ? 'watch' : c.source } as const;
    const out: Transition[] = [];
    if (c.type === 'deleted') {
      // The last state may hold changes no MODIFIED carried (a relist sees only the end).
      if (c.after !== c.before) out.push(...diffPod(c.before, c.after, ctx));
      out.push(deletedTransition(c.after, ctx));
      this.gone.set(c.after.uid, c.after);
      if (this.gone.size > GONE_MAX) this.gone.delete(this.gone.keys().next().value!);
    } else {
      this.sawName(c.after.name);
      out.push(...diffPod(c.before, c.after, ctx));
    }
    this.o.sink.transitions(out);
    // A relist's first sight of a pod is history too; a deleted pod's logs are gone with it.
    if (c.type !== 'deleted') this.lastWords?.seen(c.after);
    if (c.type === 'added') this.flushPending(c.after);
    this.checkUntil();
  }

  /** Only the named pods are remembered by name (memory stays flat when thousands come and go). */
  private sawName(name: string): void {
    if (this.o.names?.includes(name)) this.everSeen.add(name);
  }

  private podOf(e: KubeEvent): Pod | undefined {
    const uid = e.involvedObject.uid;
    if (uid) return this.podReflector.get(uid) ?? this.gone.get(uid);
    return this.pods().find((p) => p.name === e.involvedObject.name && p.namespace === e.involvedObject.namespace);
  }

  private eventChanged(c: Change<VersionedEvent>): void {
    if (c.type === 'deleted' || c.after.involvedObject.kind !== 'Pod') return; // events expire; that is no news
    const seen = c.before?.count ?? 0;
    if (c.type === 'modified' && c.after.count <= seen) return;
    const pod = this.podOf(c.after);
    if (!pod) return this.hold(c.after, seen);
    this.o.sink.transitions([
      eventTransition(c.after, pod, seen, { now: this.now(), source: c.source === 'list' ? 'watch' : c.source }),
    ]);
  }

  /** An event can arrive before its pod: keep it a little while, bounded. */
  private hold(e: KubeEvent, seen: number): void {
    const uid = e.involvedObject.uid;
    if (!uid) return;
    const now = Date.now();
    for (const [k, list] of this.pending) {
      const fresh = list.filter((x) => now - x.at < PENDING_MS);
      this.pendingCount -= list.length - fresh.length;
      if (fresh.length) this.pending.set(k, fresh);
      else this.pending.delete(k);
    }
    if (this.pendingCount >= PENDING_MAX) return;
    this.pending.set(uid, [...(this.pending.get(uid) ?? []), { e, seen, at: now }]);
    this.pendingCount++;
  }

  private flushPending(pod: Pod): void {
    const list = this.pending.get(pod.uid);
    if (!list) return;
    this.pending.delete(pod.uid);
    this.pendingCount -= list.length;
    const now = this.now();
    this.o.sink.transitions(list.map((x) => eventTransition(x.e, pod, x.seen, { now, source: 'watch' })));
  }

  /** The pods --until judges: the named ones (by name), else every pod in scope right now. */
  private targets(): { name: string; pod: Pod | undefined; pending: boolean }[] {
    const pods = this.pods();
    if (!this.o.names?.length) return pods.map((p) => ({ name: p.name, pod: p, pending: false }));
    return this.o.names.map((name) => {
      const pod = pods.find((p) => p.name === name);
      // -f: a pod not seen yet is about to be created, not deleted.
      return { name, pod, pending: !pod && Boolean(this.o.expectCreation) && !this.everSeen.has(name) };
    });
  }

  checkUntil(): void {
    const until = this.o.until;
    if (!until || this.ended) return;
    const targets = this.targets();
    const results = targets.map((t) => ({ ...t, outcome: t.pending ? 'pending' : outcome(t.pod, until) }));
    const failed = results.find((r) => r.outcome === 'failed');
    if (failed) {
      const why = failed.pod
        ? `${whereItIs(failed.pod, failed.name)}, phase ${failed.pod.phase}`
        : `${failed.name} was deleted`;
      return this.end({
        code: ExitCode.POD_FAILED,
        message: `pod ${failed.name} will not be ${untilWords(until)}: ${why}.`,
      });
    }
    const allThere = results.every((r) => r.outcome === 'reached');
    if (allThere && (results.length > 0 || until === 'deleted'))
      this.end({ code: ExitCode.OK, message: until === 'done' ? doneWords(targets.map((t) => t.pod!)) : undefined });
  }

  /** For the --timeout message: where each pod that is not there yet stands. */
  stragglers(): string {
    const until = this.o.until;
    const t = this.targets().filter((x) => !until || x.pending || outcome(x.pod, until) !== 'reached');
    if (!t.length) return 'no pod in scope yet';
    const words = t.slice(0, 5).map((x) => (x.pending ? `${x.name} is not created yet` : whereItIs(x.pod, x.name)));
    return words.join('; ') + (t.length > 5 ? `; and ${t.length - 5} more` : '');
  }
}
