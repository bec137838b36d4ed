// `podlens describe`: flags -> options -> src/describe/service.ts -> src/render (text, JSON or YAML).
// The service, the domain and the client are loaded only when the command runs.
import type { Command } from 'commander';
import type { RunState } from '../cli.js';
import type { DescribeOptions, DescribeResult } from '../describe/service.js';
import type { ExitCodeValue } from '../errors.js';
import { colourEnabled, painter, startSpinner, terminalWidth, type Io } from '../render/terminal.js';
import {
  addClusterFlags,
  addDescribeOutputFlags,
  addSelectionFlags,
  kubectlArgs,
  openCluster,
  validateSelection,
  type ClusterFlags,
  type DescribeOutput,
  type SelectionFlags,
} from '../options/flags.js';

export type DescribeFlags = ClusterFlags &
  SelectionFlags & {
    output: DescribeOutput;
    headers: boolean; // --no-headers
    trunc: boolean; // --no-trunc
    exitCode?: boolean;
    tail: string;
    full?: boolean;
  };

export function registerDescribe(program: Command, state: RunState): void {
  const cmd = program
    .command('describe')
    .description(
      'Explain pods: what is happening, why, since when, and what to do, with the evidence.\n' +
        'A pod named gives its full report; a selector, deploy/NAME, -A or several names give one line\n' +
        "per pod (even for one pod), or with --full each pod's full report.",
    )
    .argument('[names...]', 'pod names, or deploy/NAME, rs/NAME, job/NAME, sts/NAME, ds/NAME for their pods');
  addClusterFlags(cmd);
  addSelectionFlags(cmd);
  addDescribeOutputFlags(cmd);
  cmd
    .option('--full', "with a selector, deploy/NAME, -A or several names: each pod's full report")
    .option('--exit-code', 'exit 3 when a verdict is "error" (for scripts)')
    .option('--tail <lines>', "lines of a crashed container's previous log to show", '10')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  podlens describe web-5d4f8-abcde          # full report of one pod\n' +
        '  podlens describe -l app=web               # one line per pod\n' +
        '  podlens describe deploy/web -o json       # the pods of a Deployment, as data\n' +
        '  podlens describe -l app=web -o wide       # also IP, owner and the verdict code\n' +
        '  podlens describe -l app=web -o jsonpath=\'{range .items[*]}{.name}{"\\t"}{.verdict.code}{"\\n"}{end}\'\n' +
        '  podlens describe -A --exit-code           # exit 3 if any pod in the cluster is in error\n' +
        '\nExit codes: 0 ok, 1 cluster or runtime error, 2 usage error, 3 a verdict is error (with --exit-code).',
    )
    .action(async (names: string[], flags: DescribeFlags) => {
      state.exitCode = await runDescribe(names, flags, state.io);
    });
}

async function runDescribe(names: string[], flags: DescribeFlags, io: Io): Promise<ExitCodeValue> {
  validateSelection(names, flags);
  // A bad template is a usage error before any request.
  const jsonpath = flags.output.startsWith('jsonpath=')
    ? await import('../render/jsonpath.js').then((m) => m.compileTemplate(flags.output.slice(9)))
    : undefined;
  const service = await import('../describe/service.js');
  const partial = {
    targets: service.parseTargets(names),
    allNamespaces: Boolean(flags.allNamespaces),
    selector: flags.selector,
    fieldSelector: flags.fieldSelector,
    full: Boolean(flags.full),
    tail: service.parseTail(flags.tail ?? '10'),
    kubectlArgs: kubectlArgs(flags),
  };
  const { cluster, namespace } = await openCluster(flags, io.env);
  const options: DescribeOptions = { ...partial, namespace };
  const spinner = await startSpinner(io, 'Asking the cluster...', !TEXT.has(flags.output));
  let result: DescribeResult;
  try {
    result = await service.describe(cluster, options, () => new Date());
  } finally {
    spinner.stop();
  }
  await write(result, options, flags, io, jsonpath);
  if (result.notFound) throw result.notFound;
  return service.describeExitCode(result, Boolean(flags.exitCode));
}

const TEXT = new Set<DescribeOutput>(['text', 'wide']);

async function write(
  r: DescribeResult,
  o: DescribeOptions,
  flags: DescribeFlags,
  io: Io,
  jsonpath?: (data: unknown) => string,
): Promise<void> {
  const data = r.report ?? r.list ?? r.reports;
  const empty = !r.report && !(r.list ?? r.reports)?.items.length;
  // Named pods that are missing: only the error is said (after whatever was found).
  if (empty && r.notFound) return;
  if (!TEXT.has(flags.output)) {
    const { renderDescribeData } = await import('../render/data.js');
    io.stdout.write(await renderDescribeData(data!, flags.output as 'json' | 'yaml' | 'name', jsonpath));
  } else if (!empty) {
    const [{ renderReport, renderSummaries }, { renderGroups }] = await Promise.all([
      import('../render/describe-text.js'),
      import('../render/time-text.js'),
    ]);
    // The terminal's width; off a terminal, 120 columns for the report's prose, 100 for one line per pod.
    const columns = terminalWidth(io.stdout);
    const text = { paint: painter(colourEnabled(io)), width: columns ?? 120 };
    const reports = r.report ? [r.report] : r.reports?.items;
    const list = { ...text, width: columns ?? 100, wide: flags.output === 'wide', ...flags };
    io.stdout.write(
      reports
        ? reports.map((report) => renderReport(report, text)).join('\n')
        : (flags.headers ? renderGroups(r.list!.groups, list) + renderGroups(r.list!.around, list) : '') +
            renderSummaries(r.list!.items, o.allNamespaces, list),
    );
  }
  // Once, on stderr, in every output mode: what is missing for want of a permission.
  if (data?.notes?.length) {
    const { visible } = await import('../render/visible.js');
    io.stderr.write(data.notes.map((n) => `podlens: ${visible(n)}\n`).join(''));
  }
  if (empty)
    io.stderr.write(
      o.allNamespaces ? 'No pods found.\n' : `No pods found in namespace ${o.namespace}${matching(o)}.\n`,
    );
}

const matching = (o: DescribeOptions) =>
  [o.selector, o.fieldSelector].some((x) => x !== undefined)
    ? ` matching ${[o.selector, o.fieldSelector].filter((x) => x !== undefined).join(',')}`
    : '';
