// Plain podlens types: what src/kube hands to the domain. No client types, timestamps are Dates
// (converted once, in src/kube/normalize.ts), absent fields are undefined or empty arrays.
// Field meanings follow the core/v1 API:
// https://github.com/kubernetes/api/blob/master/core/v1/types.go

export interface OwnerRef {
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol: string;
  hostPort?: number;
}

export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
  subPath?: string;
}

export type ContainerKind = 'init' | 'sidecar' | 'app' | 'ephemeral';

export interface Probe {
  kind: 'readiness' | 'liveness' | 'startup';
  handler: string; // "http-get :8080/healthz", "exec cat /tmp/ready", "tcp-socket :80"
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

/** An env var whose value comes from a key of a ConfigMap or Secret (env[].valueFrom). */
export interface EnvKeyRef {
  env: string;
  kind: 'ConfigMap' | 'Secret';
  name: string;
  key: string;
  optional: boolean;
}

export interface ContainerSpec {
  name: string;
  kind: ContainerKind;
  image: string;
  /** command then args, as the container runs them. */
  command: string[];
  /** No command: the image's ENTRYPOINT runs, with `command` (the args) as its arguments. */
  imageEntrypoint?: boolean;
  ports: ContainerPort[];
  volumeMounts: VolumeMount[];
  requests: Record<string, string>;
  limits: Record<string, string>;
  probes: Probe[];
  envFrom: { kind: 'ConfigMap' | 'Secret'; name: string; optional: boolean }[];
  envKeyRefs: EnvKeyRef[];
  /** Lifecycle hooks, as handler words ("exec sleep 3600"); absent when the container has none. */
  preStop?: string;
  postStart?: string;
}

export type ContainerState =
  | { kind: 'waiting'; reason?: string; message?: string }
  | { kind: 'running'; startedAt?: Date }
  | {
      kind: 'terminated';
      exitCode: number;
      signal?: number;
      reason?: string;
      message?: string;
      startedAt?: Date;
      finishedAt?: Date;
    }
  | { kind: 'none' };

export interface ContainerStatus {
  name: string;
  image: string;
  imageID?: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: ContainerState;
  lastState: ContainerState;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: Date;
}

export interface Volume {
  name: string;
  type: string; // emptyDir, configMap, secret, persistentVolumeClaim, hostPath, projected ...
  source?: string; // the referenced object or path, when there is one
}

export interface Toleration {
  key?: string;
  operator: string; // Equal | Exists
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface Pod {
  name: string;
  namespace: string;
  uid: string;
  /**
   * A static pod's uid on its node, when this is its mirror pod: the kubelet labels the sandbox with
   * the static pod's own uid, which the mirror pod carries in the kubernetes.io/config.mirror
   * annotation (pkg/kubelet/pod/mirror_client.go). kubeadm's control plane runs as static pods.
   */
  mirrorOf?: string;
  resourceVersion?: string;
  creationTimestamp: Date;
  deletionTimestamp?: Date;
  deletionGracePeriodSeconds?: number;
  labels: Record<string, string>;
  finalizers: string[];
  owners: OwnerRef[];
  // spec
  nodeName?: string;
  nodeSelector: Record<string, string>;
  hasAffinity: boolean;
  tolerations: Toleration[];
  /** spec.priority (from the PriorityClass; 0 when none): the kubelet evicts lower priority first. */
  priority?: number;
  schedulingGates: string[];
  restartPolicy: string;
  hostNetwork: boolean;
  serviceAccountName?: string;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  initContainers: ContainerSpec[];
  containers: ContainerSpec[];
  ephemeralContainers: ContainerSpec[];
  volumes: Volume[];
  readinessGates: string[];
  /** spec.schedulerName: the scheduler meant to place the pod (the API server defaults it to default-scheduler). */
  schedulerName?: string;
  // status
  phase: string;
  reason?: string;
  message?: string;
  podIP?: string;
  podIPs: string[];
  hostIP?: string;
  qosClass?: string;
  startTime?: Date;
  nominatedNodeName?: string;
  conditions: PodCondition[];
  initContainerStatuses: ContainerStatus[];
  containerStatuses: ContainerStatus[];
  ephemeralContainerStatuses: ContainerStatus[];
}

export interface KubeEvent {
  uid: string;
  type: string; // Normal | Warning
  reason: string;
  message: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  source: string; // component (and host)
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string; fieldPath?: string };
}

/** The last lines of a container's log, fetched only for crashed containers. */
export interface ContainerLog {
  container: string;
  previous: boolean; // true: the log of the previous (crashed) instance
  lines: string[];
  error?: string; // why the log could not be read (kept as evidence, not fatal)
}

/** A Service of the pod's namespace, as far as the pod's report needs it: which pods it selects. */
export interface ServiceRef {
  name: string;
  /** Set when read across namespaces (the many-pods view of -A), to match each pod's own. */
  namespace?: string;
  selector: Record<string, string>; // empty: the Service selects no pods (its endpoints are managed by hand)
  /** Its ports (absent in objects captured before issue 13: treated as none). */
  ports?: ServicePort[];
}

export interface ServicePort {
  name?: string;
  port: number;
  protocol: string;
  /** A number, or the name of a container port of each selected pod. */
  targetPort: number | string;
}

/** A metav1.LabelSelector; a null selector (no object) is `undefined` where the API allows it. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: { key: string; operator: string; values: string[] }[];
}

/** An EndpointSlice of a Service, reduced to what says whether a pod is in it, and how. */
export interface EndpointSliceRef {
  name: string;
  namespace?: string; // as ServiceRef's
  service: string; // the kubernetes.io/service-name label
  endpoints: EndpointRef[];
}

export interface EndpointRef {
  podUid?: string; // targetRef.uid when targetRef is a Pod
  podName?: string;
  /** The conditions as the API reports them; absent means unknown, which consumers read as true. */
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface NetworkPolicyRef {
  name: string;
  podSelector: LabelSelector; // {} selects every pod of the namespace
  policyTypes: ('Ingress' | 'Egress')[];
  ingressRules: number;
  egressRules: number;
}

export interface DisruptionBudgetRef {
  name: string;
  namespace?: string; // as ServiceRef's
  selector?: LabelSelector; // undefined (null): selects no pod; {} selects every pod of the namespace
  minAvailable?: string;
  maxUnavailable?: string;
  unhealthyPodEvictionPolicy?: string;
  generation?: number;
  observedGeneration?: number;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
}

/** Owner chain resolved by the adapter: e.g. ReplicaSet web-5d4f → Deployment web. */
export interface OwnerChainLink {
  kind: string;
  name: string;
}
