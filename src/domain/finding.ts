// The one constructor of a status finding, shared by the container, scheduling and deletion rules.
import { clip } from './containers.js';
import type { Finding, Severity } from './report.js';

/**
 * Text from the cluster (a message) put inside one of podlens' sentences: without its closing
 * period and spaces, so that the sentence ends once ("... exceeds the limit "1Mi". ." never).
 */
export function clause(text: string): string {
  return text.trim().replace(/[.\s]+$/, '');
}

/** Words that end a sentence: a period, unless they end with a question or an exclamation. */
export function sentence(text: string): string {
  const t = clause(text);
  return /[?!]$/.test(t) ? t : `${t}.`;
}

/** A status finding; its short cause is clipped for the many-pods VERDICT column. */
export function statusFinding(
  severity: Severity,
  code: string,
  message: string,
  evidence: string[],
  container: string | undefined,
  cause: string,
): Finding {
  return {
    severity,
    code,
    message,
    ...(container ? { container } : {}),
    cause: clip(cause, 90),
    category: 'status',
    evidence,
  };
}
