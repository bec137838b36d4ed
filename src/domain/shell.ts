// The one way podlens writes a command for people to copy: each argument shell-quoted, so that a
// kubeconfig path with a space, a context name with `$(...)` or a value from the cluster stays one
// argument and is never run. These strings are printed, never executed by podlens.

/** An argument as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-./:=@,+]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argument vector as one command line. */
export function shellCommand(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}
