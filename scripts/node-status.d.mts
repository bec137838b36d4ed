// Types of scripts/node-status.mjs (the capture scripts are plain JavaScript run by node; live tests are TypeScript).
export interface NodeCondition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastHeartbeatTime: string;
  lastTransitionTime: string;
}
export function nodeCondition(type: string, status: string, reason: string, message: string): NodeCondition;
export function pressureCondition(type: 'MemoryPressure' | 'DiskPressure' | 'PIDPressure'): NodeCondition;
export function nodeConditionsPatch(node: string, conditions: NodeCondition[]): string[];
