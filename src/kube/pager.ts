// LIST in pages, as kubectl does (client-go's tools/pager: limit 500, then `continue` tokens), so
// thousands of objects never arrive in one response body. A continue token expires (410 Gone,
// reason Expired) when etcd compacts past the list's snapshot; the pages already read then belong to
// a snapshot that no longer exists, so the list starts again from the first page rather than
// returning part of it. https://github.com/kubernetes/client-go/blob/master/tools/pager/pager.go
// https://kubernetes.io/docs/reference/using-api/api-concepts/#retrieving-large-results-sets-in-chunks

export const PAGE_SIZE = 500;
const MAX_RESTARTS = 3;

export interface Page<R> {
  items: R[];
  continue?: string;
  resourceVersion?: string;
}

export interface Paged<T> {
  items: T[];
  resourceVersion: string;
  /** How many times an expired continue token made the list start again. */
  restarts: number;
}

/**
 * Reads every page. `fetch(limit, token)` gets one page; `expired(e)` tells a 410 about the token;
 * `map` converts each item as its page arrives (undefined drops it), so raw pages are not all held.
 * After MAX_RESTARTS expiries in a row the last error is thrown: never a partial list.
 */
export async function listAllPages<R, T>(
  fetch: (limit: number, token: string | undefined) => Promise<Page<R>>,
  expired: (e: unknown) => boolean,
  map: (raw: R) => T | undefined,
  limit = PAGE_SIZE,
): Promise<Paged<T>> {
  for (let restarts = 0; ; restarts++) {
    const items: T[] = [];
    let token: string | undefined;
    let rv = '';
    try {
      do {
        const page = await fetch(limit, token);
        for (const raw of page.items) {
          const t = map(raw);
          if (t !== undefined) items.push(t);
        }
        rv = page.resourceVersion ?? rv;
        token = page.continue || undefined;
      } while (token);
      return { items, resourceVersion: rv, restarts };
    } catch (e) {
      if (!token || !expired(e) || restarts >= MAX_RESTARTS) throw e;
    }
  }
}
