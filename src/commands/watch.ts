// `podlens watch`: flags -> options -> src/watch/run.ts (sources, session, sink). The engine and the
// client are loaded only when the command runs.
import { Option, type Command } from 'commander';
import type { RunState } from '../cli.js';
import { UNTIL, type Until } from '../domain/until.js';
import { usage } from '../errors.js';
import type { WatchOptions } from '../watch/run.js';
import { EVENTS, type EventsMode } from '../watch/layout.js';
import {
  addClusterFlags,
  addSelectionFlags,
  openCluster,
  parseDuration,
  validateSelection,
  type ClusterFlags,
  type SelectionFlags,
} from '../options/flags.js';

export type WatchFlags = ClusterFlags &
  SelectionFlags & {
    output: 'text' | 'ndjson' | 'json';
    until?: string;
    timeout?: string;
    filename?: string;
    events?: EventsMode;
    container?: string;
    since?: string;
  };

export function registerWatch(program: Command, state: RunState): void {
  const cmd = program
    .command('watch')
    .description(
      'Follow pods live: one line per pod now, then one line per transition (phase, conditions, containers,\n' +
        'restarts, events, deletion), each explained. Survives API server restarts and dropped connections\n' +
        'without losing or repeating a transition.',
    )
    .argument('[names...]', 'pod names (default: every pod in the namespace, or those matching -l)');
  addClusterFlags(cmd);
  addSelectionFlags(cmd);
  cmd
    .addOption(
      new Option(
        '-o, --output <format>',
        'text; ndjson: one JSON object per line per transition; json: the same objects indented (schema/watch-event.v2.json)',
      )
        .choices(['text', 'ndjson', 'json'])
        .default('text'),
    )
    .addOption(new Option('--until <condition>', `exit when every watched pod is ${UNTIL.join('|')}`).choices(UNTIL))
    .option('--timeout <duration>', 'give up after this long (exit 4), e.g. 90s, 5m')
    .addOption(
      new Option(
        '--events <which>',
        'event lines: all, warnings (only Warning events) or none (default: all; on a terminal the Normal ones of a pod come folded into one line)',
      ).choices(EVENTS),
    )
    .option('-c, --container <name>', "only this container's transitions (and the pod's own: phase, conditions, IP)")
    .option('--since <duration>', 'also show the events of this last stretch before the watch started, e.g. 10m')
    .option(
      '-f, --filename <file>',
      "create the manifest's pods, then follow them from the moment the API server stores them",
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  podlens watch                                  # every pod in the namespace\n' +
        '  podlens watch -l app=web --until ready         # a rollout: exit when every pod is ready\n' +
        '  podlens watch -f examples/init-container.yaml  # create, then follow from the first moment\n' +
        '  podlens watch job-pod --until done --timeout 10m -o ndjson | jq .\n' +
        '\nExit codes: 0 --until reached, or Ctrl-C; 1 cluster or runtime error; 2 usage error;\n' +
        '            3 a pod failed (or was deleted) instead of reaching --until; 4 --timeout expired.',
    )
    .action(async (names: string[], flags: WatchFlags) => {
      const options = watchOptions(names, flags, state.io.env);
      const { runWatch } = await import('../watch/run.js');
      state.exitCode = await runWatch(options, () => openCluster(flags, state.io.env), state.io);
    });
}

/** Flags as typed -> the options the watch runs with; every usage error that needs no file is raised here. */
export function watchOptions(names: string[], flags: WatchFlags, env: NodeJS.ProcessEnv): WatchOptions {
  if (flags.filename && names.length) throw usage('pass either pod names or -f FILE, not both.');
  if (flags.filename && (flags.selector !== undefined || flags.fieldSelector !== undefined || flags.allNamespaces))
    throw usage('-f follows the pods it creates: drop -l, --field-selector and -A.');
  validateSelection(names, flags);
  return {
    names,
    filename: flags.filename,
    namespace: flags.namespace,
    allNamespaces: Boolean(flags.allNamespaces),
    selector: flags.selector,
    fieldSelector: flags.fieldSelector,
    until: flags.until as Until | undefined, // commander has checked it against the choices
    timeoutMs: flags.timeout !== undefined ? parseDuration(flags.timeout, '--timeout') : 0,
    timeoutText: flags.timeout,
    output: flags.output,
    events: flags.events,
    container: flags.container,
    sinceMs: flags.since !== undefined ? parseDuration(flags.since, '--since') : undefined,
    inactivityMs: Number(env.PODLENS_WATCH_INACTIVITY_MS) || undefined, // tests shorten it
  };
}
