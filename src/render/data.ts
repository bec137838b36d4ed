// Machine-readable output: JSON (stable key order as built) or YAML of the same data.

export type DataFormat = 'json' | 'yaml';

export async function renderData(data: unknown, format: DataFormat): Promise<string> {
  if (format === 'json') return JSON.stringify(data, null, 2) + '\n';
  const { dump } = await import('js-yaml');
  return dump(data, { noRefs: true, lineWidth: -1 });
}
