#!/usr/bin/env node
// Bundles the compiled CLI (dist/cli.js, from tsc) with its dependencies into dist/podlens.js plus
// lazily loaded chunks under dist/bundle/, for start-up speed: loading @kubernetes/client-node as
// ~1,000 separate ES modules costs most of a `podlens describe` run (see docs/benchmarks.md).
// Each command stays a dynamic import, so `podlens --version` or `--help` loads neither the
// commands nor the Kubernetes client. bin/podlens runs the bundle, else falls back to dist/cli.js.
// Runs after tsc in `npm run build` (and so in `npm ci` through `prepare`).
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(join(dist, 'bundle'), { recursive: true, force: true });

await build({
  entryPoints: { podlens: join(dist, 'cli.js') },
  outdir: dist,
  chunkNames: 'bundle/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __podlensRequire } from 'node:module'; const require = __podlensRequire(import.meta.url);",
  },
  // dist/podlens.js sits where dist/cli.js does, so cli.js' `new URL('../package.json', import.meta.url)` still finds the version.
  logLevel: 'warning',
  legalComments: 'none',
});
