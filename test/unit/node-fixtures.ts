// Loads the node-side output captured by scripts/capture-node-fixtures.sh (real ctr, readlink and ip
// output of the local cluster's node, containerd 1.6; and, under kind/, of a kind worker, containerd 2)
// and builds snapshots from it, as the collectors do.
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

/** The fixture sets: containerd 1.6 on the local cluster's node, containerd 2 on a kind worker. */
export const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'node');
export const SETS = [
  { runtime: 'containerd 1.6 (local cluster)', dir: ROOT_DIR },
  { runtime: 'containerd 2 (kind worker)', dir: join(ROOT_DIR, 'kind') },
];

const access = {
  via: 'local' as const,
  how: 'test',
  containerdAddress: '/x.sock',
  containerdAddressFrom: 'test',
  commands: [],
};

/** Readers and snapshot builders over one fixture directory. */
export function nodeFixtures(dir: string) {
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  const files = (prefix: string) =>
    readdirSync(dir)
      .filter((f) => f.startsWith(prefix))
      .sort();
  const apiPod = (name: string) => normalizePod(JSON.parse(read(`${name}.pod.json`)));

  /** The snapshot `podlens pause` would gather for one of the captured pods. */
  function podSnapshot(name: string): NodeSnapshot {
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
  function nodeSnapshot(): NodeSnapshot {
    const ids = parseContainersLs(read('node.containers-ls.txt')).map((c) => c.id);
    const containers = ids.map((id) => parseContainerInfo(read(`node.info.${id.slice(0, 12)}.json`)));
    return {
      node: 'vm',
      access,
      containers,
      tasks: parseTasksLs(read('node.tasks-ls.txt')),
      netns: {},
      netnsErrors: {},
    };
  }

  const nodePods = () => (JSON.parse(read('node.pods.json')).items as unknown[]).map(normalizePod);
  return { dir, read, files, apiPod, podSnapshot, nodeSnapshot, nodePods };
}

// The local cluster's set, as the tests written before the kind set import it.
export const { read, files, apiPod, podSnapshot, nodeSnapshot, nodePods } = nodeFixtures(ROOT_DIR);
