// The situations of the truth test (issue 10): each is created for real, by
// scripts/capture-fixtures.mjs (which saves the pod, its events, logs, the Services of the scenario
// and its neighbour pods as a fixture) and by test/live/truth.test.ts (which runs `podlens describe`
// on it). One definition serves both, so the fixture and the live test describe the same pod.
// Each scenario: objects to create (the pod to describe first), ready(pod, events) says when the
// state worth explaining is reached, before(k, ns, name) acts on it (e.g. delete it) and then
// readyAfter must hold, after(k, ns, name) cleans up what would block the namespace's deletion.
// k(args) runs kubectl and must succeed.
import { busy, cond, nginx, pod, st, statuses } from './capture-support.mjs';

const count = (events, reason, re = /./) =>
  events.filter((e) => e.reason === reason && re.test(e.message ?? '')).reduce((n, e) => n + (e.count ?? 1), 0);
const sinceStart = (p, c) => {
  const at = st(p, c)?.state?.running?.startedAt;
  return at ? (Date.now() - Date.parse(at)) / 1000 : 0;
};
const unhold = (k, ns, name) =>
  k(['-n', ns, 'patch', 'pod', name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
const service = (name, selector, port = 80) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name },
  spec: { selector, ports: [{ port, targetPort: port }] },
});

export const TRUTH_SCENARIOS = {
  // restartPolicy Always, deleted: sleep as PID 1 ignores SIGTERM, so SIGKILL ends it (exit 137); a
  // finalizer keeps the Failed pod so its last state can be read. The kubelet's final delete has
  // grace 0 and moves deletionTimestamp. Once the kubelet has removed the container, its log cannot be
  // read: the kubelet answers (status 200) with an error text instead of the log.
  'failed-terminating': {
    objects: [
      pod(
        'failed-deleting',
        { containers: [busy('app', 'echo "serving"; exec sleep 3600')] },
        { finalizers: ['podlens.dev/hold'] },
      ),
    ],
    logs: [['app', false]],
    logsUntil: /^unable to retrieve container logs/,
    ready: (p) => cond(p, 'Ready')?.status === 'True',
    before: (k, ns, name) => k(['-n', ns, 'delete', 'pod', name, '--wait=false', '--grace-period=3']),
    readyAfter: (p) => p.metadata?.deletionTimestamp && p.status?.phase === 'Failed',
    after: unhold,
  },
  // A command that does not exist in the image: StartError (exit 128), startedAt is the 1970 placeholder.
  'start-error': {
    objects: [
      pod('no-such-command', {
        containers: [
          { name: 'app', image: 'busybox', imagePullPolicy: 'IfNotPresent', command: ['/bin/no-such-tool'] },
        ],
      }),
    ],
    ready: (p) =>
      st(p, 'app')?.lastState?.terminated?.reason === 'StartError' &&
      st(p, 'app')?.state?.waiting?.reason === 'CrashLoopBackOff',
    logs: [['app', true]],
  },
  // The only container, crashing: between runs no container runs, whatever the phase says.
  'crashloop-single': {
    objects: [pod('crash-only', { containers: [busy('app', 'echo "fatal: no config" >&2; exit 3')] })],
    ready: (p) => st(p, 'app')?.state?.waiting?.reason === 'CrashLoopBackOff',
    logs: [['app', true]],
  },
  // Ready behind a Service, then deleted: a preStop hook holds the container; SIGTERM waits for it.
  'prestop-holding': {
    objects: [
      pod(
        'slow-stop',
        {
          terminationGracePeriodSeconds: 600,
          containers: [
            busy('app', 'exec sleep 3600', { lifecycle: { preStop: { exec: { command: ['sleep', '3600'] } } } }),
          ],
        },
        { labels: { scenario: 'prestop-holding' } },
      ),
      service('slow-stop', { scenario: 'prestop-holding' }),
    ],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
    before: (k, ns, name) => k(['-n', ns, 'delete', 'pod', name, '--wait=false']),
    readyAfter: (p) => Boolean(p.metadata?.deletionTimestamp) && Boolean(st(p, 'app')?.state?.running),
    after: (k, ns, name) => k(['-n', ns, 'delete', 'pod', name, '--wait=false', '--grace-period=0', '--force']),
  },
  // Ready, labelled, and a Service that selects it.
  'ready-behind-service': {
    objects: [
      pod('served', { containers: [nginx()] }, { labels: { scenario: 'ready-behind-service' } }),
      service('served', { scenario: 'ready-behind-service' }),
      service('other', { scenario: 'someone-else' }),
    ],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
  },
  // Ready with labels that no Service selects.
  'ready-unselected': {
    objects: [pod('unserved', { containers: [nginx()] }, { labels: { scenario: 'ready-unselected' } })],
    ready: (p) => cond(p, 'Ready')?.status === 'True',
  },
  // A readiness probe failing every second for over half a minute: more failures than the events
  // the kubelet records per object.
  'readiness-failing-long': {
    objects: [
      pod('never-ready', {
        containers: [
          nginx({ readinessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 1, failureThreshold: 1 } }),
        ],
      }),
    ],
    ready: (p) => sinceStart(p, 'web') > 45,
  },
  // Finished by its deadline: Failed, sandbox torn down.
  'deadline-exceeded': {
    objects: [pod('too-slow', { activeDeadlineSeconds: 5, containers: [busy('task', 'exec sleep 3600')] })],
    ready: (p) => p.status?.phase === 'Failed' && statuses(p).every((s) => s.state?.terminated),
  },
  // A configMap volume whose ConfigMap does not exist: the kubelet waits on the mount.
  'mount-missing-configmap': {
    objects: [
      pod('no-config-volume', {
        containers: [nginx({ volumeMounts: [{ name: 'config', mountPath: '/etc/app' }] })],
        volumes: [{ name: 'config', configMap: { name: 'app-config-missing' } }],
      }),
    ],
    ready: (p, events) => count(events, 'FailedMount') >= 1,
  },
  // An env var pointing at a key the ConfigMap does not have.
  'env-missing-key': {
    objects: [
      pod('no-config-key', {
        containers: [
          busy('app', 'exec sleep 3600', {
            env: [{ name: 'DB_URL', valueFrom: { configMapKeyRef: { name: 'app-settings', key: 'db-url' } } }],
          }),
        ],
      }),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-settings' }, data: { 'db-host': 'db' } },
    ],
    ready: (p) => st(p, 'app')?.state?.waiting?.reason === 'CreateContainerConfigError',
  },
  // Running, no readiness probe, a startup probe that does not pass (yet).
  'startup-pending': {
    objects: [
      pod('slow-start', {
        containers: [
          busy('app', 'exec sleep 3600', {
            startupProbe: { exec: { command: ['cat', '/tmp/started'] }, periodSeconds: 2, failureThreshold: 300 },
          }),
        ],
      }),
    ],
    ready: (p, events) => Boolean(st(p, 'app')?.state?.running) && count(events, 'Unhealthy') >= 2,
  },
  // A process that ignores SIGTERM (sleep as PID 1) under a liveness probe that always fails: each
  // probe kill waits out the grace period, then SIGKILL, then again.
  'liveness-kill-loop': {
    objects: [
      pod('stubborn', {
        terminationGracePeriodSeconds: 4,
        containers: [
          busy('app', 'exec sleep 3600', {
            livenessProbe: { exec: { command: ['false'] }, periodSeconds: 1, failureThreshold: 2 },
          }),
        ],
      }),
    ],
    ready: (p) => (st(p, 'app')?.restartCount ?? 0) >= 2 && st(p, 'app')?.lastState?.terminated?.exitCode === 137,
  },
  // An init container that never exits by itself, after one that took a moment.
  'init-endless': {
    objects: [
      pod('init-forever', {
        initContainers: [busy('prepare', 'echo ready'), busy('wait-forever', 'while true; do sleep 1; done')],
        containers: [nginx()],
      }),
    ],
    ready: (p) => sinceStart(p, 'wait-forever') > 75,
  },
  // Two containers that both listen on port 80: the second cannot bind it.
  'port-bound-by-sibling': {
    objects: [
      pod('two-servers', {
        containers: [nginx(), nginx({ name: 'web2', ports: [{ containerPort: 80, name: 'http2' }] })],
      }),
    ],
    ready: (p) => (st(p, 'web2')?.restartCount ?? 0) >= 1 && Boolean(st(p, 'web2')?.state?.waiting),
    logs: [['web2', true]],
  },
  // 640 CPUs asked where 640m was probably meant.
  'cpu-typo': {
    objects: [pod('cpu-typo', { containers: [nginx({ resources: { requests: { cpu: '640' } } })] })],
    ready: (p) => cond(p, 'PodScheduled')?.reason === 'Unschedulable',
  },
  // A host port held by another pod of the namespace (created first, and running, before the pod
  // that wants the same port).
  'hostport-held': {
    prelude: [pod('port-holder', { containers: [nginx({ ports: [{ containerPort: 80, hostPort: 38080 }] })] })],
    preludeReady: (p) => cond(p, 'Ready')?.status === 'True',
    objects: [pod('port-wanted', { containers: [nginx({ ports: [{ containerPort: 80, hostPort: 38080 }] })] })],
    ready: (p) => cond(p, 'PodScheduled')?.reason === 'Unschedulable',
    neighbours: ['port-holder'],
  },
  // A claim that does not exist.
  'missing-claim': {
    objects: [
      pod('no-claim', {
        containers: [nginx({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-missing' } }],
      }),
    ],
    ready: (p) => cond(p, 'PodScheduled')?.reason === 'Unschedulable',
  },
};
