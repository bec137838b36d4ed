// The many-pods view's first lines: pods that fail for the same cause, counted once ("3 pods:
// ImagePullBackOff, app: image X cannot be pulled"), then the facts from around them ("1 pod:
// EndpointNotReady, not a ready endpoint of Service web (web-7d4)"), before the per-pod lines. One
// pass over the summaries with a map keyed by severity and cause, so it stays linear in the number of pods.
import type { PodSummary, Severity } from './report.js';

export interface PodGroup {
  count: number;
  severity: Severity;
  /** The verdict code, or codes joined by "/" when the pods show several for the cause. */
  code: string;
  cause: string;
  /** The pods of the group, in the order of the list. */
  pods: { namespace: string; name: string }[];
  summary: string;
}

/** Only failing pods are grouped: "12 pods are Running" is no cause. */
const GROUPED: ReadonlySet<Severity> = new Set<Severity>(['warning', 'error']);
const MIN = 2;
const NAMED = 3; // pods named in the summary sentence; the rest are counted

interface Fact {
  who: { namespace: string; name: string };
  severity: Severity;
  code: string;
  cause: string;
}

/** Facts by severity and cause, groups of at least `min` pods, largest first. */
function group(facts: Iterable<Fact>, min: number, manyNamespaces: boolean): PodGroup[] {
  const groups = new Map<string, PodGroup>();
  for (const f of facts) {
    // By cause, not by code: the kubelet alternates ErrImagePull and ImagePullBackOff for one missing
    // image, so pods with the same cause show either code at any moment.
    const key = `${f.severity}\u0000${f.cause}`;
    const g = groups.get(key);
    if (g) {
      g.pods.push(f.who);
      if (!g.code.split('/').includes(f.code)) g.code += `/${f.code}`;
    } else
      groups.set(key, { count: 0, severity: f.severity, code: f.code, cause: f.cause, pods: [f.who], summary: '' });
  }
  const out: PodGroup[] = [];
  for (const g of groups.values()) {
    if (g.pods.length < min) continue;
    g.count = g.pods.length;
    // In a list of several namespaces (-A) pods are named with their namespace.
    const named = g.pods
      .slice(0, NAMED)
      .map((p) => (manyNamespaces ? `${p.namespace}/${p.name}` : p.name))
      .join(', ');
    const more = g.count > NAMED ? ` and ${g.count - NAMED} more` : '';
    g.summary = `${g.count} pod${g.count > 1 ? 's' : ''}: ${g.code}, ${g.cause} (${named}${more})`;
    out.push(g);
  }
  // Largest group first; the same size keeps the order of the list.
  return out.sort((a, b) => b.count - a.count);
}

const manyNamespaces = (items: PodSummary[]) => new Set(items.map((s) => s.namespace)).size > 1;

export function groupByCause(items: PodSummary[]): PodGroup[] {
  const facts = items
    .filter((s) => GROUPED.has(s.verdict.severity))
    .map((s) => ({ who: { namespace: s.namespace, name: s.name }, ...s.verdict }));
  return group(facts, MIN, manyNamespaces(items));
}

/**
 * The many-pods view's neighbourhood lines: each fact from around the pods (a Service that does not
 * list a pod as ready, a budget that blocks eviction, ...), by cause, even for one pod; a fact that is
 * already the pod's verdict is left out (its VERDICT column and the groups above say it).
 */
export function groupAround(items: PodSummary[]): PodGroup[] {
  const facts = items.flatMap((s) =>
    (s.neighbourhood ?? [])
      .filter((f) => f.code !== s.verdict.code || f.cause !== s.verdict.cause)
      .map((f) => ({ who: { namespace: s.namespace, name: s.name }, ...f })),
  );
  return group(facts, 1, manyNamespaces(items));
}
