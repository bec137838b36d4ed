// Types of bench/fake-pods.mjs (the harness is plain JavaScript run by node; live tests are TypeScript).
export interface Requester {
  request(method: string, path: string, body?: unknown): Promise<unknown>;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fakePod(name: string, nodeName: string, labels?: Record<string, string>): Record<string, any>;
export function createPods(kube: Requester, ns: string, pods: object[], inFlight?: number): Promise<void>;
export function createPodsWith(kubeconfigPath: string, ns: string, pods: object[], inFlight?: number): Promise<number>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function fakeService(name: string): Record<string, any>;
export function createObjects(kube: Requester, path: string, objects: object[], inFlight?: number): Promise<void>;
