// `podlens watch`: flags -> scope -> sources -> session -> sink (text, TTY live area, or ndjson).
import { readFileSync } from 'node:fs';
import type { Pod } from '../domain/model.js';
import { closeNames } from '../domain/suggest.js';
import type { Transition } from '../domain/transitions.js';
import type { Until } from '../domain/until.js';
import { ExitCode, KubeApiError, PodlensError, messages, usage } from '../errors.js';
import type { LinkStatus } from '../kube/reflector.js';
import type { Cluster } from '../kube/types.js';
import { humanDuration } from '../domain/time.js';
import { colourEnabled, painter, type Io } from '../render/terminal.js';
import { localClock, transitionLine } from '../render/watch-text.js';
import { openCluster, parseDuration, validateSelection } from './flags.js';
import type { WatchFlags } from './watch.js';
import { WatchSession, type Sink } from '../watch/session.js';

/** An object read from a manifest file: only the fields watch -f looks at are typed. */
interface Raw {
  kind?: string;
  items?: Raw[];
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

interface Manifest {
  namespace?: string;
  pods: Raw[];
  skipped: string[];
}

async function readManifest(file: string): Promise<Manifest> {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    throw usage(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`,
    );
  }
  const { loadAll } = await import('js-yaml');
  let docs: Raw[];
  try {
    docs = loadAll(text).filter(Boolean) as Raw[];
  } catch (e) {
    throw usage(`${file} is not valid YAML: ${((e as Error).message ?? '').split('\n')[0]}.`);
  }
  const objects = docs.flatMap((d) => (d.kind === 'List' ? (d.items ?? []) : [d]));
  const pods = objects.filter((o) => o?.kind === 'Pod');
  const skipped = objects
    .filter((o) => o?.kind !== 'Pod')
    .map((o) => `${o?.kind ?? 'unknown'}/${o?.metadata?.name ?? '?'}`);
  if (!pods.length) throw usage(`${file} has no Pod: watch -f creates pods (use kubectl apply for other kinds).`);
  for (const p of pods)
    if (!p.metadata?.name)
      throw usage(`every pod in ${file} needs metadata.name (generateName cannot be followed by name).`);
  const namespaces = [...new Set(pods.map((p) => p.metadata?.namespace).filter((n): n is string => Boolean(n)))];
  if (namespaces.length > 1)
    throw usage(
      `the pods of ${file} are in several namespaces (${namespaces.join(', ')}); watch follows one namespace.`,
    );
  return { namespace: namespaces[0], pods, skipped };
}

function textSink(
  io: Io,
  showNamespace: boolean,
  ndjson: boolean,
  live?: import('../render/watch-live.js').LiveArea,
): Sink {
  const paint = painter(!ndjson && colourEnabled(io));
  const down = new Map<string, boolean>();
  const said = new Map<string, string>(); // the last state reported per stream
  return {
    transitions(ts: Transition[]) {
      if (!ts.length) return;
      if (ndjson) {
        io.stdout.write(ts.map((t) => JSON.stringify(t) + '\n').join(''));
        return;
      }
      const lines = ts.map((t) => transitionLine(t, { paint, showNamespace, clock: localClock }));
      if (live) live.log(lines);
      else io.stdout.write(lines.map((l) => l + '\n').join(''));
    },
    link(s: LinkStatus) {
      live?.setLink(s);
      const wasDown = down.get(s.what) ?? false;
      const ago = s.lastEventAt ? `, last event ${humanDuration(Date.now() - s.lastEventAt)} ago` : '';
      if (s.state === 'reconnecting' || s.state === 'relisting') {
        const what = s.state === 'relisting' ? 'listing again to catch up' : 'reconnecting';
        // Every change of state, and every 5th failed attempt: enough to follow, not a flood.
        if (!live && (said.get(s.what) !== s.state || s.attempt % 5 === 0))
          io.stderr.write(`podlens: lost the watch of ${s.what} (${s.error ?? 'closed'}); ${what}${ago}\n`);
        said.set(s.what, s.state);
        down.set(s.what, true);
      } else if (s.state === 'watching' && wasDown) {
        if (!live) io.stderr.write(`podlens: watching ${s.what} again\n`);
        said.set(s.what, s.state);
        down.set(s.what, false);
      }
    },
    note(text: string) {
      if (live) live.log([paint('dim', text)]);
      else io.stderr.write(text + '\n');
    },
  };
}

/** Named pods that do not exist at start: a typo (error, with suggestions) unless --until deleted. */
async function missingError(cluster: Cluster, names: string[], pods: Pod[], namespace: string): Promise<PodlensError> {
  const missing = names.filter((n) => !pods.some((p) => p.name === n));
  if (missing.length > 1) return new PodlensError('not-found', messages.podsNotFound(missing, namespace));
  if ((await cluster.namespaceExists(namespace).catch(() => undefined)) === false)
    return new PodlensError('namespace-not-found', messages.namespaceNotFound(namespace));
  // The watch of one pod lists only that name; the suggestions need the namespace's pods.
  const existing = await cluster.listPods({ namespace }).then(
    (ps) => ps.map((p) => p.name),
    () => [] as string[],
  );
  return new PodlensError('not-found', messages.podNotFound(missing[0], namespace, closeNames(missing[0], existing)));
}

async function createAll(cluster: Cluster, namespace: string, pods: Raw[]): Promise<void> {
  const { createPod } = await import('../kube/watch.js');
  for (const body of pods) {
    try {
      await createPod(cluster, namespace, { ...body, metadata: { ...body.metadata, namespace } });
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409) {
        throw new PodlensError(
          'api',
          `pod "${body.metadata?.name}" already exists in namespace "${namespace}": delete it first, or follow it with podlens watch ${body.metadata?.name}.`,
        );
      }
      throw e;
    }
  }
}

export async function runWatch(names: string[], flags: WatchFlags, io: Io): Promise<number> {
  if (flags.filename && names.length) throw usage('pass either pod names or -f FILE, not both.');
  if (flags.filename && (flags.selector !== undefined || flags.allNamespaces))
    throw usage('-f follows the pods it creates: drop -l and -A.');
  validateSelection(names, flags);
  const timeoutMs = flags.timeout !== undefined ? parseDuration(flags.timeout, '--timeout') : 0;
  const manifest = flags.filename ? await readManifest(flags.filename) : undefined;
  if (manifest?.namespace && flags.namespace && manifest.namespace !== flags.namespace) {
    throw usage(`the pods of ${flags.filename} are in namespace ${manifest.namespace}, not ${flags.namespace}.`);
  }
  const { cluster, namespace: defaultNs } = await openCluster(flags, io.env);
  const namespace = manifest?.namespace ?? defaultNs;
  const wanted = manifest ? manifest.pods.map((p) => String(p.metadata?.name)) : names;
  const ns = flags.allNamespaces ? undefined : namespace;
  const one = wanted.length === 1 ? wanted[0] : undefined;
  const { podSource, eventSource } = await import('../kube/watch.js');
  const keep = new Set(wanted);
  const pods = podSource(
    cluster,
    { namespace: ns, labelSelector: flags.selector, fieldSelector: one ? `metadata.name=${one}` : undefined },
    wanted.length > 1 ? (p) => keep.has(p.name) : undefined,
  );
  const events = eventSource(cluster, {
    namespace: ns,
    fieldSelector: `involvedObject.kind=Pod${one ? `,involvedObject.name=${one}` : ''}`,
  });

  const ndjson = flags.output === 'ndjson';
  const tty = Boolean(io.stdout.isTTY) && !ndjson && !io.env.CI && io.env.TERM !== 'dumb';
  // The live area asks the session for its pods; the session is made after the area.
  const holder: { session?: WatchSession } = {};
  let live: import('../render/watch-live.js').LiveArea | undefined;
  if (tty) {
    const [{ LiveArea }, { default: ora }] = await Promise.all([import('../render/watch-live.js'), import('ora')]);
    live = new LiveArea(
      io.stdout as NodeJS.WriteStream,
      ora,
      painter(colourEnabled(io)),
      () => holder.session?.pods() ?? [],
      Boolean(flags.allNamespaces),
    );
  }
  const sink = textSink(io, Boolean(flags.allNamespaces), ndjson, live);
  const inactivity = Number(io.env.PODLENS_WATCH_INACTIVITY_MS) || undefined; // tests shorten it
  const session = new WatchSession({
    pods,
    events,
    sink,
    until: flags.until as Until | undefined,
    names: wanted,
    expectCreation: Boolean(manifest),
    inactivityMs: inactivity,
  });
  holder.session = session;
  const s = session;
  s.done.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled

  const stopOn = () => s.end({ code: ExitCode.OK });
  process.once('SIGINT', stopOn);
  process.once('SIGTERM', stopOn);
  const onPipeError = (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? stopOn() : undefined);
  (io.stdout as NodeJS.WriteStream).on?.('error', onPipeError);
  const timer =
    timeoutMs > 0
      ? setTimeout(
          () =>
            s.end({
              code: ExitCode.TIMEOUT,
              message: `timed out after ${flags.timeout}${flags.until ? ` waiting for every pod to be ${flags.until}` : ''}: ${s.stragglers()}.`,
            }),
          timeoutMs,
        )
      : undefined;
  try {
    await s.start();
    if (!manifest && names.length && flags.until !== 'deleted') {
      const present = s.pods();
      if (names.some((n) => !present.some((p) => p.name === n)))
        throw await missingError(cluster, names, present, namespace);
    }
    if (manifest) {
      for (const k of manifest.skipped)
        sink.note(`podlens: skipped ${k}: watch -f creates pods only (kubectl apply creates the rest).`);
      await createAll(cluster, namespace, manifest.pods);
    }
    if (!flags.until && !s.pods().length && !manifest)
      sink.note(
        `podlens: no pods ${ns ? `in namespace ${ns}` : 'in any namespace'}${flags.selector ? ` matching ${flags.selector}` : ''} yet; waiting for some (Ctrl-C to stop).`,
      );
    live?.start();
    const result = await s.done;
    if (result.code === ExitCode.TIMEOUT) throw new PodlensError('timeout', result.message!, ExitCode.TIMEOUT);
    if (result.message) sink.note(`podlens: ${result.message}`);
    return result.code;
  } finally {
    s.stop();
    live?.stop();
    if (timer) clearTimeout(timer);
    process.off('SIGINT', stopOn);
    process.off('SIGTERM', stopOn);
  }
}
