// The verdict (one line) and what the phase means right now, with Pending split into the sub-state
// the evidence shows. Phases: https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-phase
import { unmetReadinessGates } from './conditions.js';
import { currentInit, inPostStart, runningNames } from './containers.js';
import { deletionRequest, requestWords } from './deletion.js';
import type { KubeEvent, Pod, ServiceRef } from './model.js';
import { trafficWords } from './services.js';
import type { Finding, PhaseInfo, Verdict } from './report.js';
import { SEVERITY_RANK } from './report.js';
import type { KubectlStatus } from './status.js';
import { clause, sentence } from './finding.js';
import { age } from './time.js';

/** The most severe status finding wins; among equals the first (they come in causal order). */
export function verdict(pod: Pod, found: Finding[], ks: KubectlStatus): Verdict {
  let top: Finding | undefined;
  for (const f of found) {
    if (f.category !== 'status') continue;
    if (!top || SEVERITY_RANK[f.severity] > SEVERITY_RANK[top.severity]) top = f;
  }
  if (top) return { severity: top.severity, code: top.code, cause: top.cause ?? top.code, summary: top.message };
  switch (pod.phase) {
    case 'Succeeded':
      return {
        severity: 'ok',
        code: 'Completed',
        cause: 'completed',
        summary: 'all containers ran to completion with exit code 0',
      };
    case 'Running': {
      const ready = pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
      const gates = ready ? [] : unmetReadinessGates(pod);
      return ready
        ? {
            severity: 'ok',
            code: 'Running',
            cause: 'running and ready',
            summary: `running and ready: ${ks.ready} containers ready, ${ks.restarts} restarts`,
          }
        : {
            severity: 'progressing',
            code: 'NotReady',
            cause: gates.length ? `${ks.ready} ready, gate ${gates[0].type} not met` : `running, ${ks.ready} ready`,
            summary: [`running, ${ks.ready} containers ready`, ...gates.map((g) => g.words)].join('; '),
          };
    }
    case 'Failed':
      return {
        severity: 'error',
        code: 'Failed',
        cause: 'failed',
        summary: pod.message ? clause(pod.message) : 'the pod has failed',
      };
    default:
      return { severity: 'progressing', code: pod.phase, cause: pod.phase, summary: `the pod is ${pod.phase}` };
  }
}

function initProgress(pod: Pod, now: Date): string | undefined {
  const v = currentInit(pod);
  if (!v) return undefined;
  const which = `init container ${v.initIndex} of ${pod.initContainers.length} ("${v.spec.name}")`;
  const state = v.status?.state;
  if (!state) return `${which} has not started`;
  const st =
    state.kind === 'running'
      ? `running${state.startedAt ? ` for ${age(state.startedAt, now)}` : ''}`
      : state.kind === 'waiting'
        ? `waiting (${state.reason ?? 'not started'})`
        : state.kind === 'terminated'
          ? `failed with exit code ${state.exitCode}`
          : 'not started';
  return `${which} is ${st}`;
}

const stopped = (pod: Pod) =>
  [...pod.initContainerStatuses, ...pod.containerStatuses].every((s) => s.state.kind !== 'running');

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const CREATED = 'The pod was created, which only means the API server stored it; ';

/** What besides the pod the phase's words may rest on: its events, the namespace's Services. */
export interface PhaseContext {
  events: KubeEvent[];
  services?: ServiceRef[]; // undefined: not known, so nothing is said about Services
}

export function phaseInfo(pod: Pod, found: Finding[], v: Verdict, now: Date, ctx: PhaseContext): PhaseInfo {
  const codes = new Set(found.map((f) => f.code));
  const has = (...c: string[]) => c.some((x) => codes.has(x));
  const req = deletionRequest(pod, ctx.events);
  if (req) {
    const held = pod.finalizers.length
      ? ` The finalizers ${pod.finalizers.join(', ')} keep the object until they are removed.`
      : '';
    const traffic = trafficWords(pod, ctx.services, false);
    return {
      phase: pod.phase,
      state: 'Terminating',
      meaning: `Deletion was ${requestWords(req, now)}; ${stopped(pod) ? 'its containers have stopped' : 'the pod is stopping'} and nothing will restart it (phase ${pod.phase}).${held}${traffic ? ` ${cap(traffic)}.` : ''}`,
    };
  }
  switch (pod.phase) {
    case 'Pending': {
      if (!pod.nodeName) {
        const state = has('SchedulingGated')
          ? 'SchedulingGated'
          : has('Unschedulable')
            ? 'Unschedulable'
            : 'NotScheduled';
        return {
          phase: 'Pending',
          state,
          meaning: `${CREATED}it is not scheduled to any node yet: ${sentence(v.summary)}`,
        };
      }
      const on = `${CREATED}it is scheduled to ${pod.nodeName} but not running yet: `;
      const init = initProgress(pod, now);
      const sandbox = pod.conditions.find((c) => c.type === 'PodReadyToStartContainers');
      let state = 'StartingContainers';
      let why = 'the kubelet is starting its containers';
      const hooks = inPostStart(pod, ctx.events);
      if (has('NodeNotReady')) [state, why] = ['NodeNotReady', v.summary];
      else if (hooks.length)
        [state, why] = [
          'PostStartHook',
          `${hooks.length === 1 ? `container ${hooks[0]} has started and its postStart hook is` : `containers ${hooks.join(', ')} have started and their postStart hooks are`} running; the kubelet writes the pod's status (IP, conditions) again once ${hooks.length === 1 ? 'it returns' : 'they return'}`,
        ];
      else if (has('FailedMount', 'FailedAttachVolume'))
        [state, why] = ['MountingVolumes', `its volumes are not mounted: ${v.summary}`];
      else if (sandbox && sandbox.status !== 'True')
        [state, why] = ['CreatingSandbox', 'the kubelet is creating its sandbox (pause container) and network'];
      else if (init) [state, why] = ['Initializing', init];
      else if (has('ErrImagePull', 'ImagePullBackOff', 'InvalidImageName'))
        [state, why] = ['ImagePullError', v.summary];
      else if (has('CreateContainerConfigError', 'CreateContainerError')) [state, why] = ['ConfigError', v.summary];
      else if (has('Pulling')) [state, why] = ['PullingImages', v.summary];
      if (init && state !== 'Initializing') why += `; ${init}`;
      return { phase: 'Pending', state, meaning: `${on}${sentence(why)}` };
    }
    case 'Running': {
      const ready = pod.conditions.some((c) => c.type === 'Ready' && c.status === 'True');
      const traffic = trafficWords(pod, ctx.services, ready);
      if (ready)
        return {
          phase: 'Running',
          state: 'Ready',
          meaning: `Every container is running and ready${traffic ? `: ${traffic}` : ''}.`,
        };
      // Phase Running says the containers were created and at least one has not finished for good;
      // it does not say that one runs now (a crash-looping container waits between runs).
      const runs = runningNames(pod);
      const state = runs.length
        ? `${runs.length === 1 ? `Container ${runs[0]} runs` : `Containers ${runs.join(', ')} run`}, but the pod is not ready`
        : 'No container runs now (the pod keeps phase Running while the kubelet restarts its containers), and the pod is not ready';
      return {
        phase: 'Running',
        state: 'NotReady',
        meaning: `${state}: ${sentence(v.summary)}${traffic ? ` ${cap(traffic)}.` : ''}`,
      };
    }
    case 'Succeeded':
      return {
        phase: 'Succeeded',
        state: 'Completed',
        meaning: `All containers exited with code 0 and will not be started again (restartPolicy ${pod.restartPolicy}).`,
      };
    case 'Failed':
      return {
        phase: 'Failed',
        state: 'Failed',
        meaning: `All containers have stopped and the pod has failed for good: the kubelet starts nothing in a Failed pod again: ${sentence(v.summary)}`,
      };
    default:
      return {
        phase: pod.phase,
        state: 'Unknown',
        meaning: `The state of the pod cannot be obtained: the node ${pod.nodeName ?? ''} is not reporting (kubelet unreachable).`,
      };
  }
}
