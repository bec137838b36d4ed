// `podlens node`: flags -> options -> src/node/service.ts -> src/render/pause-text.ts, plus the
// node-access flags and options `pause` shares. The service is loaded only when a command runs.
import { Option, type Command } from 'commander';
import type { RunState } from '../cli.js';
import { ExitCode, type ExitCodeValue } from '../errors.js';
import type { NodeAccessOptions } from '../node/service.js';
import type { TextOptions } from '../render/pause-text.js';
import { colourEnabled, painter, terminalWidth, type Io } from '../render/terminal.js';
import {
  addClusterFlags,
  addOutputFlag,
  kubectlArgs,
  openCluster,
  parseDuration,
  validateNamespace,
  type ClusterFlags,
  type OutputFlags,
} from '../options/flags.js';

export interface NodeAccessFlags {
  via: 'auto' | 'docker' | 'pod' | 'local';
  containerdAddress?: string;
  helperNamespace?: string;
  image: string;
  yes?: boolean;
  timeout: string;
  helperDeadline: string;
  showCommands?: boolean;
  trunc: boolean; // --no-trunc: full container ids
}

export type NodeCommandFlags = ClusterFlags & OutputFlags & NodeAccessFlags;

export function addNodeAccessFlags(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--via <how>',
        'how to reach the node: docker (kind), pod (privileged helper pod), local (this machine), auto (the first that works)',
      )
        .choices(['auto', 'docker', 'pod', 'local'])
        .default('auto'),
    )
    .option(
      '--containerd-address <socket>',
      "containerd's socket on the node (default: $CONTAINERD_ADDRESS, then the kubelet's config, then /run/containerd/containerd.sock)",
    )
    .option('--helper-namespace <namespace>', "namespace of the helper pod (default: the command's namespace)")
    .option('--image <image>', 'image of the helper pod; it needs nsenter, readlink, ip and pidof', 'busybox')
    .option('-y, --yes', 'create the privileged helper pod without asking (required when stdin is not a terminal)')
    .option(
      '--timeout <duration>',
      'how long to wait for the helper pod to start, and for each node-side command',
      '60s',
    )
    .option(
      '--helper-deadline <duration>',
      'the longest the helper may live: Kubernetes stops it then and deletes it 30s later, even if podlens was killed',
      '10m',
    )
    .option('--show-commands', 'print the exact node-side commands run, to do it by hand')
    .option('--no-trunc', 'print full 64-character container ids');
}

export const ACCESS_HELP =
  '\nReaching the node (--via):\n' +
  '  docker  kind nodes: docker exec NODE ctr ...\n' +
  '  local   the node is this machine and ctr reaches its containerd\n' +
  '  pod     a short-lived privileged hostPID helper pod pinned to the node runs nsenter ... ctr;\n' +
  '          it runs as a Job labelled app.kubernetes.io/managed-by=podlens, deleted when done, on\n' +
  '          error, on Ctrl-C, SIGTERM and SIGHUP; if podlens is killed, Kubernetes stops it at\n' +
  '          --helper-deadline and deletes it 30s later. podlens asks before creating it; off a\n' +
  '          terminal it needs --yes.\n' +
  '  auto    docker, then local, then pod; it says which it used.\n' +
  '\nExit codes: 0 ok, 1 cluster, node or runtime error, 2 usage error (and --yes missing off a terminal).';

export function registerNode(program: Command, state: RunState): void {
  const cmd = program
    .command('node')
    .description(
      'Show every sandbox (pause container) on a node mapped to its pod, with its containers;\nflag pods without a sandbox and sandboxes whose pod the API no longer knows.',
    )
    .argument('<node>', 'node name (kubectl get nodes)');
  addClusterFlags(cmd);
  addOutputFlag(cmd);
  addNodeAccessFlags(cmd);
  cmd
    .addHelpText(
      'after',
      '\nExamples:\n  podlens node kind-control-plane\n  podlens node worker-1 --via pod --yes -o json\n' + ACCESS_HELP,
    )
    .action(async (node: string, flags: NodeCommandFlags) => {
      state.exitCode = await runNodeSide('node', node, flags, state.io);
    });
}

/** The node-access flags, checked, as the service takes them. */
export function accessOptions(flags: NodeCommandFlags): NodeAccessOptions {
  validateNamespace(flags.helperNamespace);
  return {
    via: flags.via ?? 'auto',
    timeoutMs: parseDuration(flags.timeout ?? '60s', '--timeout'),
    containerdAddress: flags.containerdAddress,
    helperNamespace: flags.helperNamespace,
    image: flags.image ?? 'busybox',
    deadlineSeconds: Math.max(1, Math.ceil(parseDuration(flags.helperDeadline ?? '10m', '--helper-deadline') / 1000)),
    yes: Boolean(flags.yes),
    kubectlArgs: kubectlArgs(flags),
    machineOutput: flags.output !== 'text',
  };
}

export function textOptions(io: Io, flags: NodeCommandFlags): TextOptions {
  return {
    paint: painter(colourEnabled(io)),
    width: terminalWidth(io.stdout) ?? 120,
    showCommands: Boolean(flags.showCommands),
    wideIds: flags.trunc === false,
  };
}

/** `podlens node NODE` and `podlens pause POD`: name checked, options, the service's report, rendered. */
export async function runNodeSide(
  what: 'node' | 'pod',
  name: string,
  flags: NodeCommandFlags,
  io: Io,
): Promise<ExitCodeValue> {
  const { validateName } = await import('../node/choose.js');
  validateName(what, name);
  const options = accessOptions(flags);
  const service = await import('../node/service.js');
  const { cluster, namespace } = await openCluster(flags, io.env);
  const report =
    what === 'node'
      ? await service.nodeReport(cluster, namespace, name, options, io)
      : await service.pauseReport(cluster, namespace, name, options, io);
  if (flags.output === 'text') {
    const text = await import('../render/pause-text.js');
    const o = textOptions(io, flags);
    io.stdout.write('sandboxes' in report ? text.renderNode(report, o) : text.renderPause(report, o));
  } else {
    const { renderData } = await import('../render/data.js');
    io.stdout.write(await renderData(report, flags.output));
  }
  return ExitCode.OK;
}
