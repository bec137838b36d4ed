// Picks how to reach a node (--via auto|docker|pod|local), where its containerd listens, and
// whether it runs containerd at all. auto tries docker, then local, then the helper pod (the
// powerful one, last, and only with consent).
import { randomBytes } from 'node:crypto';
import { PodlensError, messages, usage } from '../errors.js';
import type { Via } from '../domain/sandbox-model.js';
import { humanDuration } from '../domain/time.js';
import type { NodeApi, NodeInfo } from '../kube/node-api.js';
import type { NodeAccess } from './access.js';
import { DockerAccess, dockerUnavailable } from './docker.js';
import { LocalAccess, localUnavailable } from './local.js';
import { thisCreator } from './creator.js';
import { PodAccess } from './pod.js';

export const DEFAULT_CONTAINERD_ADDRESS = '/run/containerd/containerd.sock';

export function assertContainerd(node: NodeInfo): void {
  if (!node.runtime.startsWith('containerd://'))
    throw new PodlensError('node', messages.runtimeNotSupported(node.name, node.runtime));
}

/** --containerd-address, else $CONTAINERD_ADDRESS, else the kubelet's containerRuntimeEndpoint, else the default. */
export async function containerdAddress(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  fromKubelet: () => Promise<string | undefined>,
): Promise<{ address: string; from: string }> {
  const strip = (a: string) => a.replace(/^unix:\/\//, '');
  if (flag) return { address: strip(flag), from: '--containerd-address' };
  if (env.CONTAINERD_ADDRESS) return { address: strip(env.CONTAINERD_ADDRESS), from: '$CONTAINERD_ADDRESS' };
  try {
    const k = await fromKubelet();
    if (k?.startsWith('unix://') || k?.startsWith('/'))
      return { address: strip(k), from: "the kubelet's config (configz)" };
  } catch {
    // nodes/proxy is often not granted: the default is right on most nodes
  }
  return { address: DEFAULT_CONTAINERD_ADDRESS, from: 'default' };
}

/** Kubernetes object names podlens puts into node-side commands: RFC 1123 subdomains. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validateName(what: 'pod' | 'node', name: string): void {
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw usage(
      `invalid ${what} name "${name}": a ${what} name is lowercase letters, digits, '-' and '.', at most 253 characters.`,
    );
  }
}

export function helperName(node: string): string {
  const suffix = randomBytes(3).toString('hex');
  const base = `podlens-helper-${node.replace(/\./g, '-')}`.slice(0, 63 - suffix.length - 1).replace(/-+$/, '');
  return `${base}-${suffix}`;
}

export interface ChooseOptions {
  via: Via | 'auto';
  node: NodeInfo;
  address: string;
  timeoutMs: number;
  api: NodeApi;
  helperNamespace: string;
  image: string;
  deadlineSeconds: number;
  kubectlArgs: string[];
  notice: (line: string) => void;
  /** Asked before the helper pod is created; throws when the user does not agree. */
  consent: (what: string) => Promise<void>;
}

export async function chooseAccess(o: ChooseOptions): Promise<{ access: NodeAccess; skipped: string[] }> {
  const skipped: string[] = [];
  const tryDocker = o.via === 'docker' || o.via === 'auto';
  const tryLocal = o.via === 'local' || o.via === 'auto';
  if (tryDocker) {
    const why = await dockerUnavailable(o.node.name, o.timeoutMs);
    if (!why) return { access: new DockerAccess(o.address, o.node.name, o.timeoutMs), skipped };
    if (o.via === 'docker') throw new PodlensError('node', messages.viaUnavailable('docker', o.node.name, why));
    skipped.push(`docker: ${why}`);
  }
  if (tryLocal) {
    const why = localUnavailable(o.node, o.address);
    if (!why) return { access: new LocalAccess(o.address, o.node.name, o.timeoutMs), skipped };
    if (o.via === 'local') throw new PodlensError('node', messages.viaUnavailable('local', o.node.name, why));
    skipped.push(`local: ${why}`);
  }
  const helper = {
    namespace: o.helperNamespace,
    name: helperName(o.node.name),
    node: o.node.name,
    image: o.image,
    deadlineSeconds: o.deadlineSeconds,
    creator: thisCreator(),
  };
  await o.consent(
    `a privileged helper pod (Job ${helper.namespace}/${helper.name}, image ${helper.image}, hostPID, on node ${helper.node}), deleted when done, and by Kubernetes after its ${humanDuration(o.deadlineSeconds * 1000)} deadline even if podlens is killed`,
  );
  const access = new PodAccess({
    api: o.api,
    helper,
    address: o.address,
    timeoutMs: o.timeoutMs,
    kubectlArgs: o.kubectlArgs,
    notice: o.notice,
  });
  return { access, skipped };
}
