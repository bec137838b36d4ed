// One `podlens watch`: three reflectors per scope (pods, events about pods, the Services'
// EndpointSlices), never one per pod. Pod changes become transitions through the pure diff; events
// are matched to their pod by uid and woven in; a slice change becomes the endpoint transitions of
// the watched pods it lists or stopped listing (src/domain/endpoint-transitions.ts); --until is
// judged after every change. Output goes to a Sink (text, TTY or ndjson).
import type { KubeEvent, Pod } from '../domain/model.js';
import {
  deletedTransition,
  diffPod,
  finish,
  initialDraft,
  type DiffContext,
  type Transition,
} from '../domain/transitions.js';
import { doneWords, outcome, untilWords, whereItIs, type Until } from '../domain/until.js';
import { eventTransition } from '../domain/watch-events.js';
import {
  endpointTransition,
  leavingPod,
  membership,
  membershipChanges,
  type MembershipChange,
} from '../domain/endpoint-transitions.js';
import { Reflector, type Change, type LinkStatus } from '../kube/reflector.js';
import type { ListWatchSource } from '../kube/listwatch.js';
import { WatchRefusedError } from '../kube/listwatch.js';
import { ExitCode, KubeApiError, type ExitCodeValue } from '../errors.js';
import type { VersionedEvent, WatchedSlice } from '../kube/watch.js';
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
  /** The Services' EndpointSlices of the same scope; absent: no endpoint lines. */
  endpointSlices?: ListWatchSource<WatchedSlice>;
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
// A pod that left (or joined) a Service's ready endpoints before its Ready change came on the pod
// stream (the two streams are not ordered): its line waits this long for the pod's update, at most.
const STATUS_WAIT_MS = 3000;
const SLICES_VIEW = 'endpoint lines (joined, left, terminating in the endpoints of a Service) are not shown';

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
  readonly sliceReflector?: Reflector<WatchedSlice>;
  /** namespace/Service -> its slices by name: each Service's endpoints, before and after a change. */
  private readonly services = new Map<string, Map<string, WatchedSlice>>();
  /** In how many Services' endpoints each pod is listed, by pod uid. */
  private readonly listed = new Map<string, number>();
  /**
   * Deleted pods that slices still list, cut to what their endpoint lines read (leavingPod), until the
   * slices drop them: the EndpointSlice controller can run far behind the pods (seconds to minutes
   * under churn), past the last GONE_MAX deletions.
   */
  private readonly leaving = new Map<string, Pod>();
  /** Endpoint lines of a known pod whose status has not caught up yet, by pod uid. */
  private readonly awaiting = new Map<
    string,
    { make: ((pod: Pod) => Transition)[]; ready: boolean; timer: NodeJS.Timeout }
  >();
  private readonly notes = new RightsNotes();
  private readonly noted = new Set<string>(); // the rights notes said so far: each once
  /** What came before the pod it is about: a transition to make once the pod is known, by pod uid. */
  private readonly pending = new Map<string, { make: (pod: Pod) => Transition; at: number }[]>();
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
    if (o.endpointSlices)
      this.sliceReflector = new Reflector<WatchedSlice>({
        ...common,
        // Endpoint lines are optional: losing the right to them ends them, never the watch.
        onFatal: (e: unknown) => this.slicesRefused(e instanceof WatchRefusedError && e.apiError ? e.apiError : e),
        source: o.endpointSlices,
        keyOf: (sl) => `${sl.namespace}/${sl.name}`,
        versionOf: (sl) => sl.resourceVersion,
        onInitial: (slices) => {
          for (const sl of slices) this.serviceSlices(sl).set(sl.name, sl);
          for (const held of this.services.values())
            for (const uid of membership(held.values()).keys()) this.listed.set(uid, (this.listed.get(uid) ?? 0) + 1);
        },
        onChange: (c) => this.sliceChanged(c),
      });
  }

  /** Lists pods and events (together), then watches both. Rejects if a first list fails. */
  async start(): Promise<void> {
    try {
      // Events and slices are optional (pods-only rights): without them, pod transitions still come,
      // and a note says so.
      const notes = this.notes;
      const events = this.eventReflector.start().catch((e: unknown) => {
        if (!notes.forbidden(e, 'event lines (pulls, probe failures, back-offs) are not shown', 'list,watch')) throw e;
        this.eventReflector.stop();
      });
      let slicesFailed: string | undefined;
      const slices = this.sliceReflector?.start().catch((e: unknown) => {
        this.sliceReflector?.stop();
        if (notes.forbidden(e, SLICES_VIEW, 'list,watch')) return;
        if (!(e instanceof KubeApiError)) throw e;
        slicesFailed = `podlens: ${SLICES_VIEW}: ${e.message}`; // e.g. 404 where discovery.k8s.io/v1 is not served
      });
      await Promise.all([this.podReflector.start(), events, slices]);
      this.sayNotes();
      if (slicesFailed) this.o.sink.note(slicesFailed);
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
    this.sliceReflector?.stop();
    for (const a of this.awaiting.values()) clearTimeout(a.timer);
    this.awaiting.clear();
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
      if (this.listed.has(c.after.uid)) this.leaving.set(c.after.uid, leavingPod(c.after));
      if (this.gone.size > GONE_MAX) this.gone.delete(this.gone.keys().next().value!);
    } else {
      this.sawName(c.after.name);
      out.push(...diffPod(c.before, c.after, ctx));
    }
    this.o.sink.transitions(out);
    // A relist's first sight of a pod is history too; a deleted pod's logs are gone with it.
    if (c.type !== 'deleted') this.lastWords?.seen(c.after);
    if (c.type === 'added') this.flushPending(c.after);
    this.flushAwaiting(c.after, false);
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
    const ctx = { now: this.now(), source: c.source === 'list' ? ('watch' as const) : c.source };
    const e = c.after;
    if (!pod)
      return e.involvedObject.uid
        ? this.hold(e.involvedObject.uid, (p) => eventTransition(e, p, seen, ctx))
        : undefined;
    this.o.sink.transitions([eventTransition(e, pod, seen, ctx)]);
  }

  private serviceSlices(sl: WatchedSlice): Map<string, WatchedSlice> {
    const key = `${sl.namespace}/${sl.service}`;
    let slices = this.services.get(key);
    if (!slices) this.services.set(key, (slices = new Map<string, WatchedSlice>()));
    return slices;
  }

  /** A slice changed: each watched pod whose place in the Service's endpoints changed gets a line. */
  private sliceChanged(c: Change<WatchedSlice>): void {
    const ctx = { now: this.now(), source: c.source === 'list' ? ('watch' as const) : c.source };
    const held = c.before;
    const now = c.type === 'deleted' ? undefined : c.after;
    // A slice that moved to another Service (its label changed) changes both Services.
    const touched = [held, now].filter((x): x is WatchedSlice => x !== undefined);
    const seen = new Set<string>();
    const out: Transition[] = [];
    for (const sl of touched) {
      const key = `${sl.namespace}/${sl.service}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const slices = this.serviceSlices(sl);
      const before = membership(slices.values());
      if (held && `${held.namespace}/${held.service}` === key) slices.delete(held.name);
      if (now && `${now.namespace}/${now.service}` === key) slices.set(now.name, now);
      if (!slices.size) this.services.delete(key);
      for (const ch of membershipChanges(before, membership(slices.values()))) {
        out.push(...this.endpointLine(sl.service, ch, ctx));
        this.count(ch);
      }
    }
    if (out.length) this.o.sink.transitions(out);
  }

  /** The pod as watch knows it: in scope, deleted lately, or deleted and still listed by slices. */
  private known(uid: string): Pod | undefined {
    return this.podReflector.get(uid) ?? this.gone.get(uid) ?? this.leaving.get(uid);
  }

  /** Keeps `listed` (and `leaving`) up to date with a change of a pod's place in a Service's endpoints. */
  private count(ch: MembershipChange): void {
    if ((ch.from === null) === (ch.to === null)) return;
    const n = (this.listed.get(ch.uid) ?? 0) + (ch.to === null ? -1 : 1);
    // listed after its deletion (the controller's view of the pods runs behind too)
    const gone =
      ch.from === null && !this.leaving.has(ch.uid) && !this.podReflector.get(ch.uid) && this.gone.get(ch.uid);
    if (gone) this.leaving.set(ch.uid, leavingPod(gone));
    if (n > 0) return void this.listed.set(ch.uid, n);
    this.listed.delete(ch.uid);
    this.leaving.delete(ch.uid);
  }

  private endpointLine(service: string, ch: MembershipChange, ctx: DiffContext): Transition[] {
    const make = (pod: Pod) => endpointTransition(pod, service, ch, ctx);
    const pod = this.known(ch.uid);
    if (!pod) {
      this.hold(ch.uid, make); // a pod out of scope is never added: its entry expires
      return [];
    }
    // Left the ready endpoints while the pod still looks Ready here, or joined them while it does not
    // yet: the pod's update that caused it is on the way, and its line comes first.
    const readyHere = pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    const ahead = ch.to === 'ready' ? !readyHere : ch.to === 'not-ready' && ch.from !== null && readyHere;
    if (ahead && !pod.deletionTimestamp) {
      const a = this.awaiting.get(ch.uid);
      if (a) {
        a.make.push(make);
        a.ready = ch.to === 'ready';
      } else {
        const timer = setTimeout(() => {
          const p = this.known(ch.uid);
          if (p) this.flushAwaiting(p, true);
        }, STATUS_WAIT_MS);
        timer.unref?.();
        this.awaiting.set(ch.uid, { make: [make], ready: ch.to === 'ready', timer });
      }
      return [];
    }
    return [make(pod)];
  }

  /** The held endpoint lines, once the pod's Ready agrees with them (or, `force`, when the wait is over). */
  private flushAwaiting(pod: Pod, force: boolean): void {
    const a = this.awaiting.get(pod.uid);
    if (!a) return;
    const readyHere = pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
    if (!force && readyHere !== a.ready && !pod.deletionTimestamp) return;
    clearTimeout(a.timer);
    this.awaiting.delete(pod.uid);
    if (!this.ended) this.o.sink.transitions(a.make.map((m) => m(pod)));
  }

  /** The right to watch EndpointSlices went away (or they are not served): a note, and the watch goes on. */
  private slicesRefused(e: unknown): void {
    if (this.ended) return;
    this.listed.clear(); // no slice will drop them now
    this.leaving.clear();
    if (this.notes.forbidden(e, SLICES_VIEW, 'list,watch')) this.sayNotes();
    else this.o.sink.note(`podlens: ${SLICES_VIEW} from now on: ${(e as Error)?.message ?? String(e)}`);
  }

  /** The rights notes not said yet, each once. */
  private sayNotes(): void {
    for (const n of this.notes.list) {
      if (this.noted.has(n)) continue;
      this.noted.add(n);
      this.o.sink.note(`podlens: ${n}`);
    }
  }

  /** A fact can arrive before its pod: keep it a little while, bounded. */
  private hold(uid: string, make: (pod: Pod) => Transition): void {
    const now = Date.now();
    for (const [k, list] of this.pending) {
      const fresh = list.filter((x) => now - x.at < PENDING_MS);
      this.pendingCount -= list.length - fresh.length;
      if (fresh.length) this.pending.set(k, fresh);
      else this.pending.delete(k);
    }
    if (this.pendingCount >= PENDING_MAX) return;
    this.pending.set(uid, [...(this.pending.get(uid) ?? []), { make, at: now }]);
    this.pendingCount++;
  }

  private flushPending(pod: Pod): void {
    const list = this.pending.get(pod.uid);
    if (!list) return;
    this.pending.delete(pod.uid);
    this.pendingCount -= list.length;
    this.o.sink.transitions(list.map((x) => x.make(pod)));
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
