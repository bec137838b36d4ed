// The one constructor of a status finding, shared by the container, scheduling and deletion rules.
import { clip } from './containers.js';
import type { Finding, Severity } from './report.js';

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
