// Running the docs' commands as a user runs them (a shell, the repository's bin/ first on PATH, no
// colour) and writing captured output back into the pages: shared by the live cluster's docs test
// (test/live/docs.test.ts) and the kind cluster's (test/kind/docs.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type DocCommand } from './docs.js';
import { run } from './live/support.js';

/** Runs one shown command in `dir` with `env`: its exit status and stdout and stderr together. */
export async function runShown(
  command: string,
  dir: string,
  env: Record<string, string>,
): Promise<{ code: number; output: string }> {
  const r = await run('sh', ['-c', `cd '${dir}' && { ${command}\n} 2>&1`], {
    env: { PATH: `${join(ROOT, 'bin')}:${process.env.PATH}`, NO_COLOR: '1', ...env },
    timeoutMs: 180_000,
  });
  return { code: r.code, output: r.stdout };
}

/** UPDATE_DOCS=1: replaces the shown output of each command with what it printed, last line first. */
export function writeUpdates(updates: { c: DocCommand; output: string }[]): void {
  for (const page of new Set(updates.map((u) => u.c.page))) {
    const lines = readFileSync(join(ROOT, page), 'utf8').split('\n');
    for (const u of updates.filter((x) => x.c.page === page).sort((a, b) => b.c.line - a.c.line))
      lines.splice(u.c.line, u.c.output.length, ...u.output.replace(/\n$/, '').split('\n'));
    writeFileSync(join(ROOT, page), lines.join('\n'));
  }
}
