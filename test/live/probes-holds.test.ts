// Issue 13, created for real: why a container stopped (its liveness probe, the kernel for memory, a
// signal), each probe's time budget and latest failures; a container that runs but does not finish
// (an init container waiting for a Service that does not exist, a preStop hook that sleeps while the
// pod is deleted); a postStart hook that runs (the conditions as the API still reports them); and where a Ready pod's start-up time went, against Kubernetes' start-up SLO.
// describe names the container, hook or step and the consequence in one sentence, -o json holds the
// same fact, and what the status does not make true is not said.
import {
  apply,
  describeBoth as describeLive,
  getPod,
  is,
  kubectl,
  kubectlOk,
  pod,
  sleep,
  useNamespace,
  waitFor,
  waitForPod,
} from './support.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ns = useNamespace('nbrlive-probes');
const busy = (name: string, command: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: 'busybox',
  command: ['sh', '-c', command],
  ...extra,
});
const WAIT_CMD = 'until nslookup missing-svc; do echo waiting for missing-svc; sleep 2; done';

const describeBoth = (name: string) => describeLive(ns.name, name);

beforeAll(async () => {
  await apply(
    [
      pod('liveness', {
        containers: [
          busy('app', 'echo up; sleep 3600', {
            livenessProbe: {
              exec: { command: ['sh', '-c', 'echo "no heartbeat file" >&2; exit 1'] },
              initialDelaySeconds: 1,
              periodSeconds: 2,
              failureThreshold: 2,
            },
          }),
        ],
      }),
      // A second container without a memory limit leaves the pod's cgroup without one (the kubelet
      // limits the pod only when every container has a limit), so only hog's own cgroup runs out:
      // with both at 20Mi, containerd 1.6 on cgroup v1 sometimes got the OOM event for the pod's
      // cgroup, gave it to the sandbox, and reported hog as Error with exit code 137.
      pod('oom', {
        restartPolicy: 'Never',
        containers: [
          busy('hog', 'echo filling memory; tail /dev/zero', { resources: { limits: { memory: '20Mi' } } }),
          busy('idle', 'sleep 3600'),
        ],
      }),
      // the kubelet stops it at activeDeadlineSeconds: SIGTERM, which sh as PID 1 ignores, then SIGKILL
      pod('signalled', {
        restartPolicy: 'Never',
        activeDeadlineSeconds: 5,
        containers: [
          busy('app', 'echo working; sleep 3600', { livenessProbe: { exec: { command: ['true'] }, periodSeconds: 2 } }),
        ],
      }),
      pod('init-waits', {
        initContainers: [busy('wait-svc', WAIT_CMD)],
        containers: [busy('app', 'sleep 3600')],
      }),
      pod('prestop', {
        terminationGracePeriodSeconds: 60,
        containers: [
          busy('app', 'trap "exit 0" TERM; while true; do sleep 1; done', {
            lifecycle: { preStop: { exec: { command: ['sleep', '600'] } } },
          }),
        ],
      }),
      // the kubelet writes no pod status while a postStart hook runs
      pod('poststart', {
        terminationGracePeriodSeconds: 1,
        containers: [busy('web', 'sleep 3600', { lifecycle: { postStart: { exec: { command: ['sleep', '600'] } } } })],
      }),
      pod('starter', {
        initContainers: [busy('prepare', 'echo preparing; sleep 2')],
        containers: [
          {
            name: 'web',
            image: 'nginx',
            imagePullPolicy: 'Always', // a real pull from the local registry, timed by the kubelet
            readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 },
          },
        ],
      }),
    ],
    ns.name,
  );
  await Promise.all([
    waitForPod(ns.name, 'liveness', is.lastTerminated('app'), 'killed once', 60_000),
    waitForPod(ns.name, 'oom', is.terminated('hog', 'OOMKilled')),
    waitForPod(ns.name, 'signalled', is.terminated('app')),
    waitForPod(ns.name, 'init-waits', is.running('wait-svc')),
    waitForPod(ns.name, 'prestop', is.condition('Ready')),
    waitForPod(ns.name, 'starter', is.condition('Ready')),
  ]);
  await waitFor('poststart: its container started (the hook runs)', async () => {
    const r = await kubectl([
      '-n',
      ns.name,
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=poststart,reason=Started',
      '-o',
      'name',
    ]);
    return r.stdout.trim() ? true : undefined;
  });
  // the init container says something (each nslookup takes its time without a server that knows the name)
  await waitFor('init container log', async () => {
    const r = await kubectl(['-n', ns.name, 'logs', 'init-waits', '-c', 'wait-svc']);
    return r.stdout.includes('waiting for missing-svc') ? true : undefined;
  });
}, 120_000);

afterAll(async () => {
  await kubectl([
    '-n',
    ns.name,
    'delete',
    'pod',
    'prestop',
    'poststart',
    '--grace-period=0',
    '--force',
    '--wait=false',
  ]);
});

describe('why a container stopped, and its probes (live)', () => {
  test('killed by its liveness probe: told so, with the probe budget and its latest failure message', async () => {
    const { text, json } = await describeBoth('liveness');
    const [t] = json.terminations;
    expect(t).toMatchObject({ container: 'app', previous: true, cause: 'LivenessProbe' });
    expect(t.message).toMatch(/^killed by the kubelet because its liveness probe failed \(exit code 137/);
    const [p] = json.probes;
    expect(p).toMatchObject({
      container: 'app',
      kind: 'liveness',
      initialDelaySeconds: 1,
      periodSeconds: 2,
      failureThreshold: 2,
      budgetSeconds: 5, // 1 + 2 x 2
    });
    expect(p.failures.at(-1).message).toContain('no heartbeat file');
    expect(text).toContain('killed by the kubelet because its liveness probe failed');
    expect(text).toContain('no heartbeat file');
    expect(text).toContain(
      'liveness probe exec sh -c echo "no heartbeat file" >&2; exit 1 (every 2s, timeout 1s, after 1s; 2 failures in a row restart it, at the earliest 5s after it starts)',
    );
    expect(text).not.toMatch(/OOMKilled|for memory \(/);
  });

  test('OOMKilled: killed for memory, not by a probe', async () => {
    const { text, json } = await describeBoth('oom');
    expect(json.terminations).toEqual([
      expect.objectContaining({ container: 'hog', previous: false, cause: 'OOMKilled', exitCode: 137 }),
    ]);
    expect(json.terminations[0].message).toBe(
      'killed by the kernel for memory (OOMKilled, exit code 137: SIGKILL), not by a probe',
    );
    expect(text).toContain('(OOMKilled, exit code 137: SIGKILL)');
    expect(text).not.toMatch(/exit code 137 \(/);
    expect(text).not.toMatch(/liveness probe failed/);
    expect(json.probes).toEqual([]);
  });

  test('killed by a signal: neither its probe nor memory', async () => {
    const { text, json } = await describeBoth('signalled');
    expect(json.terminations).toEqual([
      expect.objectContaining({ container: 'app', cause: 'Signal', signal: 'SIGKILL', exitCode: 137 }),
    ]);
    expect(json.terminations[0].message).toBe(
      'killed by SIGKILL (exit code 137) when the kubelet stopped it ("Stopping container app": SIGTERM, then SIGKILL after the grace period), not by its probes and not for memory',
    );
    expect(text).toContain('killed by SIGKILL (exit code 137) when the kubelet stopped it');
    expect(text).not.toMatch(/liveness probe failed|OOMKilled/);
  });
});

describe('a container that runs but does not finish (live)', () => {
  test('an init container that waits: named, its latest log lines and for how long', async () => {
    const pod = await waitForPod(ns.name, 'init-waits', is.running('wait-svc'));
    const { text, json } = await describeBoth('init-waits');
    const init = json.holds.init;
    expect(init).toMatchObject({ container: 'wait-svc', command: expect.stringContaining('nslookup missing-svc') });
    const started = pod.status.initContainerStatuses[0].state.running.startedAt;
    expect(init.since).toBe(new Date(started).toISOString());
    expect(init.runningSeconds).toBeGreaterThan(0);
    expect(init.log.lines).toContain('waiting for missing-svc');
    expect(text).toMatch(
      /Waiting on\n {2}the pod waits on init container "wait-svc" \(1 of 1\), running for \d+s; its latest log lines?: .*"/,
    );
    expect(text).toContain('waiting for missing-svc');
    // what must not be said: no start-up timeline or SLO verdict for a pod that is not Ready
    expect(json.startup ?? null).toBeNull();
    expect(text).not.toMatch(/Start-up|SLO/);
  });

  test('a preStop hook that sleeps while the pod is deleted: its command, since when, when SIGTERM and SIGKILL come', async () => {
    await kubectlOk(['-n', ns.name, 'delete', 'pod', 'prestop', '--wait=false']);
    const p = await waitForPod(ns.name, 'prestop', (x) => Boolean(x.metadata.deletionTimestamp), 'deleting');
    await sleep(1000);
    const { text, json } = await describeBoth('prestop');
    const [h] = json.holds.preStop;
    const deadline = new Date(p.metadata.deletionTimestamp).toISOString();
    expect(h).toMatchObject({
      container: 'app',
      hook: 'exec sleep 600',
      gracePeriodSeconds: 60,
      sigtermBy: deadline,
      sigkillAt: deadline,
      sigkillLateSeconds: 2,
      outputInLog: false,
    });
    expect(new Date(deadline).getTime() - new Date(h.since).getTime()).toBe(60_000);
    expect(text).toMatch(
      /container "app" runs its preStop hook \(exec sleep 600\) since deletion was requested \d+s ago; SIGTERM comes when the hook returns, at the latest when the grace period ends, and SIGKILL when it ends \(2s after SIGTERM if the hook used it all\); the 60s grace period ends in \d+s, at /,
    );
    expect(text).toContain(deadline);
    expect(text).toContain("an exec hook's output is not in the container's log");
  });
});

describe('a postStart hook that runs (live)', () => {
  test('the conditions as the API reports them, and no sentence that contradicts them', async () => {
    const { text, json } = await describeBoth('poststart');
    const raw: any = await getPod(ns.name, 'poststart');
    // what the API says during the hook: the status written before the container started
    expect(raw.status.containerStatuses[0].state.waiting.reason).toBe('ContainerCreating');
    const apiSandbox = raw.status.conditions.find((c: any) => c.type === 'PodReadyToStartContainers');
    expect(apiSandbox.status).toBe('False');
    expect(raw.status.podIP).toBeUndefined();
    expect(json.conditions.map((c: any) => [c.type, c.status])).toEqual(
      raw.status.conditions.map((c: any) => [c.type, c.status]),
    );
    const sandbox = json.conditions.find((c: any) => c.type === 'PodReadyToStartContainers');
    expect(sandbox.why).toBeNull();
    expect(sandbox.stale).toMatch(/^False only in the status the kubelet wrote before container web started/);
    expect(json.phase.state).toBe('PostStartHook');
    expect(text).toContain('its postStart hook (exec sleep 600) has been running');
    expect(text).toContain('though its sandbox is set up (container web has started in it)');
    expect(text).toContain('web has started, so the sandbox is set up');
    expect(text).toContain(
      'not ready: web (started, its postStart hook is running; the status says ContainerCreating)',
    );
    expect(text).not.toMatch(
      /not now: no reason given|has not been set up|creating its sandbox|web \(ContainerCreating\)/,
    );
  });
});

describe('start-up (live)', () => {
  test('a Ready pod: where the time went, step by step, and the SLO comparison', async () => {
    const { text, json } = await describeBoth('starter');
    const s = json.startup;
    expect(s.steps.map((x: any) => x.step)).toEqual(['scheduling', 'sandbox', 'init containers', 'start', 'readiness']);
    expect(s.steps.reduce((n: number, x: any) => n + x.seconds, 0)).toBe(s.totalSeconds);
    expect(s.steps[2].detail).toMatch(/^prepare ran \d+s$/);
    expect(s.initContainerSeconds).toBeGreaterThanOrEqual(2);
    expect(s.imagePullSeconds).not.toBeNull();
    expect(s.slo).toMatchObject({ objectiveSeconds: 5, percentile: 99 });
    const verdict = s.slo.within ? 'within' : 'over';
    expect(text).toContain(`Start-up (Ready ${s.totalSeconds}s after creation)`);
    expect(text).toMatch(
      new RegExp(
        `${s.slo.measuredSeconds}s from creation to all containers started, not counting image pulls \\(\\d+s\\) and init containers \\(\\d+s\\): ${verdict} the 5s of Kubernetes' pod start-up SLO`,
      ),
    );
    // readiness is timed from the pod's own conditions
    const ready = (await waitForPod(ns.name, 'starter', is.condition('Ready'))).status.conditions.find(
      (c: any) => c.type === 'Ready',
    );
    expect(s.readyAt).toBe(new Date(ready.lastTransitionTime).toISOString());
  });
});
