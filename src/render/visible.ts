// Text from the cluster is untrusted: a container's termination message, log line or event message
// can hold escape sequences that retitle, clear or reprogram the terminal it is printed on, and
// Unicode bidi overrides or zero-width characters that make a line read other than it is.
// Every piece of cluster text printed for people goes through visible(): control characters (C0
// but newline and tab, DEL, C1) become `\x1b`-style escapes, format characters (bidi overrides and
// isolates, zero-width spaces and joiners, BOM, tags) and line/paragraph separators become
// `\u202e`-style escapes. Our own colours are added after, by the renderer. Data output (JSON/YAML)
// keeps the data exact; jsonText() only writes those characters as JSON's own \u escapes.

// \p{Cc}: C0, DEL, C1. \p{Cf}: U+200B-U+200F, U+202A-U+202E, U+2060-U+2069, U+FEFF, U+061C, tags...
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

function escape(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\u{${cp.toString(16)}}`;
}

export interface VisibleOptions {
  /** One line of output (a watch line, the live area): newlines and tabs are escaped too. */
  oneLine?: boolean;
}

/** The text with every character a terminal would act on, or hide, shown as an escape. */
export function visible(text: string, o: VisibleOptions = {}): string {
  return text.replace(UNSAFE, (ch) => (!o.oneLine && (ch === '\n' || ch === '\t') ? ch : escape(ch)));
}

/** visible() over every string in a report (keys included), for renderers that print many fields. */
export function visibleDeep<T>(value: T, o: VisibleOptions = {}): T {
  if (typeof value === 'string') return visible(value, o) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => visibleDeep(v, o)) as T;
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[visible(k, o)] = visibleDeep(v, o);
    return out as T;
  }
  return value;
}

// JSON.stringify leaves DEL, C1 and format characters raw; as \u escapes they parse back the same.
const DATA_RAW = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

/** \uXXXX (a surrogate pair for astral characters), which JSON and YAML double quotes both read. */
const unicodeEscape = (ch: string) =>
  ch
    .split('')
    .map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .join('');

/** JSON of the data, exact once parsed, with no raw control or bidi character in the bytes. */
export function jsonText(data: unknown, indent?: number): string {
  return JSON.stringify(data, null, indent).replace(DATA_RAW, unicodeEscape);
}

/** Whether YAML of this JSON would carry raw format characters (js-yaml escapes only C0 and C1). */
export function hasRawFormatChars(json: string): boolean {
  DATA_RAW.lastIndex = 0;
  return DATA_RAW.test(json);
}

/** Escapes them in YAML written with every string double-quoted (where \u escapes are valid). */
export function escapeQuotedYaml(yaml: string): string {
  return yaml.replace(DATA_RAW, unicodeEscape);
}
