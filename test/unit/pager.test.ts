// LIST in pages with an injected source that behaves as the API server does: pages of `limit`
// items from one snapshot, continue tokens, and a token that expires (410) part way.
import { listAllPages, type Page } from '../../src/kube/pager.js';

class Expired extends Error {
  status = 410;
}

/** A server holding `n` items; `expireAt` lists the call numbers whose token has expired. */
function server(n: number, expireAt: number[] = []) {
  const calls: { limit: number; token?: string }[] = [];
  let snapshot = 1;
  const fetch = (limit: number, token: string | undefined): Promise<Page<string>> => {
    calls.push({ limit, token });
    if (token && expireAt.includes(calls.length)) {
      snapshot++; // the list starts again on a newer snapshot
      return Promise.reject(new Expired('continue token expired'));
    }
    const start = token ? Number(token.split(':')[1]) : 0;
    const items = Array.from({ length: Math.min(limit, n - start) }, (_, i) => `s${snapshot}-item${start + i}`);
    const next = start + items.length;
    return Promise.resolve({
      items,
      continue: next < n ? `${snapshot}:${next}` : undefined,
      resourceVersion: String(100 + snapshot),
    });
  };
  return { fetch, calls };
}

const isExpired = (e: unknown) => e instanceof Expired;
const same = (s: string) => s;

test('reads every page of 500, as kubectl does', async () => {
  const s = server(1234);
  const r = await listAllPages(s.fetch, isExpired, same);
  expect(r.items).toHaveLength(1234);
  expect(new Set(r.items).size).toBe(1234);
  expect(s.calls.map((c) => c.limit)).toEqual([500, 500, 500]);
  expect(s.calls.map((c) => c.token)).toEqual([undefined, '1:500', '1:1000']);
  expect(r.resourceVersion).toBe('101');
});

test('an expired continue token restarts the list: all items, all from the new snapshot', async () => {
  const s = server(1234, [3]);
  const r = await listAllPages(s.fetch, isExpired, same);
  expect(r.restarts).toBe(1);
  expect(r.items).toHaveLength(1234);
  expect(r.items.every((i) => i.startsWith('s2-'))).toBe(true);
  expect(r.resourceVersion).toBe('102');
});

test('a token that keeps expiring ends in the error, never in part of the list', async () => {
  const s = server(1234, [2, 4, 6, 8, 10]);
  await expect(listAllPages(s.fetch, isExpired, same)).rejects.toThrow('continue token expired');
});

test('a failure of the first page is not retried; map drops what it returns undefined for', async () => {
  const failing = () => Promise.reject(new Expired('first page'));
  await expect(listAllPages(failing, isExpired, same)).rejects.toThrow('first page');
  const s = server(10);
  const r = await listAllPages(s.fetch, isExpired, (x) => (x.endsWith('7') ? undefined : x.toUpperCase()), 4);
  expect(r.items).toHaveLength(9);
  expect(r.items[0]).toBe('S1-ITEM0');
});
