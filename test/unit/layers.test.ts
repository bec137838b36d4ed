// The layers of CONTRIBUTING.md as the imports have them: src/kube (kubeconfig, credentials,
// transport) depends on nothing above it (no flags, commands or rendering: `podlens config`'s flags
// are checked in src/commands/config.ts and reach src/kube/config-view.ts as the loader's options),
// and src/domain imports only itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = new URL('../../src/', import.meta.url).pathname;

/** Every module one layer's files import from the rest of src, as "layer/file". */
function importsOf(layer: string): string[] {
  const out = new Set<string>();
  for (const f of readdirSync(join(SRC, layer)).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(join(SRC, layer, f), 'utf8');
    for (const m of text.matchAll(/(?:from|import\()\s*'(\.\.\/[^']+)'/g)) out.add(`${f} -> ${m[1]}`);
  }
  return [...out];
}

test('src/kube imports nothing from the flags, commands, rendering or engines above it', () => {
  const up = importsOf('kube').filter((i) =>
    /-> \.\.\/(options|commands|render|describe|watch|node|complete)\//.test(i),
  );
  expect(up).toEqual([]);
  // what it may use from outside itself: errors, redaction and the domain model
  expect(importsOf('kube').filter((i) => !/-> \.\.\/(errors|redact)\.js$|-> \.\.\/domain\//.test(i))).toEqual([]);
});

test('src/domain imports only itself', () => {
  expect(importsOf('domain')).toEqual([]);
});
