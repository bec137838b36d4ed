// -o jsonpath=TEMPLATE: the expected outputs are kubectl's own, captured with kubectl v1 on the same
// document (`kubectl label --local -f test/fixtures/jsonpath/doc.json q=1 -o jsonpath=TEMPLATE`; the
// label does not touch what these templates read), so the dialect is kubectl's, not a guess.
import { readFileSync } from 'node:fs';
import { toUserError } from '../../src/errors.js';
import { compileTemplate, executeJsonPath, JsonPathError, parseJsonPath } from '../../src/render/jsonpath.js';

const doc: unknown = JSON.parse(readFileSync(new URL('../fixtures/jsonpath/doc.json', import.meta.url), 'utf8'));
const jp = (t: string, data: unknown = doc) => executeJsonPath(parseJsonPath(t), data);

test.each([
  ['{.things[*].metadata.name}', 'a<b b'],
  ['{range .things[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', 'a<b\tRunning\nb\tPending\n'],
  ['{.things[0].metadata.labels}', '{"app":"web","z":"1"}'],
  ['{.things[?(@.status.phase=="Running")].metadata.name}', 'a<b'],
  ['{..image}', 'i1 i2 i3'],
  ['{.things[-1:].metadata.name}', 'b'],
  ["{.things[*].metadata['name','namespace']}", 'a<b b x x'],
  ['{.things[*].status.restartCount}', '3 0'],
  ['{.things[*].spec.containers[*].name}', 'c1 c2 c3'],
  ['{.things[0].spec}', '{"containers":[{"image":"i1","name":"c1"},{"image":"i2","name":"c2"}]}'],
  ['{$.kind}', 'ConfigMap'],
  ['x{.things[*].nope}y', 'xy'],
  ['{.things[?(@.status.restartCount>2)].metadata.name}', 'a<b'],
  ['{range .things[*]}[{range .spec.containers[*]}{.name},{end}]{end}', '[c1,c2,][c3,]'],
  ['{.things[*].status.ok}', 'true false'],
  ['{.things[0].status.ip}', 'null'],
  ['{.things[-1].metadata.name}', 'b'],
  ['{.things[0,1].metadata.name}', 'a<b b'],
  ['{.things[?(@.status.ok)].metadata.name}', 'a<b b'],
  ['{.things[*].metadata.labels.app}', 'web db'],
  ["{.things[?(@.metadata.name=='b')].status.phase}", 'Pending'],
  ['{.things[*].spec.containers[0].image}', 'i1 i3'],
])('%s prints what kubectl prints', (template, expected) => {
  expect(jp(template)).toBe(expected);
});

test('a whole array or object as Go marshals it: keys sorted, compact, <>& escaped', () => {
  expect(jp('{.things}x')).toBe(
    '[{"metadata":{"labels":{"app":"web","z":"1"},"name":"a\\u003cb","namespace":"x"},"spec":{"containers":[{"image":"i1","name":"c1"},{"image":"i2","name":"c2"}]},"status":{"ip":null,"ok":true,"phase":"Running","restartCount":3}},{"metadata":{"labels":{"app":"db"},"name":"b","namespace":"x"},"spec":{"containers":[{"image":"i3","name":"c3"}]},"status":{"ok":false,"phase":"Pending","restartCount":0}}]x',
  );
});

// kubectl's own errors on the same document (the first clause of its message, before its dump of the
// template and the object), and the empty ranges it allows.
test.each([
  ['{.things[5].metadata.name}', 'array index out of bounds: index 5, length 2'],
  ['{.things[2:9].metadata.name}', 'array index out of bounds: index 2, length 2'],
  ['{.things[-3].metadata.name}', 'array index out of bounds: index -1, length 2'],
  ['{.things[0,5].metadata.name}', 'array index out of bounds: index 5, length 2'],
  ['{.things[*].spec.containers[1].name}', 'array index out of bounds: index 1, length 1'],
  ['{.things[-5:].metadata.name}', 'array index out of bounds: index -3, length 2'],
  ['{.things[:-5].metadata.name}', 'array index out of bounds: index -4, length 2'],
  ['{.things[1:0].metadata.name}', 'starting index 1 is greater than ending index 0'],
  ['{range .things[*]}{.spec.containers[1].name}{end}', 'array index out of bounds: index 1, length 1'],
])('%s is an error, as in kubectl: %s', (template, message) => {
  expect(() => jp(template)).toThrow(JsonPathError);
  expect(() => jp(template)).toThrow(message);
});

test('an empty range is nothing, not an error, as in kubectl; [*] of an empty list too', () => {
  expect(jp('{.things[1:1].metadata.name}')).toBe('');
  expect(jp('{.things[2:].metadata.name}')).toBe('');
  expect(jp('{.things[0:2].metadata.name}')).toBe('a<b b');
  expect(jp('{.items[*].name}{range .items[*]}{.name}{end}', { items: [] })).toBe('');
});

test('-o jsonpath= an index past the end: one sentence, a usage error (exit 2), nothing printed', () => {
  const t = compileTemplate('{.items[0].name}');
  expect(t({ items: [{ name: 'web' }] })).toBe('web');
  let err: unknown;
  try {
    t({ items: [] });
  } catch (e) {
    err = e;
  }
  expect(toUserError(err)).toEqual({
    exitCode: 2,
    message: 'error executing jsonpath "{.items[0].name}": array index out of bounds: index 0, length 0.',
  });
  expect((err as Error).message).not.toMatch(/\n|Printing more information|object given/);
});

test('text from the cluster is made visible: an escape sequence in a value cannot reach the terminal', () => {
  const out = jp('{.items[*].name}{"\\n"}', { items: [{ name: 'evil\u001b[2Jname' }, { name: 'ok' }] });
  expect(out).toBe('evil\\x1b[2Jname ok\n');
  expect(out).not.toContain('\u001b');
});

test('the template text itself is printed as written, escapes in quoted strings included', () => {
  expect(jp('names: {.things[0].metadata.name}{"\\u0021"}')).toBe('names: a<b!');
  expect(jp('{\'single\'}{"\\tdouble"}', {})).toBe('single\tdouble');
  expect(jp('no braces at all', {})).toBe('no braces at all');
});

test.each([
  ['{.items[}', /a \[ is not closed/],
  ['{.items', /the \{ at 1 is not closed/],
  ['{range .items[*]}{.name}', /has no \{end\}/],
  ['{.name}{end}', /\{end\} at 8 has no \{range/],
  ['{}', /empty \{\} at 1/],
  ['{items}', /not a path: start it with \./],
  ['{.items[?(@.a=b)]}', /invalid filter/],
  ['{.items[?(@.a==b)]}', /quote a string/],
  ['{.items[abc]}', /invalid \[abc\]/],
  ['{.items[1:x]}', /invalid slice/],
  ['{"unterminated}', /not closed/],
])('a malformed template %s is refused with one sentence', (template, message) => {
  expect(() => parseJsonPath(template)).toThrow(JsonPathError);
  expect(() => parseJsonPath(template)).toThrow(message);
});
