// The kind cluster's own life cycle, run by `npm test` after the kind tests when this run started
// kind (or under CI), as the local cluster's lifecycle test is: kind:up a second time answers that
// it is up; kind:down leaves no process, mount, network, iptables rule or state of the private
// dockerd behind; kind:up refuses with one sentence and its documented exit code when dockerd cannot
// start (3) or kind's subnet is taken (4); and kind:up brings it back (its warm time is reported, not
// asserted: the target is under 90 s).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../live/support.js';

/** cluster/kind/lib.sh's values, read by running it (one source of truth for names and paths). */
function kindSetting(name: string): string {
  return spawnSync('bash', ['-c', `source cluster/kind/lib.sh && printf %s "$${name}"`], {
    cwd: ROOT,
    encoding: 'utf8',
  }).stdout;
}
const STATE = kindSetting('KIND_STATE');
const DATA_ROOT = `${kindSetting('KIND_CACHE')}/docker`;
const SUBNET = kindSetting('KIND_SUBNET');
const GATEWAY = kindSetting('KIND_GATEWAY');

const sh = (command: string) => spawnSync('sh', ['-c', command], { encoding: 'utf8' }).stdout;

function script(name: 'up' | 'down', env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync('bash', [join(ROOT, 'cluster', 'kind', `${name}.sh`)], { encoding: 'utf8', env });
  return { code: r.status, stderr: r.stderr };
}

/** Everything of the kind cluster and its private dockerd still on the machine. */
function leftovers(libModulesWasCreated: boolean): string[] {
  const found: string[] = [];
  const ours = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(STATE);
      } catch {
        return false; // the process ended while we looked
      }
    });
  if (ours.length) found.push(`processes: ${ours.join(' ')}`);
  if (existsSync(STATE)) found.push(`state directory ${STATE}`);
  const mounts = sh('findmnt -rn -o TARGET')
    .split('\n')
    .filter((m) => m.startsWith(STATE) || m.startsWith(DATA_ROOT));
  if (mounts.length) found.push(`mounts: ${mounts.join(' ')}`);
  const rules = sh('iptables-save')
    .split('\n')
    .filter((r) => /DOCKER|br-[0-9a-f]{12}/.test(r));
  if (rules.length) found.push(`iptables: ${rules.join(' | ')}`);
  const links = sh('ip -o link show')
    .split('\n')
    .filter((l) => /: br-[0-9a-f]{12}[:@]|master br-[0-9a-f]{12}/.test(l));
  if (links.length) found.push(`links: ${links.map((l) => l.split(':')[1].trim()).join(' ')}`);
  if (sh('ip -o -4 addr show').includes(` ${GATEWAY}/`)) found.push(`the address ${GATEWAY} of kind's network`);
  if (libModulesWasCreated && existsSync('/lib/modules')) found.push('/lib/modules, which kind:up created');
  return found;
}

/** A PATH where `dockerd` is a program that fails as a broken dockerd does (its log names why). */
function pathWithBrokenDockerd(dir: string): string {
  const fake = join(dir, 'dockerd');
  writeFileSync(fake, '#!/bin/sh\necho \'level=fatal msg="podlens test: this dockerd cannot start"\'\nexit 1\n');
  chmodSync(fake, 0o755);
  return `${dir}:${process.env.PATH ?? ''}`;
}

test('kind:up twice, kind:down leaves nothing, kind:up refuses what it cannot do, then comes back', () => {
  const again = script('up');
  expect(again.code).toBe(0);
  expect(again.stderr).toMatch(/\[kind\] the kind cluster \S+ is already up/);

  const libModulesWasCreated = existsSync(join(STATE, 'lib-modules.created'));
  const down = script('down');
  process.stderr.write(down.stderr);
  const left = leftovers(libModulesWasCreated);

  // Faults, each from a clean machine: one sentence, its exit code, and kind:down cleans after it.
  const tmp = mkdtempSync(join(tmpdir(), 'podlens-kind-lifecycle-'));
  const broken = script('up', { ...process.env, PATH: pathWithBrokenDockerd(tmp) });
  rmSync(tmp, { recursive: true, force: true });
  const afterBroken = script('down');
  sh(`ip route add ${SUBNET} dev lo`);
  const taken = script('up');
  sh(`ip route del ${SUBNET} dev lo`);
  const afterTaken = script('down');
  const leftAfterFaults = leftovers(libModulesWasCreated);

  // Back up before any assertion, so that a failing check does not leave the cluster down.
  const started = Date.now();
  const up = script('up');
  const seconds = (Date.now() - started) / 1000;
  console.log(`kind:up after kind:down (node image cached) took ${seconds.toFixed(1)} s (exit ${up.code})`);

  expect(down.code).toBe(0);
  expect(down.stderr).toMatch(/\[kind\] kind cluster \S+ down/);
  expect(left).toEqual([]);

  expect(broken.code).toBe(3);
  const brokenErrors = broken.stderr.split('\n').filter((l) => l.startsWith('[kind] error:'));
  expect(brokenErrors).toEqual([expect.stringContaining('this dockerd cannot start')]);
  expect(broken.stderr).not.toMatch(/^\s+at /m);
  expect(afterBroken.code).toBe(0);

  expect(taken.code).toBe(4);
  const takenErrors = taken.stderr.split('\n').filter((l) => l.startsWith('[kind] error:'));
  expect(takenErrors).toEqual([expect.stringContaining(`subnet ${SUBNET} is already routed`)]);
  expect(afterTaken.code).toBe(0);
  expect(leftAfterFaults).toEqual([]);

  expect(up.code).toBe(0);
}, 600_000);
