// The node, storage and probe sections of the describe text (src/domain/node-health.ts, storage.ts,
// probe-report.ts decide what they say). Each returns undefined when it has nothing to say: a healthy
// node, a pod without claims, a pod without probes add no section.
import type { DescribeReport } from '../domain/report.js';
import { wrap } from './table.js';
import type { Paint } from './terminal.js';

interface Opts {
  paint: Paint;
  width: number;
}

const LABEL = 12;
function line(label: string, value: string, o: Opts): string {
  return `  ${(label + ':').padEnd(LABEL)}${wrap(value, o.width - 2, ' '.repeat(LABEL + 2))}`;
}

export function nodeSection(r: DescribeReport, o: Opts): string | undefined {
  const n = r.node;
  // A healthy node, or one that could not be read, has a section only for a Burstable pod whose
  // measured use exceeds its memory requests: news the QoS class alone does not tell (a BestEffort
  // pod always exceeds its zero requests, which its QoS class line already says).
  if (!n || n.healthy) {
    const e = r.eviction;
    if (!e?.memoryUsage || !e.exceedsRequests || e.qosClass !== 'Burstable' || !r.pod.node) return undefined;
    return [`  ${o.paint('bold', r.pod.node)}`, line('Eviction', e.words, o)].join('\n');
  }
  const out = [`  ${o.paint('bold', n.name)}`];
  const why = [n.readyReason, n.readyMessage].filter(Boolean).join(': ');
  out.push(line('Ready', `${n.ready}${n.readySince ? ` since ${n.readySince}` : ''}${why ? ` (${why})` : ''}`, o));
  if (n.pressure.length) out.push(line('Pressure', n.pressure.join(', '), o));
  if (n.cordoned) out.push(line('Cordoned', 'yes (spec.unschedulable): no new pods are scheduled there', o));
  if (n.taints.length)
    out.push(
      line(
        'Taints',
        n.taints
          .map(
            (t) =>
              `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect} (${t.tolerated ? `tolerated${t.tolerationSeconds !== null ? ` for ${t.tolerationSeconds}s` : ''}` : 'not tolerated'})`,
          )
          .join(', '),
        o,
      ),
    );
  if (n.requests?.length)
    out.push(
      line(
        'Requested',
        `${n.requests.map((q) => `${q.resource} ${q.requested} of ${q.allocatable} (${q.percent}%)`).join(', ')}; this pod: ${n.requests.map((q) => `${q.resource} ${q.pod}`).join(', ')}`,
        o,
      ),
    );
  out.push(line('Eviction', n.eviction.words, o));
  return out.join('\n');
}

export function storageSection(r: DescribeReport, o: Opts): string | undefined {
  if (!r.storage?.length) return undefined;
  return r.storage
    .map((c) => {
      const mark = c.state === 'Bound' ? '' : o.paint('yellow', '! ');
      return `  ${mark}${wrap(`${c.volume}: ${c.message}`, o.width - 2, '    ')}`;
    })
    .join('\n');
}

export function probeSection(r: DescribeReport, o: Opts): string | undefined {
  if (!r.probes?.length) return undefined;
  const out: string[] = [];
  for (const p of r.probes) {
    out.push(`  ${wrap(`${p.container}: ${p.words}`, o.width - 2, '    ')}`);
    for (const f of p.failures)
      out.push(
        o.paint(
          'dim',
          `    | ${wrap(`failed${f.count > 1 ? ` ${f.count}x` : ''}, last at ${f.lastSeen.slice(11, 19)}: ${f.message}`, o.width - 6, '      ')}`,
        ),
      );
  }
  for (const t of r.terminations ?? [])
    out.push(`  ${wrap(`${t.container}: ${t.previous ? 'last run' : 'run'} ${t.message}`, o.width - 2, '    ')}`);
  return out.join('\n');
}
