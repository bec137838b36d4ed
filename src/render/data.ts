// Machine-readable output: JSON (stable key order as built) or YAML of the same data. The data is
// exact once parsed; characters a terminal would act on are written as escapes (./visible.ts).
import { escapeQuotedYaml, hasRawFormatChars, jsonText } from './visible.js';

export type DataFormat = 'json' | 'yaml';

export async function renderData(data: unknown, format: DataFormat): Promise<string> {
  if (format === 'json') return jsonText(data, 2) + '\n';
  const { dump } = await import('js-yaml');
  // js-yaml escapes control characters itself but writes bidi and zero-width characters raw, and
  // only a double-quoted scalar can escape them: then every string is written double-quoted.
  if (!hasRawFormatChars(JSON.stringify(data))) return dump(data, { noRefs: true, lineWidth: -1 });
  return escapeQuotedYaml(dump(data, { noRefs: true, lineWidth: -1, forceQuotes: true, quotingType: '"' }));
}
