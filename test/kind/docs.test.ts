// The commands the docs show on the kind cluster (docs/kind.md; the live docs test leaves them out,
// see SKIPPED in test/docs.ts), run as a user of kind runs them: podlens with --via auto choosing
// docker, ctr and readlink through `docker exec` into the node's container. Output must have the
// shape shown (test/docs.ts). The readlink command shows the PIDs of the pause output above it: it
// runs with the PIDs this run's pause printed. UPDATE_DOCS=1 re-captures, as in the live docs test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runShown, writeUpdates } from '../docs-run.js';
import { allDocCommands, KIND_DOCS, matchesShape, ROOT, SKIPPED, where, type DocCommand } from '../docs.js';
import { apply, is, kubectl, kubectlOk, kubeconfig, waitFor, waitForPod } from '../live/support.js';
import { whyNot } from './kind-support.js';

const skipReason = whyNot();
if (skipReason) throw new Error(`kind docs test: ${skipReason}`);

const NAMESPACE = 'podlens-demo'; // the namespace docs/kind.md shows
const commands = allDocCommands().filter((c) => SKIPPED[c.command] === KIND_DOCS);
const updates: { c: DocCommand; output: string }[] = [];
let pids: string[] = []; // sandbox, then containers, as this run's `podlens pause` printed them
let sandbox = ''; // the sandbox id this run's `podlens pause` printed

beforeAll(async () => {
  // fresh: a pod left from an earlier run may be terminating (its nginx already stopped)
  await kubectlOk(['delete', 'namespace', NAMESPACE, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await kubectlOk(['create', 'namespace', NAMESPACE]);
  await waitFor(`serviceaccount default in ${NAMESPACE}`, async () =>
    (await kubectl(['-n', NAMESPACE, 'get', 'serviceaccount', 'default'])).code === 0 ? true : undefined,
  );
  await apply(readFileSync(join(ROOT, 'examples', 'shared-network.yaml'), 'utf8'), NAMESPACE);
  await waitForPod(NAMESPACE, 'shared-network-pod', is.condition('Ready'), 'ready', 120_000);
}, 240_000);

afterAll(async () => {
  if (process.env.UPDATE_DOCS) writeUpdates(updates);
  await kubectl(['delete', 'namespace', NAMESPACE, '--wait=false', '--ignore-not-found']);
});

/** The PID column of pause's Sandbox and Containers tables, in the order printed. */
function pausePids(output: string): string[] {
  return [...output.matchAll(/^\s+\S.*?\s(\d+)\s+RUNNING\s/gm)].map((m) => m[1]);
}

test('docs/kind.md shows commands for the kind cluster', () => {
  expect(commands.map((c) => c.page)).toContain('docs/kind.md');
});

for (const c of commands) {
  test(`${where(c)}: $ ${c.command}`, async () => {
    let command = c.command;
    if (command.includes('/proc/')) {
      expect(pids.length).toBe((command.match(/\/proc\/\d+\//g) ?? []).length);
      let i = 0;
      command = command.replace(/\/proc\/\d+\//g, () => `/proc/${pids[i++]}/`);
    }
    const r = await runShown(command, ROOT, {
      KUBECONFIG: kubeconfig(),
      DOCKER_HOST: process.env.DOCKER_HOST ?? '',
    });
    if (c.command.startsWith('podlens pause')) {
      pids = pausePids(r.output);
      sandbox = /^Sandbox.*\n.*\n\s+([0-9a-f]{12})\s/m.exec(r.output)?.[1] ?? '';
    }
    // what the page says of ctr's list: it holds the sandbox podlens showed
    if (c.command.includes('ctr '))
      expect(r.output).toMatch(new RegExp(`^${sandbox || 'no sandbox shown'}[0-9a-f]{52}\\s`, 'm'));
    expect({ command, code: r.code }).toEqual({ command, code: 0 });
    if (matchesShape(c.output, r.output)) return;
    if (process.env.UPDATE_DOCS) updates.push({ c, output: r.output });
    else expect(`${where(c)}\n${r.output}`).toBe(`${where(c)}\n${c.output.join('\n')}`);
  }, 240_000);
}
