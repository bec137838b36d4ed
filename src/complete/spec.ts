// The program's commands, flags and arguments as src/complete/plan.ts reads them, taken from the
// commander program itself: what --help lists is what <TAB> offers.
import type { Argument, Command, Option } from 'commander';
import type { CommandSpec, FlagSpec, NameKind, ProgramSpec } from './plan.js';

// What a positional argument names, by the name its command gives it in --help.
const ARG_KIND: Record<string, NameKind> = { names: 'pods', pod: 'pods', node: 'nodes' };

function flagSpec(o: Option): FlagSpec {
  return { long: o.long, short: o.short, takesValue: o.required || o.optional, choices: o.argChoices };
}

function commandSpec(c: Command): CommandSpec {
  const args = c.registeredArguments.map((a: Argument) => a.argChoices ?? ARG_KIND[a.name()]);
  return {
    name: c.name(),
    flags: c.options.filter((o) => !o.hidden).map(flagSpec),
    args: args.every(Boolean) ? args : [],
    variadic: c.registeredArguments.some((a) => a.variadic),
  };
}

export function programSpec(program: Command): ProgramSpec {
  const help = program.createHelp();
  return {
    commands: help.visibleCommands(program).map(commandSpec),
    flags: program.options.filter((o) => !o.hidden).map(flagSpec),
  };
}
