// Converts the objects around a pod (EndpointSlices, NetworkPolicies, PodDisruptionBudgets) into
// plain podlens types, once, at the edge. Typed calls and raw JSON (watch, fixtures) have the same
// field names for these kinds; nothing here imports the client at run time.
import type { DisruptionBudgetRef, EndpointSliceRef, LabelSelector, NetworkPolicyRef } from '../domain/model.js';
import { intOrString, strMap } from './normalize.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

export function normalizeSelector(sel: Raw): LabelSelector | undefined {
  if (sel === undefined || sel === null) return undefined;
  return {
    matchLabels: strMap(sel.matchLabels),
    matchExpressions: (sel.matchExpressions ?? []).map((e: Raw) => ({
      key: String(e.key),
      operator: String(e.operator),
      values: (e.values ?? []).map(String),
    })),
  };
}

const bool = (v: unknown) => (v === undefined || v === null ? undefined : Boolean(v));

// https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/ (the service-name label)
export function normalizeEndpointSlice(raw: Raw): EndpointSliceRef {
  return {
    name: raw.metadata?.name ?? '',
    ...(raw.metadata?.namespace ? { namespace: String(raw.metadata.namespace) } : {}),
    service: raw.metadata?.labels?.['kubernetes.io/service-name'] ?? '',
    endpoints: (raw.endpoints ?? []).map((e: Raw) => {
      const pod = e.targetRef?.kind === 'Pod' ? e.targetRef : undefined;
      return {
        ...(pod?.uid ? { podUid: String(pod.uid) } : {}),
        ...(pod?.name ? { podName: String(pod.name) } : {}),
        ready: bool(e.conditions?.ready),
        serving: bool(e.conditions?.serving),
        terminating: bool(e.conditions?.terminating),
      };
    }),
  };
}

// The API server defaults policyTypes (Ingress, plus Egress when there are egress rules), so a
// stored policy always has them; the same default is applied here for objects written without.
// https://github.com/kubernetes/kubernetes/blob/v1.34.0/pkg/apis/networking/v1/defaults.go
export function normalizeNetworkPolicy(raw: Raw): NetworkPolicyRef {
  const spec = raw.spec ?? {};
  const egressRules = (spec.egress ?? []).length;
  const types: string[] = spec.policyTypes?.length ? spec.policyTypes : ['Ingress', ...(egressRules ? ['Egress'] : [])];
  return {
    name: raw.metadata?.name ?? '',
    podSelector: normalizeSelector(spec.podSelector) ?? { matchLabels: {}, matchExpressions: [] },
    policyTypes: types.filter((t): t is 'Ingress' | 'Egress' => t === 'Ingress' || t === 'Egress'),
    ingressRules: (spec.ingress ?? []).length,
    egressRules,
  };
}

export function normalizeDisruptionBudget(raw: Raw): DisruptionBudgetRef {
  const spec = raw.spec ?? {};
  const st = raw.status ?? {};
  const opt = (v: unknown) => (v === undefined || v === null ? undefined : String(intOrString(v)));
  return {
    name: raw.metadata?.name ?? '',
    ...(raw.metadata?.namespace ? { namespace: String(raw.metadata.namespace) } : {}),
    selector: normalizeSelector(spec.selector),
    ...(opt(spec.minAvailable) !== undefined ? { minAvailable: opt(spec.minAvailable) } : {}),
    ...(opt(spec.maxUnavailable) !== undefined ? { maxUnavailable: opt(spec.maxUnavailable) } : {}),
    ...(spec.unhealthyPodEvictionPolicy ? { unhealthyPodEvictionPolicy: String(spec.unhealthyPodEvictionPolicy) } : {}),
    ...(raw.metadata?.generation !== undefined ? { generation: Number(raw.metadata.generation) } : {}),
    ...(st.observedGeneration !== undefined ? { observedGeneration: Number(st.observedGeneration) } : {}),
    disruptionsAllowed: Number(st.disruptionsAllowed ?? 0),
    currentHealthy: Number(st.currentHealthy ?? 0),
    desiredHealthy: Number(st.desiredHealthy ?? 0),
    expectedPods: Number(st.expectedPods ?? 0),
  };
}
