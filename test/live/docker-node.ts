// A stand-in for a kind node, for the --via docker live tests: a private dockerd (its own data root,
// exec root, socket and pid file under a temp dir; no bridge, no iptables, no IP forwarding changes;
// its own managed containerd) running one container NAMED AS THE NODE, with ctr inside that reaches
// the cluster's containerd through a bind mount of its socket, and the host's PID namespace
// so /proc/PID/ns/net inside it is the node's. That is what kind's node container offers: a container
// called NODE in which `ctr -n k8s.io ...` talks to the node's containerd.
//
// The image is made with `docker import` from a small rootfs (busybox-static for sh, readlink,
// nsenter and ip; the host's /usr/bin/ctr and its shared libraries): no registry is needed.
// kind runs its node container --privileged; on hosts whose capability bounding set lacks a
// capability (this test VM lacks CAP_SYS_RESOURCE) runc refuses --privileged, so the stand-in gets
// the two capabilities podlens needs: SYS_PTRACE (readlink /proc/PID/ns/net of other processes) and
// SYS_ADMIN (nsenter -n), with seccomp unconfined.
//
// stop() removes everything it made: the container, dockerd and its containerd, mounts under the
// temp dir, the temp dir, the cgroups dockerd created, /run/docker (a path dockerd always uses), and
// leftovers() says what, if anything, is still there compared with before start.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  rmdirSync,
  copyFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sleep, type RunResult } from './support.js';

/**
 * Runs a program with stdin closed, collecting its output; never rejects on a non-zero exit.
 * (support.ts's run() writes stdin, which a program that exits at once answers with EPIPE.)
 */
export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      cmd,
      args,
      {
        env: { ...process.env, ...opts.env },
        timeout: opts.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
        if (e && typeof e.code === 'string') return reject(e); // could not start (ENOENT ...)
        resolve({ code: e ? (typeof e.code === 'number' ? e.code : 128) : 0, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => {}); // a program that exits at once closes its end first
    child.stdin?.end();
  });
}

/** Where dockerd comes from (Debian's docker.io: cluster/install-deps.sh installs it). */
export function dockerdPath(): string | undefined {
  return ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p));
}

interface HostState {
  links: string[];
  iptables: string[];
  ipForward: string;
  runDocker: boolean;
  etcDockerKey: boolean;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Network links, less the veth pairs other tests' pods come and go with. */
async function links(): Promise<string[]> {
  const r = await run('ip', ['-o', 'link', 'show']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(': ')[1]?.split('@')[0])
    .filter((n): n is string => Boolean(n) && !n.startsWith('veth'))
    .sort();
}

/**
 * iptables rules and chains, less counters and less the cluster's own: the CNI ones other tests' pods
 * come and go with, and the kubelet's KUBE-* (re-created when it restarts). dockerd's would be DOCKER*.
 */
async function iptables(): Promise<string[]> {
  const out: string[] = [];
  for (const cmd of ['iptables-save', 'ip6tables-save']) {
    const r = await run(cmd, []);
    out.push(
      ...r.stdout
        .split('\n')
        .filter((l) => l && !l.startsWith('#') && !/CNI-|KUBE-|cni0|podlens0/.test(l))
        .map((l) => l.replace(/\[\d+:\d+\]/, '')),
    );
  }
  return out;
}

async function hostState(): Promise<HostState> {
  return {
    links: await links(),
    iptables: await iptables(),
    ipForward: readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(),
    runDocker: existsSync('/run/docker'),
    etcDockerKey: existsSync('/etc/docker/key.json'),
  };
}

/** Processes whose command line or working directory mentions the path. */
function processesUsing(path: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      let cwd = '';
      try {
        cwd = readlinkSync(`/proc/${pid}/cwd`);
      } catch {
        // kernel threads, races
      }
      if (cmd.includes(path) || cwd.startsWith(path)) found.push(`${pid} ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Mount points at or under path, deepest first (octal escapes in mountinfo decoded). */
function mountsUnder(path: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => Boolean(m))
    .map((m) => m.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((m) => m === path || m.startsWith(`${path}/`))
    .reverse();
}

/** The cgroup directories named `name` directly under each v1 controller (and the v2 root). */
function cgroupDirs(name: string): string[] {
  const roots = existsSync(join(CGROUP_ROOT, 'cgroup.controllers'))
    ? [CGROUP_ROOT]
    : readdirSync(CGROUP_ROOT).map((c) => join(CGROUP_ROOT, c));
  return roots.map((r) => join(r, name)).filter((d) => existsSync(d));
}

/** Shared libraries a dynamic executable needs (empty for a static one). */
async function sharedLibs(binary: string): Promise<string[]> {
  const r = await run('ldd', [binary]);
  if (r.code !== 0) return []; // "not a dynamic executable"
  return r.stdout
    .split('\n')
    .map((l) => l.match(/=>\s*(\/\S+)/)?.[1] ?? l.trim().match(/^(\/\S+)/)?.[1])
    .filter((p): p is string => Boolean(p));
}

export interface DockerNode {
  /** The node name, which is the container's name. */
  node: string;
  dir: string;
  /** Environment for podlens and docker: DOCKER_HOST at the private daemon. */
  env: { DOCKER_HOST: string };
  docker(args: string[]): Promise<RunResult>;
  /** Replaces the node container by one from an image without ctr (for the "no ctr" sentence). */
  runWithoutCtr(): Promise<void>;
  stop(): Promise<void>;
  /** What is still there that start() made, in words; [] when nothing. */
  leftovers(): Promise<string[]>;
}

async function dockerOk(env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  const r = await run('docker', args, { env, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`docker ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** Makes a rootfs tarball: busybox-static (+ links), and ctr with its libraries when withCtr. */
async function rootfsTar(dir: string, name: string, withCtr: boolean): Promise<string> {
  const root = join(dir, name);
  for (const d of ['bin', 'usr/bin', 'proc', 'sys', 'dev', 'etc', 'tmp', 'run'])
    mkdirSync(join(root, d), { recursive: true });
  copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
  for (const applet of ['sh', 'sleep', 'readlink', 'nsenter', 'ip', 'cat', 'ls'])
    symlinkSync('busybox', join(root, 'bin', applet));
  if (withCtr) {
    copyFileSync('/usr/bin/ctr', join(root, 'usr', 'bin', 'ctr'));
    for (const lib of await sharedLibs('/usr/bin/ctr')) {
      mkdirSync(join(root, dirname(lib)), { recursive: true });
      copyFileSync(lib, join(root, lib));
    }
  }
  const tar = join(dir, `${name}.tar`);
  const r = await run('tar', ['-C', root, '-cf', tar, '.']);
  if (r.code !== 0) throw new Error(`tar failed: ${r.stderr}`);
  rmSync(root, { recursive: true, force: true });
  return tar;
}

/**
 * Starts the private dockerd and the node container. `socket` is the cluster's containerd socket,
 * mounted at the same path inside the container: the socket alone, not its directory, because
 * `docker run -v` binds recursively and that directory holds the mounts of every pod (rootfs, shm),
 * which the container's mount namespace would then hold copies of while it runs.
 */
export async function startDockerNode(node: string, socket: string): Promise<DockerNode> {
  const dockerd = dockerdPath();
  if (!dockerd)
    throw new Error('dockerd is not installed (Debian: apt-get install docker.io; cluster/install-deps.sh does)');
  const before = await hostState();
  const dir = mkdtempSync(join(tmpdir(), 'podlens-docker-'));
  const cgroupParent = `podlens-${dir.split('-').pop()}`;
  const sock = join(dir, 'docker.sock');
  const env = { DOCKER_HOST: `unix://${sock}` };
  // Not /etc/docker/daemon.json; and the trust key in the temp dir, not /etc/docker/key.json.
  writeFileSync(join(dir, 'daemon.json'), `${JSON.stringify({ 'deprecated-key-path': join(dir, 'key.json') })}\n`);
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  let daemon: ChildProcess | undefined;
  let containerdPid: number | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (daemon && daemon.exitCode === null && daemon.signalCode === null) {
      await run('docker', ['rm', '-f', node], { env, timeoutMs: 30_000 });
      const exited = new Promise<void>((resolve) => daemon!.once('exit', () => resolve()));
      daemon.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 20_000)))]);
      clearTimeout(timer);
      if (daemon.exitCode === null && daemon.signalCode === null) {
        daemon.kill('SIGKILL');
        await exited;
      }
    }
    // dockerd stops its containerd; make sure, by the pid it wrote.
    if (containerdPid) {
      try {
        process.kill(containerdPid, 0);
        process.kill(containerdPid, 'SIGKILL');
        await sleep(200);
      } catch {
        // gone, as it should be
      }
    }
    closeSync(log);
    for (const m of mountsUnder(dir)) {
      const r = await run('umount', [m]);
      if (r.code !== 0) await run('umount', ['-l', m]);
    }
    rmSync(dir, { recursive: true, force: true });
    for (const d of cgroupDirs(cgroupParent)) {
      for (const child of readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()))
        rmdirSync(join(d, child.name));
      rmdirSync(d);
    }
    if (!before.runDocker && existsSync('/run/docker')) rmSync('/run/docker', { recursive: true, force: true });
    if (!before.etcDockerKey && existsSync('/etc/docker/key.json')) rmSync('/etc/docker/key.json');
  };

  const leftovers = async (): Promise<string[]> => {
    const after = await hostState();
    const out: string[] = [];
    for (const p of processesUsing(dir)) out.push(`process ${p}`);
    if (containerdPid && existsSync(`/proc/${containerdPid}`)) out.push(`dockerd's containerd (pid ${containerdPid})`);
    for (const m of mountsUnder(dir)) out.push(`mount ${m}`);
    if (existsSync(dir)) out.push(`directory ${dir}`);
    for (const d of cgroupDirs(cgroupParent)) out.push(`cgroup ${d}`);
    const gained = (a: string[], b: string[]) => b.filter((x) => !a.includes(x));
    for (const l of gained(before.links, after.links)) out.push(`link ${l}`);
    for (const l of gained(after.links, before.links)) out.push(`link gone: ${l}`);
    for (const l of gained(before.iptables, after.iptables)) out.push(`iptables +${l}`);
    for (const l of gained(after.iptables, before.iptables)) out.push(`iptables -${l}`);
    if (after.ipForward !== before.ipForward) out.push(`net.ipv4.ip_forward ${before.ipForward} -> ${after.ipForward}`);
    if (after.runDocker !== before.runDocker) out.push('/run/docker');
    if (after.etcDockerKey !== before.etcDockerKey) out.push('/etc/docker/key.json');
    return out;
  };

  try {
    daemon = spawn(
      dockerd,
      [
        '--config-file',
        join(dir, 'daemon.json'),
        '--data-root',
        join(dir, 'data'),
        '--exec-root',
        join(dir, 'exec'),
        '--pidfile',
        join(dir, 'docker.pid'),
        '-H',
        env.DOCKER_HOST,
        '--iptables=false',
        '--ip6tables=false',
        '--ip-masq=false',
        '--ip-forward=false',
        '--bridge=none',
        '--cgroup-parent',
        `/${cgroupParent}`,
      ],
      { stdio: ['ignore', log, log], cwd: dir },
    );
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (daemon.exitCode !== null) throw new Error(`dockerd exited with ${daemon.exitCode}`);
      if ((await run('docker', ['version', '--format', '{{.Server.Version}}'], { env, timeoutMs: 10_000 })).code === 0)
        break;
      if (Date.now() > deadline) throw new Error('dockerd did not answer within 60s');
      await sleep(250);
    }
    const pidFile = join(dir, 'exec', 'containerd', 'containerd.pid');
    if (existsSync(pidFile)) containerdPid = Number(readFileSync(pidFile, 'utf8').trim()) || undefined;

    const image = 'podlens-kind-node:test';
    await dockerOk(env, [
      'import',
      '--change',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      await rootfsTar(dir, 'rootfs', true),
      image,
    ]);
    const runNode = async (img: string) =>
      dockerOk(env, [
        'run',
        '-d',
        '--name',
        node,
        '--pid=host',
        '--network=none',
        '--cap-add',
        'SYS_ADMIN',
        '--cap-add',
        'SYS_PTRACE',
        '--security-opt',
        'seccomp=unconfined',
        '-v',
        `${socket}:${socket}`,
        img,
        'sleep',
        '1000000',
      ]);
    await runNode(image);

    return {
      node,
      dir,
      env,
      docker: (args) => run('docker', args, { env, timeoutMs: 60_000 }),
      runWithoutCtr: async () => {
        await dockerOk(env, ['rm', '-f', node]);
        await dockerOk(env, [
          'import',
          '--change',
          'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin',
          await rootfsTar(dir, 'rootfs-noctr', false),
          'podlens-no-ctr:test',
        ]);
        await runNode('podlens-no-ctr:test');
      },
      stop,
      leftovers,
    };
  } catch (e) {
    const tail = existsSync(join(dir, 'dockerd.log'))
      ? readFileSync(join(dir, 'dockerd.log'), 'utf8').trim().split('\n').slice(-5).join('\n')
      : '';
    await stop();
    throw new Error(`${(e as Error).message}${tail ? `\ndockerd.log (last lines):\n${tail}` : ''}`);
  }
}
