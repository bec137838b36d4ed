// Pure: which NetworkPolicies select the pod and what they isolate. A pod is isolated for ingress
// (egress) when at least one policy with that policyType selects it; then only what some selecting
// policy's rules allow gets through, and with no rules nothing does. Policies are enforced by the
// network plugin, not the API server: a plugin that does not implement them ignores them, and the
// API does not say which plugin runs.
// https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
import type { NetworkPolicyRef, Pod } from './model.js';
import type { PolicyInfo } from './report.js';
import { selectorMatches, selectorWords } from './selector.js';

export const ENFORCEMENT =
  "NetworkPolicies take effect only where the cluster's network plugin enforces them (Calico, Cilium and others do; the plain bridge plugin does not), and the API does not say which plugin runs";

function sideWords(side: 'ingress' | 'egress', isolated: boolean, rules: number, many: boolean): string {
  if (!isolated) return `its ${side} is not isolated`;
  const what = side === 'ingress' ? 'reaches it' : 'leaves it';
  return rules
    ? `its ${side} is isolated: only what ${many ? 'their' : 'its'} ${rules} ${side} rule${rules > 1 ? 's' : ''} allow${rules > 1 ? '' : 's'} ${what}`
    : `its ${side} is isolated and ${many ? 'they have' : 'it has'} no ${side} rule: nothing ${what}`;
}

export function policies(pod: Pod, all: NetworkPolicyRef[] | undefined): PolicyInfo | null {
  if (!all) return null;
  const mine = all
    .filter((p) => selectorMatches(p.podSelector, pod.labels))
    .sort((a, b) => a.name.localeCompare(b.name));
  const ingress = mine.filter((p) => p.policyTypes.includes('Ingress'));
  const egress = mine.filter((p) => p.policyTypes.includes('Egress'));
  const rows = mine.map((p) => ({
    name: p.name,
    selector: selectorWords(p.podSelector),
    policyTypes: [...p.policyTypes],
    ingressRules: p.ingressRules,
    egressRules: p.egressRules,
  }));
  if (!mine.length)
    return {
      policies: [],
      ingressIsolated: false,
      egressIsolated: false,
      summary: `No NetworkPolicy in ${pod.namespace} selects it: neither its ingress nor its egress is isolated`,
      enforcement: null,
    };
  const names = mine.map((p) => `"${p.name}"`).join(', ');
  const sum = (ps: NetworkPolicyRef[], k: 'ingressRules' | 'egressRules') => ps.reduce((n, p) => n + p[k], 0);
  return {
    policies: rows,
    ingressIsolated: ingress.length > 0,
    egressIsolated: egress.length > 0,
    summary: `NetworkPolic${mine.length > 1 ? 'ies' : 'y'} ${names} select${mine.length > 1 ? '' : 's'} it: ${sideWords('ingress', ingress.length > 0, sum(ingress, 'ingressRules'), ingress.length > 1)}; ${sideWords('egress', egress.length > 0, sum(egress, 'egressRules'), egress.length > 1)}`,
    enforcement: ENFORCEMENT,
  };
}
