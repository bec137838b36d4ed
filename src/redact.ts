// The one redaction helper. The credential layer (src/kube/credentials.ts) registers every secret it
// handles (tokens, token files' contents, client keys, passwords, exec plugin output); the single
// top-level catch in src/cli.ts passes every message through redact() before printing it. Patterns
// catch what was never registered (a bearer header, a JWT, a PEM private key).
const secrets = new Set<string>();

/** Remembers a secret so that no message can print it. Values under 8 characters are not secrets worth hiding (and would hide ordinary words). */
export function registerSecret(value: string | undefined): void {
  const v = value?.trim();
  if (v && v.length >= 8) secrets.add(v);
}

const PATTERNS: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi,
  /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, // a JWT (ServiceAccount and OIDC tokens)
];

export const REDACTED = '[redacted]';

export function redact(text: string): string {
  let out = text;
  // Longest first, so that a secret containing another is replaced whole.
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  for (const p of PATTERNS)
    out = out.replace(p, (m) => (/^(bearer|basic)\s/i.test(m) ? `${m.split(/\s+/)[0]} ${REDACTED}` : REDACTED));
  return out;
}
