// Text of the time sections (issue 13): what holds the pod up now, where its start-up time went,
// and, in the many-pods view, the pods that fail for the same cause. Formats decided facts only.
import type { PodGroup } from '../domain/grouping.js';
import type { DescribeReport } from '../domain/report.js';
import { table, wrap } from './table.js';
import type { Paint, Style } from './terminal.js';
import { visibleDeep } from './visible.js';

interface Options {
  paint: Paint;
  width: number;
}

/** [title, body] of each time section the report has, in the order they are shown. */
export function timeSections(r: DescribeReport, o: Options): [string, string][] {
  const out: [string, string][] = [];
  const h = r.holds;
  if (h) {
    const lines: string[] = [];
    if (h.init) {
      lines.push(`  ${wrap(h.init.summary, o.width, '    ')}`);
      if (h.init.command) lines.push(`    command: ${h.init.command}`);
    }
    for (const p of h.preStop ?? []) lines.push(`  ${wrap(p.summary, o.width, '    ')}`);
    out.push(['Waiting on', lines.join('\n')]);
  }
  const s = r.startup;
  if (s) {
    const rows = s.steps.map((x) => [x.step, `${x.seconds}s`, x.detail ?? '']);
    const pulls = s.imagePullSeconds === null ? 'unknown' : `${s.imagePullSeconds}s`;
    const inits = s.steps.some((x) => x.step === 'init containers')
      ? ` and init containers (${s.initContainerSeconds}s)`
      : '';
    const slo = s.slo
      ? `${s.slo.measuredSeconds}s from creation to all containers started, not counting image pulls (${pulls})${inits}: ${s.slo.within ? o.paint('green', 'within') : o.paint('yellow', 'over')} the ${s.slo.objectiveSeconds}s of Kubernetes' pod start-up SLO, which 99% of pods must meet (${s.slo.doc})`
      : `no comparison with Kubernetes' pod start-up SLO: ${s.sloNote ?? ''}`;
    out.push([
      `Start-up (Ready ${s.totalSeconds}s after creation)`,
      `${table(['STEP', 'TOOK', 'DETAIL'], rows, o.paint)}\n  ${wrap(slo, o.width - 2, '    ')}`,
    ]);
  }
  return out;
}

const STYLE: Record<string, Style> = { warning: 'yellow', error: 'red' };

/** The lines before the many-pods table: one per cause that two or more pods share, or one per fact from around them. */
export function renderGroups(groups: PodGroup[] | undefined, o: Options): string {
  if (!groups?.length) return '';
  return (
    visibleDeep(groups)
      .map((g) => o.paint(STYLE[g.severity] ?? 'bold', wrap(g.summary, o.width, '  ')))
      .join('\n') + '\n\n'
  );
}
