// The local cluster's own life cycle, run by `npm test` after the live tests when they ran on the
// local cluster: cluster:down leaves nothing of the cluster on the machine, and a second
// cluster:up (binaries and images cached) is back in under 60 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../live/support.js';

const STATE = '/var/lib/podlens-cluster';

function sh(command: string): string {
  return spawnSync('sh', ['-c', command], { encoding: 'utf8' }).stdout;
}

function leftovers(): string[] {
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
  const rules = sh('iptables-save')
    .split('\n')
    .filter((r) => /CNI-|podlens/.test(r));
  if (rules.length) found.push(`iptables: ${rules.join(' | ')}`);
  const cgroups = sh('ls -d /sys/fs/cgroup/*/kubepods 2>/dev/null').trim();
  if (cgroups) found.push(`cgroups: ${cgroups}`);
  if (existsSync('/run/containerd/s') || existsSync('/run/containerd/runc/k8s.io'))
    found.push('containerd runtime files under /run/containerd');
  return found;
}

test('cluster:down removes everything the cluster made, and cluster:up is back in under 60 s', () => {
  const ipForwardBefore = readFileSync(join(STATE, 'run', 'ip_forward.orig'), 'utf8').trim();
  execFileSync('bash', [join(ROOT, 'cluster', 'down.sh')], { stdio: 'inherit' });
  expect(leftovers()).toEqual([]);
  expect(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()).toBe(ipForwardBefore);

  const started = Date.now();
  execFileSync('bash', [join(ROOT, 'cluster', 'up.sh')], { stdio: 'inherit' });
  const seconds = (Date.now() - started) / 1000;
  console.log(`second cluster:up took ${seconds.toFixed(1)} s`);
  expect(seconds).toBeLessThan(60);
  const ready = execFileSync(
    'kubectl',
    [
      '--kubeconfig',
      join(STATE, 'admin.kubeconfig'),
      'get',
      'nodes',
      '-o',
      'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}',
    ],
    { encoding: 'utf8' },
  );
  expect(ready).toBe('True');
}, 180_000);
