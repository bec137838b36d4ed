// The krew packaging as a user gets it: `npm run sea` builds the single executable (Node's SEA) and
// its archive once; the executable runs without node_modules (--version, describe against the live
// cluster, completion); the archive holds what the manifest names and the manifest's sha256 is the
// archive's; krew, built from its Go module when Go is here, installs it and `kubectl podlens` runs.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { ROOT, kubeconfig, run } from './support.js';

const SEA = join(ROOT, 'dist', 'sea');
const ARCHIVE = join(SEA, 'podlens-linux-amd64.tar.gz');
const MANIFEST = join(SEA, 'podlens.yaml');
const EXE = join(SEA, 'podlens-linux-amd64', 'kubectl-podlens');
const KREW_VERSION = 'v0.4.3'; // the newest sigs.k8s.io/krew the Go module proxy serves (checked 2026-11-30)
const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
const tmp = mkdtempSync(join(tmpdir(), 'podlens-sea-'));
const env = { KUBECONFIG: kubeconfig(), NO_COLOR: '1', PATH: process.env.PATH };
let krew: string | undefined;

beforeAll(async () => {
  const built = await run('npm', ['run', '-s', 'sea'], { timeoutMs: 170_000 });
  if (built.code !== 0) throw new Error(`npm run sea failed: ${built.stderr}`);
  // krew from its Go module (cached by Go after the first build); without Go, the manifest checks below stand alone.
  const go = await run('go', ['env', 'GOPATH']).catch(() => undefined);
  if (go?.code === 0) {
    const gobin = join(go.stdout.trim(), 'bin');
    const r = await run('go', ['install', `sigs.k8s.io/krew/cmd/krew@${KREW_VERSION}`], {
      env: { GOBIN: gobin },
      timeoutMs: 400_000,
    });
    if (r.code === 0) krew = join(gobin, 'krew');
    else
      console.warn(
        `krew could not be built (${r.stderr.trim().split('\n').pop()}): the manifest is checked without it`,
      );
  }
}, 600_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

test('the single executable runs alone: --version, describe against the cluster, completion; no warnings', async () => {
  const v = await run(EXE, ['--version'], { env });
  expect(v).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  const d = await run(EXE, ['describe', '-n', 'kube-system', '-l', 'k8s-app=kube-dns'], { env });
  expect(d.stderr).toBe(''); // a SEA prints a warning on require() of a non-built-in: none may leak
  expect(d.code).toBe(0);
  expect(d.stdout).toMatch(/^(Pod: +kube-system\/coredns-|NAME)/);
  const c = await run(EXE, ['__complete', 'describe', '--namespace', 'kube-s'], { env });
  expect(c).toEqual({ code: 0, stdout: 'kube-system\n:4\n', stderr: '' });
  const help = await run(EXE, ['--help'], { env });
  expect(help.stdout).toMatch(/^Usage: kubectl podlens \[options\] \[command\]/); // run by its plugin name
}, 60_000);

interface Platform {
  selector: { matchLabels: Record<string, string> };
  uri: string;
  sha256: string;
  files: { from: string; to: string }[];
  bin: string;
}

test("the manifest follows krew's plugin schema, and its sha256 is the archive's", () => {
  const m = load(readFileSync(MANIFEST, 'utf8')) as {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    spec: { version: string; shortDescription: string; platforms: Platform[] };
  };
  // What krew's validation (pkg/index/validation) requires: apiVersion, kind, a name (here not the
  // existing pod-lens), a semver version with v, a short description (the index asks for a short one),
  // and per platform a selector, uri, sha256 and bin.
  expect(m.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
  expect(m.kind).toBe('Plugin');
  expect(m.metadata.name).toBe('podlens');
  expect(m.spec.version).toBe(`v${version}`);
  expect(m.spec.shortDescription.length).toBeLessThanOrEqual(50);
  expect(m.spec.platforms).toHaveLength(1);
  const [p] = m.spec.platforms;
  expect(p.selector.matchLabels).toEqual({ os: 'linux', arch: 'amd64' });
  expect(p.uri).toMatch(/^https:\/\/.*\/podlens-linux-amd64\.tar\.gz$/);
  expect(p.sha256).toBe(createHash('sha256').update(readFileSync(ARCHIVE)).digest('hex'));
  const listed = execFileSync('tar', ['-tzf', ARCHIVE], { encoding: 'utf8' }).trim().split('\n').sort();
  expect(listed).toEqual(['LICENSE', 'kubectl-podlens', 'kubectl_complete-podlens']);
  expect(p.files.map((f) => f.from).sort()).toEqual(listed);
  expect(p.bin).toBe('kubectl-podlens');
});

test('krew installs the archive by the manifest; kubectl podlens runs; a wrong sha256 is refused', async () => {
  if (!krew || !existsSync(krew))
    throw new Error('krew was not built (see the warning above): install Go to run this test');
  const root = join(tmp, 'krew');
  const krewEnv = { ...env, KREW_ROOT: root };
  const installed = await run(krew, ['install', `--manifest=${MANIFEST}`, `--archive=${ARCHIVE}`], { env: krewEnv });
  expect(installed.code).toBe(0);
  expect(installed.stderr + installed.stdout).toContain('Installed plugin: podlens');
  const onPath = { ...env, PATH: `${join(root, 'bin')}:${env.PATH}` };
  const v = await run('kubectl', ['podlens', '--version'], { env: onPath });
  expect(v).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  const h = await run('kubectl', ['podlens', 'describe', '--help'], { env: onPath });
  expect(h.stdout).toMatch(/^Usage: kubectl podlens describe /);
  // the caveat's link: kubectl podlens <TAB> through the archive's kubectl_complete-podlens
  const links = join(tmp, 'links');
  mkdirSync(links);
  symlinkSync(
    join(root, 'store', 'podlens', `v${version}`, 'kubectl_complete-podlens'),
    join(links, 'kubectl_complete-podlens'),
  );
  const tab = await run('kubectl', ['__complete', 'podlens', 'wa'], {
    env: { ...onPath, PATH: `${links}:${onPath.PATH}` },
  });
  expect(tab.stdout).toBe('watch\n:4\n');

  const bad = join(tmp, 'podlens.yaml');
  writeFileSync(bad, readFileSync(MANIFEST, 'utf8').replace(/sha256: \w+/, `sha256: ${'0'.repeat(64)}`));
  const refused = await run(krew, ['install', `--manifest=${bad}`, `--archive=${ARCHIVE}`], {
    env: { ...env, KREW_ROOT: join(tmp, 'krew2') },
  });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/checksum|sha256/i);
}, 60_000);

test('the man page (package.json "man") is made from the help: every command, its flags, no roff warning', async () => {
  const page = join(ROOT, 'dist', 'podlens.1');
  const r = await run('man', ['--warnings', '-l', page], {
    env: { ...env, MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat' },
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const text = r.stdout.replace(/.\x08/g, ''); // overstrike bold
  for (const c of ['describe', 'watch', 'pause', 'node', 'cleanup', 'config', 'completion'])
    expect(text).toContain(`podlens ${c}`);
  expect(text).toContain('--request-timeout <duration>');
  expect(text).toContain('podlens watch -l app=web --until ready'); // the examples after the options
  expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))).toMatchObject({ man: './dist/podlens.1' });
});
