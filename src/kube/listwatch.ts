// What a reflector needs from the API server, without any client types: a LIST that returns items
// and the collection's resourceVersion, and a WATCH from a resourceVersion. src/kube/watch.ts
// implements it with @kubernetes/client-node; unit tests implement it with captured streams.
// The protocol: https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export type WatchEvent<T> =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: T; resourceVersion: string }
  | { type: 'BOOKMARK'; resourceVersion: string };

export interface WatchHandlers<T> {
  /** The server answered 200: the stream is established. */
  onOpen?(): void;
  /** Called for every event, in order. */
  onEvent(event: WatchEvent<T>): void;
  /** The stream ended: err null when the server closed it (timeoutSeconds), else why it failed. */
  onDone(err: unknown): void;
}

export interface WatchHandle {
  /** Ends the stream without calling onDone. */
  stop(): void;
}

export interface ListWatchSource<T> {
  /** For messages: "pods in namespace web". */
  readonly what: string;
  list(): Promise<ListResult<T>>;
  /** Opens a watch; any failure (also at start) is reported through onDone, never thrown. */
  watch(resourceVersion: string, timeoutSeconds: number, handlers: WatchHandlers<T>): WatchHandle;
}

/**
 * 410 Gone / Expired: the resourceVersion is older than what the server keeps (etcd compaction or
 * the watch cache's window). The only way on is a fresh LIST.
 * https://github.com/kubernetes/client-go/blob/master/tools/cache/reflector.go (isExpiredError)
 */
export class ResourceExpiredError extends Error {
  constructor(message = 'resourceVersion too old (410 Gone)') {
    super(message);
    this.name = 'ResourceExpiredError';
  }
}

/** The watch was refused for good (401, 403, 404 ...): retrying cannot help. */
export class WatchRefusedError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The API error as src/errors.ts phrases it. */
    readonly apiError?: unknown,
  ) {
    super(message);
    this.name = 'WatchRefusedError';
  }
}
