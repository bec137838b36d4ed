// The many-pods view's first lines: pods that fail for the same cause, counted once ("3 pods:
// ImagePullBackOff, app: image X cannot be pulled"), before the per-pod lines. One pass over the
// summaries with a map keyed by severity and cause, so it stays linear in the number of pods.
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

export function groupByCause(items: PodSummary[]): PodGroup[] {
  const groups = new Map<string, PodGroup>();
  const namespaces = new Set<string>();
  for (const s of items) {
    const v = s.verdict;
    namespaces.add(s.namespace);
    if (!GROUPED.has(v.severity)) continue;
    // By cause, not by code: the kubelet alternates ErrImagePull and ImagePullBackOff for one missing
    // image, so pods with the same cause show either code at any moment.
    const key = `${v.severity}\u0000${v.cause}`;
    const who = { namespace: s.namespace, name: s.name };
    const g = groups.get(key);
    if (g) {
      g.pods.push(who);
      if (!g.code.split('/').includes(v.code)) g.code += `/${v.code}`;
    } else groups.set(key, { count: 0, severity: v.severity, code: v.code, cause: v.cause, pods: [who], summary: '' });
  }
  const out: PodGroup[] = [];
  for (const g of groups.values()) {
    if (g.pods.length < MIN) continue;
    g.count = g.pods.length;
    // In a list of several namespaces (-A) pods are named with their namespace.
    const named = g.pods
      .slice(0, NAMED)
      .map((p) => (namespaces.size > 1 ? `${p.namespace}/${p.name}` : p.name))
      .join(', ');
    const more = g.count > NAMED ? ` and ${g.count - NAMED} more` : '';
    g.summary = `${g.count} pods: ${g.code}, ${g.cause} (${named}${more})`;
    out.push(g);
  }
  // Largest group first; the same size keeps the order of the list.
  return out.sort((a, b) => b.count - a.count);
}
