// The exact commands that show more, chosen from the findings. Each is built as an argument vector
// and shown through the one quoting helper (./shell.ts): the user's --kubeconfig path and --context
// name, like every other argument, come out as one shell word whatever they contain.
import { logsWanted } from './containers.js';
import type { Pod } from './model.js';
import type { Finding, NextStep } from './report.js';
import { shellCommand } from './shell.js';

export interface CommandContext {
  kubectlArgs: string[]; // e.g. ["--context", "prod"] (without -n)
}

export function nextSteps(pod: Pod, found: Finding[], ctx: CommandContext): NextStep[] {
  const k = (...args: string[]) => shellCommand(['kubectl', ...ctx.kubectlArgs, '-n', pod.namespace, ...args]);
  const codes = new Set(found.map((f) => f.code));
  const out: NextStep[] = [];
  const logs = (container: string, ...more: string[]) => k('logs', pod.name, '-c', container, ...more);
  for (const w of logsWanted(pod)) {
    if (w.running) {
      out.push({ command: logs(w.container, '-f'), why: `what init container ${w.container} says as it runs` });
      continue;
    }
    out.push({
      command: logs(w.container, ...(w.previous ? ['--previous'] : [])),
      why: `the log of the ${w.previous ? 'crashed run' : 'failed run'} of ${w.container}`,
    });
  }
  if (codes.has('Unschedulable')) {
    if (Object.keys(pod.nodeSelector).length)
      out.push({
        command: k('get', 'nodes', '--show-labels'),
        why: "which labels the nodes have, against the pod's nodeSelector",
      });
    out.push({
      command: k('describe', 'nodes'),
      why: "each node's allocatable resources, requests already placed, and taints",
    });
  }
  if (codes.has('ErrImagePull') || codes.has('ImagePullBackOff') || codes.has('InvalidImageName')) {
    out.push({
      command: k(
        'get',
        'pod',
        pod.name,
        '-o',
        'jsonpath={range .spec.containers[*]}{.name}{"\\t"}{.image}{"\\n"}{end}',
      ),
      why: 'the image names the pod asks for (check spelling, tag and registry access)',
    });
  }
  if (codes.has('Unhealthy') || codes.has('ContainersNotReady')) {
    for (const f of found.filter((x) => (x.code === 'Unhealthy' || x.code === 'ContainersNotReady') && x.container)) {
      out.push({
        command: logs(f.container!),
        why: `what ${f.container} says while its readiness probe fails`,
      });
    }
  }
  if (codes.has('DeletionHeldByFinalizers')) {
    out.push({
      command: k('get', 'pod', pod.name, '-o', 'jsonpath={.metadata.finalizers}'),
      why: 'the finalizers holding the pod',
    });
    out.push({
      command: k('patch', 'pod', pod.name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}'),
      why: 'releases the pod; only if the controller that owns the finalizer is gone for good',
    });
  }
  const owner = pod.owners.find((o) => o.controller);
  if (owner)
    out.push({
      command: k('describe', owner.kind.toLowerCase(), owner.name),
      why: `the ${owner.kind} that manages this pod`,
    });
  out.push({
    command: k('get', 'events', '--field-selector', `involvedObject.name=${pod.name}`, '--sort-by=.lastTimestamp'),
    why: 'all events of the pod',
  });
  const running = pod.containerStatuses.find((s) => s.state.kind === 'running');
  const shown = running && logs(running.name); // already there, with or without --previous
  if (running && !out.some((s) => s.command === shown || s.command.startsWith(`${shown} `))) {
    out.push({
      command: logs(running.name, '--tail=50'),
      why: `the latest log lines of ${running.name}`,
    });
  }
  return out;
}
