#!/usr/bin/env node
// Writes dist/podlens.1, the man page (package.json "man"), from the program's own help: each
// command's usage, description, arguments and options as commander's help gives them, and the text
// its help prints after them (examples, exit codes). Runs in `npm run build`, after tsc, so the page
// cannot fall behind the help. `man -l dist/podlens.1` shows it.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// dist/cli.js is tsc's output (imported by path, so the scripts' typecheck does not read it).
const { buildProgram } = await import(pathToFileURL(join(root, 'dist', 'cli.js')).href);
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// roff: a backslash is \e; a line starting with . or ' would be a request; - in text is \-.
const esc = (s) =>
  s
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .replace(/^([.'])/gm, '\\&$1');
const wrap = (s) => s.replace(/\s*\n\s*/g, ' ').trim();

/** The help a command prints after its options (addHelpText 'after'), as printed. */
function afterText(cmd) {
  let all = '';
  cmd.configureOutput({ writeOut: (s) => (all += s) });
  cmd.outputHelp();
  const info = cmd.helpInformation();
  return all
    .slice(all.indexOf(info) + info.length)
    .replace(/^\n+/, '')
    .trimEnd();
}

function section(cmd, help, title) {
  const out = [title];
  out.push('.PP', esc(wrap(cmd.description())));
  const args = help.visibleArguments(cmd);
  if (args.length) {
    out.push('.PP', '\\fBArguments\\fR');
    for (const a of args)
      out.push('.TP', `\\fI${esc(help.argumentTerm(a))}\\fR`, esc(wrap(help.argumentDescription(a))));
  }
  const opts = help.visibleOptions(cmd);
  if (opts.length) {
    out.push('.PP', '\\fBOptions\\fR');
    for (const o of opts) out.push('.TP', `\\fB${esc(help.optionTerm(o))}\\fR`, esc(wrap(help.optionDescription(o))));
  }
  const after = afterText(cmd);
  if (after) out.push('.PP', '.nf', esc(after), '.fi');
  return out;
}

const state = { exitCode: 0, io: { stdout: { write: () => true }, stderr: { write: () => true }, env: {} } };
const program = buildProgram(state);
const help = program.createHelp();
const commands = help.visibleCommands(program).filter((c) => c.name() !== 'help');
const page = [
  `.TH PODLENS 1 "" "podlens ${version}" "User Commands"`,
  '.SH NAME',
  `podlens \\- ${esc(wrap(program.description()))}`,
  '.SH SYNOPSIS',
  ...commands.map(
    (c) => `.B podlens ${esc(c.name())}\n${esc(help.commandUsage(c).replace(/^podlens \S+ ?/, ''))}\n.br`,
  ),
  '.PP',
  '.B podlens --version',
  '.PP',
  'Run by kubectl as a plugin (kubectl\\-podlens), every command is also \\fBkubectl podlens\\fR \\fICOMMAND\\fR.',
  '.SH OPTIONS',
  ...help
    .visibleOptions(program)
    .flatMap((o) => ['.TP', `\\fB${esc(help.optionTerm(o))}\\fR`, esc(wrap(help.optionDescription(o)))]),
  '.SH COMMANDS',
  ...commands.flatMap((c) => section(c, help, `.SS "podlens ${esc(c.name())}"`)),
  '.SH FILES',
  '.TP',
  '.I ~/.kube/config',
  'the kubeconfig read when neither \\fB\\-\\-kubeconfig\\fR nor \\fBKUBECONFIG\\fR names one',
  '.SH ENVIRONMENT',
  '.TP',
  '.B KUBECONFIG',
  'kubeconfig files, separated by colons, merged as kubectl merges them',
  '.TP',
  '.B NO_COLOR',
  'when set and not empty, no colours',
  '.SH SEE ALSO',
  '.BR kubectl (1)',
  '',
];
const out = join(root, 'dist', 'podlens.1');
writeFileSync(out, page.join('\n'));
