// Loads the node-side output captured by scripts/capture-node-fixtures.sh (real ctr, readlink and ip
// output of the local cluster's node) and builds snapshots from it, as the collectors do.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeSnapshot } from '../../src/domain/sandbox-model.js';
import { normalizePod } from '../../src/kube/normalize.js';
import {
  parseContainerInfo,
  parseContainersLs,
  parseIpAddr,
  parseNetnsLink,
  parseTasksLs,
} from '../../src/node/parse.js';

export const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'node');
export const read = (f: string) => readFileSync(join(DIR, f), 'utf8');
export const files = (prefix: string) =>
  readdirSync(DIR)
    .filter((f) => f.startsWith(prefix))
    .sort();

export function apiPod(name: string) {
  return normalizePod(JSON.parse(read(`${name}.pod.json`)));
}

const access = {
  via: 'local' as const,
  how: 'test',
  containerdAddress: '/x.sock',
  containerdAddressFrom: 'test',
  commands: [],
};

/** The snapshot `podlens pause` would gather for one of the captured pods. */
export function podSnapshot(name: string): NodeSnapshot {
  const tasks = parseTasksLs(read('node.tasks-ls.txt'));
  const containers = files(`${name}.info.`).map((f) => parseContainerInfo(read(f)));
  const netns: Record<string, string> = {};
  for (const f of files(`${name}.readlink.`)) {
    const id12 = f.split('.')[2];
    const t = tasks.find((x) => x.id.startsWith(id12));
    if (t) netns[String(t.pid)] = parseNetnsLink(read(f));
  }
  const ipFile = files(`${name}.ip-addr`)[0];
  return {
    node: 'vm',
    access,
    containers,
    tasks,
    netns,
    netnsErrors: {},
    sandboxAddresses: ipFile ? parseIpAddr(read(ipFile)) : undefined,
  };
}

/** The snapshot `podlens node` would gather. */
export function nodeSnapshot(): NodeSnapshot {
  const ids = parseContainersLs(read('node.containers-ls.txt')).map((c) => c.id);
  const containers = ids.map((id) => parseContainerInfo(read(`node.info.${id.slice(0, 12)}.json`)));
  return { node: 'vm', access, containers, tasks: parseTasksLs(read('node.tasks-ls.txt')), netns: {}, netnsErrors: {} };
}

export function nodePods() {
  return (JSON.parse(read('node.pods.json')).items as unknown[]).map(normalizePod);
}
