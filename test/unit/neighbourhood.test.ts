// Issue 13 on objects captured from the live cluster (scripts/capture-neighbour-fixtures.mjs): one
// namespace holding a ready web pod behind three Services (a named targetPort that resolves, one
// that does not, an undeclared number), an isolating NetworkPolicy and a budget allowing no
// disruption; an unready pod whose budget lets unhealthy pods go; a pod under two budgets; a pod
// nothing selects; and a pod being deleted that its Service lists as terminating but serving.
import { reportOf } from './fixtures.js';
import { selectorMatches } from '../../src/domain/selector.js';
import { renderReport } from '../../src/render/describe-text.js';
import { painter } from '../../src/render/terminal.js';

const text = (name: string) => renderReport(reportOf(`neighbourhood/${name}`), { paint: painter(false), width: 2000 });

describe('traffic', () => {
  test('a ready pod: each selecting Service, its EndpointSlice, and what each port resolves to', () => {
    const r = reportOf('neighbourhood/web');
    expect(r.traffic!.services.map((s) => [s.service, s.endpoint])).toEqual([
      ['web', 'ready'],
      ['web-metrics', 'ready'],
      ['web-raw', 'ready'],
    ]);
    const [web, metrics, raw] = r.traffic!.services;
    expect(web.ports).toEqual([
      { port: 80, protocol: 'TCP', name: null, targetPort: 'http', podPort: 80, problem: null },
    ]);
    expect(web.sentence).toMatch(
      /^Service "web" lists it as a ready endpoint \(EndpointSlice web-\w+\): it receives the Service's traffic$/,
    );
    expect(metrics.ports[0]).toMatchObject({ targetPort: 'metrics', podPort: null, problem: 'no-port-named' });
    // the slice lists the pod as ready but with no ports (as captured): it must not say it gets traffic
    expect(metrics.sentence).toContain('but with no port');
    expect(metrics.sentence).not.toContain("receives the Service's traffic");
    expect(raw.ports[0]).toMatchObject({ targetPort: '8080', podPort: 8080, problem: 'port-not-declared' });
    expect(raw.sentence).toContain('which no container declares (allowed');
    expect(r.traffic!.summary).toBe('3 Services select it; all list it as a ready endpoint');
  });

  test('a named targetPort that matches no port of the pod is the error that makes the verdict', () => {
    const r = reportOf('neighbourhood/web');
    const f = r.findings.filter((x) => x.code === 'TargetPortNotFound');
    expect(f).toHaveLength(1); // web-metrics only: the undeclared number is a hint, not a finding
    expect(f[0].message).toContain('Service "web-metrics" sends its port 80 to the port named "metrics"');
    expect(r.verdict).toMatchObject({ severity: 'error', code: 'TargetPortNotFound' });
  });

  test('a pod failing readiness is listed as not ready', () => {
    const s = reportOf('neighbourhood/unready').traffic!.services[0];
    expect([s.service, s.endpoint]).toEqual(['unready', 'not-ready']);
    expect(s.sentence).toContain('lists it as not ready');
  });

  test('a pod being deleted is terminating but still serving, never a ready endpoint', () => {
    const r = reportOf('neighbourhood/leaving');
    expect(r.traffic!.services[0].endpoint).toBe('serving-terminating');
    expect(text('leaving')).not.toMatch(/ready endpoint \(/);
    expect(r.findings.some((f) => f.code === 'TargetPortNotFound')).toBe(false);
  });

  test('a pod no Service selects says nothing about endpoints', () => {
    const r = reportOf('neighbourhood/alone');
    expect(r.traffic).toEqual({
      services: [],
      summary:
        'No Service in podlens-nbr-fixtures selects it: it receives no Service traffic, only connections made to its IP',
    });
    const section = text('alone').split('\nTraffic\n')[1].split('\n\n')[0];
    expect(section).not.toMatch(/EndpointSlice|endpoint|terminating/);
  });
});

describe('network policies', () => {
  test("an isolating policy: ingress with no rule (nothing reaches it), egress with one; enforcement is the plugin's", () => {
    const p = reportOf('neighbourhood/web').networkPolicies!;
    expect(p.policies).toEqual([
      { name: 'web-isolate', selector: 'app=web', policyTypes: ['Ingress', 'Egress'], ingressRules: 0, egressRules: 1 },
    ]);
    expect([p.ingressIsolated, p.egressIsolated]).toEqual([true, true]);
    expect(p.summary).toBe(
      'NetworkPolicy "web-isolate" selects it: its ingress is isolated and it has no ingress rule: nothing reaches it; its egress is isolated: only what its 1 egress rule allows leaves it',
    );
    expect(p.enforcement).toContain("only where the cluster's network plugin enforces them");
  });

  test('no policy selects a pod: not isolated, and nothing said about enforcement', () => {
    const p = reportOf('neighbourhood/alone').networkPolicies!;
    expect(p).toMatchObject({ policies: [], ingressIsolated: false, egressIsolated: false, enforcement: null });
    expect(text('alone')).not.toMatch(/isolated:|network plugin/);
  });
});

describe('disruption budgets', () => {
  test('one budget with no disruption allowed: the eviction API would refuse (429), an advice finding', () => {
    const r = reportOf('neighbourhood/web');
    expect(r.disruption).toMatchObject({
      budgets: [{ name: 'web', minAvailable: '1', disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1 }],
      evictable: false,
      evictionStatus: 429,
    });
    expect(r.disruption!.summary).toContain(
      'PodDisruptionBudget "web" covers it; it allows no disruption now (1 healthy, 1 needed)',
    );
    expect(r.findings.find((f) => f.code === 'EvictionBlocked')).toMatchObject({
      category: 'advice',
      severity: 'warning',
    });
  });

  test('an unready pod under a budget whose unhealthyPodEvictionPolicy is AlwaysAllow can be evicted', () => {
    const d = reportOf('neighbourhood/unready').disruption!;
    expect(d.budgets[0].disruptionsAllowed).toBe(0);
    expect([d.evictable, d.evictionStatus]).toEqual([true, 201]);
  });

  test('two budgets: the eviction API answers 500', () => {
    const d = reportOf('neighbourhood/twice').disruption!;
    expect(d.budgets.map((b) => b.name)).toEqual(['twice-a', 'twice-b']);
    expect([d.evictable, d.evictionStatus]).toEqual([false, 500]);
  });

  test('no budget: evictable, and no finding', () => {
    const r = reportOf('neighbourhood/alone');
    expect(r.disruption).toMatchObject({ budgets: [], evictable: true, evictionStatus: 201 });
    expect(r.findings.some((f) => f.code === 'EvictionBlocked')).toBe(false);
  });
});

describe('selectors', () => {
  const sel = (matchExpressions: { key: string; operator: string; values: string[] }[]) => ({
    matchLabels: {},
    matchExpressions,
  });
  test.each([
    ['In', { a: 'x' }, true],
    ['In', { a: 'z' }, false],
    ['NotIn', {}, true],
    ['Exists', {}, false],
    ['DoesNotExist', {}, true],
  ] as const)('%s against %p', (operator, labels, want) => {
    expect(selectorMatches(sel([{ key: 'a', operator, values: ['x', 'y'] }]), labels)).toBe(want);
  });
});
