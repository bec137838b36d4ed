// List-then-watch that never silently dies and never reports a change twice, after client-go's
// reflector (https://github.com/kubernetes/client-go/blob/master/tools/cache/reflector.go):
// - LIST, then WATCH from the list's resourceVersion with bookmarks on and a server-side timeout
//   between min and 2*min (jitter, so many clients do not reconnect at once);
// - every event, BOOKMARK included, advances the resourceVersion; when the server ends the watch,
//   WATCH again from it (no LIST, nothing missed, nothing repeated);
// - 410 Gone: LIST again and diff the new list against what is held, so that what changed while
//   disconnected is reported exactly once, deletions included;
// - other failures: retry with exponential backoff and jitter;
// - no byte for inactivityMs (the server sends a bookmark at least every minute to watchers that
//   ask for them): the connection may be half-open; it is replaced at once, and if the new one
//   gets no answer either, the link is reported down and retried with backoff.
// It holds one object per key (what the caller's diff needs, cut down by `retain`) and nothing else.
import {
  ResourceExpiredError,
  WatchRefusedError,
  type ListWatchSource,
  type WatchEvent,
  type WatchHandle,
} from './listwatch.js';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  random: () => Math.random(),
};

/** Where a change was seen: the first list, the watch stream, or a relist after 410 Gone. */
export type ChangeSource = 'list' | 'watch' | 'relist';

export interface Change<T> {
  type: 'added' | 'modified' | 'deleted';
  before?: T; // what was held (absent for added)
  after: T; // the new state; for deleted, the last state the server had
  source: ChangeSource;
}

export type LinkState = 'listing' | 'watching' | 'reconnecting' | 'relisting' | 'stopped';

export interface LinkStatus {
  what: string;
  state: LinkState;
  since: number; // ms epoch when this state began
  lastEventAt?: number; // ms epoch of the last byte of news (event or bookmark)
  attempt: number; // consecutive failures
  error?: string; // why the link is down
}

export interface ReflectorOptions<T> {
  source: ListWatchSource<T>;
  keyOf(item: T): string;
  versionOf(item: T): string | undefined;
  /**
   * What the store keeps of an item (default: all of it). The kept form is what onChange gets as
   * `before` (and as `after` of a deletion found by a relist): keep what the caller's diff reads.
   */
  retain?: (item: T) => T;
  onInitial(items: T[]): void;
  onChange(change: Change<T>): void;
  onStatus?(status: LinkStatus): void;
  /** Retrying cannot help (e.g. 403 on watch): the caller ends the program with this error. */
  onFatal(err: unknown): void;
  minWatchTimeoutSeconds?: number;
  inactivityMs?: number;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  clock?: Clock;
}

const errText = (e: unknown) => String((e as Error)?.message ?? e);

export class Reflector<T> {
  private readonly store = new Map<string, T>();
  private rv = '';
  private handle?: WatchHandle;
  private retryTimer?: unknown;
  private idleTimer?: unknown;
  private upTimer?: unknown;
  private lastRelistAt = 0;
  private failures = 0;
  private generation = 0; // callbacks of an abandoned watch carry an old generation and are ignored
  private status: LinkStatus;
  private readonly clock: Clock;
  private readonly keep: (item: T) => T;

  constructor(private readonly o: ReflectorOptions<T>) {
    this.clock = o.clock ?? systemClock;
    this.keep = o.retain ?? ((item) => item);
    this.status = { what: o.source.what, state: 'listing', since: this.clock.now(), attempt: 0 };
  }

  get resourceVersion(): string {
    return this.rv;
  }

  get size(): number {
    return this.store.size;
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  items(): IterableIterator<T> {
    return this.store.values();
  }

  get link(): LinkStatus {
    return this.status;
  }

  /** The first LIST; its failure is the caller's (the user sees it as one error). Then watches. */
  async start(): Promise<void> {
    const list = await this.o.source.list();
    for (const item of list.items) this.store.set(this.o.keyOf(item), this.keep(item));
    this.rv = list.resourceVersion;
    this.lastNews();
    this.o.onInitial(list.items);
    this.watch();
  }

  stop(): void {
    this.generation++;
    this.handle?.stop();
    this.handle = undefined;
    this.clock.clearTimeout(this.retryTimer);
    this.clock.clearTimeout(this.idleTimer);
    this.clock.clearTimeout(this.upTimer);
    this.setState('stopped');
  }

  private setState(state: LinkState, error?: string): void {
    if (this.status.state === 'stopped') return;
    if (state !== this.status.state || error !== this.status.error || this.failures !== this.status.attempt) {
      this.status = { ...this.status, state, since: this.clock.now(), attempt: this.failures, error };
      this.o.onStatus?.(this.status);
    }
  }

  private lastNews(): void {
    this.status = { ...this.status, lastEventAt: this.clock.now() };
  }

  /**
   * Until the server answers, a deadline: no answer means the path is dead (a failure, reported).
   * Once open, the inactivity timer: silence past it means this one connection may be half-open,
   * so it is replaced at once and quietly (a healthy idle watch costs one request per period);
   * if the replacement cannot open either, that is reported as above.
   */
  private armIdle(gen: number, open: boolean): void {
    this.clock.clearTimeout(this.idleTimer);
    const idle = this.o.inactivityMs ?? 75_000;
    const ms = open ? idle : Math.min(idle, 15_000);
    this.idleTimer = this.clock.setTimeout(() => {
      if (gen !== this.generation) return;
      this.handle?.stop();
      if (open) {
        this.generation++;
        this.watch();
      } else
        this.failed(
          gen,
          new Error(`no answer from the API server within ${Math.round(ms / 1000)}s (connection presumed dead)`),
        );
    }, ms);
  }

  private watch(): void {
    const gen = ++this.generation;
    const min = this.o.minWatchTimeoutSeconds ?? 300;
    const timeout = Math.floor(min * (1 + this.clock.random()));
    const opened = this.clock.now();
    let news = false;
    this.armIdle(gen, false);
    this.handle = this.o.source.watch(this.rv, timeout, {
      onOpen: () => {
        if (gen !== this.generation) return;
        this.armIdle(gen, true);
        // An answer can still be an immediate error (410 right after a restart): call the link up
        // once the stream has held for a second, or at its first event.
        this.clock.clearTimeout(this.upTimer);
        this.upTimer = this.clock.setTimeout(() => gen === this.generation && this.setState('watching'), 1000);
      },
      onEvent: (e) => {
        if (gen !== this.generation) return;
        news = true;
        this.failures = 0;
        this.armIdle(gen, true);
        this.lastNews();
        this.setState('watching');
        this.apply(e);
      },
      onDone: (err) => {
        if (gen !== this.generation) return;
        this.clock.clearTimeout(this.idleTimer);
        this.handle = undefined;
        // A normal close after a while: resume at once. A close right after opening with no news
        // is treated as a failure, so a misbehaving server does not get a flood of requests.
        if (err === null && (news || this.clock.now() - opened > 1000)) this.watch();
        else this.failed(gen, err ?? new Error('the API server closed the watch at once'));
      },
    });
  }

  private failed(gen: number, err: unknown): void {
    if (gen !== this.generation) return;
    this.generation++;
    this.clock.clearTimeout(this.idleTimer);
    this.clock.clearTimeout(this.upTimer);
    if (err instanceof WatchRefusedError) {
      this.stop();
      this.o.onFatal(err);
      return;
    }
    if (err instanceof ResourceExpiredError) {
      // The server answered, so list at once; only a 410 right after a relist waits (no list loop).
      const again = this.clock.now() - this.lastRelistAt < 5000;
      if (again) this.failures++;
      this.setState('relisting', errText(err));
      this.retry(() => void this.relist(), again);
      return;
    }
    this.failures++;
    this.setState('reconnecting', errText(err));
    this.retry(() => this.watch(), true);
  }

  private backoffMs(): number {
    const initial = this.o.backoffInitialMs ?? 500;
    const max = this.o.backoffMaxMs ?? 30_000;
    const base = Math.min(max, initial * 2 ** Math.max(0, this.failures - 1));
    return Math.round(base * (0.5 + this.clock.random() / 2));
  }

  private retry(fn: () => void, wait: boolean): void {
    this.clock.clearTimeout(this.retryTimer);
    const gen = this.generation;
    this.retryTimer = this.clock.setTimeout(() => gen === this.generation && fn(), wait ? this.backoffMs() : 0);
  }

  private async relist(): Promise<void> {
    const gen = ++this.generation;
    this.lastRelistAt = this.clock.now();
    let list;
    try {
      list = await this.o.source.list();
    } catch (e) {
      if (gen !== this.generation) return;
      this.failures++;
      this.setState('relisting', errText(e));
      this.retry(() => void this.relist(), true);
      return;
    }
    if (gen !== this.generation) return;
    this.replace(list.items);
    this.rv = list.resourceVersion;
    this.lastNews();
    this.watch();
  }

  /** The relist diff: what appeared, changed or vanished while the watch could not tell us. */
  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const item of items) {
      const key = this.o.keyOf(item);
      seen.add(key);
      const before = this.store.get(key);
      this.store.set(key, this.keep(item));
      if (!before) this.o.onChange({ type: 'added', after: item, source: 'relist' });
      else if (this.o.versionOf(before) !== this.o.versionOf(item))
        this.o.onChange({ type: 'modified', before, after: item, source: 'relist' });
    }
    for (const [key, before] of [...this.store]) {
      if (seen.has(key)) continue;
      this.store.delete(key);
      this.o.onChange({ type: 'deleted', before, after: before, source: 'relist' });
    }
  }

  private apply(e: WatchEvent<T>): void {
    this.rv = e.resourceVersion || this.rv;
    if (e.type === 'BOOKMARK') return;
    const key = this.o.keyOf(e.object);
    const before = this.store.get(key);
    if (e.type === 'DELETED') {
      if (!before) return; // never held (or already reported by a relist)
      this.store.delete(key);
      this.o.onChange({ type: 'deleted', before, after: e.object, source: 'watch' });
      return;
    }
    // The same version twice (a watch resumed from an older resourceVersion) is no change.
    if (before && this.o.versionOf(before) === this.o.versionOf(e.object)) return;
    this.store.set(key, this.keep(e.object));
    this.o.onChange(
      before
        ? { type: 'modified', before, after: e.object, source: 'watch' }
        : { type: 'added', after: e.object, source: 'watch' },
    );
  }
}
