// Text for `podlens pause` and `podlens node`: kubectl-looking tables, then the plain statements.
import { TASK_STATE, type NodeReport, type PauseReport } from '../domain/sandbox-model.js';
import { table, wrap } from './table.js';
import type { Paint } from './terminal.js';
import { visibleDeep } from './visible.js';

export interface TextOptions {
  paint: Paint;
  width: number;
  showCommands: boolean;
  wideIds: boolean; // full 64-hex ids instead of ctr's usual 12
}

const short = (id: string | null, wide: boolean) => (id ? (wide ? id : id.slice(0, 12)) : '-');
const dash = (v: string | number | boolean | null | undefined) =>
  v === null || v === undefined || v === '' ? '-' : String(v);

function stateColour(state: string, paint: Paint): string {
  if (state === TASK_STATE.running) return paint('green', state);
  if (state === TASK_STATE.noTask || state === TASK_STATE.stopped) return paint('dim', state);
  return paint('yellow', state);
}

function commandsBlock(commands: string[], o: TextOptions): string[] {
  if (!o.showCommands) return [];
  return ['', o.paint('bold', 'Commands run on the node (to do it by hand):'), ...commands.map((c) => `  $ ${c}`)];
}

function statementsBlock(statements: string[], o: TextOptions): string[] {
  return statements.length ? ['', ...statements.map((s) => wrap(s, o.width, '  '))] : [];
}

export function renderPause(report: PauseReport, o: TextOptions): string {
  const r = visibleDeep(report);
  const { paint } = o;
  const sb = r.sandbox;
  const lines = [
    `${paint('bold', 'Pod:')}      ${r.pod.namespace}/${r.pod.name}`,
    `${paint('bold', 'Node:')}     ${r.pod.node}  ${paint('dim', `(via ${r.access.via}: ${r.access.how})`)}`,
    `${paint('bold', 'Pod IP:')}   API ${dash(r.ip.api)}   node (inside the pause's network namespace) ${r.ip.node.length ? r.ip.node.join(', ') : '-'}` +
      (r.ip.agree === true
        ? `   ${paint('green', 'agree')}`
        : r.ip.agree === false
          ? `   ${paint('red', 'DIFFER')}`
          : ''),
    '',
    paint('bold', 'Sandbox (pause container):'),
  ];
  if (sb) {
    lines.push(
      table(
        ['ID', 'IMAGE', 'PID', 'STATE', 'CREATED', 'NETNS'],
        [
          [
            short(sb.id, o.wideIds),
            sb.image,
            dash(sb.pid),
            stateColour(sb.state, paint),
            dash(sb.createdAt),
            dash(sb.netns),
          ],
        ],
        paint,
      ),
    );
    if (sb.netnsPath) lines.push(paint('dim', `  network namespace file: ${sb.netnsPath}`));
  } else lines.push('  none on the node');
  lines.push('', paint('bold', 'Containers:'));
  lines.push(
    table(
      ['NAME', 'KIND', 'ID', 'PID', 'STATE (node)', 'STATE (API)', 'NETNS', 'SHARES PAUSE NETNS'],
      r.containers.map((c) => [
        c.name,
        c.kind,
        short(c.id, o.wideIds) +
          (c.idAgrees === false ? paint('red', ' (API: ' + short(c.apiContainerId, false) + ')') : ''),
        dash(c.pid),
        stateColour(c.state, paint),
        c.apiState,
        dash(c.netns),
        c.sharesSandboxNetns === null ? '-' : c.sharesSandboxNetns ? paint('green', 'yes') : paint('red', 'NO'),
      ]),
      paint,
    ),
  );
  for (const s of r.otherSandboxes)
    lines.push(paint('dim', `  earlier sandbox ${short(s.id, o.wideIds)} (${s.state}, created ${dash(s.createdAt)})`));
  lines.push(...statementsBlock(r.statements, o), ...commandsBlock(r.access.commands, o));
  return lines.join('\n') + '\n';
}

export function renderNode(report: NodeReport, o: TextOptions): string {
  const r = visibleDeep(report);
  const { paint } = o;
  const lines = [
    `${paint('bold', 'Node:')}     ${r.node}  ${paint('dim', `(${r.runtime}; via ${r.access.via}: ${r.access.how})`)}`,
    '',
    table(
      ['NAMESPACE', 'POD', 'SANDBOX', 'PID', 'STATE', 'CONTAINERS', 'API', 'NOTE'],
      r.sandboxes.map((s) => [
        s.pod.namespace,
        s.pod.name,
        short(s.id, o.wideIds),
        dash(s.pid),
        stateColour(s.state, paint),
        s.containers
          .map(
            (c) =>
              `${c.name}${c.state === TASK_STATE.running ? '' : ` (${c.state === TASK_STATE.noTask ? 'exited' : c.state.toLowerCase()})`}`,
          )
          .join(', ') || '-',
        s.apiKnowsPod ? dash(s.apiPhase) : paint('red', 'unknown'),
        s.flag ? paint(s.apiKnowsPod ? 'yellow' : 'red', s.flag) : '',
      ]),
      paint,
      '',
    ),
  ];
  if (r.podsWithoutSandbox.length) {
    lines.push('', paint('bold', 'Pods the API places on this node without a sandbox there:'));
    lines.push(
      table(
        ['NAMESPACE', 'POD', 'PHASE', 'WHY'],
        r.podsWithoutSandbox.map((p) => [p.namespace, p.name, p.phase, p.why]),
        paint,
      ),
    );
  }
  if (r.strayContainers.length) {
    lines.push('', paint('bold', 'Containers that belong to no sandbox on the node:'));
    lines.push(
      table(
        ['ID', 'IMAGE'],
        r.strayContainers.map((c) => [short(c.id, o.wideIds), c.image]),
        paint,
      ),
    );
  }
  lines.push(...statementsBlock(r.statements, o), ...commandsBlock(r.access.commands, o));
  return lines.join('\n') + '\n';
}
