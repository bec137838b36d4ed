// `podlens pause` and `podlens node`: flags -> API (pod, node) -> reach the node -> collect ->
// pure domain -> renderer. The helper pod, when there is one, is removed in `finally`.
import { buildPauseReport } from '../domain/sandbox.js';
import { buildNodeReport } from '../domain/sandbox-node.js';
import { closeNames } from '../domain/suggest.js';
import type { Pod } from '../domain/model.js';
import { ExitCode, KubeApiError, PodlensError, messages, toUserError } from '../errors.js';
import type { KubeCluster } from '../kube/adapter.js';
import { NodeApi, type NodeInfo } from '../kube/node-api.js';
import type { Cluster } from '../kube/types.js';
import type { NodeAccess } from '../node/access.js';
import { assertContainerd, chooseAccess, containerdAddress, validateName } from '../node/choose.js';
import { collectNode, collectPod, ctrError, type CollectContext } from '../node/collect.js';
import { askConsent } from '../node/consent.js';
import { renderData } from '../render/data.js';
import { renderNode, renderPause, type TextOptions } from '../render/pause-text.js';
import { colourEnabled, painter, startSpinner, type Io } from '../render/terminal.js';
import { kubectlFlags, openCluster, parseDuration, validateNamespace } from './flags.js';
import type { NodeCommandFlags } from './node.js';

async function podOrNotFound(cluster: Cluster, namespace: string, name: string): Promise<Pod> {
  try {
    return await cluster.getPod(namespace, name);
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    if ((await cluster.namespaceExists(namespace)) === false)
      throw new PodlensError('namespace-not-found', messages.namespaceNotFound(namespace));
    const existing = await cluster.listPods({ namespace }).then(
      (l) => l.map((p) => p.name),
      () => [],
    );
    throw new PodlensError('not-found', messages.podNotFound(name, namespace, closeNames(name, existing)));
  }
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
  flags: NodeCommandFlags,
  io: Io,
  cluster: Cluster,
  node: NodeInfo,
  helperNamespace: string,
  work: (c: CollectContext) => Promise<T>,
): Promise<Reached<T>> {
  assertContainerd(node);
  const timeoutMs = parseDuration(flags.timeout ?? '60s', '--timeout');
  const api = new NodeApi(cluster as KubeCluster);
  const { address, from } = await containerdAddress(flags.containerdAddress, io.env, () =>
    api.kubeletRuntimeEndpoint(node.name),
  );
  const notice = (line: string) => io.stderr.write(`${line}\n`);
  const { access, skipped } = await chooseAccess({
    via: flags.via ?? 'auto',
    node,
    address,
    timeoutMs,
    api,
    helperNamespace,
    image: flags.image ?? 'busybox',
    kubectlFlags: kubectlFlags(flags),
    notice,
    consent: (what) => askConsent(what, Boolean(flags.yes)),
  });
  if ((flags.via ?? 'auto') === 'auto')
    notice(`podlens: reaching node ${node.name} via ${access.via}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
  const spinner = await startSpinner(io, `Reading node ${node.name} via ${access.via}...`, flags.output !== 'text');
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
      if (!failed) throw e;
      notice(`podlens: the helper pod could not be removed (${toUserError(e).message}); podlens cleanup removes it.`);
    });
  }
}

function textOptions(io: Io, flags: NodeCommandFlags): TextOptions {
  return {
    paint: painter(colourEnabled(io)),
    width: (io.stdout as { columns?: number }).columns ?? 120,
    showCommands: Boolean(flags.showCommands),
    wideIds: flags.trunc === false,
  };
}

export async function runPause(name: string, flags: NodeCommandFlags, io: Io): Promise<number> {
  validateName('pod', name);
  validateNamespace(flags.helperNamespace);
  const { cluster, namespace } = await openCluster(flags, io.env);
  const pod = await podOrNotFound(cluster, namespace, name);
  if (!pod.nodeName) throw new PodlensError('node', messages.podNotScheduled(name, namespace));
  const node = await nodeOrNotFound(new NodeApi(cluster as KubeCluster), pod.nodeName);
  const { result: snap } = await onNode(flags, io, cluster, node, flags.helperNamespace ?? namespace, (c) =>
    collectPod(c, pod.uid),
  );
  const report = buildPauseReport(pod, snap, new Date());
  io.stdout.write(
    flags.output === 'text' ? renderPause(report, textOptions(io, flags)) : await renderData(report, flags.output),
  );
  return ExitCode.OK;
}

export async function runNode(name: string, flags: NodeCommandFlags, io: Io): Promise<number> {
  validateName('node', name);
  validateNamespace(flags.helperNamespace);
  const { cluster, namespace } = await openCluster(flags, io.env);
  const node = await nodeOrNotFound(new NodeApi(cluster as KubeCluster), name);
  const { result } = await onNode(flags, io, cluster, node, flags.helperNamespace ?? namespace, async (c) => {
    const [snap, pods] = await Promise.all([
      collectNode(c),
      cluster.listPods({ fieldSelector: `spec.nodeName=${name}` }),
    ]);
    return { snap, pods };
  });
  const report = buildNodeReport(node.name, node.runtime, result.pods, result.snap, new Date());
  io.stdout.write(
    flags.output === 'text' ? renderNode(report, textOptions(io, flags)) : await renderData(report, flags.output),
  );
  return ExitCode.OK;
}
