#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli.js, from tsc) with its dependencies into one CommonJS file,
// dist/podlens.cjs, plus @kubernetes/client-node in a file of its own, dist/podlens-client.cjs
// (required only by what still needs the client: exec websockets and the oidc auth-provider), and
// writes V8's code cache of dist/podlens.cjs to dist/podlens.cjs.cache. bin/podlens compiles the
// bundle with that cache (vm.Script cachedData): what a `podlens describe` otherwise spends
// compiling, and loading some 30 ES module chunks, is the largest part of its time after Node's own
// start-up (docs/benchmarks.md). Node 20 has no module compile cache of its own (Node 22's
// module.enableCompileCache), and vm's cachedData is for scripts only, hence CommonJS. V8 checks the
// cache against its version, flags and the source: another Node version rejects it and bin/podlens
// compiles as without one.
// Runs after tsc in `npm run build` (and so in `npm ci` through `prepare`).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
for (const old of ['bundle', 'podlens.js', 'podlens.cjs.cache'])
  rmSync(join(dist, old), { recursive: true, force: true });

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
  legalComments: 'none',
};

// The client stays out of the main bundle: every import of it becomes require('./podlens-client.cjs').
const clientApart = {
  name: 'client-apart',
  setup(b) {
    b.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './podlens-client.cjs', external: true }));
  },
};

await build({
  ...common,
  entryPoints: [join(dist, 'cli.js')],
  outfile: join(dist, 'podlens.cjs'),
  plugins: [clientApart],
  // dist/podlens.cjs sits where dist/cli.js does, so cli.js' `new URL('../package.json', import.meta.url)` still finds the version.
  define: { 'import.meta.url': '__podlensUrl' },
  banner: { js: "var __podlensUrl=require('node:url').pathToFileURL(__filename).href;" },
});
// Only what src/ imports of the client (KubeConfig, Exec), so that the rest of it is left out.
const used = new Set();
for (const f of ['kube/client.js', 'kube/exec.js'])
  for (const m of readFileSync(join(dist, f), 'utf8').matchAll(/import \{([^}]*)\} from '@kubernetes\/client-node'/g))
    for (const name of m[1].split(',')) if (name.trim()) used.add(name.trim());
if (!used.has('KubeConfig') || !used.has('Exec'))
  throw new Error(`bundle: the client's imports not found (${[...used]})`);
await build({
  ...common,
  stdin: { contents: `export { ${[...used].join(', ')} } from '@kubernetes/client-node';`, resolveDir: root },
  outfile: join(dist, 'podlens-client.cjs'),
});

// The code cache of the bundle as bin/podlens compiles it (the same wrapper, the same file name).
const file = join(dist, 'podlens.cjs');
const { wrapperSource } = await import(join(root, 'bin', 'load.cjs'));
const script = new Script(wrapperSource(readFileSync(file, 'utf8')), { filename: file });
writeFileSync(`${file}.cache`, script.createCachedData());
