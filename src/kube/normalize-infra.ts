// Nodes, PersistentVolumeClaims, StorageClasses and PodMetrics as plain podlens types, once, at the
// edge (raw JSON and typed-call objects alike, as src/kube/normalize.ts does for pods).
import type { NodeFacts, PodUsage } from '../domain/node-health.js';
import { parseQuantity } from '../domain/quantity.js';
import type { Claim, StorageClass } from '../domain/storage.js';
import { strMap, toDate } from './normalize.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

export function normalizeNode(raw: Raw): NodeFacts {
  return {
    name: raw.metadata?.name ?? '',
    unschedulable: Boolean(raw.spec?.unschedulable),
    taints: (raw.spec?.taints ?? []).map((t: Raw) => ({
      key: t.key,
      value: t.value || undefined,
      effect: t.effect,
      timeAdded: toDate(t.timeAdded),
    })),
    conditions: (raw.status?.conditions ?? []).map((c: Raw) => ({
      type: c.type,
      status: c.status,
      reason: c.reason || undefined,
      message: c.message || undefined,
      since: toDate(c.lastTransitionTime),
    })),
    allocatable: strMap(raw.status?.allocatable),
  };
}

export function normalizeClaim(raw: Raw): Claim {
  const md = raw.metadata ?? {};
  return {
    name: md.name ?? '',
    namespace: md.namespace ?? '',
    phase: raw.status?.phase ?? 'Pending',
    storageClassName: raw.spec?.storageClassName ?? undefined,
    volumeName: raw.spec?.volumeName || undefined,
    selectedNode: md.annotations?.['volume.kubernetes.io/selected-node'] || undefined,
    deleting: Boolean(md.deletionTimestamp),
  };
}

// The default class carries this annotation set to "true":
// https://kubernetes.io/docs/tasks/administer-cluster/change-default-storage-class/
export function normalizeStorageClass(raw: Raw): StorageClass {
  return {
    name: raw.metadata?.name ?? '',
    provisioner: raw.provisioner ?? '',
    volumeBindingMode: raw.volumeBindingMode ?? 'Immediate',
    isDefault: raw.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
  };
}

/** A PodMetrics object: its containers' usage summed. */
export function normalizePodMetrics(raw: Raw): PodUsage {
  const sum = (r: string) =>
    (raw.containers ?? []).reduce((n: number | undefined, c: Raw) => {
      const v = parseQuantity(c.usage?.[r]);
      return v === undefined ? n : (n ?? 0) + v;
    }, undefined);
  return {
    namespace: raw.metadata?.namespace ?? '',
    name: raw.metadata?.name ?? '',
    cpu: sum('cpu'),
    memory: sum('memory'),
  };
}
