// What podlens learns on a node (from containerd, /proc and ip), as plain data, and the reports
// `podlens pause` and `podlens node` build from it. The JSON output is these reports as they are.

import type { SANDBOX_API_VERSION } from './api-versions.js';
import type { ContainerKind } from './model.js';

export type Via = 'docker' | 'pod' | 'local';

/** Task states as `ctr tasks ls` names them, and the two podlens adds when there is no task. */
export const TASK_STATE = {
  running: 'RUNNING',
  stopped: 'STOPPED',
  noTask: 'EXITED (no task)', // the container exists; containerd keeps no task for it
  notOnNode: 'NOT ON NODE', // the pod's sandbox is not among the node's containers
} as const;

/** One container record of containerd's k8s.io namespace (`ctr containers info`). */
export interface NodeContainer {
  id: string;
  image: string;
  kind: 'sandbox' | 'container' | 'other';
  podUid?: string;
  podName?: string;
  podNamespace?: string;
  containerName?: string; // app/init containers only
  sandboxId?: string; // the sandbox an app container belongs to (a sandbox: itself)
  createdAt?: string;
  netnsPath?: string; // the network namespace its OCI spec joins; absent: a new one (or none)
  hostNetwork: boolean; // the spec lists no network namespace: it stays in the node's
  podlensHelper: boolean; // a sandbox of podlens' own helper pod (the pod's labels are on its sandbox)
}

/** One line of `ctr tasks ls`. A container without a task has exited (the CRI plugin deletes it). */
export interface NodeTask {
  id: string;
  pid: number;
  status: string; // RUNNING, STOPPED, CREATED, PAUSED, UNKNOWN
}

export interface IpAddress {
  ifname: string;
  family: 'inet' | 'inet6';
  cidr: string;
}

/** Everything gathered on the node for one command. */
export interface NodeSnapshot {
  node: string;
  access: AccessInfo;
  containers: NodeContainer[];
  tasks: NodeTask[];
  netns: Record<string, string>; // pid -> "net:[inode]" (`readlink /proc/PID/ns/net`)
  netnsErrors: Record<string, string>; // pid -> why it could not be read
  sandboxAddresses?: IpAddress[]; // `ip addr` inside the pause's network namespace
  sandboxAddressesError?: string;
}

export interface AccessInfo {
  via: Via;
  how: string; // one line: "helper pod default/podlens-helper-vm-x1y2z, nsenter into containerd's namespaces (PID 4052)"
  containerdAddress: string;
  containerdAddressFrom: string; // --containerd-address, $CONTAINERD_ADDRESS, the kubelet's config, default
  commands: string[]; // the node-side commands run, in order, as a user would type them
}

export interface ContainerOnNode {
  name: string;
  kind: ContainerKind;
  id: string | null;
  pid: number | null;
  state: string; // the task's status, or "EXITED (no task)", or "NOT ON NODE"
  apiState: string; // running, waiting (reason), terminated (reason, exit code), none
  apiContainerId: string | null;
  idAgrees: boolean | null; // the node's id is the one the API reports; null: nothing to compare
  netns: string | null;
  sharesSandboxNetns: boolean | null; // null: not running, or inode unreadable
  joins: string | null; // the network namespace path its spec joins
  olderIds: string[]; // earlier attempts (restarts) still on the node
}

export interface SandboxOnNode {
  id: string;
  image: string;
  pid: number | null;
  state: string;
  createdAt: string | null;
  netns: string | null;
  netnsPath: string | null; // the CNI netns file the pause's spec names
  hostNetwork: boolean;
  addresses: IpAddress[] | null; // seen inside its network namespace
}

export interface PauseReport {
  apiVersion: typeof SANDBOX_API_VERSION;
  kind: 'PauseReport';
  generatedAt: string;
  pod: { namespace: string; name: string; uid: string; node: string; phase: string; hostNetwork: boolean };
  ip: { api: string | null; apiAll: string[]; node: string[]; agree: boolean | null };
  access: AccessInfo;
  sandbox: SandboxOnNode | null;
  otherSandboxes: { id: string; state: string; createdAt: string | null }[]; // older/newer sandboxes of the same pod
  containers: ContainerOnNode[];
  statements: string[];
}

export interface NodeSandboxEntry {
  id: string;
  state: string;
  pid: number | null;
  createdAt: string | null;
  image: string;
  pod: { namespace: string; name: string; uid: string };
  apiKnowsPod: boolean;
  apiPhase: string | null;
  podlensHelper: boolean;
  containers: { name: string; id: string; state: string; pid: number | null }[];
  flag: string | null; // why this sandbox deserves attention, if it does
}

export interface NodeReport {
  apiVersion: typeof SANDBOX_API_VERSION;
  kind: 'NodeReport';
  generatedAt: string;
  node: string;
  runtime: string;
  access: AccessInfo;
  sandboxes: NodeSandboxEntry[];
  podsWithoutSandbox: { namespace: string; name: string; uid: string; phase: string; why: string }[];
  strayContainers: { id: string; image: string }[]; // in k8s.io but neither a sandbox nor a pod's container
  statements: string[];
}
