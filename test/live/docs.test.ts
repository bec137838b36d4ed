// Every command the user documentation shows (README.md, docs/*.md; see test/docs.ts for the
// convention) run as a user runs it: in a shell, from a directory holding the repository's examples,
// with the repository's bin/ first on PATH and $KUBECONFIG pointing at the project's own cluster.
// Each must exit as shown (0, or what `$ echo $?` shows after it) and print output of the shape
// shown (test/docs.ts shape(): times, numbers, ids and spacing may differ, words and order may not).
// UPDATE_DOCS=1 writes what each command printed into the page where its shape differs (re-capture;
// review the diff by eye).
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { runShown, writeUpdates } from '../docs-run.js';
import { allDocCommands, matchesLines, matchesShape, ROOT, SKIPPED, where, type DocCommand } from '../docs.js';
import { apply, is, kubeconfig, kubectl, kubectlOk, waitFor, waitForPod } from './support.js';

const work = mkdtempSync(join(tmpdir(), 'podlens-docs-'));
symlinkSync(join(ROOT, 'examples'), join(work, 'examples'));
const cleanups: (() => Promise<unknown>)[] = [];

/** A namespace the docs name: created if absent, deleted afterwards only if this test created it. */
async function docsNamespace(name: string, fresh = false): Promise<void> {
  const exists = (await kubectl(['get', 'namespace', name])).code === 0;
  if (exists && fresh) await kubectlOk(['delete', 'namespace', name, '--wait=true', '--timeout=120s']);
  if (!exists || fresh) {
    await kubectlOk(['create', 'namespace', name]);
    cleanups.push(() => kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']));
  }
  await waitFor(`serviceaccount default in ${name}`, async () =>
    (await kubectl(['-n', name, 'get', 'serviceaccount', 'default'])).code === 0 ? true : undefined,
  );
}

/** Exec-plugin kubeconfigs shaped as `gcloud` and `az aks get-credentials` write them, for the live cluster. */
function credentialKubeconfigs(): void {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const admin = load(readFileSync(kubeconfig(), 'utf8')) as any;
  const cluster = admin.clusters[0].cluster;
  const config = (name: string, exec: string) =>
    `apiVersion: v1
kind: Config
clusters:
- cluster: {server: '${cluster.server}', certificate-authority-data: ${cluster['certificate-authority-data']}}
  name: ${name}
contexts:
- context: {cluster: ${name}, user: ${name}}
  name: ${name}
current-context: ${name}
users:
- name: ${name}
  user:
    exec:
${exec}`;
  writeFileSync(
    join(work, 'gke.yaml'),
    config(
      'gke_podlens-project_us-central1-a_podlens',
      `      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      installHint: Install gke-gcloud-auth-plugin for use with kubectl by following
        https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin
      provideClusterInfo: true
`,
    ),
  );
  writeFileSync(
    join(work, 'aks.yaml'),
    config(
      'podlens-aks',
      `      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630]
      installHint: kubelogin is not installed which is required to connect to AAD enabled cluster.
`,
    ),
  );
}

/** The situations the docs' commands show, named by `<!-- docs-test scene: NAME -->` comments. */
const SCENES: Record<string, () => Promise<void>> = {
  // crasher (examples/crasher.yaml) beside the seed's my-pod and shared-network-pod
  'readme-demo': async () => {
    await docsNamespace('readme-demo', true); // fresh: an older one's pods may have restarted since
    for (const f of ['crasher.yaml', 'pod.yaml', 'shared-network.yaml'])
      await apply(readFileSync(join(ROOT, 'examples', f), 'utf8'), 'readme-demo');
    for (const p of ['my-pod', 'shared-network-pod'])
      await waitForPod('readme-demo', p, is.condition('Ready'), 'ready', 120_000);
  },
  // a fresh crasher in its back-off after two restarts, as the README shows it
  crashloop: async () => {
    await kubectlOk(['-n', 'readme-demo', 'delete', 'pod', 'crasher', '--ignore-not-found', '--wait=true']);
    await apply(readFileSync(join(ROOT, 'examples', 'crasher.yaml'), 'utf8'), 'readme-demo');
    await waitForPod(
      'readme-demo',
      'crasher',
      is.all(is.waiting('crasher', 'CrashLoopBackOff'), is.restartedAtLeast('crasher', 2)),
      'in CrashLoopBackOff after 2 restarts',
      120_000,
    );
  },
  // watch -f creates the pod: the namespace must not hold it yet
  'demo-watch': () => docsNamespace('demo-watch', true),
  'credential-plugins': async () => credentialKubeconfigs(),
};

const commands = allDocCommands();
const updates: { c: DocCommand; output: string }[] = [];

const done = new Set<string>();

afterAll(async () => {
  if (process.env.UPDATE_DOCS) writeUpdates(updates);
  for (const c of cleanups.reverse()) await c();
  rmSync(work, { recursive: true, force: true });
});

test('the docs show commands (the convention of CONTRIBUTING.md is in use)', () => {
  expect(commands.length).toBeGreaterThan(10);
});

let last = 0;
for (const c of commands) {
  if (SKIPPED[c.command]) continue;
  test(`${where(c)}: $ ${c.command}`, async () => {
    for (const s of c.scenes) {
      if (done.has(s)) continue;
      const scene = SCENES[s];
      if (!scene) throw new Error(`${where(c)}: unknown docs-test scene ${s}`);
      await scene();
      done.add(s);
    }
    if (c.command === 'echo $?') {
      expect(c.output).toEqual([String(last)]);
      return;
    }
    const r = await runShown(c.command, work, { KUBECONFIG: kubeconfig() });
    last = r.code;
    const next = commands[commands.indexOf(c) + 1];
    const statusShown = next?.page === c.page && next.command === 'echo $?';
    if (!statusShown) expect({ command: c.command, code: r.code, output: r.output }).toMatchObject({ code: 0 });
    if ((c.unordered ? matchesLines : matchesShape)(c.output, r.output)) return;
    if (process.env.UPDATE_DOCS) updates.push({ c, output: r.output });
    else expect(`${where(c)}\n${r.output}`).toBe(`${where(c)}\n${c.output.join('\n')}`); // shows the difference
  }, 240_000);
}
