// kubectl-looking tables (no borders, two spaces between columns) drawn with cli-table3.
import Table from 'cli-table3';
import type { Paint } from './terminal.js';

const NO_BORDER = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

export function table(head: string[], rows: (string | number)[][], paint: Paint, indent = '  '): string {
  const t = new Table({
    head: head.map((h) => paint('bold', h)),
    chars: NO_BORDER,
    style: { 'padding-left': 0, 'padding-right': 0, head: [], border: [], compact: true },
  });
  for (const r of rows) t.push(r.map((c) => String(c)));
  return t
    .toString()
    .split('\n')
    .map((l) => indent + l.trimEnd())
    .join('\n');
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
