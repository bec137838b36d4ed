// The domain on pods and events captured from a live cluster (test/fixtures, npm run capture-fixtures).
import { FIXTURES, reportOf } from './fixtures.js';

describe('describe report on captured pods', () => {
  test('unschedulable by nodeSelector names the selector and the scheduler message', () => {
    const r = reportOf('unschedulable-selector');
    expect(r.verdict).toEqual({
      severity: 'error',
      code: 'Unschedulable',
      cause: 'nodeSelector disktype=ssd-that-no-node-has matches no node',
      summary:
        'no node carries the labels of its nodeSelector disktype=ssd-that-no-node-has, so the scheduler cannot place the pod ' +
        `(scheduler: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector"); it retries when nodes or pods change`,
    });
    expect(r.phase.state).toBe('Unschedulable');
    expect(r.phase.meaning).toMatch(
      /^The pod was created, which only means the API server stored it; it is not scheduled to any node yet/,
    );
    expect(r.pod).toMatchObject({ node: null, podIP: null, status: 'Pending', ready: '0/1', phase: 'Pending' });
    expect(r.nextSteps.map((s) => s.command)).toContain('kubectl -n podlens-fixtures get nodes --show-labels');
  });

  test('unschedulable by resources names each missing resource and the request', () => {
    const r = reportOf('unschedulable-resources');
    expect(r.verdict.code).toBe('Unschedulable');
    expect(r.verdict.summary).toBe(
      'container "web" requests 500 CPUs (cpu: "500"); 500m (0.5 CPU) was probably meant; no node has enough free memory for its request of 1Ti, ' +
        'so the scheduler cannot place the pod (scheduler: "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory"); it retries when nodes or pods change',
    );
  });

  test('an image that does not exist is ImagePullBackOff with the registry error', () => {
    const r = reportOf('image-missing');
    expect(r.verdict.severity).toBe('error');
    expect(r.verdict.code).toBe('ImagePullBackOff');
    expect(r.verdict.summary).toMatch(
      /^container "app" cannot start \(ImagePullBackOff\); Back-off pulling image "registry.invalid\/podlens\/does-not-exist:1.0": ErrImagePull: .*no such host; the kubelet retries with a growing delay \(up to 5m\)$/,
    );
    expect(r.phase).toMatchObject({ phase: 'Pending', state: 'ImagePullError' });
    expect(r.pod.status).toBe('ImagePullBackOff');
  });

  test("a Go program's crash: the panic line, not the last line of its goroutine dump", () => {
    // metrics-server panicking at start (scripts/capture-fixtures.mjs go-panic): its log ends in
    // "goroutine 1 [running]:", "main.main()" and a file:line of the stack
    const r = reportOf('go-panic');
    const panic =
      'panic: metric-resolution should be larger than kubelet-request-timeout, but metric-resolution value 10s kubelet-request-timeout value 10s provided';
    expect(r.verdict.code).toBe('CrashLoopBackOff');
    expect(r.verdict.cause).toMatch(/^app exits with code 2: "panic: metric-resolution should be larger/);
    expect(r.verdict.summary).toContain(`its log ends in a Go panic: "${panic}"`);
    // no command in its spec: the image's entrypoint runs with the args, which are not its command
    expect(r.verdict.summary).toContain(
      "it runs the image's own entrypoint (registry.k8s.io/metrics-server/metrics-server:v0.8.0) with the arguments `--metric-resolution=10s --kubelet-request-timeout=10s`",
    );
    expect(r.verdict.summary).not.toContain('its command is');
    expect(JSON.stringify(r)).not.toMatch(
      /its last log line was "[^"]*metrics-server\.go|its last log line was "panic/,
    );
    // the log itself stays as it was read
    expect(r.containers[0].log?.lines.at(-1)).toMatch(/metrics-server\.go:\d+ \+0x/);
  });

  test('CrashLoopBackOff gives exit code, restarts, back-off and the last log line', () => {
    const r = reportOf('crashloop');
    expect(r.verdict).toEqual({
      severity: 'error',
      code: 'CrashLoopBackOff',
      cause: 'app exits with code 3: "fatal: config file /etc/app.conf not found"',
      summary:
        'container "app" keeps stopping: its last run exited with exit code 3 after running under 1s, 4s ago; restarted 1 time; ' +
        `its command is \`sh -c 'echo "starting app"; echo "fatal: config file /etc/app.conf not found" >&2; exit 3'\`; ` +
        'its last log line was "fatal: config file /etc/app.conf not found"; the kubelet waits 10s before starting it again ' +
        '(CrashLoopBackOff: the delay doubles after each crash, up to 5m)',
    });
    const app = r.containers.find((c) => c.name === 'app')!;
    expect(app).toMatchObject({ kind: 'app', state: 'Waiting', reason: 'CrashLoopBackOff', restarts: 1, ready: false });
    expect(app.lastTermination).toMatchObject({ exitCode: 3, reason: 'Error', signal: null });
    expect(app.log).toEqual({
      previous: true,
      lines: ['starting app', 'fatal: config file /etc/app.conf not found'],
      error: null,
    });
    expect(r.nextSteps[0].command).toBe('kubectl -n podlens-fixtures logs crasher -c app --previous');
    expect(r.pod).toMatchObject({ status: 'CrashLoopBackOff', restarts: 1, ready: '0/1', phase: 'Running' });
  });

  test('OOMKilled names the memory limit and SIGKILL, under CrashLoopBackOff', () => {
    const r = reportOf('oomkilled');
    expect(r.verdict.code).toBe('OOMKilled');
    expect(r.verdict.summary).toBe(
      'container "hog" keeps stopping: its last run was killed by the kernel for using more than its memory limit of 20Mi ' +
        '(OOMKilled, exit code 137: SIGKILL), 15s ago; restarted 2 times; its last log line was "loading everything into memory"; ' +
        'the kubelet waits 20s before starting it again (CrashLoopBackOff: the delay doubles after each crash, up to 5m)',
    );
    expect(r.containers[0].lastTermination).toMatchObject({ exitCode: 137, reason: 'OOMKilled', signal: 'SIGKILL' });
  });

  test('an init container failing under restartPolicy Never fails the pod for good', () => {
    const r = reportOf('init-failed-never');
    expect(r.verdict).toEqual({
      severity: 'error',
      code: 'Error',
      cause: 'init wait-db (1/2) exited with code 2: "db unreachable"',
      summary:
        'init container "wait-db" (1 of 2) exited with exit code 2 after running under 1s, 4s ago; ' +
        `its command is \`sh -c 'echo "waiting for db:5432"; echo "db unreachable" >&2; exit 2'\`; its last log line was "db unreachable"; ` +
        'with restartPolicy Never the pod does not retry it, so the pod has failed and its app containers never started',
    });
    expect(r.pod.status).toBe('Init:Error');
    expect(r.phase).toMatchObject({ phase: 'Failed', state: 'Failed' });
    expect(r.containers.map((c) => [c.kind, c.name, c.state])).toEqual([
      ['init', 'wait-db', 'Terminated'],
      ['init', 'migrate', 'Waiting'],
      ['app', 'web', 'Waiting'],
    ]);
    expect(r.containers[0].log?.lines).toEqual(['waiting for db:5432', 'db unreachable']);
  });

  test('init containers in progress: which one, i of n, and the shared emptyDir', () => {
    const r = reportOf('init-in-progress');
    expect(r.verdict).toEqual({
      severity: 'progressing',
      code: 'ContainersNotInitialized',
      cause: 'init wait-for-service (2/2) running for 3s',
      summary:
        'init container "wait-for-service" (2 of 2) is running (for 3s); the app containers start after it completes',
    });
    expect(r.pod.status).toBe('Init:1/2');
    expect(r.phase).toEqual({
      phase: 'Pending',
      state: 'Initializing',
      meaning:
        'The pod was created, which only means the API server stored it; it is scheduled to vm but not running yet: init container 2 of 2 ("wait-for-service") is running for 3s.',
    });
    const work = r.volumes.find((v) => v.name === 'work')!;
    expect(work.note).toBe(
      'init container fetch-config can prepare files here before web starts; the data lives as long as the pod',
    );
    expect(r.timeline.map((t) => t.event)).toEqual(
      expect.arrayContaining(['created', 'scheduled', 'init fetch-config completed', 'init wait-for-service started']),
    );
  });

  test('a completed pod is ok', () => {
    const r = reportOf('completed');
    expect(r.verdict).toEqual({
      severity: 'ok',
      code: 'Completed',
      cause: 'completed',
      summary: 'all containers ran to completion with exit code 0',
    });
    expect(r.pod.status).toBe('Completed');
    expect(r.phase.state).toBe('Completed');
  });

  test('a native sidecar is a sidecar, counted in READY, sharing the pod IP', () => {
    const r = reportOf('native-sidecar');
    expect(r.verdict.severity).toBe('ok');
    expect(r.pod.ready).toBe('2/2');
    expect(r.containers.map((c) => [c.kind, c.name, c.state, c.ready])).toEqual([
      ['sidecar', 'log-shipper', 'Running', true],
      ['app', 'web', 'Running', true],
    ]);
    expect(r.network.explanation).toBe(
      "containers log-shipper, web run together and share IP 10.244.0.43 and one network namespace, held by the pod's pause (sandbox) container: they reach each other on localhost, and the IP stays the same when a container restarts",
    );
    expect(r.volumes.find((v) => v.name === 'logs')!.note).toBe(
      'shared by log-shipper and web while they run; the data lives as long as the pod',
    );
  });

  test('owned by a Deployment vs standalone', () => {
    const d = reportOf('deployment');
    expect(d.pod.owner?.kind).toBe('ReplicaSet');
    expect(d.findings.some((f) => f.code === 'NoController')).toBe(false);
    const s = reportOf('standalone');
    expect(s.pod.owner).toBeNull();
    expect(s.verdict.severity).toBe('ok');
    expect(s.findings.find((f) => f.code === 'NoController')).toMatchObject({
      severity: 'warning',
      category: 'advice',
    });
  });

  test('a failing readiness probe: running, not ready, with the probe and its error', () => {
    const r = reportOf('readiness-failing');
    expect(r.verdict).toEqual({
      severity: 'warning',
      code: 'Unhealthy',
      cause: 'web: readiness probe fails: HTTP probe failed with statuscode: 404',
      summary:
        'container "web" is running but not ready: its readiness probe http-get http://:80/healthz (every 2s, timeout 1s, no initial delay; ' +
        '1 failure in a row marks it not ready) fails: HTTP probe failed with statuscode: 404 ' +
        '(at least 3 failures recorded, first 4s ago, last recorded 1s ago); Services send the pod no traffic until it passes',
    });
    expect(r.phase.state).toBe('NotReady');
    expect(r.conditions.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
    });
  });

  test('deletion held by a finalizer', () => {
    const r = reportOf('deletion-held');
    expect(r.verdict.code).toBe('DeletionHeldByFinalizers');
    expect(r.verdict.summary).toBe(
      'deletion was requested but the finalizer podlens.dev/hold holds the pod: the API server keeps it until the controller that set it removes it',
    );
    expect(r.phase.state).toBe('Terminating');
    expect(r.pod.deletion?.finalizers).toEqual(['podlens.dev/hold']);
    expect(r.nextSteps.map((s) => s.command)).toContain(
      `kubectl -n podlens-fixtures patch pod held --type=merge -p '{"metadata":{"finalizers":null}}'`,
    );
  });

  test('two containers declaring the same port: both listed, and the conflict is named', () => {
    const r = reportOf('port-conflict');
    expect(r.verdict).toEqual({
      severity: 'ok',
      code: 'Running',
      cause: 'running and ready',
      summary: 'running and ready: 2/2 containers ready, 0 restarts',
    });
    expect(r.containers.map((c) => [c.kind, c.name, c.state, c.ready, c.ports])).toEqual([
      ['app', 'web', 'Running', true, ['80/TCP (http)']],
      ['app', 'sidekick', 'Running', true, ['80/TCP (alt-http)']],
    ]);
    expect(r.network.ports).toEqual([
      { container: 'web', port: 80, protocol: 'TCP', name: 'http', hostPort: null },
      { container: 'sidekick', port: 80, protocol: 'TCP', name: 'alt-http', hostPort: null },
    ]);
    expect(r.network.conflicts).toEqual([
      'containers "web" and "sidekick" both declare 80/TCP: they share one network namespace, so only one of them can listen on it',
    ]);
    expect(r.network.sharedBy).toEqual(['web', 'sidekick']);
  });

  test('an ephemeral container (kubectl debug) is kind ephemeral and does not make the pod not ready', () => {
    const r = reportOf('ephemeral');
    expect(r.verdict).toEqual({
      severity: 'ok',
      code: 'Running',
      cause: 'running and ready',
      summary: 'running and ready: 1/1 containers ready, 0 restarts',
    });
    expect(r.pod).toMatchObject({ status: 'Running', ready: '1/1', restarts: 0 });
    expect(r.containers.map((c) => [c.kind, c.name, c.image, c.state, c.ready, c.ports])).toEqual([
      ['app', 'web', 'nginx', 'Running', true, ['80/TCP (http)']],
      ['ephemeral', 'debugger', 'busybox', 'Running', false, []],
    ]);
    expect(r.network.sharedBy).toEqual(['web', 'debugger']);
    expect(r.timeline.map((t) => t.event).slice(-2)).toEqual([
      'image present for debugger',
      'ephemeral debugger started',
    ]);
  });

  test.each([
    ['completed', ['warning/NoController/advice']],
    ['crashloop', ['error/CrashLoopBackOff/status', 'warning/NoController/advice']],
    ['deletion-held', ['warning/DeletionHeldByFinalizers/status', 'warning/NoController/advice']],
    ['deployment', []],
    ['ephemeral', ['warning/NoController/advice']],
    ['image-missing', ['error/ImagePullBackOff/status', 'warning/NoController/advice']],
    ['init-failed-never', ['error/Error/status', 'warning/NoController/advice']],
    ['init-in-progress', ['progressing/ContainersNotInitialized/status', 'warning/NoController/advice']],
    ['native-sidecar', ['warning/NoController/advice']],
    ['oomkilled', ['error/OOMKilled/status', 'warning/NoController/advice']],
    ['port-conflict', ['warning/NoController/advice']],
    ['readiness-failing', ['warning/Unhealthy/status', 'warning/NoController/advice']],
    ['standalone', ['warning/NoController/advice']],
    ['unschedulable-resources', ['error/Unschedulable/status', 'warning/NoController/advice']],
    ['unschedulable-selector', ['error/Unschedulable/status', 'warning/NoController/advice']],
  ])('%s: exactly these findings', (name, expected) => {
    expect(reportOf(name).findings.map((f) => `${f.severity}/${f.code}/${f.category}`)).toEqual(expected);
  });

  test.each(FIXTURES)('%s: events newest last, timeline in order, no duplicate events', (name) => {
    const r = reportOf(name);
    const seen = r.events.map((e) => Math.floor(Date.parse(e.lastSeen) / 1000));
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    const at = r.timeline.map((t) => Date.parse(t.at));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    const keys = r.events.map((e) => `${e.type}/${e.reason}/${e.object}/${e.message}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
