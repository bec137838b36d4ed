// The scripts `podlens completion bash|zsh|fish` prints. Each asks `NAME __complete WORDS...` for
// the candidates (src/complete/run.ts decides them) and never evaluates what comes back: candidates
// are put on the command line as words, not run through eval, compgen -W or a glob.
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

// A function name from the command name (kubectl-podlens -> _kubectl_podlens).
const fn = (name: string) => `_${name.replace(/[^A-Za-z0-9]/g, '_')}`;

function bash(name: string): string {
  const f = fn(name);
  return `# bash completion for ${name}. Load it with: source <(${name} completion bash)
${f}() {
  local cur=\${COMP_WORDS[COMP_CWORD]}
  local -a words=("\${COMP_WORDS[@]:1:COMP_CWORD}") args=()
  local i w glue=0
  # bash splits --flag=value at '=' (COMP_WORDBREAKS): pass them on as --flag value.
  # It splits at ':' too (arn:aws:eks:..., kind-x:y): the pieces are joined again into one word.
  for ((i = 0; i < \${#words[@]}; i++)); do
    w=\${words[i]}
    if [[ $w == = && \${#args[@]} -gt 0 && \${args[-1]} == -* ]]; then
      ((i == \${#words[@]} - 1)) && args+=("") && cur=
      continue
    fi
    if [[ $w == :* && -z \${w//:/} && \${#args[@]} -gt 0 && $COMP_WORDBREAKS == *:* ]]; then
      args[-1]+=$w
      glue=1
      continue
    fi
    if ((glue)); then
      args[-1]+=$w
      glue=0
      continue
    fi
    args+=("$w")
  done
  # The whole word being completed (bash's own cur is only what follows its last ':').
  local full=\${args[-1]}
  ((\${#args[@]})) || full=
  local out
  out=$(${name} __complete "\${args[@]}" 2>/dev/null) || return 0
  local -a lines
  mapfile -t lines <<<"$out"
  local directive=\${lines[-1]}
  if [[ $directive == :* ]]; then
    unset 'lines[-1]'
    directive=\${directive#:}
  else
    directive=0
  fi
  if [[ $directive == 0 ]]; then
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
  fi
  COMPREPLY=()
  for w in "\${lines[@]}"; do [[ -n $w ]] && COMPREPLY+=("$w"); done
  # As kubectl's (cobra's) __ltrim_colon_completions: bash replaces only what follows the word's
  # last ':', so each candidate loses the part before it.
  if [[ $full == *:* && $COMP_WORDBREAKS == *:* ]]; then
    local before=\${full%"\${full##*:}"}
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[i]=\${COMPREPLY[i]#"$before"}; done
  fi
  return 0
}
complete -F ${f} ${name}
`;
}

function zsh(name: string): string {
  const f = fn(name);
  return `#compdef ${name}
# zsh completion for ${name}. Load it after compinit with: source <(${name} completion zsh)
${f}() {
  local out directive
  local -a lines
  out=$(${name} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null) || return 1
  lines=("\${(@f)out}")
  directive=\${lines[-1]}
  if [[ $directive == :* ]]; then
    lines[-1]=()
    directive=\${directive#:}
  else
    directive=0
  fi
  if [[ $directive == 0 ]]; then
    _files
    return
  fi
  (( \${#lines} )) && compadd -- "\${lines[@]}"
  return 0
}
if (( $+functions[compdef] )); then
  compdef ${f} ${name}
fi
`;
}

function fish(name: string): string {
  const f = fn(name);
  return `# fish completion for ${name}. Load it with: ${name} completion fish | source
function ${f}
    set -l words (commandline -opc)[2..-1] (commandline -ct)
    set -l lines (${name} __complete $words 2>/dev/null)
    or return
    set -l directive (string replace -r '^:' '' -- $lines[-1])
    set -e lines[-1]
    if test "$directive" = 0
        __fish_complete_path (commandline -ct)
        return
    end
    printf '%s\\n' $lines
end
complete -c ${name} -f -a '(${f})'
`;
}

export function completionScript(shell: Shell, name: string): string {
  return { bash, zsh, fish }[shell](name);
}
