// Pure: the words typed after `podlens` (the last one being completed, possibly "") in, what to
// offer out: command names, flag names, a flag's fixed choices, or a kind of live name to fetch
// (pods, namespaces, nodes from the cluster; contexts, clusters, users from the kubeconfig).
// The commands and flags come from the program itself (src/complete/spec.ts), so a new flag is
// completed without a change here.

export interface FlagSpec {
  long?: string; // --namespace
  short?: string; // -n
  takesValue: boolean;
  choices?: string[];
}

export interface CommandSpec {
  name: string;
  flags: FlagSpec[];
  /** What each positional argument names, or its fixed choices; the last one repeats when `variadic`. */
  args: (NameKind | string[])[];
  variadic: boolean;
}

export interface ProgramSpec {
  commands: CommandSpec[];
  flags: FlagSpec[]; // the program's own (before the command)
}

export type NameKind = 'pods' | 'namespaces' | 'nodes' | 'contexts' | 'clusters' | 'users';

/** Values that name something, by the flag's long name; flags not here offer their choices or files. */
const VALUE_KIND: Record<string, NameKind> = {
  '--namespace': 'namespaces',
  '--context': 'contexts',
  '--cluster': 'clusters',
  '--user': 'users',
  '--node': 'nodes',
};
const FILE_FLAGS = new Set([
  '--kubeconfig',
  '--filename',
  '--certificate-authority',
  '--client-certificate',
  '--client-key',
]);

export type Plan =
  | { kind: 'words'; words: string[] }
  | { kind: 'names'; what: NameKind; prefix: string; wordPrefix: string }
  | { kind: 'files' };

/** The cluster a live lookup should ask, as the words so far chose it. */
export interface Target {
  namespace?: string;
  context?: string;
  kubeconfig?: string;
  allNamespaces: boolean;
}

export interface Completion {
  plan: Plan;
  target: Target;
}

const isFlag = (w: string) => w.startsWith('-') && w !== '-';

function findFlag(flags: FlagSpec[], word: string): FlagSpec | undefined {
  return flags.find((f) => f.long === word || f.short === word);
}

/** Where a flag's value comes from. */
function valuePlan(flag: FlagSpec, prefix: string, wordPrefix = ''): Plan {
  if (flag.choices) return { kind: 'words', words: flag.choices.map((c) => wordPrefix + c) };
  const what = flag.long ? VALUE_KIND[flag.long] : undefined;
  if (what) return { kind: 'names', what, prefix, wordPrefix };
  if (flag.long && FILE_FLAGS.has(flag.long)) return { kind: 'files' };
  return { kind: 'words', words: [] }; // a duration, a selector ...: nothing to offer
}

function flagWords(flags: FlagSpec[]): string[] {
  return flags.flatMap((f) => [f.long, f.short].filter((x): x is string => Boolean(x)));
}

export function plan(spec: ProgramSpec, typed: string[]): Completion {
  const words = typed.length ? typed : [''];
  const cur = words[words.length - 1];
  const target: Target = { allNamespaces: false };
  let command: CommandSpec | undefined;
  let positional = 0;
  let pending: FlagSpec | undefined; // a flag whose value is the next word
  let rest = false; // after `--`, every word is an argument
  // Before the command, the program's flags; after it, the command's (and the program's, but --version).
  const flags = () => (command ? [...command.flags, ...spec.flags.filter((f) => f.long !== '--version')] : spec.flags);
  const remember = (flag: FlagSpec, value: string) => {
    if (flag.long === '--namespace') target.namespace = value;
    if (flag.long === '--context') target.context = value;
    if (flag.long === '--kubeconfig') target.kubeconfig = value;
  };

  for (const w of words.slice(0, -1)) {
    if (pending) {
      remember(pending, w);
      pending = undefined;
    } else if (!rest && w === '--') {
      rest = true;
    } else if (!rest && isFlag(w)) {
      const eq = w.indexOf('=');
      if (w.startsWith('--') && eq > 0) {
        const f = findFlag(flags(), w.slice(0, eq));
        if (f) remember(f, w.slice(eq + 1));
      } else if (!w.startsWith('--') && w.length > 2) {
        // -An, -nweb: short flags together; one that takes a value takes the rest of the word, or the next word
        for (let i = 1; i < w.length; i++) {
          const f = findFlag(flags(), `-${w[i]}`);
          if (f?.long === '--all-namespaces') target.allNamespaces = true;
          if (!f?.takesValue) continue;
          if (i + 1 < w.length) remember(f, w.slice(i + 1));
          else pending = f;
          break;
        }
      } else {
        const f = findFlag(flags(), w);
        if (f?.long === '--all-namespaces') target.allNamespaces = true;
        if (f?.takesValue) pending = f;
      }
    } else if (!command) {
      command = spec.commands.find((c) => c.name === w);
      if (!command) return { plan: { kind: 'words', words: [] }, target }; // an unknown command
    } else {
      positional++;
    }
  }

  const choose = (p: Plan): Completion => ({ plan: filter(p, cur), target });
  if (pending) return choose(valuePlan(pending, cur));
  if (!rest && cur.startsWith('--') && cur.includes('=')) {
    const name = cur.slice(0, cur.indexOf('='));
    const f = findFlag(flags(), name);
    return choose(f?.takesValue ? valuePlan(f, cur.slice(name.length + 1), `${name}=`) : { kind: 'words', words: [] });
  }
  if (!rest && cur.startsWith('-')) return choose({ kind: 'words', words: [...flagWords(flags()), '--help'] });
  if (!command) return choose({ kind: 'words', words: spec.commands.map((c) => c.name) });
  const what = command.args[Math.min(positional, command.args.length - 1)];
  if (!what || (positional >= command.args.length && !command.variadic)) return choose({ kind: 'words', words: [] });
  if (Array.isArray(what)) return choose({ kind: 'words', words: what });
  // names and -A together are refused (src/options/flags.ts validateSelection): nothing to offer
  if (what === 'pods' && target.allNamespaces) return choose({ kind: 'words', words: [] });
  return choose({ kind: 'names', what, prefix: cur, wordPrefix: '' });
}

/** Only the words that start with what is typed, each once, in the order given. */
function filter(p: Plan, cur: string): Plan {
  if (p.kind !== 'words') return p;
  return { kind: 'words', words: [...new Set(p.words.filter((w) => w.startsWith(cur)))] };
}

// A name is offered only when the shell can take it back unquoted: a kubeconfig may name a context
// anything, and a completed word lands on the command line as it is (`;`, `$(...)` would run).
const SHELL_SAFE = /^[A-Za-z0-9._@:/+=,%^~-]+$/;

/** The live names that fit the plan, safe to put on a command line, sorted. */
export function offer(p: Extract<Plan, { kind: 'names' }>, names: string[]): string[] {
  const fit = names.filter((n) => n.startsWith(p.prefix) && SHELL_SAFE.test(n));
  return [...new Set(fit)].sort().map((n) => p.wordPrefix + n);
}
