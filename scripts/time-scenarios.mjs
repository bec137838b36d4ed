// Fixture cases of issue 13's time part (scripts/capture-fixtures.mjs captures them with the rest):
// an init container that waits and says so, a pod's start-up from creation to Ready with an init
// container and a real image pull, and several pods that fail for the same cause.
import { busy, pod, st } from './capture-support.mjs';

const ready = (p) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const MISSING = 'registry.invalid/podlens/shared-missing:2.0';
const noImage = (name) =>
  pod(name, { containers: [{ name: 'app', image: MISSING }] }, { labels: { app: 'shared-missing' } });
const backOff = (p) => st(p, 'app')?.state?.waiting?.reason === 'ImagePullBackOff';

export const TIME_CASES = {
  'init-talking': {
    objects: [
      pod('init-talks', {
        initContainers: [
          busy('wait-db', 'i=0; while true; do i=$((i+1)); echo "waiting for db:5432 (attempt $i)"; sleep 1; done'),
        ],
        containers: [busy('app', 'sleep 3600')],
      }),
    ],
    // a few attempts logged, so the capture has more than one line
    ready: (p) => {
      const s = st(p, 'wait-db')?.state?.running?.startedAt;
      return !!s && Date.now() - Date.parse(s) > 4000;
    },
    logs: [['wait-db', false]],
  },
  'startup-timeline': {
    objects: [
      pod('starts-up', {
        initContainers: [busy('prepare', 'echo prepared; sleep 2')],
        containers: [
          {
            name: 'web',
            image: 'nginx',
            imagePullPolicy: 'Always', // a real pull from the cluster's registry, with its time in the event
            ports: [{ containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 2, periodSeconds: 1 },
          },
        ],
      }),
    ],
    ready,
  },
  'image-missing-many': {
    prelude: [noImage('shared-missing-b'), noImage('shared-missing-c')],
    preludeReady: backOff,
    objects: [noImage('shared-missing-a')],
    ready: backOff,
    neighbours: ['shared-missing-b', 'shared-missing-c'],
  },
};
