// kubectl-looking tables (no borders, two spaces between columns), in one pass over the rows: each
// column as wide as its widest cell, as cli-table3 drew them (it took about 2.5 ms per row, so a
// 5,000-pod view spent seconds here: docs/benchmarks.md). A cell with newlines spans several lines,
// the other columns blank on the extra ones.
import { stripVTControlCharacters } from 'node:util';
import type { Paint } from './terminal.js';

// is-fullwidth-code-point's ranges (East Asian Wide and Fullwidth), as string-width counts them.
function fullwidth(c: number): boolean {
  return (
    c >= 0x1100 &&
    (c <= 0x115f ||
      c === 0x2329 ||
      c === 0x232a ||
      (0x2e80 <= c && c <= 0x3247 && c !== 0x303f) ||
      (0x3250 <= c && c <= 0x4dbf) ||
      (0x4e00 <= c && c <= 0xa4c6) ||
      (0xa960 <= c && c <= 0xa97c) ||
      (0xac00 <= c && c <= 0xd7a3) ||
      (0xf900 <= c && c <= 0xfaff) ||
      (0xfe10 <= c && c <= 0xfe19) ||
      (0xfe30 <= c && c <= 0xfe6b) ||
      (0xff01 <= c && c <= 0xff60) ||
      (0xffe0 <= c && c <= 0xffe6) ||
      (0x1b000 <= c && c <= 0x1b001) ||
      (0x1f200 <= c && c <= 0x1f251) ||
      (0x20000 <= c && c <= 0x3fffd))
  );
}

const EMOJI = /\p{Extended_Pictographic}(?:\uFE0F|\u200D\p{Extended_Pictographic})*/gu;

/** Columns a string takes on a terminal (colour codes and control characters take none). */
export function displayWidth(s: string): number {
  const plain = stripVTControlCharacters(s);

  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let w = 0;
  for (const ch of plain.replace(EMOJI, '  ')) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f) || (c >= 0x300 && c <= 0x36f)) continue;
    w += fullwidth(c) ? 2 : 1;
  }
  return w;
}

/** A table; with headers false (--no-headers) the header line is left out, and does not widen columns. */
export function table(
  head: string[],
  rows: (string | number)[][],
  paint: Paint,
  indent = '  ',
  headers = true,
): string {
  const body = rows.map((r) => r.map((c) => String(c)));
  const all = headers ? [head.map((h) => paint('bold', h)), ...body] : body;
  if (!all.length) return '';
  const cols = Math.max(...all.map((r) => r.length));
  const cells = all.map((r) => Array.from({ length: cols }, (_, i) => (r[i] ?? '').split('\n')));
  const widths = new Array<number>(cols).fill(0);
  for (const r of cells)
    for (let i = 0; i < cols; i++) for (const l of r[i]) widths[i] = Math.max(widths[i], displayWidth(l));
  const out: string[] = [];
  for (const r of cells) {
    const height = Math.max(...r.map((c) => c.length));
    for (let k = 0; k < height; k++) {
      let line = '';
      for (let i = 0; i < cols; i++) {
        const text = r[i][k] ?? '';
        line += i === cols - 1 ? text : text + ' '.repeat(widths[i] - displayWidth(text)) + '  ';
      }
      out.push(indent + line.trimEnd());
    }
  }
  return out.join('\n');
}

/** Wraps prose to the terminal width with a hanging indent. */
export function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width - indent.length) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}
