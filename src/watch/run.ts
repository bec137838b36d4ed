// One `podlens watch` run, from validated options to an exit code: read the manifest (-f), open the
// three sources (pods, events, EndpointSlices), start the session, check that named pods exist, create the manifest's pods, wait for
// --until, --timeout, Ctrl-C/SIGTERM or a closed pipe, and always stop the streams and the live area.
import type { Until } from '../domain/until.js';
import { ExitCode, PodlensError, selectorError, usage, type ExitCodeValue } from '../errors.js';
import type { Cluster } from '../kube/types.js';
import { colourEnabled, painter, terminalWidth, type Io } from '../render/terminal.js';
import type { LiveArea } from '../render/watch-live.js';
import { podNotFound } from '../describe/not-found.js';
import { createAll, readManifest } from './manifest.js';
import { WatchSession } from './session.js';
import { textSink } from './sink.js';
import type { EventsMode } from './layout.js';

export interface WatchOptions {
  names: string[];
  filename?: string; // -f
  namespace?: string; // -n as given
  allNamespaces: boolean;
  selector?: string;
  fieldSelector?: string; // --field-selector (never with names)
  until?: Until;
  timeoutMs: number; // 0: none
  timeoutText?: string; // --timeout as typed, for the message
  output: 'text' | 'ndjson' | 'json';
  events?: EventsMode; // --events; undefined: all, Normal ones folded on a terminal
  container?: string; // -c
  sinceMs?: number; // --since: events of this last stretch before the watch started are shown too
  inactivityMs?: number; // a silent stream is re-opened after this long (tests shorten it)
}

/** The cluster and the context's namespace, opened only after the manifest has been read. */
export type Open = () => Promise<{ cluster: Cluster; namespace: string }>;

export async function runWatch(o: WatchOptions, open: Open, io: Io): Promise<ExitCodeValue> {
  const manifest = o.filename ? await readManifest(o.filename) : undefined;
  if (manifest?.namespace && o.namespace && manifest.namespace !== o.namespace) {
    throw usage(`the pods of ${o.filename} are in namespace ${manifest.namespace}, not ${o.namespace}.`);
  }
  const { cluster, namespace: defaultNs } = await open();
  const namespace = manifest?.namespace ?? defaultNs;
  const wanted = manifest ? manifest.pods.map((p) => String(p.metadata?.name)) : o.names;
  const ns = o.allNamespaces ? undefined : namespace;
  const one = wanted.length === 1 ? wanted[0] : undefined;
  const { podSource, eventSource, endpointSliceSource } = await import('../kube/watch.js');
  const keep = new Set(wanted);
  const pods = podSource(
    cluster,
    { namespace: ns, labelSelector: o.selector, fieldSelector: one ? `metadata.name=${one}` : o.fieldSelector },
    wanted.length > 1 ? (p) => keep.has(p.name) : undefined,
  );
  const events = eventSource(cluster, {
    namespace: ns,
    fieldSelector: `involvedObject.kind=Pod${one ? `,involvedObject.name=${one}` : ''}`,
  });

  const endpointSlices = endpointSliceSource(cluster, ns);

  const data = o.output === 'text' ? undefined : o.output;
  const tty =
    Boolean(io.stdout.isTTY) && terminalWidth(io.stdout) !== undefined && !data && !io.env.CI && io.env.TERM !== 'dumb';
  // The live area asks the session for its pods; the session is made after the area.
  const holder: { session?: WatchSession } = {};
  let live: LiveArea | undefined;
  if (tty) {
    const [{ LiveArea }, { liveRows }, { default: ora, spinners }] = await Promise.all([
      import('../render/watch-live.js'),
      import('../domain/live.js'),
      import('ora'),
    ]);
    live = new LiveArea(
      io.stdout as NodeJS.WriteStream,
      ora,
      painter(colourEnabled(io)),
      (now) => liveRows(holder.session?.pods() ?? [], now, o.allNamespaces),
      () => new Date(),
      spinners,
    );
  }
  const sink = textSink(
    io,
    {
      showNamespace: o.allNamespaces,
      data,
      selection: { events: o.events, container: o.container },
      width: tty ? terminalWidth(io.stdout)! - 1 : undefined,
    },
    live,
  );
  const s = new WatchSession({
    pods,
    events,
    endpointSlices,
    sink,
    until: o.until,
    names: wanted,
    expectCreation: Boolean(manifest),
    inactivityMs: o.inactivityMs,
    readLastWords: (pod, t, tailLines) =>
      cluster.readLog(pod.namespace, pod.name, t.container, { previous: t.previous, tailLines }),
    sinceMs: o.sinceMs,
  });
  holder.session = s;
  s.done.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled

  const stopOn = () => s.end({ code: ExitCode.OK });
  process.once('SIGINT', stopOn);
  process.once('SIGTERM', stopOn);
  const onPipeError = (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? stopOn() : undefined);
  (io.stdout as NodeJS.WriteStream).on?.('error', onPipeError);
  const timer =
    o.timeoutMs > 0
      ? setTimeout(
          () =>
            s.end({
              code: ExitCode.TIMEOUT,
              message: `timed out after ${o.timeoutText}${o.until ? ` waiting for every pod to be ${o.until}` : ''}: ${s.stragglers()}.`,
            }),
          o.timeoutMs,
        )
      : undefined;
  try {
    await s.start().catch((e: unknown) => {
      throw selectorError(e, o.selector, o.fieldSelector); // the first list is where the API server judges -l
    });
    if (!manifest && o.names.length && o.until !== 'deleted') {
      const present = s.pods();
      const missing = o.names.filter((n) => !present.some((p) => p.name === n));
      if (missing.length) throw await podNotFound(cluster, namespace, missing);
    }
    if (manifest) {
      for (const k of manifest.skipped)
        sink.note(`podlens: skipped ${k}: watch -f creates pods only (kubectl apply creates the rest).`);
      await createAll(cluster, namespace, manifest.pods);
    }
    if (!o.until && !s.pods().length && !manifest)
      sink.note(
        `podlens: no pods ${ns ? `in namespace ${ns}` : 'in any namespace'}${o.selector ? ` matching ${o.selector}` : ''} yet; waiting for some (Ctrl-C to stop).`,
      );
    live?.start();
    const result = await s.done;
    sink.flush();
    if (result.code === ExitCode.TIMEOUT) throw new PodlensError('timeout', result.message!);
    if (result.message) sink.note(`podlens: ${result.message}`);
    return result.code;
  } finally {
    s.stop();
    sink.flush();
    live?.stop();
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stopOn);
    process.off('SIGTERM', stopOn);
  }
}
