// Notes of forbidden reads come in a fixed order (src/describe/rights.ts NOTE_ORDER: where in the
// report each kind would have shown something), whatever order the parallel reads answered in.
import { NOTE_ORDER, RightsNotes } from '../../src/describe/rights.js';
import { KubeApiError, type ApiCall } from '../../src/errors.js';

// The reads of describe of one pod with pods-only rights (test/live/least-privilege.test.ts).
const calls: ApiCall[] = [
  { verb: 'list', resource: 'events', namespace: 'ns1' },
  { verb: 'get', resource: 'pods/log', namespace: 'ns1', name: 'web' },
  { verb: 'get', resource: 'replicasets.apps', namespace: 'ns1', name: 'web-1' },
  { verb: 'list', resource: 'services', namespace: 'ns1' },
  { verb: 'get', resource: 'nodes', name: 'node-1' },
  { verb: 'list', resource: 'pods' },
  { verb: 'list', resource: 'pods.metrics.k8s.io' },
  { verb: 'list', resource: 'endpointslices.discovery.k8s.io', namespace: 'ns1' },
  { verb: 'list', resource: 'networkpolicies.networking.k8s.io', namespace: 'ns1' },
  { verb: 'list', resource: 'poddisruptionbudgets.policy', namespace: 'ns1' },
  { verb: 'list', resource: 'persistentvolumeclaims', namespace: 'ns1' },
  { verb: 'list', resource: 'storageclasses.storage.k8s.io' },
];

function notesInOrder(order: ApiCall[]): string[] {
  const notes = new RightsNotes();
  for (const c of order) expect(notes.forbidden(new KubeApiError(403, c, 'Forbidden'), 'VIEW', c.verb)).toBe(true);
  return notes.list;
}

test('the notes follow the report, not the order the answers came in', () => {
  // the owner chain first (replicasets.apps: a kind NOTE_ORDER does not list), then NOTE_ORDER's kinds
  const expected = ['replicasets.apps', ...NOTE_ORDER];
  expect(calls.map((c) => c.resource).sort()).toEqual([...expected].sort()); // every kind once
  const kinds = (notes: string[]) => notes.map((n) => /^no right to \w+ ([^\s:]+)/.exec(n)?.[1]);
  expect(kinds(notesInOrder(calls))).toEqual(expected);
  expect(kinds(notesInOrder([...calls].reverse()))).toEqual(expected);
  // every rotation of the answers gives the same sequence
  for (let i = 1; i < calls.length; i++)
    expect(notesInOrder([...calls.slice(i), ...calls.slice(0, i)])).toEqual(notesInOrder(calls));
});

test('one note per kind and namespace; two namespaces of one kind by their text', () => {
  const ev = (namespace: string): ApiCall => ({ verb: 'list', resource: 'events', namespace });
  expect(notesInOrder([ev('shop'), ev('admin'), ev('shop')])).toEqual([
    'no right to list events in admin: VIEW; `list events` adds it',
    'no right to list events in shop: VIEW; `list events` adds it',
  ]);
});

test('a failure other than 403 is no note', () => {
  const notes = new RightsNotes();
  expect(notes.forbidden(new KubeApiError(404, calls[0], 'NotFound'), 'VIEW', 'list')).toBe(false);
  expect(notes.forbidden(new Error('boom'), 'VIEW', 'list')).toBe(false);
  expect(notes.list).toEqual([]);
});
