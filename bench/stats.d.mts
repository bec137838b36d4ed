// Types of bench/stats.mjs (the harness is plain JavaScript run by node; its unit tests are TypeScript).
export interface Transition {
  uid: string;
  change: 'created' | 'phase' | 'deleted' | 'endpoint';
  phase?: string;
  service?: string; // change 'endpoint'
  to?: string | null; // change 'endpoint': the pod's state in the Service's endpoints, null when not listed
  at?: number;
}
export interface WatchEvent {
  type: string;
  object: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  at?: number;
}
export function median(values: number[]): number;
export function percentile(values: number[], p: number): number;
export function pairedRatio(ours: number[], theirs: number[]): { ratios: number[]; median: number };
export function round(v: number, decimals?: number): number | null;
export function cpuSecondsFromStat(statText: string, clockTicks?: number): number;
export function peakRssMbFromStatus(statusText: string): number;
export function splitJsonStream(text: string): { values: unknown[]; rest: string };
export function jsonStreamSplitter(): { push(chunk: string): any[]; readonly pending: number }; // eslint-disable-line @typescript-eslint/no-explicit-any
export function transitionKey(t: Transition): string;
export function completeness(
  expected: Transition[],
  seen: Transition[],
): {
  expected: number;
  missed: number;
  duplicates: number;
  unexpected: number;
  examples: { missed: string[]; duplicates: string[]; unexpected: string[] };
};
export function podTransitions(events: WatchEvent[]): Transition[];
export function podlensTransition(
  line: { change: string; uid: string; to?: string | null },
  at?: number,
): Transition | undefined;
export function podlensEndpointTransition(
  line: { change: string; uid: string; service?: string; to?: string | null },
  at?: number,
): Transition | undefined;
export function endpointTransitions(events: WatchEvent[], initial?: unknown[]): Transition[];
export function lags(expected: Transition[], seen: Transition[]): number[];
export function table(rows: (string | number | null | undefined)[][]): string;
