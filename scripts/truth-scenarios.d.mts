// Types of scripts/truth-scenarios.mjs for the TypeScript tests that import it.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type Kubectl = (args: string[], input?: string) => Promise<string>;

export interface TruthScenario {
  objects: any[];
  prelude?: any[];
  preludeReady?: (pod: any) => boolean;
  ready: (pod: any, events: any[]) => boolean;
  before?: (k: Kubectl, ns: string, name: string) => Promise<unknown>;
  readyAfter?: (pod: any) => boolean;
  after?: (k: Kubectl, ns: string, name: string) => Promise<unknown>;
  logs?: [string, boolean][];
  logsUntil?: RegExp;
  neighbours?: string[];
}

export const TRUTH_SCENARIOS: Record<string, TruthScenario>;
