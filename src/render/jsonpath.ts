// `-o jsonpath=TEMPLATE`: kubectl's JSONPath template dialect (k8s.io/client-go/util/jsonpath,
// https://kubernetes.io/docs/reference/kubectl/jsonpath/) over the document `-o json` prints.
// Text outside braces is printed as written; inside braces: a path (`.items[*].name`, `..name`,
// `['a.b']`, `[0]`, `[-1]`, `[1:3]`, `[*]`, `[?(@.x=="y")]`, unions `[0,2]`, `['a','b']`), a quoted
// string (`{"\n"}`), or `range PATH` ... `end`. As kubectl prints them: the results of one path
// separated by a space, strings as they are, objects and arrays as compact JSON with sorted keys, null
// as null, a missing key as nothing; an index past the end of an array an error, as kubectl has it.
// Strings from the cluster are made visible (./visible.ts).
import { usage } from '../errors.js';
import { visible } from './visible.js';

export class JsonPathError extends Error {}

type Filter = { path: Step[]; op?: '==' | '!=' | '<' | '>' | '<=' | '>='; value?: string | number | boolean };
type Step =
  | { kind: 'field'; names: string[] } // one name, or a union ['a','b']
  | { kind: 'wildcard' }
  | { kind: 'index'; indexes: number[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; filter: Filter }
  | { kind: 'recursive' };
type Node =
  { kind: 'text'; text: string } | { kind: 'path'; steps: Step[] } | { kind: 'range'; steps: Step[]; body: Node[] };

export interface JsonPathTemplate {
  nodes: Node[];
}

/** Parses a template; a malformed one throws JsonPathError with one sentence (without the final stop). */
export function parseJsonPath(template: string): JsonPathTemplate {
  const stack: { nodes: Node[]; range?: Extract<Node, { kind: 'range' }> }[] = [{ nodes: [] }];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      stack.at(-1)!.nodes.push({ kind: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) stack.at(-1)!.nodes.push({ kind: 'text', text: template.slice(i, open) });
    const close = closingBrace(template, open);
    const inside = template.slice(open + 1, close).trim();
    i = close + 1;
    if (inside === 'end') {
      if (stack.length === 1) throw new JsonPathError(`{end} at ${open + 1} has no {range ...} before it`);
      stack.pop();
      continue;
    }
    const range = /^range\s+(.*)$/s.exec(inside);
    if (range) {
      const node: Node = { kind: 'range', steps: parsePath(range[1].trim()), body: [] };
      stack.at(-1)!.nodes.push(node);
      stack.push({ nodes: node.body, range: node });
      continue;
    }
    if (!inside) throw new JsonPathError(`empty {} at ${open + 1}`);
    if (inside[0] === '"' || inside[0] === "'") stack.at(-1)!.nodes.push({ kind: 'text', text: unquote(inside) });
    else stack.at(-1)!.nodes.push({ kind: 'path', steps: parsePath(inside) });
  }
  if (stack.length > 1) throw new JsonPathError('a {range ...} has no {end}');
  return { nodes: stack[0].nodes };
}

/** -o jsonpath=TEMPLATE: the template checked now (a usage error, exit 2), applied to the data later. */
export function compileTemplate(template: string): (data: unknown) => string {
  let t: JsonPathTemplate;
  try {
    t = parseJsonPath(template);
  } catch (e) {
    if (e instanceof JsonPathError) throw usage(`invalid -o jsonpath template: ${e.message}.`);
    throw e;
  }
  return (data) => {
    try {
      return executeJsonPath(t, data);
    } catch (e) {
      // kubectl's words, without its dump of the template and the object: one sentence, a usage error
      if (e instanceof JsonPathError)
        throw usage(`error executing jsonpath ${JSON.stringify(template)}: ${e.message}.`);
      throw e;
    }
  };
}

/**
 * The text the template gives for this data (the parsed JSON document). An index or slice outside an
 * array throws JsonPathError, as kubectl stops with an error there.
 */
export function executeJsonPath(t: JsonPathTemplate, data: unknown): string {
  return run(t.nodes, data, data);
}

function run(nodes: Node[], root: unknown, current: unknown): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.kind === 'path') out += evaluate(n.steps, root, current).map(print).join(' ');
    else for (const item of evaluate(n.steps, root, current)) out += run(n.body, root, item);
  }
  return out;
}

function print(v: unknown): string {
  if (typeof v === 'string') return visible(v);
  if (v !== null && typeof v === 'object') return visible(goJson(v));
  return String(v);
}

/** Go's json.Marshal of a decoded document: keys sorted, compact, <, > and & escaped. */
function goJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

// ---- evaluation -------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function evaluate(steps: Step[], root: unknown, current: unknown): unknown[] {
  // A path that starts with $ is taken from the document's root; . and @ from the current item.
  let values = steps[0]?.kind === 'field' && steps[0].names[0] === '$' ? [root] : [current];
  for (const step of steps[0]?.kind === 'field' && steps[0].names[0] === '$' ? steps.slice(1) : steps) {
    // A union is taken name by name over all the values, as kubectl does: [a,b] gives every a, then every b.
    if (step.kind === 'field' && step.names.length > 1)
      values = step.names.flatMap((n) => values.flatMap((v) => apply({ kind: 'field', names: [n] }, v, root)));
    else if (step.kind === 'index' && step.indexes.length > 1)
      values = step.indexes.flatMap((k) => values.flatMap((v) => apply({ kind: 'index', indexes: [k] }, v, root)));
    else values = values.flatMap((v) => apply(step, v, root));
  }
  return values;
}

function apply(step: Step, v: unknown, root: unknown): unknown[] {
  switch (step.kind) {
    case 'field':
      // a key that is not there gives nothing (kubectl's default, --allow-missing-template-keys)
      return isObject(v) ? step.names.filter((n) => n in v).map((n) => v[n]) : [];
    case 'wildcard':
      return Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
    case 'index':
      // [k] is kubectl's [k:k+1], its end derived: [-1] is the last item
      return Array.isArray(v) ? step.indexes.flatMap((k) => slice(v, k, k + 1, true)) : [];
    case 'slice':
      return Array.isArray(v) ? slice(v, step.start ?? 0, step.end ?? v.length, false, step.step) : [];
    case 'filter': {
      const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
      return items.filter((item) => matches(step.filter, item, root));
    }
    case 'recursive':
      return descendants(v);
  }
}

/**
 * Items from..to of an array as client-go's evalArray takes them: a negative bound counts from the
 * end (the end of [k] also when it is 0, from [-1]); an empty range gives nothing; a bound outside
 * the array, or a start after the end, is an error, not nothing.
 */
function slice(v: unknown[], start: number, end: number, derived: boolean, by = 1): unknown[] {
  const from = start < 0 ? start + v.length : start;
  const to = end < 0 || (end === 0 && derived) ? end + v.length : end;
  if (from === to) return [];
  if (from < 0 || from >= v.length)
    throw new JsonPathError(`array index out of bounds: index ${from}, length ${v.length}`);
  if (to < 0 || to > v.length)
    throw new JsonPathError(`array index out of bounds: index ${to - 1}, length ${v.length}`);
  if (from > to) throw new JsonPathError(`starting index ${from} is greater than ending index ${to}`);
  const out: unknown[] = [];
  for (let k = from; k < to; k += by) out.push(v[k]);
  return out;
}

/** The value and everything inside it, depth first (for `..name`). */
function descendants(v: unknown): unknown[] {
  const out: unknown[] = [v];
  if (Array.isArray(v)) for (const x of v) out.push(...descendants(x));
  else if (isObject(v)) for (const x of Object.values(v)) out.push(...descendants(x));
  return out;
}

function matches(f: Filter, item: unknown, root: unknown): boolean {
  const found = evaluate(f.path, root, item);
  if (!f.op) return found.length > 0;
  if (!found.length) return f.op === '!=';
  const a = found[0];
  const b = f.value;
  switch (f.op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default: {
      if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
      const [x, y] = [a, b as number | string];
      return f.op === '<' ? x < y : f.op === '>' ? x > y : f.op === '<=' ? x <= y : x >= y;
    }
  }
}

// ---- parsing ----------------------------------------------------------------------------------

function closingBrace(s: string, open: number): number {
  let quote = '';
  for (let k = open + 1; k < s.length; k++) {
    const c = s[k];
    if (quote) {
      if (c === '\\') k++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return k;
  }
  throw new JsonPathError(`the { at ${open + 1} is not closed`);
}

/** A quoted string as Go's strconv.Unquote takes it (the escapes \n, \t, \", \\, \uXXXX ...). */
function unquote(q: string): string {
  const quote = q[0];
  if (q.length < 2 || q.at(-1) !== quote) throw new JsonPathError(`unterminated string ${q}`);
  const body = q.slice(1, -1);
  try {
    const json = quote === '"' ? body : body.replace(/\\'/g, "'").replace(/"/g, '\\"');
    return JSON.parse(`"${json.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1')}"`) as string;
  } catch {
    throw new JsonPathError(`invalid string ${q}`);
  }
}

const NAME = /^[^.[\]()\s'"=!<>,]+/;

function parsePath(p: string): Step[] {
  const steps: Step[] = [];
  let s = p;
  if (s[0] === '$') {
    steps.push({ kind: 'field', names: ['$'] });
    s = s.slice(1);
  } else if (s[0] === '@') s = s.slice(1);
  else if (s[0] !== '.' && s[0] !== '[') throw new JsonPathError(`"${p}" is not a path: start it with . (like .items)`);
  while (s) {
    if (s.startsWith('..')) {
      steps.push({ kind: 'recursive' });
      s = s.slice(2);
      if (s[0] === '[') continue;
      s = field(s, steps, p);
    } else if (s[0] === '.') {
      s = s.slice(1);
      if (!s) break; // "." alone: the current item
      s = field(s, steps, p);
    } else if (s[0] === '[') {
      const end = closingBracket(s, p);
      steps.push(bracket(s.slice(1, end).trim(), p));
      s = s.slice(end + 1);
    } else throw new JsonPathError(`unexpected "${s[0]}" in "${p}"`);
  }
  return steps;
}

function field(s: string, steps: Step[], p: string): string {
  if (s[0] === '*') {
    steps.push({ kind: 'wildcard' });
    return s.slice(1);
  }
  const m = NAME.exec(s);
  if (!m) throw new JsonPathError(`a field name is missing in "${p}"`);
  steps.push({ kind: 'field', names: [m[0]] });
  return s.slice(m[0].length);
}

function closingBracket(s: string, p: string): number {
  let depth = 0;
  let quote = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (quote) {
      if (c === '\\') k++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return k;
    }
  }
  throw new JsonPathError(`a [ is not closed in "${p}"`);
}

const INT = /^-?\d+$/;

function bracket(inner: string, p: string): Step {
  if (inner === '*') return { kind: 'wildcard' };
  if (inner.startsWith('?')) {
    const m = /^\?\s*\((.*)\)$/s.exec(inner);
    if (!m) throw new JsonPathError(`a filter is written [?(@.field=="value")], not [${inner}]`);
    return { kind: 'filter', filter: filter(m[1].trim(), p) };
  }
  if (inner.includes(':')) {
    const parts = inner.split(':').map((x) => x.trim());
    if (parts.length > 3 || parts.some((x) => x && !INT.test(x)))
      throw new JsonPathError(`invalid slice [${inner}] in "${p}"`);
    const n = (x?: string) => (x ? Number(x) : undefined);
    if ((n(parts[2]) ?? 1) <= 0) throw new JsonPathError(`a slice's step must be positive, not [${inner}]`);
    return { kind: 'slice', start: n(parts[0]), end: n(parts[1]), step: n(parts[2]) };
  }
  const parts = splitUnion(inner);
  if (parts.every((x) => INT.test(x))) return { kind: 'index', indexes: parts.map(Number) };
  if (parts.every((x) => /^(['"]).*\1$/s.test(x))) return { kind: 'field', names: parts.map(unquote) };
  throw new JsonPathError(`invalid [${inner}] in "${p}": use [N], [*], [A:B], ['name'] or [?(...)]`);
}

function splitUnion(inner: string): string[] {
  const out: string[] = [];
  let quote = '';
  let cur = '';
  for (let k = 0; k < inner.length; k++) {
    const c = inner[k];
    if (quote) {
      if (c === '\\') cur += c + (inner[++k] ?? '');
      else {
        if (c === quote) quote = '';
        cur += c;
      }
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

function filter(expr: string, p: string): Filter {
  const m = /^(@[^=!<>\s]*)\s*(?:(==|!=|<=|>=|<|>)\s*(.+))?$/s.exec(expr);
  if (!m) throw new JsonPathError(`invalid filter ?(${expr}) in "${p}": write it as ?(@.field=="value")`);
  const path = m[1] === '@' ? [] : parsePath(m[1]);
  if (!m[2]) return { path };
  const raw = m[3].trim();
  let value: string | number | boolean;
  if (/^(['"]).*\1$/s.test(raw)) value = unquote(raw);
  else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else throw new JsonPathError(`invalid value ${raw} in the filter ?(${expr}): quote a string`);
  return { path, op: m[2] as Filter['op'], value };
}
