#!/usr/bin/env node
// node --expose-gc bench/watch-heap.mjs [PODS [SERVICES [ENDPOINTS_PER_SLICE]]]   (after npm run build)
//
// What `podlens watch` holds per pod and per EndpointSlice, in-process: a WatchSession (dist/) fed by
// fake sources with PODS copies of a KWOK pod (bench/data/kwok-pod.json, captured from the local
// cluster; POD=FILE for another), then SERVICES slices listing them, then as many slices listing pods
// it does not know; the heap after a full GC at each step. The pods go through the watch's own
// SpecShare as podSource does (SHARE=0: without it). Prints one JSON line. Not a test: a measurement.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (m) => import(join(ROOT, 'dist', m));
if (!global.gc) throw new Error('run with node --expose-gc');
const { WatchSession } = await dist('watch/session.js');
const { normalizePod } = await dist('kube/normalize.js');
const { watchedSlice } = await dist('kube/watch.js');
const { SpecShare } = await dist('kube/spec-share.js');
const [N, S, PER] = [6000, 1000, 8].map((d, i) => Number(process.argv[2 + i] ?? d));
const pod = JSON.parse(readFileSync(process.env.POD ?? join(ROOT, 'bench', 'data', 'kwok-pod.json'), 'utf8'));
const flip = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'watch', 'endpoints-flip.json'), 'utf8'));
const slice = flip.sliceWatch.find((l) => (l.object.endpoints ?? []).length).object;

class Source {
  list = () => Promise.resolve({ items: [], resourceVersion: '1' });
  watch(_rv, _t, h) {
    this.h = h;
    h.onOpen?.();
    return { stop() {} };
  }
  send = (type, object, rv) => this.h.onEvent({ type, object, resourceVersion: String(rv) });
}
const [pods, events, slices] = [new Source(), new Source(), new Source()];
const session = new WatchSession({
  pods,
  events,
  endpointSlices: slices,
  sink: { transitions() {}, link() {}, note() {} },
  inactivityMs: 1e9,
});
await session.start();
const heapMb = () => {
  global.gc();
  global.gc();
  return process.memoryUsage().heapUsed / 1e6;
};
const share = process.env.SHARE === '0' ? undefined : new SpecShare();
let rv = 10;
const h0 = heapMb();
const uids = [];
for (let i = 0; i < N; i++) {
  const o = structuredClone(pod);
  o.metadata.name = `churn-${i}`;
  o.metadata.uid = `${String(i).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`;
  uids.push(o.metadata.uid);
  const p = normalizePod(o);
  pods.send('ADDED', share ? share.pod(p) : p, ++rv);
}
const h1 = heapMb();
const sliceOf = (j, uidOf, type) => {
  const o = structuredClone(slice);
  o.metadata.name = `svc-${j}-abcde`;
  o.metadata.labels['kubernetes.io/service-name'] = `svc-${j}`;
  o.endpoints = Array.from({ length: PER }, (_, k) => ({
    ...slice.endpoints[0],
    targetRef: { kind: 'Pod', uid: uidOf(k) },
  }));
  slices.send(type, watchedSlice(o), ++rv);
};
for (let j = 0; j < S; j++) sliceOf(j, (k) => uids[(j + k * S) % N], 'ADDED');
const h2 = heapMb();
for (let j = 0; j < S; j++) sliceOf(j, (k) => `unknown-${j}-${k}`, 'MODIFIED');
const h3 = heapMb();
session.stop();
const r = (v, d = 2) => Number(v.toFixed(d));
console.log(
  JSON.stringify({
    pods: N,
    slices: S,
    endpoints_per_slice: PER,
    spec_share: Boolean(share),
    pods_mb: r(h1 - h0),
    per_pod_kb: r(((h1 - h0) * 1000) / N),
    slices_mb: r(h2 - h1),
    per_slice_kb: r(((h2 - h1) * 1000) / S),
    lines_held_for_unknown_pods_mb: r(h3 - h2),
    rss_mb: r(process.memoryUsage().rss / 1e6, 1),
  }),
);
process.exit(0);
