// The pod's PersistentVolumeClaims and what holds them up: a claim that does not exist, one that is
// Pending, one that waits for its first consumer, one that names a StorageClass that does not exist.
// Binding: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#binding and
// https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode ; a generic
// ephemeral volume's claim is named <pod>-<volume>:
// https://kubernetes.io/docs/concepts/storage/ephemeral-volumes/#persistentvolumeclaim-naming
import type { Pod } from './model.js';

export interface Claim {
  name: string;
  namespace: string;
  phase: string; // Pending | Bound | Lost
  /** spec.storageClassName: undefined when unset (the default class applies), '' for "no class". */
  storageClassName?: string;
  volumeName?: string;
  /** volume.kubernetes.io/selected-node: the node the scheduler chose for a WaitForFirstConsumer claim. */
  selectedNode?: string;
  deleting: boolean;
}

export interface StorageClass {
  name: string;
  provisioner: string;
  volumeBindingMode: string; // Immediate | WaitForFirstConsumer
  isDefault: boolean;
}

/** What the describe service could read; undefined: not read (not allowed, or not needed). */
export interface StorageFacts {
  claims?: Claim[];
  classes?: StorageClass[];
}

export type ClaimState = 'Missing' | 'Bound' | 'Pending' | 'WaitForFirstConsumer' | 'ClassMissing' | 'Lost' | 'Unknown';

/** One claim of the pod as the report shows it (JSON `storage[]`). */
export interface ClaimInfo {
  volume: string;
  claim: string;
  state: ClaimState;
  phase: string | null;
  storageClass: string | null;
  /** Whether that StorageClass exists; null when classes could not be read or the claim names none. */
  classExists: boolean | null;
  volumeBindingMode: string | null;
  provisioner: string | null;
  boundVolume: string | null;
  /** The claim's state in words, without its consequence. */
  fact: string;
  /** The claim's state and its consequence for the pod, in one sentence. */
  message: string;
  /** The missing object, when one is missing: "PersistentVolumeClaim data", "StorageClass fast". */
  missing: string | null;
}

/** The claims the pod's volumes name: persistentVolumeClaim volumes and generic ephemeral volumes. */
export function podClaims(pod: Pod): { volume: string; claim: string }[] {
  return pod.volumes.flatMap((v) =>
    v.type === 'persistentVolumeClaim' && v.source
      ? [{ volume: v.name, claim: v.source }]
      : v.type === 'ephemeral'
        ? [{ volume: v.name, claim: `${pod.name}-${v.name}` }]
        : [],
  );
}

function classOf(c: Claim, classes: StorageClass[] | undefined): { name?: string; sc?: StorageClass } {
  if (c.storageClassName !== undefined)
    return { name: c.storageClassName || undefined, sc: classes?.find((s) => s.name === c.storageClassName) };
  const def = classes?.find((s) => s.isDefault);
  return { name: undefined, sc: def };
}

interface ClaimWords {
  state: ClaimState;
  fact: string;
  /** What it means for the pod; absent when the claim holds nothing up. */
  consequence?: string;
  missing: string | null;
}

function claimWords(
  pod: Pod,
  c: Claim,
  scName: string | undefined,
  sc: StorageClass | undefined,
  classes: StorageClass[] | undefined,
): ClaimWords {
  const who = `PersistentVolumeClaim "${c.name}"`;
  const waits = pod.nodeName
    ? 'the pod cannot start until it is bound'
    : 'the pod cannot be scheduled until it is bound';
  if (c.phase === 'Bound')
    return { state: 'Bound', fact: `${who} is Bound to PersistentVolume "${c.volumeName ?? '?'}"`, missing: null };
  if (c.phase === 'Lost')
    return {
      state: 'Lost',
      fact: `${who} is Lost: its PersistentVolume "${c.volumeName ?? '?'}" no longer exists`,
      consequence: 'a pod that uses the claim cannot mount it',
      missing: `PersistentVolume ${c.volumeName ?? ''}`.trim(),
    };
  if (scName && classes && !sc)
    return {
      state: 'ClassMissing',
      fact: `${who} names StorageClass "${scName}", which does not exist, so nothing provisions a volume for it and it stays Pending`,
      consequence: waits,
      missing: `StorageClass ${scName}`,
    };
  if (sc?.volumeBindingMode === 'WaitForFirstConsumer')
    return {
      state: 'WaitForFirstConsumer',
      fact: `${who} waits for its first consumer (StorageClass "${sc.name}" has volumeBindingMode WaitForFirstConsumer, provisioner ${sc.provisioner})`,
      consequence: c.selectedNode
        ? `the scheduler chose node ${c.selectedNode} for it, and the pod is placed once a volume is provisioned there`
        : 'it is bound only when the scheduler places a pod that uses it',
      missing: null,
    };
  if (c.storageClassName === '')
    return {
      state: 'Pending',
      fact: `${who} is Pending: it asks for no StorageClass (storageClassName ""), so only an existing PersistentVolume without a class can bind it`,
      consequence: waits,
      missing: null,
    };
  if (!scName && classes && !sc)
    return {
      state: 'Pending',
      fact: `${who} is Pending: it names no StorageClass and the cluster has no default one, so only an existing PersistentVolume without a class can bind it`,
      consequence: waits,
      missing: null,
    };
  return {
    state: 'Pending',
    fact: `${who} is Pending${sc ? `: provisioner ${sc.provisioner} of StorageClass "${sc.name}" has not provisioned a volume for it yet` : ''}`,
    consequence: waits,
    missing: null,
  };
}

/**
 * Each claim of the pod, with its state and consequence. Undefined claims list: the claims could not
 * be read, so nothing is said. A claim the list does not hold does not exist.
 */
export function claimInfos(pod: Pod, facts: StorageFacts): ClaimInfo[] | undefined {
  const wanted = podClaims(pod);
  if (!wanted.length) return [];
  if (!facts.claims) return undefined;
  return wanted.map(({ volume, claim }) => {
    const c = facts.claims!.find((x) => x.name === claim && x.namespace === pod.namespace);
    if (!c)
      return {
        volume,
        claim,
        state: 'Missing',
        phase: null,
        storageClass: null,
        classExists: null,
        volumeBindingMode: null,
        provisioner: null,
        boundVolume: null,
        fact: `PersistentVolumeClaim "${claim}" (volume "${volume}") does not exist in ${pod.namespace}`,
        message: `PersistentVolumeClaim "${claim}" (volume "${volume}") does not exist in ${pod.namespace}; ${pod.nodeName ? 'the pod cannot start' : 'the pod cannot be scheduled'} until it does`,
        missing: `PersistentVolumeClaim ${claim}`,
      };
    const { name, sc } = classOf(c, facts.classes);
    const m = claimWords(pod, c, name, sc, facts.classes);
    return {
      volume,
      claim,
      state: m.state,
      phase: c.phase,
      storageClass: name ?? sc?.name ?? null,
      classExists: !facts.classes || (!name && !sc) ? null : Boolean(sc),
      volumeBindingMode: sc?.volumeBindingMode ?? null,
      provisioner: sc?.provisioner ?? null,
      boundVolume: c.volumeName ?? null,
      fact: m.fact,
      message: m.consequence ? `${m.fact}; ${m.consequence}` : m.fact,
      missing: m.missing,
    };
  });
}

/** The claims that hold the pod up, each as a cause in a sentence and in a few words. */
export function storageCauses(infos: ClaimInfo[] | undefined): { long: string; short: string }[] {
  return (infos ?? [])
    .filter((i) => i.state !== 'Bound')
    .map((i) => ({
      long: i.fact,
      short:
        i.state === 'Missing'
          ? `PersistentVolumeClaim ${i.claim} does not exist`
          : i.state === 'ClassMissing'
            ? `claim ${i.claim}: StorageClass ${i.storageClass} does not exist`
            : i.state === 'WaitForFirstConsumer'
              ? `claim ${i.claim} waits for its first consumer`
              : `claim ${i.claim} is ${i.state}`,
    }));
}
