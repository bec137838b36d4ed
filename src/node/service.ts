// pause and node, from options to a report: API (pod, node) -> reach the node -> collect -> pure
// domain. The helper pod, when there is one, is removed in `finally`. Rendering is the command's.
import { visible } from '../render/visible.js';
import { buildPauseReport, nodeUid } from '../domain/sandbox.js';
import { buildNodeReport } from '../domain/sandbox-node.js';
import type { NodeReport, PauseReport } from '../domain/sandbox-model.js';
import { KubeApiError, PodlensError, messages, toUserError } from '../errors.js';
import { getPodOrNotFound } from '../describe/not-found.js';
import type { KubeCluster } from '../kube/adapter.js';
import { NodeApi, type NodeInfo } from '../kube/node-api.js';
import type { Cluster } from '../kube/types.js';
import { startSpinner, type Io } from '../render/terminal.js';
import type { NodeAccess } from './access.js';
import { assertContainerd, chooseAccess, containerdAddress } from './choose.js';
import { collectNode, collectPod, ctrError, type CollectContext } from './collect.js';
import { askConsent } from './consent.js';

/** How to reach the node, decided from --via, --timeout, --image ... by the command. */
export interface NodeAccessOptions {
  via: 'auto' | 'docker' | 'pod' | 'local';
  timeoutMs: number;
  containerdAddress?: string;
  helperNamespace?: string; // default: the command's namespace
  image: string;
  deadlineSeconds: number; // --helper-deadline
  yes: boolean;
  kubectlArgs: string[];
  machineOutput: boolean; // no spinner
}

async function nodeOrNotFound(api: NodeApi, name: string): Promise<NodeInfo> {
  try {
    return await api.getNode(name);
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) throw new PodlensError('not-found', messages.nodeNotFound(name));
    throw e;
  }
}

interface Reached<T> {
  result: T;
  access: NodeAccess;
}

/** Connects to the node the chosen way, runs `work`, and always removes what it created. */
async function onNode<T>(
  o: NodeAccessOptions,
  io: Io,
  cluster: Cluster,
  node: NodeInfo,
  helperNamespace: string,
  work: (c: CollectContext) => Promise<T>,
): Promise<Reached<T>> {
  assertContainerd(node);
  const api = new NodeApi(cluster as KubeCluster);
  const { address, from } = await containerdAddress(o.containerdAddress, io.env, () =>
    api.kubeletRuntimeEndpoint(node.name),
  );
  const notice = (line: string) => io.stderr.write(`${visible(line)}\n`); // may quote an API error
  const { access, skipped } = await chooseAccess({
    via: o.via,
    node,
    address,
    timeoutMs: o.timeoutMs,
    api,
    helperNamespace,
    image: o.image,
    deadlineSeconds: o.deadlineSeconds,
    kubectlArgs: o.kubectlArgs,
    notice,
    consent: (what) => askConsent(what, o.yes),
  });
  if (o.via === 'auto')
    notice(`podlens: reaching node ${node.name} via ${access.via}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
  const spinner = await startSpinner(io, `Reading node ${node.name} via ${access.via}...`, o.machineOutput);
  let failed = false;
  try {
    await access.prepare();
    const result = await work({ node: node.name, access, address, addressFrom: from });
    return { result, access };
  } catch (e) {
    failed = true;
    throw ctrError(e, node.name, address); // a NodeCommandError from prepare() too, in one sentence
  } finally {
    spinner.stop();
    await access.close().catch((e) => {
      // Failing to remove the helper must not hide why the command failed; on success it is the error.
      // A PodlensError from close() is already the whole sentence (helperDeleted).
      if (!failed) throw e;
      const { message } = toUserError(e);
      notice(
        `podlens: ${e instanceof PodlensError ? message : `the helper pod could not be removed (${message}); podlens cleanup removes it.`}`,
      );
    });
  }
}

export async function pauseReport(
  cluster: Cluster,
  namespace: string,
  name: string,
  o: NodeAccessOptions,
  io: Io,
): Promise<PauseReport> {
  const pod = await getPodOrNotFound(cluster, namespace, name);
  if (!pod.nodeName) throw new PodlensError('node', messages.podNotScheduled(name, namespace));
  const node = await nodeOrNotFound(new NodeApi(cluster as KubeCluster), pod.nodeName);
  const { result: snap } = await onNode(o, io, cluster, node, o.helperNamespace ?? namespace, (c) =>
    collectPod(c, nodeUid(pod)),
  );
  return buildPauseReport(pod, snap, new Date());
}

export async function nodeReport(
  cluster: Cluster,
  namespace: string,
  name: string,
  o: NodeAccessOptions,
  io: Io,
): Promise<NodeReport> {
  const node = await nodeOrNotFound(new NodeApi(cluster as KubeCluster), name);
  const { result } = await onNode(o, io, cluster, node, o.helperNamespace ?? namespace, async (c) => {
    const [snap, pods] = await Promise.all([
      collectNode(c),
      cluster.listPods({ fieldSelector: `spec.nodeName=${name}` }),
    ]);
    return { snap, pods };
  });
  return buildNodeReport(node.name, node.runtime, result.pods, result.snap, new Date());
}
