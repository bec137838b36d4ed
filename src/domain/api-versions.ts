// The apiVersion of each machine-readable shape podlens prints: one constant per schema. A change
// of shape changes the constant and the schema file together (schema/*.json; docs/reference.md).

/** `describe -o json|yaml`: PodReport, PodSummaryList and PodReportList (schema/describe.v2.json). */
export const REPORT_API_VERSION = 'podlens.dev/v2';

/** `watch -o ndjson|json`: one PodTransition per line or per object (schema/watch-event.v2.json). */
export const WATCH_API_VERSION = 'podlens.dev/v2';

/** `pause` and `node -o json|yaml`: the sandbox reports (no schema file yet). */
export const SANDBOX_API_VERSION = 'podlens.dev/v1';
