#!/usr/bin/env node
// `npm run sea`: podlens as one executable for krew (krew installs per-platform archives, not npm
// packages), made with Node's single executable application support
// (https://nodejs.org/docs/latest-v20.x/api/single-executable-applications.html):
//   1. esbuild bundles dist/cli.js and its dependencies into one CommonJS file (SEA runs CommonJS);
//   2. node --experimental-sea-config writes the preparation blob;
//   3. postject injects it into a copy of this node binary, named kubectl-podlens;
//   4. the archive kubectl-podlens, kubectl_complete-podlens and LICENSE, as .tar.gz, and its sha256
//      written into the krew manifest (scripts/krew-manifest.mjs).
// Builds for the platform it runs on (linux/amd64 here): a SEA is a copy of the running node.
// Output under dist/sea/. Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeManifest } from './krew-manifest.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'sea');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const os = process.platform;
const arch = { x64: 'amd64', arm64: 'arm64' }[process.arch] ?? process.arch;
const say = (s) => console.error(`[sea] ${s}`);

rmSync(out, { recursive: true, force: true });
const stage = join(out, `podlens-${os}-${arch}`);
mkdirSync(stage, { recursive: true });

// Optional dependencies that ws and node-fetch try to require and do without: in a single
// executable, require() of anything but a built-in prints a warning, so they are bundled as
// modules that throw, the way a missing package does.
const OPTIONAL = /^(bufferutil|utf-8-validate|encoding)$/;
const optionalAbsent = {
  name: 'optional-absent',
  setup(b) {
    b.onResolve({ filter: OPTIONAL }, (a) => ({ path: a.path, namespace: 'absent' }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, (a) => ({
      contents: `throw Object.assign(new Error("Cannot find module '${a.path}'"), { code: 'MODULE_NOT_FOUND' });`,
    }));
  },
};

const bundle = join(out, 'podlens.cjs');
await build({
  // The executable's main runs podlens as bin/podlens does; in a single executable process.argv is
  // [executable, executable, ...arguments], the shape main() reads.
  stdin: {
    contents: "import { main } from './dist/cli.js'; main(process.argv).then((code) => process.exit(code));",
    resolveDir: root,
    loader: 'js',
  },
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  define: { PODLENS_VERSION: JSON.stringify(version) },
  // cli.ts reads package.json through import.meta only when PODLENS_VERSION is not defined
  logOverride: { 'empty-import-meta': 'silent' },
  plugins: [optionalAbsent],
  logLevel: 'warning',
  legalComments: 'none',
});

const config = join(out, 'sea-config.json');
const blob = join(out, 'sea-prep.blob');
writeFileSync(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true }));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

const exe = join(stage, 'kubectl-podlens');
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
execFileSync(
  process.execPath,
  [
    join(root, 'node_modules', 'postject', 'dist', 'cli.js'),
    exe,
    'NODE_SEA_BLOB',
    blob,
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2', // the fuse Node's SEA support looks for
  ],
  { stdio: 'pipe' }, // its warnings about ELF note sections are harmless; a failure throws with its output
);
// kubectl runs kubectl_complete-podlens for `kubectl podlens <TAB>`; krew links only the plugin
// itself onto PATH (kubernetes-sigs/krew#812), so the user links this one (docs/install.md).
writeFileSync(join(stage, 'kubectl_complete-podlens'), '#!/bin/sh\nexec kubectl-podlens __complete "$@"\n', {
  mode: 0o755,
});
copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));

const archive = join(out, `podlens-${os}-${arch}.tar.gz`);
// Reproducible: sorted names, fixed owner and time.
execFileSync('tar', [
  '--sort=name',
  '--owner=0',
  '--group=0',
  '--numeric-owner',
  '--mtime=@0',
  '-czf',
  archive,
  '-C',
  stage,
  'kubectl-podlens',
  'kubectl_complete-podlens',
  'LICENSE',
]);
const manifest = writeManifest({ version, archives: [{ os, arch, file: archive }], out: join(out, 'podlens.yaml') });
say(`built ${exe} (node ${process.version}), ${archive} and ${manifest}`);
