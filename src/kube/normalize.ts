// Converts API objects into plain podlens types, once, at the edge.
// Accepts both shapes the client produces: typed calls give Dates, raw JSON (watch, fixtures) gives
// strings. Nothing here imports the client at run time, so unit tests can feed captured JSON.
import type {
  ContainerPort,
  ContainerSpec,
  ContainerState,
  ContainerStatus,
  KubeEvent,
  Pod,
  PodCondition,
  Probe,
  ServiceRef,
  Volume,
} from '../domain/model.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Raw = any;

export function toDate(v: unknown): Date | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const d = v instanceof Date ? v : new Date(typeof v === 'string' || typeof v === 'number' ? v : NaN);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function strMap(v: Raw): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v ?? {})) out[k] = String(val);
  return out;
}

export function normalizeState(s: Raw): ContainerState {
  if (s?.running) return { kind: 'running', startedAt: toDate(s.running.startedAt) };
  if (s?.terminated) {
    const t = s.terminated;
    return {
      kind: 'terminated',
      exitCode: Number(t.exitCode ?? 0),
      signal: t.signal || undefined,
      reason: t.reason || undefined,
      message: t.message || undefined,
      startedAt: toDate(t.startedAt),
      finishedAt: toDate(t.finishedAt),
    };
  }
  if (s?.waiting)
    return { kind: 'waiting', reason: s.waiting.reason || undefined, message: s.waiting.message || undefined };
  return { kind: 'none' };
}

function normalizeStatus(s: Raw): ContainerStatus {
  return {
    name: s.name,
    image: s.image ?? '',
    imageID: s.imageID || undefined,
    containerID: s.containerID || undefined,
    ready: Boolean(s.ready),
    started: s.started ?? undefined,
    restartCount: Number(s.restartCount ?? 0),
    state: normalizeState(s.state),
    lastState: normalizeState(s.lastState),
  };
}

function handlerWords(p: Raw): string {
  if (p.httpGet)
    return `http-get ${p.httpGet.scheme === 'HTTPS' ? 'https' : 'http'}://:${p.httpGet.port}${p.httpGet.path ?? '/'}`;
  if (p.tcpSocket) return `tcp-socket :${p.tcpSocket.port}`;
  if (p.grpc) return `grpc :${p.grpc.port}`;
  if (p.exec) return `exec ${(p.exec.command ?? []).join(' ')}`;
  if (p.sleep) return `sleep ${p.sleep.seconds}s`;
  return 'unknown';
}

function normalizeProbes(c: Raw): Probe[] {
  const out: Probe[] = [];
  for (const [kind, key] of [
    ['startup', 'startupProbe'],
    ['liveness', 'livenessProbe'],
    ['readiness', 'readinessProbe'],
  ] as const) {
    const p = c[key];
    if (!p) continue;
    out.push({
      kind,
      handler: handlerWords(p),
      initialDelaySeconds: p.initialDelaySeconds ?? 0,
      periodSeconds: p.periodSeconds ?? 10,
      timeoutSeconds: p.timeoutSeconds ?? 1,
      failureThreshold: p.failureThreshold ?? 3,
    });
  }
  return out;
}

function normalizeSpec(c: Raw, kind: ContainerSpec['kind']): ContainerSpec {
  const ports: ContainerPort[] = (c.ports ?? []).map((p: Raw) => ({
    name: p.name || undefined,
    containerPort: Number(p.containerPort),
    protocol: p.protocol ?? 'TCP',
    hostPort: p.hostPort || undefined,
  }));
  return {
    name: c.name,
    kind,
    image: c.image ?? '',
    command: [...(c.command ?? []), ...(c.args ?? [])].map(String),
    imageEntrypoint: !c.command?.length,
    ports,
    volumeMounts: (c.volumeMounts ?? []).map((m: Raw) => ({
      name: m.name,
      mountPath: m.mountPath,
      readOnly: Boolean(m.readOnly),
      subPath: m.subPath || undefined,
    })),
    requests: strMap(c.resources?.requests),
    limits: strMap(c.resources?.limits),
    probes: normalizeProbes(c),
    envFrom: (c.envFrom ?? [])
      .map((e: Raw) =>
        e.configMapRef
          ? { kind: 'ConfigMap', name: e.configMapRef.name, optional: Boolean(e.configMapRef.optional) }
          : e.secretRef
            ? { kind: 'Secret', name: e.secretRef.name, optional: Boolean(e.secretRef.optional) }
            : undefined,
      )
      .filter(Boolean),
    envKeyRefs: (c.env ?? [])
      .map((e: Raw) => {
        const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
        if (!ref) return undefined;
        const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
        return { env: e.name, kind, name: ref.name, key: ref.key, optional: Boolean(ref.optional) };
      })
      .filter(Boolean),
    ...(c.lifecycle?.preStop ? { preStop: handlerWords(c.lifecycle.preStop) } : {}),
    ...(c.lifecycle?.postStart ? { postStart: handlerWords(c.lifecycle.postStart) } : {}),
  };
}

export function normalizeService(raw: Raw): ServiceRef {
  return {
    name: raw.metadata?.name ?? '',
    ...(raw.metadata?.namespace ? { namespace: String(raw.metadata.namespace) } : {}),
    selector: strMap(raw.spec?.selector),
    // targetPort defaults to port (the API server fills it in); a number-like string stays a name only
    // when it is not all digits (IntOrString)
    ports: (raw.spec?.ports ?? []).map((p: Raw) => ({
      ...(p.name ? { name: String(p.name) } : {}),
      port: Number(p.port),
      protocol: p.protocol ?? 'TCP',
      targetPort: p.targetPort === undefined || p.targetPort === null ? Number(p.port) : intOrString(p.targetPort),
    })),
  };
}

export function intOrString(v: unknown): number | string {
  return typeof v === 'number' ? v : /^\d+$/.test(String(v)) ? Number(v) : String(v);
}

// The volume source is the one key besides `name`; name what it points at when it points at something.
function normalizeVolume(v: Raw): Volume {
  const type = Object.keys(v).find((k) => k !== 'name') ?? 'unknown';
  const src = v[type] ?? {};
  const source =
    src.name ??
    src.claimName ??
    src.secretName ??
    src.path ??
    (type === 'emptyDir' && src.medium ? `medium ${src.medium}` : undefined);
  return { name: v.name, type, source: source === undefined ? undefined : String(source) };
}

function normalizeCondition(c: Raw): PodCondition {
  return {
    type: c.type,
    status: c.status,
    reason: c.reason || undefined,
    message: c.message || undefined,
    lastTransitionTime: toDate(c.lastTransitionTime),
  };
}

export function normalizePod(raw: Raw): Pod {
  const md = raw.metadata ?? {};
  const spec = raw.spec ?? {};
  const st = raw.status ?? {};
  // A native sidecar is an init container with restartPolicy Always (KEP-753):
  // https://github.com/kubernetes/kubernetes/blob/v1.32.0/pkg/api/v1/pod/util.go (IsRestartableInitContainer)
  const initKind = (c: Raw) => (c.restartPolicy === 'Always' ? 'sidecar' : 'init');
  return {
    name: md.name,
    namespace: md.namespace,
    uid: md.uid,
    mirrorOf: md.annotations?.['kubernetes.io/config.mirror'] || undefined,
    resourceVersion: md.resourceVersion,
    creationTimestamp: toDate(md.creationTimestamp) ?? new Date(0),
    deletionTimestamp: toDate(md.deletionTimestamp),
    deletionGracePeriodSeconds: md.deletionGracePeriodSeconds ?? undefined,
    labels: strMap(md.labels),
    finalizers: md.finalizers ?? [],
    owners: (md.ownerReferences ?? []).map((o: Raw) => ({
      kind: o.kind,
      name: o.name,
      uid: o.uid,
      controller: Boolean(o.controller),
    })),
    nodeName: spec.nodeName || undefined,
    nodeSelector: strMap(spec.nodeSelector),
    hasAffinity: Boolean(spec.affinity),
    tolerations: (spec.tolerations ?? []).map((t: Raw) => ({
      key: t.key || undefined,
      operator: t.operator ?? 'Equal',
      value: t.value || undefined,
      effect: t.effect || undefined,
      tolerationSeconds: t.tolerationSeconds ?? undefined,
    })),
    priority: spec.priority ?? undefined,
    schedulingGates: (spec.schedulingGates ?? []).map((g: Raw) => g.name),
    restartPolicy: spec.restartPolicy ?? 'Always',
    hostNetwork: Boolean(spec.hostNetwork),
    serviceAccountName: spec.serviceAccountName || undefined,
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? undefined,
    activeDeadlineSeconds: spec.activeDeadlineSeconds ?? undefined,
    initContainers: (spec.initContainers ?? []).map((c: Raw) => normalizeSpec(c, initKind(c))),
    containers: (spec.containers ?? []).map((c: Raw) => normalizeSpec(c, 'app')),
    ephemeralContainers: (spec.ephemeralContainers ?? []).map((c: Raw) => normalizeSpec(c, 'ephemeral')),
    volumes: (spec.volumes ?? []).map(normalizeVolume),
    readinessGates: (spec.readinessGates ?? []).map((g: Raw) => g.conditionType),
    schedulerName: spec.schedulerName || undefined,
    phase: st.phase ?? 'Unknown',
    reason: st.reason || undefined,
    message: st.message || undefined,
    podIP: st.podIP || undefined,
    podIPs: (st.podIPs ?? []).map((p: Raw) => p.ip),
    hostIP: st.hostIP || undefined,
    qosClass: st.qosClass || undefined,
    startTime: toDate(st.startTime),
    nominatedNodeName: st.nominatedNodeName || undefined,
    conditions: (st.conditions ?? []).map(normalizeCondition),
    initContainerStatuses: (st.initContainerStatuses ?? []).map(normalizeStatus),
    containerStatuses: (st.containerStatuses ?? []).map(normalizeStatus),
    ephemeralContainerStatuses: (st.ephemeralContainerStatuses ?? []).map(normalizeStatus),
  };
}

// core/v1 Events come in two shapes: the old one (firstTimestamp/lastTimestamp/count) and the one
// written through events.k8s.io/v1 by newer components such as the scheduler (eventTime/series).
// kubectl reads both the same way:
// https://github.com/kubernetes/kubectl/blob/master/pkg/describe/describe.go (DescribeEvents)
export function normalizeEvent(raw: Raw): KubeEvent {
  const md = raw.metadata ?? {};
  const first = toDate(raw.firstTimestamp) ?? toDate(raw.eventTime) ?? toDate(md.creationTimestamp) ?? new Date(0);
  const last = toDate(raw.series?.lastObservedTime) ?? toDate(raw.lastTimestamp) ?? first;
  const src = raw.source?.component || raw.reportingComponent || raw.reportingController || '';
  const host = raw.source?.host || raw.reportingInstance || '';
  return {
    uid: md.uid ?? '',
    type: raw.type ?? 'Normal',
    reason: raw.reason ?? '',
    message: (raw.message ?? raw.note ?? '').trim(),
    count: Math.max(1, Number(raw.series?.count ?? raw.count ?? 1)),
    firstSeen: first,
    lastSeen: last < first ? first : last,
    source: host && !src.includes(host) ? `${src}, ${host}` : src,
    involvedObject: {
      kind: raw.involvedObject?.kind ?? raw.regarding?.kind ?? '',
      name: raw.involvedObject?.name ?? raw.regarding?.name ?? '',
      namespace: raw.involvedObject?.namespace ?? raw.regarding?.namespace,
      uid: raw.involvedObject?.uid ?? raw.regarding?.uid,
      fieldPath: raw.involvedObject?.fieldPath ?? raw.regarding?.fieldPath,
    },
  };
}
