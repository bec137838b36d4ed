// What <TAB> offers, decided from podlens's own commands and flags (src/complete/plan.ts), and the
// names that may go on a command line; the live test runs the shells and kubectl against a cluster.
import { buildProgram, type RunState } from '../../src/cli.js';
import { offer, plan, type Completion } from '../../src/complete/plan.js';
import { programSpec } from '../../src/complete/spec.js';
import { asPlugin, invokedAs } from '../../src/invocation.js';

const state: RunState = { exitCode: 0, io: { stdout: { write: () => true }, stderr: { write: () => true }, env: {} } };
const spec = programSpec(buildProgram(state));
const at = (...words: string[]): Completion => plan(spec, words);
const words = (...w: string[]) => {
  const p = at(...w).plan;
  return p.kind === 'words' ? p.words : p;
};

test('commands: the visible ones that start with what is typed; nothing after an unknown command', () => {
  expect(words('')).toEqual(expect.arrayContaining(['describe', 'watch', 'pause', 'node', 'completion']));
  expect(words('')).not.toContain('__complete');
  expect(words('de')).toEqual(['describe']);
  expect(words('kubectl', '')).toEqual([]);
});

test("flags: the command's own, each once; fixed choices of a flag and of an argument", () => {
  const flags = words('describe', '--');
  expect(flags).toEqual(expect.arrayContaining(['--namespace', '--output', '--context', '--help']));
  expect(flags).not.toContain('--version'); // the program's, not describe's
  expect(new Set(flags as string[]).size).toBe((flags as string[]).length);
  expect(words('describe', '-')).toContain('-n');
  expect(words('watch', '--unt')).toEqual(['--until']);
  expect(words('describe', '-o', '')).toEqual(['text', 'json', 'yaml', 'wide', 'name', 'jsonpath=']);
  expect(words('describe', '--output=j')).toEqual(['--output=json', '--output=jsonpath=']);
  expect(words('completion', '')).toEqual(['bash', 'zsh', 'fish']);
  expect(words('completion', 'bash', '')).toEqual([]); // one shell only
  expect(words('watch', '--timeout', '')).toEqual([]); // a duration: nothing to offer, and no files
});

test('live names: which kind, from which namespace, context and kubeconfig the words chose', () => {
  expect(at('describe', '').plan).toEqual({ kind: 'names', what: 'pods', prefix: '', wordPrefix: '' });
  expect(at('describe', '-n', 'kube-system', 'core')).toEqual({
    plan: { kind: 'names', what: 'pods', prefix: 'core', wordPrefix: '' },
    target: { namespace: 'kube-system', allNamespaces: false },
  });
  expect(at('watch', '-nweb', '--context=prod', '--kubeconfig', '/k', 'a', '').target).toEqual({
    namespace: 'web',
    context: 'prod',
    kubeconfig: '/k',
    allNamespaces: false,
  });
  expect(at('describe', '--namespace', 'ku').plan).toMatchObject({ what: 'namespaces', prefix: 'ku' });
  expect(at('describe', '--namespace=ku').plan).toMatchObject({ what: 'namespaces', wordPrefix: '--namespace=' });
  expect(at('describe', '--context', '').plan).toMatchObject({ what: 'contexts' });
  expect(at('node', '').plan).toMatchObject({ what: 'nodes' });
  expect(at('node', 'vm', '').plan).toEqual({ kind: 'words', words: [] }); // node takes one
  expect(at('pause', '').plan).toMatchObject({ what: 'pods' });
  expect(at('watch', '-A', '').plan).toEqual({ kind: 'words', words: [] }); // names and -A are refused
  expect(at('watch', '--kubeconfig', '').plan).toEqual({ kind: 'files' });
  expect(at('watch', '-f', '').plan).toEqual({ kind: 'files' });
  expect(at('describe', '--', '-').plan).toMatchObject({ what: 'pods', prefix: '-' }); // after --, a name
});

test('names offered: those that fit, sorted, once, and never one the shell would run or split', () => {
  const p = { kind: 'names' as const, what: 'contexts' as const, prefix: 'p', wordPrefix: '--context=' };
  const names = ['prod', 'pre', 'dev', 'prod', 'p;rm -rf ~', 'p$(id)', 'p`id`', 'p x', 'p\u001b[31m', 'arn:aws:eks:p'];
  expect(offer(p, names)).toEqual(['--context=pre', '--context=prod']);
  expect(offer({ ...p, prefix: '', wordPrefix: '' }, ['arn:aws:eks:eu/x', 'a@b'])).toEqual(['a@b', 'arn:aws:eks:eu/x']);
});

test('run as kubectl-podlens, the help says kubectl podlens; kubectl_complete-podlens completes', () => {
  expect(invokedAs(['node', '/usr/lib/node_modules/podlens/bin/podlens'], 'node')).toBe('podlens');
  expect(invokedAs(['node', '/home/u/.npm/bin/kubectl-podlens'], 'node')).toBe('kubectl-podlens');
  expect(invokedAs(['/opt/x/kubectl-podlens', '/opt/x/kubectl-podlens'], 'kubectl_complete-podlens')).toBe(
    'kubectl_complete-podlens',
  );
  const help = 'Usage: podlens watch\n  podlens watch -l app=web   # podlens waits\n  $ podlens describe x\n';
  expect(asPlugin(help)).toBe(
    'Usage: podlens watch\n  kubectl podlens watch -l app=web   # podlens waits\n  $ kubectl podlens describe x\n',
  );
});
