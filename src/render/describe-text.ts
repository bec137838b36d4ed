// The describe report as text for people. Sections in the order of issue 3.
import { exitCodeWords } from '../domain/containers.js';
import { NO_CONTROLLER, type DescribeReport, type PodSummary, type Severity } from '../domain/report.js';
import { table, wrap } from './table.js';
import type { Paint, Style } from './terminal.js';
import { visibleDeep } from './visible.js';
import { timeSections } from './time-text.js';
import { nodeSection, probeSection, storageSection } from './surroundings-text.js';

export interface TextOptions {
  paint: Paint;
  width: number;
}

const SEV_STYLE: Record<Severity, Style> = { ok: 'green', progressing: 'cyan', warning: 'yellow', error: 'red' };
const SEV_WORD: Record<Severity, string> = { ok: 'OK', progressing: 'PROGRESSING', warning: 'WARNING', error: 'ERROR' };

export function severityLabel(s: Severity, paint: Paint): string {
  return paint(SEV_STYLE[s], SEV_WORD[s]);
}

const LABEL = 12;
function field(label: string, value: string, o: TextOptions): string {
  const pad = ' '.repeat(LABEL);
  return `${(label + ':').padEnd(LABEL)}${wrap(value, o.width, pad)}`;
}

function section(title: string, body: string, o: TextOptions): string {
  return `\n${o.paint('bold', title)}\n${body}`;
}

function offset(s: number): string {
  if (s < 120) return `+${s}s`;
  if (s < 7200) return `+${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  return `+${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`;
}

function identity(r: DescribeReport, o: TextOptions): string[] {
  const p = r.pod;
  const lines = [field('Pod', `${p.namespace}/${p.name}`, o)];
  lines.push(field('Node', p.node ? `${p.node}${p.hostIP ? ` (${p.hostIP})` : ''}` : '(not scheduled)', o));
  lines.push(field('IP', `${p.podIP ?? '(none yet)'} - ${r.network.explanation}`, o));
  lines.push(field('QoS class', p.qosClass ?? '(unknown)', o));
  lines.push(field('Age', `${p.age} (created ${p.createdAt})`, o));
  const owner = p.ownerChain.length ? p.ownerChain.map((l) => `${l.kind}/${l.name}`).join(' <- ') : '(none)';
  lines.push(field('Owner', owner, o));
  const risk = r.findings.find((f) => f.code === NO_CONTROLLER); // shown with the owner it is about
  if (risk)
    lines.push(' '.repeat(LABEL) + o.paint('yellow', wrap(`! ${risk.message}`, o.width, ' '.repeat(LABEL + 2))));
  return lines;
}

function containers(r: DescribeReport, o: TextOptions): string {
  const rows = r.containers.map((c) => [
    c.kind,
    c.name,
    c.image,
    c.state,
    c.reason ?? '',
    c.exitCode === null ? '' : `${c.exitCode}${c.signal ? ` ${c.signal}` : ''}`,
    c.restarts,
    c.ready ? 'yes' : 'no',
    c.ports.join(',') || '-',
  ]);
  let out = table(['KIND', 'NAME', 'IMAGE', 'STATE', 'REASON', 'EXIT', 'RESTARTS', 'READY', 'PORTS'], rows, o.paint);
  for (const c of r.containers) {
    if (c.lastTermination && c.state !== 'Terminated') {
      const l = c.lastTermination;
      out += `\n  ${c.name}: last run ended with ${exitCodeWords(l.exitCode, l.signal)}${l.reason ? `, ${l.reason}` : ''}${l.finishedAt ? ` at ${l.finishedAt}` : ''}`;
    }
    if (c.message && c.state === 'Waiting') out += `\n  ${c.name}: ${wrap(c.message, o.width, '    ')}`;
    if (c.log) {
      const which = c.log.previous
        ? 'previous (crashed) run'
        : c.state === 'Running'
          ? 'running container'
          : 'last run';
      if (c.log.error) out += `\n  ${c.name}: log of the ${which} unavailable: ${c.log.error}`;
      else if (!c.log.lines.length) out += `\n  ${c.name}: log of the ${which} is empty`;
      else
        out +=
          `\n  ${c.name}: last ${c.log.lines.length} log line${c.log.lines.length === 1 ? '' : 's'} of the ${which}:\n` +
          c.log.lines.map((l) => o.paint('dim', `    | ${l}`)).join('\n');
    }
  }
  return out;
}

function shared(r: DescribeReport, o: TextOptions): string {
  const n = r.network;
  const lines = [`  ${field('Network', n.explanation, { ...o, width: o.width - 2 }).replace(/\n/g, '\n  ')}`];
  const ports = n.ports.map(
    (p) =>
      `${p.container} ${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''}${p.hostPort ? ` host:${p.hostPort}` : ''}`,
  );
  lines.push(`  ${field('Ports', ports.length ? ports.join(', ') : 'none declared', o)}`);
  for (const c of n.conflicts) lines.push('  ' + o.paint('yellow', `! ${c}`));
  if (r.volumes.length) {
    const rows = r.volumes.map((v) => [
      v.name,
      v.type + (v.source ? `:${v.source}` : ''),
      v.mounts.map((m) => `${m.container}:${m.path}${m.readOnly ? ' (ro)' : ''}`).join(', ') || '-',
      v.note ?? '',
    ]);
    lines.push('  Volumes:');
    lines.push(table(['VOLUME', 'TYPE', 'MOUNTED BY', 'NOTE'], rows, o.paint, '    '));
  }
  return lines.join('\n');
}

/** Issue 13's sections, each only when its kind could be read (a note says when not). */
function neighbourhood(r: DescribeReport, o: TextOptions): string[] {
  const line = (t: string) => `  ${wrap(t, o.width, '    ')}`;
  const out: string[] = [];
  if (r.traffic)
    out.push(
      section('Traffic', [r.traffic.summary, ...r.traffic.services.map((s) => s.sentence)].map(line).join('\n'), o),
    );
  const np = r.networkPolicies;
  if (np)
    out.push(
      section('Network policies', [np.summary, ...(np.enforcement ? [np.enforcement] : [])].map(line).join('\n'), o),
    );
  if (r.disruption) out.push(section('Disruption budgets', line(r.disruption.summary), o));
  return out;
}

export function renderReport(report: DescribeReport, o: TextOptions): string {
  const r = visibleDeep(report); // cluster text, made safe before our own colours are added
  const { paint } = o;
  const out: string[] = [...identity(r, o), ''];
  out.push(
    field(
      'Verdict',
      `${severityLabel(r.verdict.severity, paint)} ${paint('bold', r.verdict.code)}: ${r.verdict.summary}`,
      o,
    ),
  );
  out.push(field('Phase', `${r.phase.phase} (${r.phase.state}): ${r.phase.meaning}`, o));
  out.push(
    `${'Status:'.padEnd(LABEL)}${r.pod.status}  ready ${r.pod.ready}  restarts ${r.pod.restarts}   (as kubectl get pods shows it)`,
  );

  if (r.notes?.length)
    out.push(
      section('Not shown', r.notes.map((n) => '  ' + paint('yellow', wrap(`! ${n}`, o.width, '    '))).join('\n'), o),
    );
  const others = r.findings.filter(
    (f) => f.code !== NO_CONTROLLER && !(f.code === r.verdict.code && f.message === r.verdict.summary),
  );
  if (others.length) {
    out.push(
      section(
        'Other findings',
        others
          .map((f) => `  ${severityLabel(f.severity, paint)} ${f.code}: ${wrap(f.message, o.width, '    ')}`)
          .join('\n'),
        o,
      ),
    );
  }
  const tl = r.timeline.map((t) => [offset(t.offsetSeconds), t.at.slice(11, 19), t.event, t.detail ?? '']);
  out.push(section('Timeline (UTC)', table(['AT', 'TIME', 'WHAT', 'DETAIL'], tl, paint), o));
  for (const [title, body] of timeSections(r, o)) out.push(section(title, body, o));
  out.push(section('Containers', containers(r, o), o));
  const conds = r.conditions.map((c) => [
    c.type,
    c.status === 'True' ? c.status : paint('yellow', c.status),
    c.since ? c.since.slice(11, 19) : '',
    c.status === 'True'
      ? c.meaning
      : c.stale
        ? `${c.meaning}; ${c.stale}`
        : `${c.meaning}; not now: ${c.why ?? 'no reason given'}`,
  ]);
  out.push(
    section(
      'Conditions',
      conds.length ? table(['TYPE', 'STATUS', 'SINCE', 'MEANING'], conds, paint) : '  (none reported yet)',
      o,
    ),
  );
  const probes = probeSection(r, o);
  if (probes) out.push(section('Probes', probes, o));
  out.push(section('Shared by the containers', shared(r, o), o));
  const storage = storageSection(r, o);
  if (storage) out.push(section('Storage (PersistentVolumeClaims)', storage, o));
  const node = nodeSection(r, o);
  if (node) out.push(section('Node', node, o));
  out.push(...neighbourhood(r, o));
  const ev = r.events.map((e) => [
    e.type === 'Warning' ? paint('yellow', e.type) : e.type,
    e.reason,
    e.age,
    e.count > 1 ? `x${e.count}` : '',
    e.object?.replace(/^spec\./, '') ?? '',
    e.message,
  ]);
  out.push(
    section(
      'Events (oldest first)',
      ev.length
        ? table(['TYPE', 'REASON', 'AGE', 'COUNT', 'OBJECT', 'MESSAGE'], ev, paint)
        : '  (none: events expire after an hour by default)',
      o,
    ),
  );
  out.push(
    section('Next steps', r.nextSteps.map((s) => `  ${s.command}\n      ${paint('dim', `# ${s.why}`)}`).join('\n'), o),
  );
  return out.join('\n') + '\n';
}

/**
 * Fits "SEVERITY cause" into `room` columns: the severity stays whole, the cause is cut at a word
 * with "…" when it does not fit (the line may overflow when even a few words of it do not fit).
 */
export function fitCause(severity: string, cause: string, room: number): { severity: string; rest: string } {
  const left = room - severity.length - 1;
  if (cause.length <= left) return { severity, rest: cause };
  const min = Math.min(cause.length, 12);
  let cut = cause.slice(0, Math.max(left, min) - 1);
  const space = cut.lastIndexOf(' ');
  if (space > cut.length * 0.6) cut = cut.slice(0, space);
  return { severity, rest: cut.replace(/[\s;:,(]+$/, '') + '…' };
}

/** How describe's many-pods table is drawn: -o wide, --no-headers, --no-trunc. */
export interface SummaryTableOptions {
  wide?: boolean; // also IP, OWNER and the verdict's CODE
  headers?: boolean; // default true
  trunc?: boolean; // default true: the VERDICT cut to the width
}

/**
 * One line per pod. The VERDICT column says the cause in a few words (what differs between pods:
 * the selector, the request, the missing object, the holder of a port), shortened to the width unless
 * trunc is false; the STATUS column already has the status word, and -o json has the full summaries.
 * Wide adds what the verdicts turn on: the pod's IP, its owner, and the verdict's code.
 */
export function renderSummaries(
  summaries: PodSummary[],
  allNamespaces: boolean,
  o: TextOptions & SummaryTableOptions,
): string {
  const items = visibleDeep(summaries);
  const head = [
    ...(allNamespaces ? ['NAMESPACE'] : []),
    'NAME',
    'READY',
    'STATUS',
    'RESTARTS',
    'AGE',
    ...(o.wide ? ['IP'] : []),
    'NODE',
    ...(o.wide ? ['OWNER', 'CODE'] : []),
    'VERDICT',
  ];
  const cells = items.map((s) => [
    ...(allNamespaces ? [s.namespace] : []),
    s.name,
    s.ready,
    s.status,
    String(s.restarts),
    s.age,
    ...(o.wide ? [s.podIP ?? '<none>'] : []),
    s.node ?? '<none>',
    ...(o.wide ? [s.owner ? `${s.owner.kind}/${s.owner.name}` : '<none>', s.verdict.code] : []),
  ]);
  const headers = o.headers !== false;
  // The VERDICT column starts after the widest cell of every other column and two spaces each.
  const start = head
    .slice(0, -1)
    .reduce((n, h, i) => n + Math.max(headers ? h.length : 0, ...cells.map((r) => r[i].length)) + 2, 0);
  const rows = items.map((s, i) => {
    const v =
      o.trunc === false
        ? { severity: SEV_WORD[s.verdict.severity], rest: s.verdict.cause }
        : fitCause(SEV_WORD[s.verdict.severity], s.verdict.cause, o.width - start);
    return [...cells[i], `${o.paint(SEV_STYLE[s.verdict.severity], v.severity)} ${v.rest}`];
  });
  return table(head, rows, o.paint, '', headers) + '\n';
}
