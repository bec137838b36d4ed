// Loads a fixture captured by scripts/capture-fixtures.mjs and builds its report as `describe` does.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describePod, summarizePod } from '../../src/domain/describe.js';
import type { ContainerLog } from '../../src/domain/model.js';
import { normalizeEvent, normalizePod, normalizeService } from '../../src/kube/normalize.js';
import {
  normalizeClaim,
  normalizeNode,
  normalizePodMetrics,
  normalizeStorageClass,
} from '../../src/kube/normalize-infra.js';
import {
  normalizeDisruptionBudget,
  normalizeEndpointSlice,
  normalizeNetworkPolicy,
} from '../../src/kube/normalize-neighbours.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Fixture {
  case: string;
  capturedAt: string;
  pod: any;
  events: any[];
  logs: { container: string; previous: boolean; text: string; error?: string }[];
  /** The scenario's Services (truth scenarios only; absent: not captured, so unknown). */
  services?: any[];
  /** Other pods of the scenario, e.g. the one holding a host port. */
  neighbours?: { pod: any; events: any[] }[];
  /** The pod's node, the pods on it and the PodMetrics (scripts/capture-surroundings-fixtures.mjs). */
  node?: any;
  nodePods?: any[];
  metrics?: any[] | 'unavailable';
  /** 'namespace' when only the pod's namespace's PodMetrics were readable (a developer's rights). */
  metricsScope?: 'cluster' | 'namespace';
  /** The claims of the pod's namespace and the cluster's StorageClasses. */
  claims?: any[];
  storageClasses?: any[];
  /** The namespace's objects around the pod (scripts/capture-neighbour-fixtures.mjs). */
  endpointSlices?: any[];
  networkPolicies?: any[];
  disruptionBudgets?: any[];
}

export function load(name: string): Fixture {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8'));
}

/** `vary`: the capture with one field changed, for a case the cluster cannot produce (say which). */
export function reportOf(name: string, vary: (fx: Fixture) => Fixture = (fx) => fx) {
  const fx = vary(load(name));
  const logs: ContainerLog[] = fx.logs.map((l) => ({
    container: l.container,
    previous: l.previous,
    lines: l.text ? l.text.replace(/\n$/, '').split('\n') : [],
    ...(l.error ? { error: l.error } : {}),
  }));
  return describePod({
    pod: normalizePod(fx.pod),
    events: fx.events.map(normalizeEvent),
    logs,
    now: new Date(fx.capturedAt),
    services: fx.services?.map(normalizeService),
    neighbours: fx.neighbours?.map((n) => normalizePod(n.pod)),
    node: fx.node && {
      node: normalizeNode(fx.node),
      pods: fx.nodePods?.map(normalizePod),
      metrics: fx.metrics === 'unavailable' ? 'unavailable' : fx.metrics?.map(normalizePodMetrics),
      metricsScope: fx.metricsScope,
    },
    storage: fx.claims && {
      claims: fx.claims.map(normalizeClaim),
      classes: fx.storageClasses?.map(normalizeStorageClass),
    },
    endpointSlices: fx.endpointSlices?.map(normalizeEndpointSlice),
    networkPolicies: fx.networkPolicies?.map(normalizeNetworkPolicy),
    disruptionBudgets: fx.disruptionBudgets?.map(normalizeDisruptionBudget),
  });
}

export const FIXTURES = [
  'completed',
  'crashloop',
  'deletion-held',
  'deployment',
  'ephemeral',
  'go-panic',
  'image-missing',
  'init-failed-never',
  'init-in-progress',
  'native-sidecar',
  'oomkilled',
  'port-conflict',
  'readiness-failing',
  'standalone',
  'unschedulable-resources',
  'unschedulable-selector',
  // the codes docs/reference.md promises (test/unit/docs-codes.test.ts)
  'err-image-pull',
  'scheduling-gated',
  'no-scheduler',
  'no-scheduler-long',
  'readiness-gate',
  'readiness-pending',
  'restarted',
  'terminating',
  'container-creating',
  'evicted',
  // the truth scenarios (scripts/truth-scenarios.mjs)
  'cpu-typo',
  'crashloop-single',
  'deadline-exceeded',
  'env-missing-key',
  'failed-terminating',
  'hostport-held',
  'init-endless',
  'liveness-kill-loop',
  'missing-claim',
  'mount-missing-configmap',
  'port-bound-by-sibling',
  'prestop-holding',
  'readiness-failing-long',
  'ready-behind-service',
  'ready-unselected',
  'start-error',
  'startup-pending',
  // the pods' neighbourhood (scripts/capture-neighbour-fixtures.mjs)
  'neighbourhood/web',
  'neighbourhood/unready',
  'neighbourhood/twice',
  'neighbourhood/alone',
  'neighbourhood/leaving',
];

/**
 * Pods captured with their node, claims and classes (scripts/capture-surroundings-fixtures.mjs): full
 * reports only (the many-pods view reads no node, claim or class per pod).
 */
export const SURROUNDINGS = [
  'node-healthy',
  'node-not-ready',
  'node-pressure',
  'node-pressure-best-effort',
  'node-taint-tolerated-for-a-while',
  'node-taint-tolerated-for-ever',
  'signal-killed',
  'storage-claim-class-missing',
  'storage-claim-missing',
  'storage-claim-waits',
];

/** The one-line summary of a fixture's pod, as `describe` builds it for several pods. */
export function summaryOf(name: string) {
  const fx = load(name);
  return summarizePod(
    normalizePod(fx.pod),
    fx.events.map(normalizeEvent),
    new Date(fx.capturedAt),
    fx.neighbours?.map((n) => normalizePod(n.pod)),
  );
}
