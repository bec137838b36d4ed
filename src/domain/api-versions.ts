// The apiVersion of each machine-readable shape podlens prints: one constant per schema. A change
// of shape changes the constant and the schema file together (schema/*.json; docs/reference.md).

/** `describe -o json|yaml`: the report and the PodSummaryList (schema/describe.v1.json). */
export const REPORT_API_VERSION = 'podlens.dev/v1';

/** `watch -o ndjson`: one PodTransition per line (schema/watch-event.v1.json). */
export const WATCH_API_VERSION = 'podlens.dev/v1';

/** `pause` and `node -o json|yaml`: the sandbox reports (no schema file yet). */
export const SANDBOX_API_VERSION = 'podlens.dev/v1';
