// The local cluster's own life cycle, run by `npm test` after the live tests when this run started
// the local cluster (or under CI): cluster:down leaves nothing of the cluster on the machine and
// touches nothing else, and cluster:up brings it back as it was (Ready node, CoreDNS). How long the
// second (cached) cluster:up took is reported, not asserted (the target is under 60 s).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../live/support.js';

const STATE = '/var/lib/podlens-cluster';

function sh(command: string): string {
  return spawnSync('sh', ['-c', command], { encoding: 'utf8' }).stdout;
}

/** What of containerd 1.6's fixed paths is ours: our containers' runc state, our shims' sockets. */
function containerdFiles(): { ids: string[]; staleSockets: Set<string> } {
  const ids = sh(`ctr --address ${STATE}/containerd/containerd.sock -n k8s.io containers ls -q 2>/dev/null`)
    .split('\n')
    .filter(Boolean);
  const listening: string[] = sh('ss -Hlx').match(/\/run\/containerd\/s\/[0-9a-f]+/g) ?? [];
  const files = existsSync('/run/containerd/s')
    ? readdirSync('/run/containerd/s').map((f) => `/run/containerd/s/${f}`)
    : [];
  return { ids, staleSockets: new Set(files.filter((f) => !listening.includes(f))) };
}

function leftovers(before: { ids: string[]; staleSockets: Set<string>; createdPaths: string[] }): string[] {
  const found: string[] = [];
  const ours = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.includes(STATE);
      } catch {
        return false; // the process ended while we looked
      }
    });
  if (ours.length) found.push(`processes: ${ours.join(' ')}`);
  if (existsSync(STATE)) found.push(`state directory ${STATE}`);
  const netns = existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith('cni-')) : [];
  if (netns.length) found.push(`network namespaces: ${netns.join(' ')}`);
  if (sh('ip -o link show').match(/podlens0/)) found.push('the podlens0 bridge or its veths');
  const mounts = sh('findmnt -rn -o TARGET')
    .split('\n')
    .filter((m) => m.includes(STATE) || m.includes('/run/netns/cni-'));
  if (mounts.length) found.push(`mounts: ${mounts.join(' ')}`);
  const rules = sh('iptables-save; ip6tables-save')
    .split('\n')
    .filter((r) => /CNI-|podlens|KUBE-/.test(r));
  if (rules.length) found.push(`iptables: ${rules.join(' | ')}`);
  const cgroups = sh('ls -d /sys/fs/cgroup/*/kubepods 2>/dev/null').trim();
  if (cgroups) found.push(`cgroups: ${cgroups}`);
  const runc = before.ids.filter((id) => existsSync(`/run/containerd/runc/k8s.io/${id}`));
  if (runc.length) found.push(`runc state of the cluster's containers: ${runc.join(' ')}`);
  const stale = [...containerdFiles().staleSockets].filter((f) => !before.staleSockets.has(f));
  if (stale.length) found.push(`shim sockets no one listens on: ${stale.join(' ')}`);
  const paths = before.createdPaths.filter((p) => existsSync(p));
  if (paths.length) found.push(`paths cluster:up created: ${paths.join(' ')}`);
  return found;
}

test('cluster:down removes everything the cluster made, and cluster:up brings it back', () => {
  const ipForwardBefore = readFileSync(join(STATE, 'run', 'ip_forward.orig'), 'utf8').trim();
  const createdPath = join(STATE, 'run', 'created-paths');
  const before = {
    ...containerdFiles(),
    createdPaths: existsSync(createdPath) ? readFileSync(createdPath, 'utf8').split('\n').filter(Boolean) : [],
  };
  const down = spawnSync('bash', [join(ROOT, 'cluster', 'down.sh')], { encoding: 'utf8' });
  process.stderr.write(down.stderr);
  const left = leftovers(before);
  const ipForwardAfter = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();

  // Back up before any assertion, so that a failing check does not leave the cluster down.
  const started = Date.now();
  execFileSync('bash', [join(ROOT, 'cluster', 'up.sh')], { stdio: 'inherit' });
  const seconds = (Date.now() - started) / 1000;
  // A reported figure (the target is under 60 s), not an assertion: timings are measured, not tested.
  console.log(`cluster:up after cluster:down (binaries and images cached) took ${seconds.toFixed(1)} s`);

  expect(down.status).toBe(0);
  // It says what it did.
  expect(down.stderr).toMatch(/\[cluster\] stopped kubelet, kube-proxy, .*kube-apiserver, etcd/);
  expect(down.stderr).toContain(`[cluster] removed ${STATE}`);
  expect(left).toEqual([]);
  expect(ipForwardAfter).toBe(ipForwardBefore);
  const dns = execFileSync(
    'kubectl',
    [
      '--kubeconfig',
      join(STATE, 'admin.kubeconfig'),
      '-n',
      'kube-system',
      'get',
      'deployment',
      'coredns',
      '-o',
      'jsonpath={.status.readyReplicas}',
    ],
    { encoding: 'utf8' },
  );
  expect(dns).toBe('1');
  const ready = execFileSync(
    'kubectl',
    [
      '--kubeconfig',
      join(STATE, 'admin.kubeconfig'),
      'get',
      'nodes',
      '-l',
      '!type',
      '-o',
      'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}',
    ],
    { encoding: 'utf8' },
  );
  expect(ready).toBe('True');
}, 180_000);
