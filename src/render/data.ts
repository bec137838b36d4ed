// Machine-readable output: JSON (stable key order as built) or YAML of the same data. The data is
// exact once parsed; characters a terminal would act on are written as escapes (./visible.ts).
import type { DescribeReport, PodReportList, PodSummaryList } from '../domain/report.js';
import { escapeQuotedYaml, hasRawFormatChars, jsonText, visible } from './visible.js';

export type DataFormat = 'json' | 'yaml';

export async function renderData(data: unknown, format: DataFormat): Promise<string> {
  if (format === 'json') return jsonText(data, 2) + '\n';
  const { dump } = await import('js-yaml');
  // js-yaml escapes control characters itself but writes bidi and zero-width characters raw, and
  // only a double-quoted scalar can escape them: then every string is written double-quoted.
  if (!hasRawFormatChars(JSON.stringify(data))) return dump(data, { noRefs: true, lineWidth: -1 });
  return escapeQuotedYaml(dump(data, { noRefs: true, lineWidth: -1, forceQuotes: true, quotingType: '"' }));
}

/**
 * describe's machine-readable outputs: JSON, YAML, -o name (pod/NAME per pod, as kubectl prints it,
 * without the namespace even with -A; one pod's report gives its one line) and -o jsonpath (the
 * template, compiled by ./jsonpath.ts, over the very document -o json prints).
 */
export async function renderDescribeData(
  data: DescribeReport | PodSummaryList | PodReportList,
  format: DataFormat | 'name',
  jsonpath?: (document: unknown) => string,
): Promise<string> {
  if (jsonpath) return jsonpath(JSON.parse(JSON.stringify(data)));
  if (format !== 'name') return renderData(data, format);
  const names = 'pod' in data ? [data.pod.name] : data.items.map((i) => ('pod' in i ? i.pod.name : i.name));
  return names.map((n) => `pod/${visible(n, { oneLine: true })}\n`).join('');
}
