// Pure helpers of the benchmark harness (bench/run.mjs): statistics, paired ratios, /proc parsing,
// the completeness check of a watch's output, and the result table. No I/O here: unit-tested in
// test/unit/bench-stats.test.ts.

/** The median of a list of numbers (mean of the two middle values for an even count); NaN when empty. */
export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!xs.length) return NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** The p-th percentile (0..100), nearest-rank on the sorted values; NaN when empty. */
export function percentile(values, p) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!xs.length) return NaN;
  const rank = Math.ceil((p / 100) * xs.length);
  return xs[Math.min(xs.length, Math.max(1, rank)) - 1];
}

/**
 * Ratios taken pair by pair (ours[i] / theirs[i], runs of the same round on the same machine state),
 * and their median. The median of per-pair ratios is robust to a noisy neighbour slowing one round:
 * both members of the pair pay for it.
 */
export function pairedRatio(ours, theirs) {
  if (ours.length !== theirs.length)
    throw new Error(`paired samples differ in length: ${ours.length} vs ${theirs.length}`);
  const ratios = ours.map((o, i) => o / theirs[i]).filter((r) => Number.isFinite(r));
  return { ratios, median: median(ratios) };
}

/** Rounds to a number of decimals (keeps JSON readable). */
export function round(v, decimals = 2) {
  if (!Number.isFinite(v)) return null;
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

/**
 * CPU seconds (user + system) of a process from the text of /proc/PID/stat. The command name
 * (field 2) may hold spaces and parentheses, so fields are counted after its closing ')'.
 */
export function cpuSecondsFromStat(statText, clockTicks = 100) {
  const rest = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime field 15.
  const utime = Number(rest[14 - 3]);
  const stime = Number(rest[15 - 3]);
  return (utime + stime) / clockTicks;
}

/** Peak resident set (VmHWM) in MB from the text of /proc/PID/status; NaN if absent. */
export function peakRssMbFromStatus(statusText) {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(statusText);
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * Splits a stream of concatenated JSON values (as `kubectl get -w -o json` prints them: pretty
 * objects one after another, the initial state as PodList objects) into complete values.
 * Incremental: each push() scans only the new text, so a multi-megabyte list arriving in small
 * pipe chunks costs linear time (a rescan from the start on every chunk stalled the harness for
 * seconds, and showed up as kubectl lag).
 */
export function jsonStreamSplitter() {
  let parts = []; // text of the value being read, from earlier chunks
  let started = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  return {
    push(chunk) {
      const values = [];
      let from = 0; // where the current value starts in this chunk
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (c === '\\') escaped = true;
          else if (c === '"') inString = false;
          continue;
        }
        if (c === '"') inString = true;
        else if (c === '{' || c === '[') {
          if (depth === 0) {
            started = true;
            parts = [];
            from = i;
          }
          depth++;
        } else if ((c === '}' || c === ']') && depth > 0) {
          depth--;
          if (depth === 0 && started) {
            parts.push(chunk.slice(from, i + 1));
            values.push(JSON.parse(parts.join('')));
            parts = [];
            started = false;
          }
        }
      }
      if (started) parts.push(chunk.slice(from));
      return values;
    },
    /** Characters held for an incomplete value. */
    get pending() {
      return parts.reduce((n, p) => n + p.length, 0);
    },
  };
}

/** One-shot form of jsonStreamSplitter: the complete values in a text, and the incomplete tail. */
export function splitJsonStream(text) {
  const s = jsonStreamSplitter();
  const values = s.push(text);
  const rest = s.pending ? text.slice(text.length - s.pending) : '';
  return { values, rest };
}

/** The key of one transition: a pod (by uid) and what happened to it. */
export function transitionKey(t) {
  if (t.change === 'endpoint') return `${t.uid} endpoint ${t.service} ${t.to ?? 'gone'}`;
  return t.change === 'phase' ? `${t.uid} phase ${t.phase}` : `${t.uid} ${t.change}`;
}

/**
 * Completeness of a watch's output against the truth.
 * expected: transitions that happened ({ uid, change: 'created' | 'phase' | 'deleted', phase? }),
 *   each once (from the harness' own watch of the API server);
 * seen: the transitions a watcher reported, in the order it reported them.
 * Returns how many expected transitions were never reported (missed), how many were reported more
 * than once (duplicates: each extra report counts), and reports of transitions that did not
 * happen (unexpected), with a few examples of each for the report.
 */
export function completeness(expected, seen) {
  const want = new Map();
  for (const t of expected) want.set(transitionKey(t), 0);
  let duplicates = 0;
  let unexpected = 0;
  const examples = { missed: [], duplicates: [], unexpected: [] };
  for (const t of seen) {
    const key = transitionKey(t);
    if (!want.has(key)) {
      unexpected++;
      if (examples.unexpected.length < 5) examples.unexpected.push(key);
      continue;
    }
    const n = want.get(key) + 1;
    want.set(key, n);
    if (n > 1) {
      duplicates++;
      if (examples.duplicates.length < 5) examples.duplicates.push(key);
    }
  }
  let missed = 0;
  for (const [key, n] of want) {
    if (n === 0) {
      missed++;
      if (examples.missed.length < 5) examples.missed.push(key);
    }
  }
  return { expected: want.size, missed, duplicates, unexpected, examples };
}

/**
 * The transitions of pods from a sequence of watch events (type ADDED/MODIFIED/DELETED and the
 * object), as a watcher that holds the last phase of each pod sees them: creation (with the phase
 * it was stored with), each later change of status.phase, deletion. podlens watch reports the
 * same three kinds (change "created", "phase", "deleted"; schema/watch-event.v2.json).
 */
export function podTransitions(events) {
  const phase = new Map();
  const out = [];
  for (const { type, object: pod, at } of events) {
    const uid = pod?.metadata?.uid;
    if (!uid) continue;
    const p = pod.status?.phase ?? 'Pending';
    if (type === 'DELETED') {
      if (phase.has(uid)) out.push({ uid, change: 'deleted', at });
      phase.delete(uid);
    } else if (!phase.has(uid)) {
      phase.set(uid, p);
      out.push({ uid, change: 'created', at });
    } else if (phase.get(uid) !== p) {
      phase.set(uid, p);
      out.push({ uid, change: 'phase', phase: p, at });
    }
  }
  return out;
}

/** The transition a `podlens watch -o ndjson` line reports, if it is a creation, phase change or deletion. */
export function podlensTransition(line, at) {
  if (line.change === 'created' || line.change === 'deleted') return { uid: line.uid, change: line.change, at };
  if (line.change === 'phase') return { uid: line.uid, change: 'phase', phase: line.to, at };
  return undefined;
}

/** The transition a `podlens watch -o ndjson` endpoint line reports (change "endpoint"), if it is one. */
export function podlensEndpointTransition(line, at) {
  if (line.change !== 'endpoint') return undefined;
  return { uid: line.uid, change: 'endpoint', service: line.service, to: line.to ?? null, at };
}

// An endpoint's state as podlens names it (src/domain/traffic.ts: endpointRefState, bestEndpointState).
const ENDPOINT_ORDER = ['ready', 'serving-terminating', 'terminating', 'not-ready'];
const bestState = (a, b) => (a && ENDPOINT_ORDER.indexOf(a) <= ENDPOINT_ORDER.indexOf(b) ? a : b);
function endpointState(conditions = {}) {
  if (conditions.terminating) return conditions.serving !== false ? 'serving-terminating' : 'terminating';
  return conditions.ready !== false ? 'ready' : 'not-ready';
}

/**
 * The endpoint transitions of pods from a sequence of EndpointSlice watch events (type and the
 * slice: metadata.name, the kubernetes.io/service-name label, endpoints[].targetRef and conditions),
 * as a watcher that holds every slice sees them: for each Service, the pods its slices list and how
 * (the best entry when several list one pod) before and after each event; each pod whose place
 * changed gives { uid, change: 'endpoint', service, to, at }, `to` null when it is no longer listed.
 * podlens watch reports the same (change "endpoint"; schema/watch-event.v2.json). `initial`: the
 * slices of the list the watch started from (held, no transitions of their own).
 */
export function endpointTransitions(events, initial = []) {
  const slices = new Map(); // service -> slice name -> Map(uid -> state)
  const members = (service) => {
    const out = new Map();
    for (const eps of slices.get(service)?.values() ?? [])
      for (const [uid, st] of eps) out.set(uid, bestState(out.get(uid), st));
    return out;
  };
  const out = [];
  const all = [...initial.map((object) => ({ type: 'ADDED', object, initial: true })), ...events];
  for (const { type, object: slice, at, initial: listed } of all) {
    const name = slice?.metadata?.name;
    const service = slice?.metadata?.labels?.['kubernetes.io/service-name'];
    if (!name || !service || (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED')) continue;
    const before = listed ? undefined : members(service);
    if (!slices.has(service)) slices.set(service, new Map());
    const byName = slices.get(service);
    if (type === 'DELETED') byName.delete(name);
    else {
      const eps = new Map();
      for (const e of slice.endpoints ?? []) {
        if (e.targetRef?.kind !== 'Pod' || !e.targetRef.uid) continue;
        eps.set(e.targetRef.uid, bestState(eps.get(e.targetRef.uid), endpointState(e.conditions)));
      }
      byName.set(name, eps);
    }
    if (!byName.size) slices.delete(service);
    if (!before) continue;
    const after = members(service);
    for (const [uid, to] of after) if (before.get(uid) !== to) out.push({ uid, change: 'endpoint', service, to, at });
    for (const uid of before.keys()) if (!after.has(uid)) out.push({ uid, change: 'endpoint', service, to: null, at });
  }
  return out;
}

/** Lag of each reported transition behind the truth's time for the same transition (first report only). */
export function lags(expected, seen) {
  const truth = new Map(expected.map((t) => [transitionKey(t), t.at]));
  const done = new Set();
  const out = [];
  for (const t of seen) {
    const key = transitionKey(t);
    if (done.has(key) || !truth.has(key)) continue;
    done.add(key);
    out.push(Math.max(0, t.at - truth.get(key)));
  }
  return out;
}

/** A plain-text table: rows of cells, the first row the header; columns padded to their widest cell. */
export function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length)));
  const line = (r) =>
    r
      .map((cell, c) => String(cell ?? '').padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
