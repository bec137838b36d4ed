// The many-pods view's neighbourhood (issue 13) on the objects captured by
// scripts/capture-neighbour-fixtures.mjs: the five pods of one namespace judged against ONE list of
// its Services, EndpointSlices and PodDisruptionBudgets, as `podlens describe -n NS` reads them.
import { inNamespace, type Around } from '../../src/domain/around.js';
import { summarizePod } from '../../src/domain/describe.js';
import { groupAround, groupByCause } from '../../src/domain/grouping.js';
import { normalizePod, normalizeService } from '../../src/kube/normalize.js';
import { normalizeDisruptionBudget, normalizeEndpointSlice } from '../../src/kube/normalize-neighbours.js';
import { renderGroups } from '../../src/render/time-text.js';
import { painter } from '../../src/render/terminal.js';
import { load, reportOf } from './fixtures.js';

const NAMES = ['alone', 'leaving', 'twice', 'unready', 'web'];
const fxs = NAMES.map((n) => load(`neighbourhood/${n}`));
const now = new Date(fxs[0].capturedAt);
// Every fixture holds the namespace's objects as one list call returned them.
const around: Around = {
  services: fxs[0].services!.map(normalizeService),
  endpointSlices: fxs[0].endpointSlices!.map(normalizeEndpointSlice),
  disruptionBudgets: fxs[0].disruptionBudgets!.map(normalizeDisruptionBudget),
};
const pods = fxs.map((f) => normalizePod(f.pod));
const summaries = (a: Around) => pods.map((p) => summarizePod(p, [], now, pods, inNamespace(a, p.namespace)));
const byName = (a: Around = around) => Object.fromEntries(summaries(a).map((s) => [s.name, s]));

describe('the many-pods view judges each pod against its namespace', () => {
  test('each verdict is the one its full report gives (TargetPortNotFound included)', () => {
    const s = byName();
    for (const n of NAMES) expect([n, s[n].verdict]).toEqual([n, reportOf(`neighbourhood/${n}`).verdict]);
    expect(s.web.verdict.code).toBe('TargetPortNotFound');
  });

  test('the facts: the Service that does not list the unready pod as ready, and the budgets that block', () => {
    const s = byName();
    expect(s.unready.neighbourhood).toEqual([
      { severity: 'warning', code: 'EndpointNotReady', cause: 'not a ready endpoint of Service unready' },
    ]);
    expect(s.web.neighbourhood).toEqual([
      { severity: 'error', code: 'TargetPortNotFound', cause: 'Service web-metrics: no port named "metrics"' },
      { severity: 'warning', code: 'EvictionBlocked', cause: 'PodDisruptionBudget web blocks its eviction (429)' },
    ]);
    expect(s.twice.neighbourhood).toEqual([
      {
        severity: 'warning',
        code: 'EvictionBlocked',
        cause: 'PodDisruptionBudgets twice-a, twice-b block its eviction (500)',
      },
    ]);
    expect(s.alone.neighbourhood).toEqual([]);
  });

  test('not said: a pod being deleted is no unready endpoint; the unready pod its budget lets go is not blocked', () => {
    const s = byName();
    expect(s.leaving.neighbourhood).toEqual([]); // listed as terminating: that is its deletion, not readiness
    expect(s.unready.neighbourhood!.map((f) => f.code)).not.toContain('EvictionBlocked'); // AlwaysAllow
  });

  test('grouped by cause, one pod enough, the verdict not repeated; rendered before the table', () => {
    const items = summaries(around);
    const near = groupAround(items);
    expect(near.map((g) => g.summary)).toEqual([
      '1 pod: EvictionBlocked, PodDisruptionBudgets twice-a, twice-b block its eviction (500) (twice)',
      '1 pod: EndpointNotReady, not a ready endpoint of Service unready (unready)',
      '1 pod: EvictionBlocked, PodDisruptionBudget web blocks its eviction (429) (web)',
    ]);
    expect(near.some((g) => g.code === 'TargetPortNotFound')).toBe(false); // web's verdict says it
    expect(groupByCause(items)).toEqual([]); // one failing pod: no group of two
    const text = renderGroups(near, { paint: painter(false), width: 200 });
    expect(text).toContain('1 pod: EndpointNotReady, not a ready endpoint of Service unready (unready)\n');
  });

  test('lists of another namespace (-A) say nothing about these pods; no lists, no neighbourhood field', () => {
    const s = pods.map((p) => summarizePod(p, [], now, pods, inNamespace(around, 'elsewhere')));
    // inNamespace keeps objects of the pod's namespace only: these are all of podlens-nbr-fixtures
    const other = pods.map((p) => ({ ...p, namespace: 'elsewhere' }));
    const judged = other.map((p) => summarizePod(p, [], now, other, inNamespace(around, p.namespace)));
    expect(judged.flatMap((x) => x.neighbourhood)).toEqual([]);
    expect(s.every((x) => x.neighbourhood?.length === 0)).toBe(true);
    const none = summarizePod(pods[4], [], now, pods, {});
    expect(none).not.toHaveProperty('neighbourhood');
    expect(none.verdict.code).not.toBe('TargetPortNotFound');
  });
});
