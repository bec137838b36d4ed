// The commands the user documentation shows (README.md and docs/*.md), as CONTRIBUTING.md defines
// them: in a ```console block, a line `$ COMMAND` is a command, and the lines up to the next `$ `
// line or the end of the block are what it printed (stdout and stderr together, as a terminal shows
// them). `$ echo $?` shows the previous command's exit status; any other command must exit 0.
// `<!-- docs-test scene: NAME -->` comments between the previous block and a console block name the
// situations its commands need (test/live/docs.test.ts creates them). Shared by the unit test (structure, skip list) and the live
// test (which runs every command).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(fileURLToPath(import.meta.url), '..', '..');

export interface DocCommand {
  page: string; // relative to the repository, e.g. docs/reference.md
  line: number; // 1-based line of the `$ ` line
  command: string;
  output: string[]; // the lines shown after it
  scenes: string[]; // scenes named just before its block
  unordered: boolean; // `<!-- docs-test lines: unordered -->` before its block: see matchesLines()
}

export interface FencedBlock {
  page: string;
  line: number;
  lang: string;
  lines: string[];
}

/** README.md, CONTRIBUTING.md and every page under docs/. */
export function docPages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f))
    .sort();
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

/** The user documentation: README.md and docs/ (CONTRIBUTING.md's commands change the machine). */
export function userPages(): string[] {
  return docPages().filter((p) => p !== 'CONTRIBUTING.md');
}

export function fencedBlocks(page: string): FencedBlock[] {
  const text = readFileSync(join(ROOT, page), 'utf8').split('\n');
  const blocks: FencedBlock[] = [];
  let open: FencedBlock | undefined;
  text.forEach((l, i) => {
    const fence = /^```(\S*)\s*$/.exec(l);
    if (open && fence && fence[1] === '') {
      blocks.push(open);
      open = undefined;
    } else if (!open && fence) open = { page, line: i + 1, lang: fence[1], lines: [] };
    else if (open) open.lines.push(l);
  });
  if (open) throw new Error(`${page}:${open.line}: a code block is not closed`);
  return blocks;
}

const SCENE = /<!-- docs-test scene: ([\w-]+) -->/g;

export function docCommands(page: string): DocCommand[] {
  const text = readFileSync(join(ROOT, page), 'utf8');
  const lines = text.split('\n');
  const commands: DocCommand[] = [];
  let since = 0; // the line after the previous block
  for (const block of fencedBlocks(page)) {
    const before = lines.slice(since, block.line - 1).join('\n');
    since = block.line + block.lines.length + 1;
    if (block.lang !== 'console') continue;
    const scenes = [...before.matchAll(SCENE)].map((m) => m[1]);
    const unordered = before.includes('<!-- docs-test lines: unordered -->');
    let current: DocCommand | undefined;
    block.lines.forEach((l, i) => {
      if (l.startsWith('$ ')) {
        current = { page, line: block.line + 1 + i, command: l.slice(2), output: [], scenes, unordered };
        commands.push(current);
      } else if (current) current.output.push(l);
      else throw new Error(`${page}:${block.line + 1 + i}: a console block must start with a \`$ \` line`);
    });
  }
  return commands;
}

export function allDocCommands(): DocCommand[] {
  return userPages().flatMap(docCommands);
}

export const where = (c: DocCommand) => `${relative('.', c.page)}:${c.line}`;

/** Commands on the kind cluster of `npm run kind:up`: the kind tier runs them, not the live docs test. */
export const KIND_DOCS = 'kind: run on the kind cluster by test/kind/docs.test.ts';

/**
 * Commands that need what the live tier does not have. Each entry says why (and which other tier
 * runs it); the unit test keeps the list short and checks that every entry still is in the docs.
 */
export const SKIPPED: Record<string, string> = {
  'podlens pause shared-network-pod -n podlens-demo': KIND_DOCS,
  'podlens node podlens-worker': KIND_DOCS,
  'podlens node podlens-control-plane': KIND_DOCS,
  'docker exec podlens-worker ctr -n k8s.io containers ls \'labels."io.cri-containerd.kind"==sandbox\'': KIND_DOCS,
  'docker exec podlens-worker readlink /proc/4208/ns/net /proc/4231/ns/net /proc/4258/ns/net': KIND_DOCS,
};
export const MAX_SKIPPED = 6;

/**
 * Clauses podlens adds or leaves out by how the kubelet's writes happened to be timed on this run,
 * not by what the pod is: each one from src/domain, named here so that nothing else may vary.
 */
export const TIMING_CLAUSES: RegExp[] = [
  // src/domain/timeline.ts: the sandbox condition recorded after the kubelet began with the containers
  /; at the latest here, when the kubelet began with the containers; the condition was recorded \d+s later/g,
].map((re) => new RegExp(re.source.replace(/ /g, '\\s+'), 'g')); // wrapped or not

function withoutTimingClauses(text: string): string {
  return TIMING_CLAUSES.reduce((t, re) => t.replace(re, ''), text);
}

/**
 * What may differ between two runs of a documented command: times, ages and durations, counts and
 * other numbers, container and sandbox ids, uids, IPs, generated name suffixes, the amount of space
 * that aligns columns and where long lines wrap. Everything else (every word, every column header,
 * every section, the order) must be as shown.
 */
export function shape(text: string): string[] {
  return withoutTimingClauses(text)
    .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'TIMESTAMP')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, 'UID')
    .replace(/-[0-9a-f]{6,10}\b/g, '-HEXSUFFIX') // podlens helper pods, pod-template-hash: digits only at times
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,64}\b/g, 'HEX')
    .replace(/-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, '-SUFFIX') // generateName (k8s.io/apiserver names.go)
    .replace(/\b\d+(\.\d+){3}(\/\d+)?\b/g, 'IP')
    .replace(/\b\d\d:\d\d:\d\d\b/g, 'TIME')
    .replace(/\b(\d+(\.\d+)?(ms|s|m|h|d))+\b/g, 'DURATION')
    .replace(/\d+/g, 'N')
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * Shown output matches when its shape is the actual output's shape. A line `...` in the shown output
 * stands for lines left out: the parts between such lines must then appear in order, the first at
 * the start and the last at the end.
 */
export function matchesShape(shown: string[], actual: string): boolean {
  const parts = shown
    .join('\n')
    .split(/^\.\.\.$/m)
    .map((p) => shape(p).join(' '));
  const got = shape(actual).join(' ');
  if (parts.length === 1) return got === parts[0];
  const [first, ...others] = parts;
  const lastPart = others.pop() ?? '';
  if (!got.startsWith(first) || !got.endsWith(lastPart)) return false;
  let at = first.length;
  for (const p of others) {
    const found = got.indexOf(p, at);
    if (found < 0) return false;
    at = found + p.length;
  }
  return at <= got.length - lastPart.length;
}

/** Lines a watch may print or not, depending on how the kubelet batched its status writes. */
export const MAX_EXTRA_LINES = 2;

/**
 * For output whose lines come from racing streams (watch: the pod's changes and its events, and
 * whichever intermediate states the kubelet's status writes caught): every shown line, by shape, is
 * printed, in any order, and at most MAX_EXTRA_LINES more.
 */
export function matchesLines(shown: string[], actual: string): boolean {
  const key = (l: string) => shape(l).join(' ');
  const got = actual
    .split('\n')
    .filter((l) => l.trim())
    .map(key);
  const want = shown.filter((l) => l.trim()).map(key);
  for (const w of want) {
    const i = got.indexOf(w);
    if (i < 0) return false;
    got.splice(i, 1);
  }
  return got.length <= MAX_EXTRA_LINES;
}
